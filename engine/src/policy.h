#pragma once
// Availability policy (SPEC §2 Policy): an immutable snapshot, replaced whole by the router on
// every policy event and handed to the shards in their queues, so each shard switches at the
// same point of the log without sharing mutable state.
#include <array>
#include <cstdint>
#include <vector>

namespace weave {

inline constexpr int64_t unbounded = INT64_MAX;
inline constexpr int64_t grace_default_us = 120'000'000;

struct channel_policy {
    bool all_locations = true;
    std::vector<bool> locations;  // by location id; ids past the end are outside the scope
    int64_t share = 100;
    int64_t max = unbounded;

    bool sells_from(uint32_t loc) const {
        return all_locations || (loc < locations.size() && locations[loc]);
    }
};

struct policy_snapshot {
    std::vector<channel_policy> channels;  // by channel id; missing ids take the defaults
    std::array<int64_t, 3> class_buffer = {0, 0, 0};  // A, B, C
    int64_t grace_default_us_ = grace_default_us;
    std::vector<int64_t> channel_grace_us;  // by channel id; -1: the default applies

    const channel_policy& channel(uint32_t id) const {
        static const channel_policy defaults{};
        return id < channels.size() ? channels[id] : defaults;
    }
    int64_t grace_us(uint32_t channel_id) const {
        if (channel_id < channel_grace_us.size() && channel_grace_us[channel_id] >= 0) {
            return channel_grace_us[channel_id];
        }
        return grace_default_us_;
    }
};

constexpr size_t class_index(char sku_class) { return static_cast<size_t>(sku_class - 'A'); }

} // namespace weave
