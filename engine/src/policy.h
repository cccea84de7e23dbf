#pragma once
// Availability policy (SPEC §2 Policy). A channel's policy is an immutable object made by the
// router for each policy.channel event; shards point at it from their own policy_state.
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

// One shard's copy of the policy, changed in log order by the policy records in its queue: a
// policy event costs O(1) to pass on, whatever the number of channels (a snapshot per event
// would grow memory with channels x events).
struct policy_state {
    std::vector<const channel_policy*> channels;  // by channel id; null: the defaults
    std::array<int64_t, 3> class_buffer = {0, 0, 0};  // A, B, C
    int64_t grace_default_us = weave::grace_default_us;
    std::vector<int64_t> channel_grace_us;  // by channel id; -1: the default applies

    const channel_policy& channel(uint32_t id) const {
        static const channel_policy defaults{};
        return id < channels.size() && channels[id] != nullptr ? *channels[id] : defaults;
    }
    int64_t grace_us(uint32_t channel_id) const {
        if (channel_id < channel_grace_us.size() && channel_grace_us[channel_id] >= 0) {
            return channel_grace_us[channel_id];
        }
        return grace_default_us;
    }
    void set_channel(uint32_t id, const channel_policy* policy) {
        if (id >= channels.size()) channels.resize(static_cast<size_t>(id) + 1, nullptr);
        channels[id] = policy;
    }
    void set_grace(uint32_t id, int64_t grace_us) {
        if (id >= channel_grace_us.size()) {
            channel_grace_us.resize(static_cast<size_t>(id) + 1, -1);
        }
        channel_grace_us[id] = grace_us;
    }
};

constexpr size_t class_index(char sku_class) { return static_cast<size_t>(sku_class - 'A'); }

} // namespace weave
