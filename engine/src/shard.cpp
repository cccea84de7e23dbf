// Divergence tracking of one shard (SPEC §4): expected changes, observations, grace deadlines
// fired by the watermark, open and close records and publish-lag samples.
#include "shard.h"

#include <algorithm>

namespace weave {

shard::shard(listing_store& listings) : _listings(listings) {}

void shard::process(const shard_record& record) {
    if (record.op == shard_op::sync) {
        return;
    }
    WEAVE_DASSERT(record.seq >= _produced_seq);
    _produced_seq = record.seq;
    _produced_index = 0;
    _counters.records++;
    // SPEC §4: before an applied event takes effect, every pending deadline d < W fires. The
    // router stamps each record with W; records of other shards cannot change this shard's
    // state, so firing here, lazily, gives the same opens as firing at the event itself.
    // A record that is not an applied event (a remembered reject, the end of the log) stands
    // for the next applied event only for deadlines armed before the last applied one: those
    // armed by it (a new mismatch, a grace change) wait for an applied event to fire.
    const bool applied = record.op != shard_op::rejected_movement &&
                         record.op != shard_op::end && record.op != shard_op::clock;
    fire_deadlines(record.watermark_us, applied ? UINT64_MAX : record.applied_seq);
    switch (record.op) {
    case shard_op::receipt:
    case shard_op::order:
    case shard_op::cancel:
    case shard_op::ship:
    case shard_op::return_:
    case shard_op::restock:
    case shard_op::transfer_out:
    case shard_op::transfer_in:
    case shard_op::adjust:
    case shard_op::count:
        apply_movement(record);
        break;
    case shard_op::sku_define: {
        sku_state& sku = sku_at(record.sku_slot);
        sku.sku_class = record.sku_class;
        refresh_sku(sku, record);
        break;
    }
    case shard_op::buffer_own: {
        sku_state& sku = sku_at(record.sku_slot);
        sku.own_buffer = record.qty;
        refresh_sku(sku, record);
        break;
    }
    case shard_op::listing_attach:
        attach(record);
        break;
    case shard_op::listing_detach:
        detach(record.listing);
        break;
    case shard_op::listing_retire:
        _listings[record.listing].retired = true;
        break;
    case shard_op::policy_channel:
        WEAVE_ASSERT(record.policy != nullptr);
        _policy.set_channel(record.channel, record.policy);
        refresh_all(record);
        break;
    case shard_op::policy_class_buffer:
        _policy.class_buffer[class_index(record.sku_class)] = record.qty;
        refresh_all(record);
        break;
    case shard_op::policy_grace:
        if (record.channel == no_channel) {
            _policy.grace_default_us = record.qty;
        } else {
            _policy.set_grace(record.channel, record.qty);
        }
        rebuild_deadlines();
        break;
    case shard_op::observe:
        _listings[record.listing].last_ack_failed =
            (record.flags & record_is_ack) ? false : _listings[record.listing].last_ack_failed;
        observe(record.listing, record.qty, record);
        break;
    case shard_op::ack_failed:
        _listings[record.listing].last_ack_failed = true;
        break;
    case shard_op::rejected_movement: {
        sku_state& sku = sku_at(record.sku_slot);
        _rejected_previous.push_back(sku.newest_rejected);
        sku.newest_rejected = static_cast<uint32_t>(_rejected.size());
        _rejected.push_back(record);
        break;
    }
    case shard_op::clock:
    case shard_op::sync:
    case shard_op::end:
        break;
    }
}

void shard::fire_deadlines(int64_t watermark_us, uint64_t armed_before) {
    while (!_deadlines.empty() && _deadlines.top().due_us < watermark_us) {
        const deadline due = _deadlines.top();
        _deadlines.pop();
        listing_state& state = _listings[due.listing];
        if (state.deadline_generation != due.generation || !state.deadline_pending) {
            continue;  // dropped: the mismatch ended, or was rescheduled
        }
        if (due.armed_seq >= armed_before) {
            _deferred.push_back(due);
            continue;
        }
        state.deadline_pending = false;
        if (state.mismatched && !state.open) {
            open(due.listing, due.due_us, 0);
        }
    }
    for (const deadline& due : _deferred) {
        _deadlines.push(due);
    }
    _deferred.clear();
}

void shard::refresh_sku(sku_state& sku, const shard_record& record) {
    for (uint32_t l = sku.first_listing; l != UINT32_MAX; l = _listings[l].next_in_sku) {
        update_listing(l, expected_for(sku, _listings[l].channel), record);
    }
}

void shard::refresh_all(const shard_record& record) {
    for (sku_state& sku : _skus) {
        refresh_sku(sku, record);
    }
}

void shard::update_listing(uint32_t listing, int64_t expected, const shard_record& record) {
    listing_state& state = _listings[listing];
    const bool was_mismatched = state.mismatched;
    if (expected != state.expected) {
        state.push_history(state.expected, record.ts_us);
        state.expected = expected;
        state.t1_us = record.ts_us;
        state.confirmed = false;
        note_expected_changed(listing);
    }
    judge(listing, was_mismatched, record, false);
}

void shard::observe(uint32_t listing, int64_t qty, const shard_record& record) {
    listing_state& state = _listings[listing];
    WEAVE_ASSERT(state.has_expected);
    const bool was_mismatched = state.mismatched;
    state.observed = qty;
    state.observed_known = true;
    judge(listing, was_mismatched, record, true);
}

void shard::judge(uint32_t listing, bool was_mismatched, const shard_record& record,
                  bool observation) {
    listing_state& state = _listings[listing];
    const int64_t ts = record.ts_us;
    const bool mismatched = state.observed_known && state.observed != state.expected;
    if (mismatched) {
        if (!was_mismatched) {
            state.mismatched = true;
            state.t0_us = ts;
            schedule_deadline(listing);
        }
        // Opened by an observation unless the channel shows a value it recently had to show.
        if (observation && !state.open) {
            const int64_t grace = _policy.grace_us(state.channel);
            if (!state.history_has(state.observed, ts - grace)) {
                open(listing, ts, record.seq);
            }
        }
        return;
    }
    if (state.observed_known) {
        state.confirmed = true;
    }
    if (was_mismatched) {
        state.mismatched = false;
        state.deadline_pending = false;
        state.deadline_generation++;
        if (state.open) {
            close(listing, ts, record.seq);
        }
        if (observation) {
            _lag_samples_us.push_back(std::max<int64_t>(0, ts - std::max(state.t0_us,
                                                                          state.t1_us)));
        }
    }
}

void shard::attach(const shard_record& record) {
    const uint32_t listing = record.listing;
    sku_state& sku = sku_at(record.sku_slot);
    listing_state& state = _listings[listing];
    state.sku_slot = record.sku_slot;
    state.sku = record.loc;  // attach records carry the global SKU id in `loc`
    state.channel = record.channel;
    state.retired = false;
    state.next_in_sku = sku.first_listing;
    sku.first_listing = listing;
    const bool was_mismatched = state.mismatched;
    const int64_t expected = expected_for(sku, state.channel);
    if (!state.has_expected) {
        state.has_expected = true;
        state.expected = expected;
        state.t1_us = record.ts_us;
        note_expected_changed(listing);
    } else if (expected != state.expected) {
        state.push_history(state.expected, record.ts_us);
        state.expected = expected;
        state.t1_us = record.ts_us;
        state.confirmed = false;
        note_expected_changed(listing);
    }
    if (state.open && state.open_cause == divergence_cause::unmapped_listing) {
        close(listing, record.ts_us, record.seq);
    }
    judge(listing, was_mismatched, record, false);
    if (state.mismatched && !state.open && !state.deadline_pending) {
        schedule_deadline(listing);  // a mismatch carried over from the listing's old shard
    }
}

void shard::detach(uint32_t listing) {
    listing_state& state = _listings[listing];
    sku_state& sku = sku_at(state.sku_slot);
    uint32_t* link = &sku.first_listing;
    while (*link != listing) {
        WEAVE_ASSERT(*link != UINT32_MAX);
        link = &_listings[*link].next_in_sku;
    }
    *link = state.next_in_sku;
    state.next_in_sku = UINT32_MAX;
    state.deadline_pending = false;
    state.deadline_generation++;
    // The listing's state passes to another owner: drop its entries here, so that this shard
    // never reads it again (re-mapping is rare; the heap is rebuilt without them).
    std::vector<deadline> kept;
    while (!_deadlines.empty()) {
        if (_deadlines.top().listing != listing) {
            kept.push_back(_deadlines.top());
        }
        _deadlines.pop();
    }
    for (const deadline& due : kept) {
        _deadlines.push(due);
    }
}

void shard::schedule_deadline(uint32_t listing) {
    listing_state& state = _listings[listing];
    state.deadline_generation++;
    state.deadline_pending = true;
    state.deadline_us = state.t0_us + _policy.grace_us(state.channel);
    _deadlines.push(
        deadline{state.deadline_us, _produced_seq, listing, state.deadline_generation});
}

void shard::rebuild_deadlines() {
    // The grace in force when a deadline is checked decides it (SPEC §4): recompute them all.
    _deadlines = {};
    for (const sku_state& sku : _skus) {
        for (uint32_t l = sku.first_listing; l != UINT32_MAX; l = _listings[l].next_in_sku) {
            if (_listings[l].deadline_pending) {
                schedule_deadline(l);
            }
        }
    }
}

void shard::open(uint32_t listing, int64_t ts_us, uint64_t seq) {
    listing_state& state = _listings[listing];
    WEAVE_ASSERT(!state.open);
    WEAVE_ASSERT(state.mismatched);
    state.open_cause = classify(listing, ts_us);
    state.open = true;
    state.open_ts_us = ts_us;
    emit(state, listing, ts_us, seq, false);
}

void shard::close(uint32_t listing, int64_t ts_us, uint64_t seq) {
    listing_state& state = _listings[listing];
    WEAVE_ASSERT(state.open);
    emit(state, listing, ts_us, seq, true);
    state.open = false;
}

void shard::emit(const listing_state& state, uint32_t listing, int64_t ts_us, uint64_t seq,
                 bool is_close) {
    divergence_record record;
    record.ts_us = ts_us;
    record.duration_us = is_close ? std::max<int64_t>(0, ts_us - state.open_ts_us) : 0;
    record.expected = state.expected;
    record.observed = state.observed;
    record.seq = seq;
    record.produced_seq = _produced_seq;
    record.produced_index = _produced_index++;
    record.listing = listing;
    record.channel = state.channel;
    record.sku = state.sku;  // mapped: a shard never writes the sku-less unmapped open
    record.cause = state.open_cause;
    record.is_close = is_close;
    _divergences.push_back(record);
}

} // namespace weave
