// The engine's whole state as bytes and back (live mode snapshots). One function per structure
// serves both directions, so writing and reading cannot drift apart. Taken only while the shards
// are caught up (router::sync), so the queues are empty and every structure is at rest.
#include "snapshot.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <stdexcept>
#include <type_traits>

namespace weave {
namespace {

constexpr char snapshot_magic[8] = {'W', 'V', 'S', 'N', 'A', 'P', '\0', '\0'};
// 2: listing_state with int32 history values and packed flags (168 bytes). 1 is still read.
constexpr uint32_t snapshot_version = 2;
constexpr uint32_t snapshot_version_oldest = 1;

// listing_state as version 1 snapshots hold it (208 bytes), converted on restore.
struct listing_state_v1 {
    int64_t expected, t1_us, observed, t0_us, open_ts_us, deadline_us;
    struct {
        int64_t value, stop_us;
    } history[history_entries_max];
    uint32_t sku, sku_slot, next_in_sku, deadline_generation, channel;
    uint8_t history_count, history_next;
    divergence_cause open_cause;
    // The flags were bools; read as bytes, so a damaged file cannot make an invalid bool.
    uint8_t has_expected, observed_known, confirmed, mismatched, open, retired, last_ack_failed,
        deadline_pending;
};
static_assert(sizeof(listing_state_v1) == 208);

listing_state from_v1(const listing_state_v1& old) {
    listing_state state;
    state.expected = old.expected;
    state.t1_us = old.t1_us;
    state.observed = old.observed;
    state.t0_us = old.t0_us;
    state.open_ts_us = old.open_ts_us;
    state.deadline_us = old.deadline_us;
    for (size_t i = 0; i < history_entries_max; i++) {
        state.history_values[i] = listing_state::history_value_of(old.history[i].value);
        state.history_stops_us[i] = old.history[i].stop_us;
    }
    state.sku = old.sku;
    state.sku_slot = old.sku_slot;
    state.next_in_sku = old.next_in_sku;
    state.deadline_generation = old.deadline_generation;
    state.channel = old.channel;
    state.history_count = old.history_count;
    state.history_next = old.history_next;
    state.open_cause = old.open_cause;
    state.has_expected = old.has_expected != 0;
    state.observed_known = old.observed_known != 0;
    state.confirmed = old.confirmed != 0;
    state.mismatched = old.mismatched != 0;
    state.open = old.open != 0;
    state.retired = old.retired != 0;
    state.last_ack_failed = old.last_ack_failed != 0;
    state.deadline_pending = old.deadline_pending != 0;
    return state;
}

struct snapshot_writer {
    static constexpr bool reading = false;
    std::string& out;

    template <class T>
    void pod(T& value) {
        static_assert(std::is_trivially_copyable_v<T>);
        static_assert(std::has_unique_object_representations_v<T>,
                      "spell padding out as zeroed fields: equal states write equal bytes");
        out.append(reinterpret_cast<const char*>(&value), sizeof value);
    }
    template <class T, class Allocator>
    void vec(std::vector<T, Allocator>& values) {
        static_assert(std::is_trivially_copyable_v<T>);
        static_assert(std::has_unique_object_representations_v<T>,
                      "spell padding out as zeroed fields: equal states write equal bytes");
        uint64_t count = values.size();
        pod(count);
        if (count != 0) { // an empty vector's data() may be null, which memcpy must not get
            out.append(reinterpret_cast<const char*>(values.data()), count * sizeof(T));
        }
    }
};

// A dry run of the writer that only counts bytes, so the output is allocated once: growing a
// string of hundreds of MB by doubling cost most of a snapshot's time in copies and page faults
// (bench: BM_live_snapshot), and `weave serve` holds its sequencer lock meanwhile.
struct snapshot_sizer {
    static constexpr bool reading = false;
    size_t bytes = 0;

    template <class T>
    void pod(T&) {
        bytes += sizeof(T);
    }
    template <class T, class Allocator>
    void vec(std::vector<T, Allocator>& values) {
        bytes += sizeof(uint64_t) + values.size() * sizeof(T);
    }
};

// The vector under a priority queue, in its heap order: written and read back as it is, the
// queue after a restore pops exactly as before it (ties included), with no O(n log n) pops.
template <class Queue>
auto& heap_of(Queue& queue) {
    struct access : Queue {
        static auto& of(Queue& q) { return q.*(&access::c); }
    };
    return access::of(queue);
}

struct snapshot_reader {
    static constexpr bool reading = true;
    std::string_view in;
    size_t at = 0;

