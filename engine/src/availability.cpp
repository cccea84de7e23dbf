// The ledger of one shard and SPEC §3's formula for expected, with the one-input variants that
// SPEC §4's classifier needs.
#include "shard.h"

namespace weave {

__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;
namespace {

int64_t floor_div_100(int128 value) {
    int128 quotient = value / 100;
    if (value % 100 != 0 && value < 0) {
        quotient -= 1;
    }
    return static_cast<int64_t>(quotient);
}

} // namespace

sku_state& shard::sku_at(uint32_t slot) {
    WEAVE_ASSERT(slot != no_slot);
    if (slot >= _skus.size()) {
        // Slots are dense per shard and handed out in order, so growth is amortised.
        _skus.resize(static_cast<size_t>(slot) + 1);
    }
    return _skus[slot];
}

stock_slot& shard::stock_at(sku_state& sku, uint32_t loc) {
    WEAVE_ASSERT(loc != no_loc);
    for (uint32_t i = sku.first_stock; i != no_slot; i = _stock[i].next) {
        if (_stock[i].loc == loc) {
            return _stock[i];
        }
    }
    const auto index = static_cast<uint32_t>(_stock.size());
    stock_slot slot;
    slot.loc = loc;
    slot.next = sku.first_stock;
    _stock.push_back(slot);
    sku.first_stock = index;
    return _stock[index];
}

void shard::add_on_hand(stock_slot& slot, int64_t delta) {
    const int64_t before = slot.on_hand;
    slot.on_hand += delta;
    slot.listed = true;
    if (before >= 0 && slot.on_hand < 0) {
        _counters.negative_on_hand_incidents++;
    }
}

void shard::release(sku_state& sku, uint32_t loc, int64_t qty) {
    if (loc == no_loc) {
        sku.unassigned -= qty;
        WEAVE_ASSERT(sku.unassigned >= 0);
    } else {
        stock_slot& slot = stock_at(sku, loc);
        slot.reserved -= qty;
        slot.listed = true;
        WEAVE_ASSERT(slot.reserved >= 0);
    }
}

void shard::close_line(uint32_t line, int64_t qty) {
    // Pair assertion: the router checked the line has qty open; its copy and ours agree.
    WEAVE_ASSERT(line < _line_open.size());
    _line_open[line] -= qty;
    WEAVE_ASSERT(_line_open[line] >= 0);
}

void shard::apply_movement(const shard_record& record) {
    sku_state& sku = sku_at(record.sku_slot);
    WEAVE_ASSERT(record.op == shard_op::adjust || record.op == shard_op::count ||
                 record.qty > 0);
    switch (record.op) {
    case shard_op::receipt:
        add_on_hand(stock_at(sku, record.loc), record.qty);
        break;
    case shard_op::order:
        if (record.qty > expected_for(sku, record.channel)) {
            _counters.oversell_incidents++;
        }
        if (record.listing >= _line_open.size()) {
            _line_open.resize(static_cast<size_t>(record.listing) + 1, 0);
        }
        _line_open[record.listing] = record.qty;
        if (record.loc == no_loc) {
            sku.unassigned += record.qty;
        } else {
            stock_slot& slot = stock_at(sku, record.loc);
            slot.reserved += record.qty;
            slot.listed = true;
        }
        break;
    case shard_op::cancel:
        release(sku, record.loc, record.qty);
        close_line(record.listing, record.qty);
        break;
    case shard_op::ship:
        release(sku, record.loc, record.qty);
        close_line(record.listing, record.qty);
        add_on_hand(stock_at(sku, record.loc2), -record.qty);
        break;
    case shard_op::return_: {
        stock_slot& slot = stock_at(sku, record.loc);
        slot.returns_pending += record.qty;
        slot.listed = true;
        break;
    }
    case shard_op::restock: {
        stock_slot& slot = stock_at(sku, record.loc);
        WEAVE_ASSERT(slot.returns_pending >= record.qty);
        slot.returns_pending -= record.qty;
        add_on_hand(slot, record.qty);
        break;
    }
    case shard_op::transfer_out:
        if (record.listing >= _transfer_remaining.size()) {
            _transfer_remaining.resize(static_cast<size_t>(record.listing) + 1, 0);
        }
        _transfer_remaining[record.listing] = record.qty;
        add_on_hand(stock_at(sku, record.loc), -record.qty);
        stock_at(sku, record.loc2).inbound += record.qty;
        sku.in_transit += record.qty;
        break;
    case shard_op::transfer_in: {
        WEAVE_ASSERT(record.listing < _transfer_remaining.size());
        _transfer_remaining[record.listing] -= record.qty;
        WEAVE_ASSERT(_transfer_remaining[record.listing] >= 0);
        stock_slot& slot = stock_at(sku, record.loc2);
        slot.inbound -= record.qty;
        sku.in_transit -= record.qty;
        WEAVE_ASSERT(slot.inbound >= 0 && sku.in_transit >= 0);
        add_on_hand(slot, record.qty);
        break;
    }
    case shard_op::adjust:
        add_on_hand(stock_at(sku, record.loc), record.qty);
        break;
    case shard_op::count: {
        stock_slot& slot = stock_at(sku, record.loc);
        _counters.cycle_counts++;
        if (record.qty != slot.on_hand) {
            _counters.counts_with_variance++;
        }
        slot.on_hand = record.qty;
        slot.listed = true;
        break;
    }
    default:
        WEAVE_ASSERT(false && "not a movement");
    }
    refresh_sku(sku, record);
}

// How much a rejected movement, applied alone to the current state as its type applies, would
// change the pool of a channel (SPEC §4 rejected_movement; docs/spec-notes.md item 15). False
// when it has nothing to apply now (its order line or transfer has nothing open any more).
bool shard::rejected_pool_delta(const shard_record& r, const channel_policy& policy,
                                const sku_state& sku, int64_t& delta) const {
    auto in_scope = [&](uint32_t loc) { return loc != no_loc && policy.sells_from(loc); };
    // Reserving qty where `loc` says (no_loc: the unassigned pool) lowers the pool.
    auto reservation = [&](uint32_t loc, int64_t qty) -> int64_t {
        return loc == no_loc || policy.sells_from(loc) ? -qty : 0;
    };
    auto requested = [&](int64_t open) { return (r.flags & record_has_qty) ? r.qty : open; };
    delta = 0;
    switch (r.movement) {
    case shard_op::receipt:
    case shard_op::restock:
    case shard_op::adjust:
        delta = in_scope(r.loc) ? r.qty : 0;
        return true;
    case shard_op::order:
        delta = reservation(r.loc, r.qty);
        return true;
    case shard_op::cancel: {
        const int64_t open = r.listing < _line_open.size() ? _line_open[r.listing] : 0;
        if (open <= 0) return false;
        delta = -reservation(r.loc, std::min(requested(open), open));
        return true;
    }
    case shard_op::ship: {
        const int64_t open = r.listing < _line_open.size() ? _line_open[r.listing] : 0;
        if (open <= 0) return false;
        const int64_t qty = requested(open);
        delta = -reservation(r.loc, qty) - (in_scope(r.loc2) ? qty : 0);
        return true;
    }
    case shard_op::transfer_out:
        delta = in_scope(r.loc) ? -r.qty : 0;
        return true;
    case shard_op::transfer_in: {
        const int64_t remaining =
            r.listing < _transfer_remaining.size() ? _transfer_remaining[r.listing] : 0;
        if (remaining <= 0) return false;
        delta = in_scope(r.loc2) ? requested(remaining) : 0;
        return true;
    }
    case shard_op::count: {
        if (!in_scope(r.loc)) return true;
        int64_t on_hand = 0;
        for (uint32_t i = sku.first_stock; i != no_slot; i = _stock[i].next) {
            if (_stock[i].loc == r.loc) {
                on_hand = _stock[i].on_hand;
            }
        }
        delta = r.qty - on_hand;
        return true;
    }
    default:
        return true;  // return: nothing sellable changes
    }
}

int64_t shard::expected_for(const sku_state& sku, uint32_t channel,
                            const expected_variant& variant) const {
    const channel_policy& policy = _policy.channel(channel);
    int128 pool = 0;
    for (uint32_t i = sku.first_stock; i != no_slot; i = _stock[i].next) {
        const stock_slot& slot = _stock[i];
        if (!variant.all_locations && !policy.sells_from(slot.loc)) {
            continue;
        }
        int64_t on_hand = slot.on_hand;
        on_hand += variant.inbound_counted ? slot.inbound : 0;
        on_hand += variant.returns_counted ? slot.returns_pending : 0;
        pool += on_hand - (variant.no_reservations ? 0 : slot.reserved);
    }
    if (!variant.no_reservations) {
        pool -= sku.unassigned;
    }
    if (!variant.buffer_zero) {
        pool -= sku.own_buffer >= 0 ? sku.own_buffer
                                    : _policy.class_buffer[class_index(sku.sku_class)];
    }
    if (variant.rejected != nullptr) {
        int64_t delta = 0;
        const bool applies = rejected_pool_delta(*variant.rejected, policy, sku, delta);
        WEAVE_ASSERT(applies);  // the classifier asks only for movements that apply now
        pool += delta;
    }
    const int64_t share = variant.share_full ? 100 : policy.share;
    const int64_t max = variant.share_full ? unbounded : policy.max;
    const int64_t value = floor_div_100(pool * share);
    return value < 0 ? 0 : (value > max ? max : value);
}

} // namespace weave
