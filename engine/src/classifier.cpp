// SPEC §4's classification table: the first row that matches wins, tested on the shard's state
// at the moment the divergence opens.
#include "shard.h"

namespace weave {

bool shard::rejected_movement_explains(const sku_state& sku, const listing_state& state,
                                       int64_t t_us) const {
    const int64_t grace = _policy.grace_us(state.channel);
    size_t scanned = 0;
    for (uint32_t i = sku.newest_rejected; i != UINT32_MAX && scanned < rejected_movements_scan_max;
         i = _rejected_previous[i], scanned++) {
        const shard_record& rejected = _rejected[i];
        if (rejected.ts_us < t_us - grace || rejected.ts_us > t_us) {
            continue;
        }
        int64_t delta = 0;
        if ((rejected.flags & record_nothing_to_apply) ||
            !rejected_pool_delta(rejected, _policy.channel(state.channel), sku, delta)) {
            continue;
        }
        expected_variant variant;
        variant.rejected = &rejected;
        if (expected_for(sku, state.channel, variant) == state.observed) {
            return true;
        }
    }
    return false;
}

divergence_cause shard::classify(uint32_t listing, int64_t t_us) const {
    const listing_state& state = _listings[listing];
    WEAVE_ASSERT(state.observed_known);
    WEAVE_ASSERT(state.sku_slot < _skus.size());
    const sku_state& sku = _skus[state.sku_slot];
    if (state.retired) {
        return divergence_cause::retired_listing;
    }
    for (uint32_t l = sku.first_listing; l != UINT32_MAX; l = _listings[l].next_in_sku) {
        if (l != listing && _listings[l].channel == state.channel && !_listings[l].retired) {
            return divergence_cause::duplicate_listing;
        }
    }
    const bool in_history = state.history_has(state.observed, INT64_MIN);
    if (!state.confirmed && state.last_ack_failed) {
        return divergence_cause::publish_failed;
    }
    if (!state.confirmed && in_history) {
        return divergence_cause::stale_value;
    }
    if (rejected_movement_explains(sku, state, t_us)) {
        return divergence_cause::rejected_movement;
    }
    struct row {
        expected_variant variant;
        divergence_cause cause;
    };
    static constexpr row rows[] = {
        {{.inbound_counted = true}, divergence_cause::in_transit_counted},
        {{.returns_counted = true}, divergence_cause::returns_counted},
        {{.buffer_zero = true}, divergence_cause::buffer_ignored},
        {{.no_reservations = true}, divergence_cause::reservations_ignored},
        {{.all_locations = true}, divergence_cause::location_scope},
        {{.share_full = true}, divergence_cause::share_ignored},
    };
    for (const row& r : rows) {
        if (expected_for(sku, state.channel, r.variant) == state.observed) {
            return r.cause;
        }
    }
    return in_history ? divergence_cause::stale_value : divergence_cause::channel_edit;
}

} // namespace weave