    void need(uint64_t bytes) const {
        if (bytes > in.size() - at) {
            throw std::runtime_error("snapshot is truncated");
        }
    }
    template <class T>
    void pod(T& value) {
        static_assert(std::is_trivially_copyable_v<T>);
        need(sizeof value);
        std::memcpy(&value, in.data() + at, sizeof value);
        at += sizeof value;
    }
    template <class T, class Allocator>
    void vec(std::vector<T, Allocator>& values) {
        static_assert(std::is_trivially_copyable_v<T>);
        uint64_t count = 0;
        pod(count);
        if (count > (in.size() - at) / sizeof(T)) {
            throw std::runtime_error("snapshot is truncated");
        }
        values.resize(count);
        if (count != 0) {
            std::memcpy(values.data(), in.data() + at, count * sizeof(T));
        }
        at += count * sizeof(T);
    }
};

// A count read back that must not exceed what a snapshot can hold.
template <class Archive>
uint64_t count_of(Archive& a, uint64_t count, uint64_t limit) {
    a.pod(count);
    if (count > limit) {
        throw std::runtime_error("snapshot holds an impossible count");
    }
    return count;
}

} // namespace

struct snapshot_access {
    template <class Archive>
    static void io(Archive& a, intern_table& table) {
        a.vec(table._bytes);
        a.vec(table._offsets);
        a.vec(table._lengths);
        if constexpr (Archive::reading) {
            if (table._offsets.size() != table._lengths.size()) {
                throw std::runtime_error("snapshot intern table is inconsistent");
            }
            for (size_t id = 0; id < table._offsets.size(); id++) {
                if (table._offsets[id] > table._bytes.size() ||
                    table._lengths[id] > table._bytes.size() - table._offsets[id]) {
                    throw std::runtime_error("snapshot intern table is inconsistent");
                }
            }
            table.rebuild_slots();
        }
    }

    template <class Archive>
    static void io(Archive& a, router& r) {
        for (intern_table* table : {&r._ids, &r._skus, &r._locs, &r._channels, &r._listings_by_key,
                                    &r._orders, &r._transfers, &r._returns_keys}) {
            io(a, *table);
        }
        a.vec(r._sku_entries);
        a.vec(r._listing_entries);
        a.vec(r._order_lines);
        a.vec(r._transfer_entries);
        a.vec(r._returns_pending);
        a.vec(r._shard_slot_count);
        a.vec(r._shard_line_count);
        a.vec(r._shard_transfer_count);
        for (auto& skus : r._slot_skus) {
            a.vec(skus);
        }
        const uint64_t policies =
            count_of(a, r._channel_policies.size(), a.reading ? UINT32_MAX : UINT64_MAX);
        if constexpr (Archive::reading) {
            r._channel_policies.clear();
            for (uint64_t i = 0; i < policies; i++) {
                r._channel_policies.push_back(std::make_unique<channel_policy>());
            }
        }
        for (auto& policy : r._channel_policies) {
            a.pod(policy->all_locations);
            std::vector<uint8_t> locations(policy->locations.begin(), policy->locations.end());
            a.vec(locations);
            policy->locations.assign(locations.begin(), locations.end());
            a.pod(policy->share);
            a.pod(policy->max);
        }
        a.pod(r._watermark_us);
        a.pod(r._last_applied_seq);
        a.pod(r._line_base);
        a.pod(r._counters);
        a.vec(r._rejects);
        a.vec(r._divergences);
        if constexpr (Archive::reading) {
            if (r._shard_slot_count.size() != r._shard_count ||
                r._shard_line_count.size() != r._shard_count ||
                r._shard_transfer_count.size() != r._shard_count ||
                r._sku_entries.size() != r._skus.size() ||
                r._listing_entries.size() != r._listings_by_key.size()) {
                throw std::runtime_error("snapshot router tables are inconsistent");
            }
        }
    }

