#pragma once
// Per-listing divergence state (SPEC §4). Listings move between shards when re-mapped, so their
// state lives in one store indexed by the global listing id; exactly one owner touches an entry at
// a time (the router while unmapped, then the shard of its SKU), and ownership passes through the
// shard queues, whose push/pop order the accesses.
#include <array>
#include <cstdint>
#include <memory>

#include "weave/divergence.h"
#include "weave/limits.h"
#include "weave/assert.h"

namespace weave {

// The history's values only ever meet an observed quantity, which SPEC §2 bounds to
// |q| <= 1e9, so they are kept as int32: a value beyond that bound can never match and is kept as
// this marker. Stops are event times and need all 64 bits.
inline constexpr int32_t history_unmatchable = INT32_MIN;
static_assert(qty_abs_max < INT32_MAX && -qty_abs_max > history_unmatchable);

// 168 bytes (208 with (int64, int64) history entries and plain bools; bench/README.md).
struct listing_state {
    int64_t expected = 0;
    int64_t t1_us = 0;  // when expected took its current value
    int64_t observed = 0;
    int64_t t0_us = 0;  // start of the current mismatch
    int64_t open_ts_us = 0;
    int64_t deadline_us = 0;
    // The last history_entries_max values of expected and when each stopped being current: a
    // ring written at history_next, history_count entries valid.
    std::array<int64_t, history_entries_max> history_stops_us{};
    std::array<int32_t, history_entries_max> history_values{};
    uint32_t sku = no_sku;  // global SKU id while mapped
    uint32_t sku_slot = UINT32_MAX;
    uint32_t next_in_sku = UINT32_MAX;  // intrusive list of the SKU's listings
    uint32_t deadline_generation = 0;
    uint32_t channel = 0;
    uint8_t history_count = 0;
    uint8_t history_next = 0;
    divergence_cause open_cause = divergence_cause::channel_edit;
    bool has_expected : 1 = false;
    bool observed_known : 1 = false;
    bool confirmed : 1 = false;
    bool mismatched : 1 = false;
    bool open : 1 = false;
    bool retired : 1 = false;
    bool last_ack_failed : 1 = false;
    bool deadline_pending : 1 = false;

    static int32_t history_value_of(int64_t value) {
        return value < -qty_abs_max || value > qty_abs_max ? history_unmatchable
                                                           : static_cast<int32_t>(value);
    }
    void push_history(int64_t value, int64_t stop_us) {
        history_values[history_next] = history_value_of(value);
        history_stops_us[history_next] = stop_us;
        history_next = static_cast<uint8_t>((history_next + 1) % history_entries_max);
        if (history_count < history_entries_max) {
            history_count++;
        }
    }
    bool history_has(int64_t value, int64_t stop_min_us) const {
        if (value < -qty_abs_max || value > qty_abs_max) {
            return false;  // not an observable quantity: equal to no history value
        }
        const auto wanted = static_cast<int32_t>(value);
        for (uint8_t i = 0; i < history_count; i++) {
            if (history_values[i] == wanted && history_stops_us[i] >= stop_min_us) {
                return true;
            }
        }
        return false;
    }
};
static_assert(sizeof(listing_state) == 168);

// Segmented store: stable addresses, growth by whole segments, a fixed segment table so that
// readers never see it move.
class listing_store {
public:
    static constexpr uint32_t segment_bits = 12;
    static constexpr uint32_t segment_size = 1u << segment_bits;
    static constexpr uint32_t segments_max = 1u << 16;

    listing_store() : _segments(new std::unique_ptr<listing_state[]>[segments_max]) {}

    // Called by the router before any record naming `id` is sent.
    void ensure(uint32_t id) {
        const uint32_t segment = id >> segment_bits;
        WEAVE_ASSERT(segment < segments_max);
        if (!_segments[segment]) {
            _segments[segment] = std::make_unique<listing_state[]>(segment_size);
        }
    }
    listing_state& operator[](uint32_t id) {
        WEAVE_DASSERT(_segments[id >> segment_bits]);
        return _segments[id >> segment_bits][id & (segment_size - 1)];
    }
    const listing_state& operator[](uint32_t id) const {
        WEAVE_DASSERT(_segments[id >> segment_bits]);
        return _segments[id >> segment_bits][id & (segment_size - 1)];
    }

private:
    std::unique_ptr<std::unique_ptr<listing_state[]>[]> _segments;
};

} // namespace weave
