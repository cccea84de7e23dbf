// The router's per-type work: checks that need log-order state, then the records for the shards.
#include <algorithm>

#include "router.h"

namespace weave {
namespace {

shard_op movement_op(event_type type) {
    switch (type) {
    case event_type::receipt: return shard_op::receipt;
    case event_type::order: return shard_op::order;
    case event_type::cancel: return shard_op::cancel;
    case event_type::ship: return shard_op::ship;
    case event_type::return_: return shard_op::return_;
    case event_type::restock: return shard_op::restock;
    case event_type::transfer_out: return shard_op::transfer_out;
    case event_type::transfer_in: return shard_op::transfer_in;
    case event_type::adjust: return shard_op::adjust;
    case event_type::count: return shard_op::count;
    default: break;
    }
    WEAVE_ASSERT(false && "not a movement");
    return shard_op::end;
}

} // namespace

reject_reason router::apply_identity(const parsed_chunk& chunk, const parsed_event& event,
                                     uint64_t seq) {
    if (event.type == event_type::sku) {
        const uint32_t sku = intern_sku(chunk.text(event.sku));
        sku_entry& entry = _sku_entries[sku];
        entry.defined = true;
        entry.sku_class = event.sku_class;
        _watermark_us = std::max(_watermark_us, event.ts_us);
        shard_record record = make_record(shard_op::sku_define, event, seq);
        record.sku_slot = entry.slot;
        record.sku_class = event.sku_class;
        send(entry.shard, record);
        return reject_reason::none;
    }
    if (event.type == event_type::listing) {
        const uint32_t sku = _skus.find(chunk.text(event.sku), event.sku_hash);
        if (sku == no_id || !_sku_entries[sku].defined) {
            return reject_reason::unknown_sku;
        }
        const uint32_t listing = intern_listing(chunk, event);
        _watermark_us = std::max(_watermark_us, event.ts_us);
        attach_listing(listing, sku, event, seq);
        return reject_reason::none;
    }
    WEAVE_ASSERT(event.type == event_type::listing_retire);
    const uint32_t listing = find_listing(chunk, event);
    if (listing == no_id || _listing_entries[listing].sku == no_sku) {
        return reject_reason::unmapped_listing;
    }
    _watermark_us = std::max(_watermark_us, event.ts_us);
    listing_entry& entry = _listing_entries[listing];
    entry.retired = true;
    shard_record record = make_record(shard_op::listing_retire, event, seq);
    record.listing = listing;
    send(shard_of(entry.sku), record);
    return reject_reason::none;
}

void router::attach_listing(uint32_t listing, uint32_t sku, const parsed_event& event,
                            uint64_t seq) {
    listing_entry& entry = _listing_entries[listing];
    const unsigned target = shard_of(sku);
    if (entry.sku != no_sku) {
        const unsigned previous = shard_of(entry.sku);
        shard_record detach = make_record(shard_op::listing_detach, event, seq);
        detach.listing = listing;
        send(previous, detach);
        if (previous != target) {
            // The listing's state changes owner: the old shard must be done with it first.
            flush(previous);
            _hooks.wait_processed(_hooks.context, previous, seq);
        }
    }
    shard_record attach = make_record(shard_op::listing_attach, event, seq);
    attach.listing = listing;
    attach.sku_slot = _sku_entries[sku].slot;
    attach.loc = sku;  // the global SKU id, for the listing's output lines
    attach.channel = entry.channel;
    send(target, attach);
    entry.sku = sku;
    entry.retired = false;
}

void router::broadcast(shard_record record) {
    for (unsigned s = 0; s < _shard_count; s++) {
        send(s, record);
    }
}

reject_reason router::apply_policy(const parsed_chunk& chunk, const parsed_event& event,
                                   uint64_t seq) {
    _watermark_us = std::max(_watermark_us, event.ts_us);
    if (event.type == event_type::policy_buffer) {
        if (event.has(has_sku)) {
            const uint32_t sku = intern_sku(chunk.text(event.sku));
            shard_record record = make_record(shard_op::buffer_own, event, seq);
            record.sku_slot = _sku_entries[sku].slot;
            record.qty = event.qty;
            send(shard_of(sku), record);
            return reject_reason::none;
        }
        shard_record record = make_record(shard_op::policy_class_buffer, event, seq);
        record.sku_class = event.sku_class;
        record.qty = event.qty;
        broadcast(record);
        return reject_reason::none;
    }
    if (event.type == event_type::policy_channel) {
        // policy.channel replaces the channel's whole policy (absent fields take defaults).
        auto replacement = std::make_unique<channel_policy>();
        replacement->all_locations = !event.has(has_locations);
        for (uint32_t i = 0; i < event.locations_count; i++) {
            const uint32_t loc =
                _locs.intern(chunk.text(chunk.locations[event.locations_first + i]));
            if (loc >= replacement->locations.size()) {
                replacement->locations.resize(loc + 1, false);
            }
            replacement->locations[loc] = true;
        }
        replacement->share = event.has(has_share) ? event.share : 100;
        replacement->max = event.has(has_max) ? event.max : unbounded;
        shard_record record = make_record(shard_op::policy_channel, event, seq);
        record.channel = _channels.intern(chunk.text(event.channel));
        record.policy = replacement.get();
        _channel_policies.push_back(std::move(replacement));
        broadcast(record);
        return reject_reason::none;
    }
    WEAVE_ASSERT(event.type == event_type::policy_publish);
    shard_record record = make_record(shard_op::policy_grace, event, seq);
    record.qty = event.qty * 1000;
    record.channel =
        event.has(has_channel) ? _channels.intern(chunk.text(event.channel)) : no_channel;
    broadcast(record);
    return reject_reason::none;
}

reject_reason router::apply_channel_side(const parsed_chunk& chunk, const parsed_event& event,
                                         uint64_t seq) {
    _watermark_us = std::max(_watermark_us, event.ts_us);
    if (event.type == event_type::publish) {
        return reject_reason::none;  // an attempt only (SPEC §2)
    }
    const uint32_t listing = intern_listing(chunk, event);
    const listing_entry& entry = _listing_entries[listing];
    if (entry.sku == no_sku) {
        observe_unmapped(listing, event, seq);
        return reject_reason::none;
    }
    const bool failed_ack = event.type == event_type::publish_ack && !event.has(ack_ok);
    shard_record record =
        make_record(failed_ack ? shard_op::ack_failed : shard_op::observe, event, seq);
    record.listing = listing;
    record.qty = event.qty;
    record.flags = event.type == event_type::publish_ack ? record_is_ack : 0;
    send(shard_of(entry.sku), record);
    return reject_reason::none;
}

void router::observe_unmapped(uint32_t listing, const parsed_event& event, uint64_t seq) {
    // The router owns an unmapped listing's state until a `listing` event maps it.
    listing_state& state = _listings[listing];
    if (event.type == event_type::publish_ack) {
        state.last_ack_failed = !event.has(ack_ok);
        if (state.last_ack_failed) {
            return;
        }
    }
    state.observed = event.qty;
    state.observed_known = true;
    if (state.open) {
        return;  // at most one open divergence per listing
    }
    state.open = true;
    state.open_cause = divergence_cause::unmapped_listing;
    state.open_ts_us = event.ts_us;
    divergence_record record;
    record.ts_us = event.ts_us;
    record.observed = event.qty;
    record.seq = seq;
    record.produced_seq = seq;
    record.listing = listing;
    record.channel = state.channel;
    record.sku = no_sku;
    record.cause = divergence_cause::unmapped_listing;
    _divergences.push_back(record);
}

reject_reason router::check_movement(const parsed_chunk& chunk, const parsed_event& event,
                                     uint32_t sku, shard_record& record) {
    WEAVE_DASSERT(event.ref_hash == hash_bytes(chunk.text(event.ref)) ||
                  (event.type != event_type::order && event.type != event_type::cancel &&
                   event.type != event_type::ship && event.type != event_type::transfer_out &&
                   event.type != event_type::transfer_in));
    record.sku_slot = _sku_entries[sku].slot;
    record.qty = event.qty;
    record.loc = event.has(has_loc) ? _locs.intern(chunk.text(event.loc)) : no_loc;
    switch (event.type) {
    case event_type::order:
        record.channel = _channels.intern(chunk.text(event.channel));
        return _orders.find(chunk.text(event.ref), event.ref_hash) != no_id
                   ? reject_reason::order_exists
                   : reject_reason::none;
    case event_type::cancel:
    case event_type::ship: {
        const uint32_t order = _orders.find(chunk.text(event.ref), event.ref_hash);
        _checked_line = order;
        if (order == no_id || _order_lines[order].sku != sku || _order_lines[order].open == 0) {
            record.flags |= record_nothing_to_apply;
            return reject_reason::unknown_order;
        }
        const order_line& line = _order_lines[order];
        record.listing = line.slot;
        const int64_t qty = event.has(has_qty) ? event.qty : line.open;
        if (event.type == event_type::cancel) {
            record.qty = std::min(qty, line.open);
            record.loc = line.loc;
            return reject_reason::none;
        }
        record.loc2 = record.loc != no_loc ? record.loc : line.loc;
        record.loc = line.loc;
        record.qty = qty;
        if (record.loc2 == no_loc) {
            record.flags |= record_nothing_to_apply;
            return reject_reason::ship_without_location;
        }
        return qty > line.open ? reject_reason::ship_exceeds_order : reject_reason::none;
    }
    case event_type::restock:
        return event.qty > _returns_pending[returns_key(sku, record.loc)]
                   ? reject_reason::restock_exceeds_pending
                   : reject_reason::none;
    case event_type::transfer_out:
        record.loc = _locs.intern(chunk.text(event.from));
        record.loc2 = _locs.intern(chunk.text(event.to));
        return _transfers.find(chunk.text(event.ref), event.ref_hash) != no_id
                   ? reject_reason::transfer_exists
                   : reject_reason::none;
    case event_type::transfer_in: {
        const uint32_t id = _transfers.find(chunk.text(event.ref), event.ref_hash);
        _checked_line = id;
        if (id == no_id || _transfer_entries[id].sku != sku ||
            _transfer_entries[id].remaining == 0) {
            record.flags |= record_nothing_to_apply;
            return reject_reason::unknown_transfer;
        }
        const transfer& moving = _transfer_entries[id];
        record.listing = moving.slot;
        record.qty = event.has(has_qty) ? event.qty : moving.remaining;
        record.loc = moving.from;
        record.loc2 = moving.to;
        return record.qty > moving.remaining ? reject_reason::transfer_exceeds_remaining
                                             : reject_reason::none;
    }
    default:
        return reject_reason::none;  // receipt, return, adjust, count: no own checks
    }
}

reject_reason router::apply_movement(const parsed_chunk& chunk, const parsed_event& event,
                                     uint64_t seq, uint32_t sku) {
    shard_record record = make_record(movement_op(event.type), event, seq);
    if (const reject_reason reason = check_movement(chunk, event, sku, record);
        reason != reject_reason::none) {
        return reason;
    }
    // Checks passed: commit the router's own bookkeeping, then hand the movement to its shard.
    switch (event.type) {
    case event_type::order: {
        bool inserted = false;
        const uint32_t order = _orders.intern(chunk.text(event.ref), event.ref_hash, inserted);
        WEAVE_ASSERT(inserted && order == _order_lines.size());
        record.listing = _shard_line_count[shard_of(sku)]++;
        _order_lines.push_back(order_line{.sku = sku, .loc = record.loc, .slot = record.listing, .open = record.qty});
        break;
    }
    case event_type::cancel:
    case event_type::ship:
        _order_lines[_checked_line].open -= record.qty;
        break;
    case event_type::return_:
        _returns_pending[returns_key(sku, record.loc)] += record.qty;
        break;
    case event_type::restock:
        _returns_pending[returns_key(sku, record.loc)] -= record.qty;
        break;
    case event_type::transfer_out: {
        bool inserted = false;
        const uint32_t id = _transfers.intern(chunk.text(event.ref), event.ref_hash, inserted);
        WEAVE_ASSERT(inserted && id == _transfer_entries.size());
        record.listing = _shard_transfer_count[shard_of(sku)]++;
        _transfer_entries.push_back(
            transfer{sku, record.loc, record.loc2, record.listing, record.qty});
        break;
    }
    case event_type::transfer_in:
        _transfer_entries[_checked_line].remaining -= record.qty;
        break;
    default:
        break;
    }
    _watermark_us = std::max(_watermark_us, event.ts_us);
    record.watermark_us = _watermark_us;
    send(shard_of(sku), record);
    return reject_reason::none;
}

void router::remember_rejected(const parsed_chunk& chunk, const parsed_event& event,
                               uint64_t seq, reject_reason reason) {
    if (!is_movement(event.type) || !counts_as_rejected_movement(reason) ||
        reason == reject_reason::unmapped_listing) {
        return;
    }
    // Best effort: the movement's SKU by name (even if never defined) or through its listing.
    uint32_t sku = no_sku;
    if (event.has(has_sku)) {
        sku = intern_sku(chunk.text(event.sku));
    } else {
        const uint32_t listing = find_listing(chunk, event);
        if (listing == no_id || _listing_entries[listing].sku == no_sku) {
            return;
        }
        sku = _listing_entries[listing].sku;
    }
    shard_record record = make_record(shard_op::rejected_movement, event, seq);
    (void)check_movement(chunk, event, sku, record);
    record.op = shard_op::rejected_movement;
    record.movement = movement_op(event.type);
    record.applied_seq = _last_applied_seq;
    // A line's amount is taken from the shard's state when the classifier applies it (SPEC §4:
    // "applied to the current state"), so keep what the event asked for, not what was open.
    const bool on_a_line = event.type == event_type::cancel || event.type == event_type::ship ||
                           event.type == event_type::transfer_in;
    if (on_a_line) {
        record.qty = event.has(has_qty) ? event.qty : 0;
        record.flags |= event.has(has_qty) ? record_has_qty : 0;
    }
    send(shard_of(sku), record);
}

} // namespace weave