    template <class Archive>
    static void io(Archive& a, shard& s, const router& r) {
        // Policies are shared objects owned by the router: stored as 1 + their index, 0 = null.
        std::map<const channel_policy*, uint64_t> index_of;
        for (size_t i = 0; i < r._channel_policies.size(); i++) {
            index_of[r._channel_policies[i].get()] = i + 1;
        }
        std::vector<uint64_t> channels;
        for (const channel_policy* policy : s._policy.channels) {
            channels.push_back(policy == nullptr ? 0 : index_of.at(policy));
        }
        a.vec(channels);
        if constexpr (Archive::reading) {
            s._policy.channels.clear();
            for (uint64_t index : channels) {
                if (index > r._channel_policies.size()) {
                    throw std::runtime_error("snapshot names an unknown channel policy");
                }
                s._policy.channels.push_back(index == 0 ? nullptr
                                                        : r._channel_policies[index - 1].get());
            }
        }
        a.pod(s._policy.class_buffer);
        a.pod(s._policy.grace_default_us);
        a.vec(s._policy.channel_grace_us);
        a.vec(s._skus);
        a.vec(s._stock);
        a.vec(s._line_open);
        a.vec(s._transfer_remaining);
        a.vec(s._rejected);
        a.vec(s._rejected_previous);
        auto& deadlines = heap_of(s._deadlines);
        a.vec(deadlines);
        if constexpr (Archive::reading) {
            if (!std::is_heap(deadlines.begin(), deadlines.end(), std::greater<>())) {
                throw std::runtime_error("snapshot deadlines are not a heap");
            }
        }
        a.vec(s._divergences);
        a.vec(s._lag_samples_us);
        a.pod(s._counters);
        a.pod(s._produced_seq);
        a.pod(s._produced_index);
    }
};

namespace {

template <class Archive>
void write_engine(Archive& a, router& route, const std::vector<shard*>& shards,
                  listing_store& listings) {
    uint32_t version = snapshot_version;
    uint32_t shard_count = route.shard_count();
    WEAVE_ASSERT(shards.size() == shard_count);
    a.pod(version);
    a.pod(shard_count);
    snapshot_access::io(a, route);
    for (shard* s : shards) {
        snapshot_access::io(a, *s, route);
    }
    uint64_t listing_count = route.listing_count();
    a.pod(listing_count);
    for (uint32_t id = 0; id < listing_count; id++) {
        a.pod(listings[id]);
    }
}

} // namespace

void append_engine_snapshot(std::string& out, router& route, const std::vector<shard*>& shards,
                            listing_store& listings, size_t room_after) {
    snapshot_sizer size;
    write_engine(size, route, shards, listings);
    out.reserve(out.size() + sizeof snapshot_magic + size.bytes + room_after);
    const size_t expected = out.size() + sizeof snapshot_magic + size.bytes;
    out.append(snapshot_magic, sizeof snapshot_magic);
    snapshot_writer a{out};
    write_engine(a, route, shards, listings);
    WEAVE_ASSERT(out.size() == expected);
}

unsigned engine_snapshot_shards(std::string_view bytes) {
    if (bytes.size() < sizeof snapshot_magic + 8 ||
        std::memcmp(bytes.data(), snapshot_magic, sizeof snapshot_magic) != 0) {
        throw std::runtime_error("not a weave snapshot");
    }
    uint32_t version = 0, shard_count = 0;
    std::memcpy(&version, bytes.data() + sizeof snapshot_magic, 4);
    std::memcpy(&shard_count, bytes.data() + sizeof snapshot_magic + 4, 4);
    if (version < snapshot_version_oldest || version > snapshot_version) {
        throw std::runtime_error("snapshot version " + std::to_string(version) +
                                 " is not one this weave reads (" +
                                 std::to_string(snapshot_version_oldest) + " to " +
                                 std::to_string(snapshot_version) + ")");
    }
    if (shard_count == 0 || shard_count > shards_max) {
        throw std::runtime_error("snapshot holds an impossible shard count");
    }
    return shard_count;
}

void read_engine_snapshot(std::string_view bytes, router& route, const std::vector<shard*>& shards,
                          listing_store& listings) {
    const unsigned shard_count = engine_snapshot_shards(bytes);
    WEAVE_ASSERT(shards.size() == shard_count && route.shard_count() == shard_count);
    snapshot_reader a{bytes, sizeof snapshot_magic + 8};
    snapshot_access::io(a, route);
    for (shard* s : shards) {
        snapshot_access::io(a, *s, route);
    }
    uint64_t listing_count = 0;
    a.pod(listing_count);
    if (listing_count != route.listing_count()) {
        throw std::runtime_error("snapshot listing count is inconsistent");
    }
    uint32_t version = 0;
    std::memcpy(&version, bytes.data() + sizeof snapshot_magic, 4);
    for (uint32_t id = 0; id < listing_count; id++) {
        listings.ensure(id);
        if (version == 1) {
            listing_state_v1 old{};
            a.pod(old);
            listings[id] = from_v1(old);
        } else {
            a.pod(listings[id]);
        }
        if (listings[id].history_count > history_entries_max ||
            listings[id].history_next >= history_entries_max) {
            throw std::runtime_error("snapshot listing history is inconsistent");
        }
    }
    if (a.at != bytes.size()) {
        throw std::runtime_error("snapshot has trailing bytes");
    }
}

} // namespace weave
