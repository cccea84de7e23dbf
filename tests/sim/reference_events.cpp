// The reference model, per event type: field checks in table order (SPEC section 6), SKU
// resolution, own checks and effects (SPEC section 2 and docs/spec-notes.md).
#include "reference_model.h"

#include <algorithm>

namespace weave_sim {

namespace {

// `sku`, or `channel` + `listing` (spec-notes 7).
struct sku_reference {
    bool via_listing = false;
    std::string sku;
    std::string channel;
    std::string listing;
};

std::string read_sku_ref(const json_value& doc, sku_reference& ref) {
    if (const json_value* v = doc.find("sku")) {
        if (v->kind != json_value::value_kind::string) {
            return "bad_field:sku";
        }
        ref.sku = v->text;
        return "";
    }
    const json_value* channel = doc.find("channel");
    const json_value* listing = doc.find("listing");
    if (channel == nullptr && listing == nullptr) {
        return "missing_field:sku";
    }
    if (channel == nullptr) {
        return "missing_field:channel";
    }
    if (listing == nullptr) {
        return "missing_field:listing";
    }
    if (channel->kind != json_value::value_kind::string) {
        return "bad_field:channel";
    }
    if (listing->kind != json_value::value_kind::string) {
        return "bad_field:listing";
    }
    ref.via_listing = true;
    ref.channel = channel->text;
    ref.listing = listing->text;
    return "";
}

bool is_field_reason(const std::string& reason) {
    return reason.rfind("missing_field:", 0) == 0 || reason.rfind("bad_field:", 0) == 0;
}

}  // namespace

// ---- identity ----

std::string reference_model::handle_sku(const event_view& ev) {
    std::string sku;
    std::optional<std::string> cls;
    std::optional<std::string> barcode;
    std::string why = need_string(ev.doc, "sku", sku);
    if (why.empty()) {
        why = opt_string(ev.doc, "class", cls);
        if (why.empty() && cls.has_value() && *cls != "A" && *cls != "B" && *cls != "C") {
            why = "bad_field:class";
        }
    }
    if (why.empty()) {
        why = opt_string(ev.doc, "barcode", barcode);
    }
    if (!why.empty()) {
        return why;
    }
    begin_apply(ev.ts);
    sku_state& state = skus[sku];
    state.cls = cls.has_value() ? (*cls)[0] : 'C';
    if (barcode.has_value()) {
        state.barcode = *barcode;
    }
    return "";
}

std::string reference_model::handle_listing(const event_view& ev) {
    std::string channel;
    std::string id;
    std::string sku;
    std::string why = need_string(ev.doc, "channel", channel);
    if (why.empty()) {
        why = need_string(ev.doc, "listing", id);
    }
    if (why.empty()) {
        why = need_string(ev.doc, "sku", sku);
    }
    if (why.empty() && skus.count(sku) == 0) {
        why = "unknown_sku";
    }
    if (!why.empty()) {
        return why;
    }
    begin_apply(ev.ts);
    listing_state& listing = listings[{channel, id}];
    listing.channel = channel;
    listing.id = id;
    if (listing.mapped) {
        listing.sku = sku;
        listing.retired = false;
        return "";
    }
    listing.mapped = true;
    listing.sku = sku;
    listing.retired = false;
    listing.expected = expected_for(channel, sku, skus.at(sku), {});
    listing.history.clear();
    listing.t1 = ev.ts;
    listing.confirmed = false;
    if (listing.open) {
        close_divergence(listing, ev.ts, seq);
    }
    if (listing.observed.has_value()) {
        if (*listing.observed == listing.expected) {
            listing.confirmed = true;
        } else {
            listing.t0 = ev.ts;
        }
    }
    return "";
}

std::string reference_model::handle_retire(const event_view& ev) {
    std::string channel;
    std::string id;
    std::string why = need_string(ev.doc, "channel", channel);
    if (why.empty()) {
        why = need_string(ev.doc, "listing", id);
    }
    if (!why.empty()) {
        return why;
    }
    const auto it = listings.find({channel, id});
    if (it == listings.end() || !it->second.mapped) {
        return "unmapped_listing";
    }
    begin_apply(ev.ts);
    it->second.retired = true;
    return "";
}

// ---- policy ----

std::string reference_model::handle_policy(const event_view& ev) {
    const json_value& doc = ev.doc;
    if (ev.type == "policy.buffer") {
        i64 units = 0;
        std::string why = need_int(doc, "units", int_range::non_negative, units);
        if (!why.empty()) {
            return why;
        }
        std::optional<std::string> sku;
        std::optional<std::string> cls;
        why = opt_string(doc, "sku", sku);
        if (why.empty()) {
            why = opt_string(doc, "class", cls);
            if (why.empty() && cls.has_value() && *cls != "A" && *cls != "B" && *cls != "C") {
                why = "bad_field:class";
            }
        }
        if (why.empty() && !sku.has_value() && !cls.has_value()) {
            why = "missing_field:sku";
        }
        if (!why.empty()) {
            return why;
        }
        begin_apply(ev.ts);
        if (sku.has_value()) {
            sku_buffer[*sku] = units;
        } else {
            class_buffer[(*cls)[0]] = units;
        }
        return "";
    }
    if (ev.type == "policy.channel") {
        std::string channel;
        std::string why = need_string(doc, "channel", channel);
        if (!why.empty()) {
            return why;
        }
        channel_policy policy;
        if (const json_value* locations = doc.find("locations")) {
            if (locations->kind != json_value::value_kind::array) {
                return "bad_field:locations";
            }
            std::set<std::string> names;
            for (const auto& item : locations->items) {
                if (item.kind != json_value::value_kind::string) {
                    return "bad_field:locations";
                }
                names.insert(item.text);
            }
            policy.locations = names;
        }
        std::optional<i64> share;
        why = opt_int(doc, "share", int_range::share, share);
        if (why.empty()) {
            why = opt_int(doc, "max", int_range::non_negative, policy.max);
        }
        if (!why.empty()) {
            return why;
        }
        policy.share = share.value_or(100);
        begin_apply(ev.ts);
        channel_policies[channel] = policy;
        return "";
    }
    i64 grace = 0;
    std::optional<std::string> channel;
    std::string why = need_int(doc, "grace_ms", int_range::non_negative, grace);
    if (why.empty()) {
        why = opt_string(doc, "channel", channel);
    }
    if (!why.empty()) {
        return why;
    }
    begin_apply(ev.ts);
    if (channel.has_value()) {
        channel_grace_ms[*channel] = grace;
    } else {
        default_grace_ms = grace;
    }
    return "";
}

// ---- channel side ----

std::string reference_model::handle_channel_side(const event_view& ev) {
    const json_value& doc = ev.doc;
    std::string channel;
    std::string id;
    i64 qty = 0;
    std::string why = need_string(doc, "channel", channel);
    if (why.empty()) {
        why = need_string(doc, "listing", id);
    }
    if (why.empty()) {
        why = need_int(doc, "qty", int_range::any, qty);
    }
    bool ok = true;
    if (why.empty() && ev.type == "publish.ack") {
        if (const json_value* v = doc.find("ok")) {
            if (v->kind != json_value::value_kind::boolean) {
                why = "bad_field:ok";
            } else {
                ok = v->boolean_value;
            }
        }
        std::optional<std::string> error;
        if (why.empty()) {
            why = opt_string(doc, "error", error);
        }
    }
    if (!why.empty()) {
        return why;
    }
    begin_apply(ev.ts);
    if (ev.type == "publish") {
        return "";
    }
    listing_state& listing = listings[{channel, id}];
    listing.channel = channel;
    listing.id = id;
    if (ev.type == "publish.ack") {
        listing.last_ack_ok = ok;
        if (!ok) {
            return "";
        }
    }
    observe(listing, qty, ev.ts, seq);
    return "";
}

// ---- movements ----

std::string reference_model::handle_movement(const event_view& ev) {
    const json_value& doc = ev.doc;
    const std::string& type = ev.type;
    std::string order_id;
    std::string transfer_id;
    sku_reference ref;
    std::string why;
    auto step = [&why](const std::string& result) {
        if (why.empty()) {
            why = result;
        }
    };

    if (type == "order" || type == "cancel" || type == "ship") {
        step(need_string(doc, "order", order_id));
    }
    if (type == "transfer.out" || type == "transfer.in") {
        step(need_string(doc, "transfer", transfer_id));
    }
    step(read_sku_ref(doc, ref));

    std::string loc;
    std::optional<std::string> opt_loc;
    std::string order_channel;
    std::string from;
    std::string to;
    i64 qty = 0;
    std::optional<i64> opt_qty;
    i64 delta = 0;
    i64 counted = 0;
    std::string owner;
    if (type == "receipt" || type == "return" || type == "restock") {
        step(need_string(doc, "loc", loc));
        step(need_int(doc, "qty", int_range::positive, qty));
    } else if (type == "order") {
        step(need_string(doc, "channel", order_channel));
        step(need_int(doc, "qty", int_range::positive, qty));
        step(opt_string(doc, "loc", opt_loc));
    } else if (type == "cancel") {
        step(opt_int(doc, "qty", int_range::positive, opt_qty));
    } else if (type == "ship") {
        step(opt_string(doc, "loc", opt_loc));
        step(opt_int(doc, "qty", int_range::positive, opt_qty));
    } else if (type == "transfer.out") {
        step(need_string(doc, "from", from));
        step(need_string(doc, "to", to));
        step(need_int(doc, "qty", int_range::positive, qty));
    } else if (type == "transfer.in") {
        step(opt_int(doc, "qty", int_range::positive, opt_qty));
    } else if (type == "adjust") {
        step(need_string(doc, "loc", loc));
        step(need_int(doc, "delta", int_range::non_zero, delta));
        for (const char* name : {"reason", "owner"}) {
            const json_value* v = doc.find(name);
            if (v != nullptr && v->kind != json_value::value_kind::null_value &&
                v->kind != json_value::value_kind::string) {
                step(std::string("bad_field:") + name);
            } else if (v == nullptr || v->kind == json_value::value_kind::null_value ||
                       v->text.empty()) {
                step("adjust_without_reason");
            }
        }
    } else if (type == "count") {
        step(need_string(doc, "loc", loc));
        step(need_int(doc, "counted", int_range::non_negative, counted));
        step(need_string(doc, "owner", owner));
    }
    if (!why.empty() && is_field_reason(why)) {
        return why;
    }

    // What this movement would do alone (for rejected_movement, spec-notes 15).
    rejected_move effect;
    effect.ts = ev.ts;
    if (type == "receipt" || type == "restock") {
        effect.effect = rejected_move::effect_kind::add_on_hand;
        effect.loc = loc;
        effect.qty = qty;
    } else if (type == "adjust") {
        effect.effect = rejected_move::effect_kind::add_on_hand;
        effect.loc = loc;
        effect.qty = delta;
    } else if (type == "transfer.out") {
        effect.effect = rejected_move::effect_kind::add_on_hand;
        effect.loc = from;
        effect.qty = -qty;
    } else if (type == "count") {
        effect.effect = rejected_move::effect_kind::set_on_hand;
        effect.loc = loc;
        effect.qty = counted;
    } else if (type == "order") {
        effect.effect = rejected_move::effect_kind::reserve;
        effect.held = opt_loc;
        effect.qty = qty;
    } else if (type == "cancel" || type == "ship" || type == "transfer.in") {
        effect.effect = type == "cancel" ? rejected_move::effect_kind::cancel_line
                        : type == "ship" ? rejected_move::effect_kind::ship_line
                                         : rejected_move::effect_kind::transfer_in_line;
        effect.line_id = type == "transfer.in" ? transfer_id : order_id;
        effect.line_qty = opt_qty;
        effect.line_loc = opt_loc;
    }

    std::string sku;
    bool sku_known = false;
    if (!why.empty()) {
        // adjust_without_reason: a rejected movement of the SKU it names, directly or through a
        // mapped (even retired) listing.
        std::optional<std::string> named;
        if (!ref.via_listing) {
            named = ref.sku;
        } else if (const auto it = listings.find({ref.channel, ref.listing});
                   it != listings.end() && it->second.mapped) {
            named = it->second.sku;
        }
        if (named.has_value()) {
            rejected_moves[*named].push_back(effect);
            last_rejected_move_sku = *named;
        }
        return why;
    }
    if (!ref.via_listing) {
        sku = ref.sku;
        sku_known = true;
        if (skus.count(sku) == 0) {
            why = "unknown_sku";
        }
    } else {
        const auto it = listings.find({ref.channel, ref.listing});
        if (it == listings.end() || !it->second.mapped) {
            why = "unmapped_listing";
        } else {
            sku = it->second.sku;
            sku_known = true;
            if (it->second.retired) {
                why = "retired_listing";
            }
        }
    }
    if (!why.empty()) {
        if (sku_known) {
            rejected_moves[sku].push_back(effect);
            last_rejected_move_sku = sku;
        }
        return why;
    }

    auto reject_own = [&](const std::string& reason, const rejected_move& move) {
        rejected_moves[sku].push_back(move);
        last_rejected_move_sku = sku;
        return reason;
    };
    rejected_move nothing;
    nothing.ts = ev.ts;

    if (type == "receipt") {
        begin_apply(ev.ts);
        touch(sku, loc);
        skus[sku].stock[loc].on_hand += qty;
    } else if (type == "order") {
        if (orders.count(order_id) > 0) {
            return reject_own("order_exists", effect);
        }
        begin_apply(ev.ts);
        if (qty > expected_for(order_channel, sku, skus.at(sku), {})) {
            ++oversells;
        }
        sku_state& state = skus[sku];
        if (opt_loc.has_value()) {
            touch(sku, *opt_loc);
            state.stock[*opt_loc].reserved += qty;
        } else {
            state.unassigned += qty;
        }
        orders[order_id] = order_line{sku, opt_loc, qty};
    } else if (type == "cancel" || type == "ship") {
        const auto it = orders.find(order_id);
        if (it == orders.end() || it->second.sku != sku || it->second.open == 0) {
            return reject_own("unknown_order", nothing);
        }
        order_line& order = it->second;
        if (type == "cancel") {
            const i64 release = std::min(opt_qty.value_or(order.open), order.open);
            begin_apply(ev.ts);
            order.open -= release;
            if (order.loc.has_value()) {
                touch(sku, *order.loc);
                skus[sku].stock[*order.loc].reserved -= release;
            } else {
                skus[sku].unassigned -= release;
            }
        } else {
            if (!opt_loc.has_value() && !order.loc.has_value()) {
                return reject_own("ship_without_location", nothing);
            }
            const std::string ship_loc = opt_loc.has_value() ? *opt_loc : *order.loc;
            const i64 amount = opt_qty.value_or(order.open);
            if (amount > order.open) {
                rejected_move excess;
                excess.ts = ev.ts;
                excess.effect = rejected_move::effect_kind::ship_excess;
                excess.line_id = order_id;
                excess.held = order.loc;
                excess.loc = ship_loc;
                excess.qty = amount;
                return reject_own("ship_exceeds_order", excess);
            }
            begin_apply(ev.ts);
            order.open -= amount;
            sku_state& state = skus[sku];
            if (order.loc.has_value()) {
                touch(sku, *order.loc);
                state.stock[*order.loc].reserved -= amount;
            } else {
                state.unassigned -= amount;
            }
            touch(sku, ship_loc);
            lower_on_hand(state.stock[ship_loc], amount);
        }
    } else if (type == "return") {
        begin_apply(ev.ts);
        touch(sku, loc);
        skus[sku].stock[loc].returns_pending += qty;
    } else if (type == "restock") {
        sku_state& state = skus[sku];
        const auto line = state.stock.find(loc);
        const i64 pending = line == state.stock.end() ? 0 : line->second.returns_pending;
        if (qty > pending) {
            return reject_own("restock_exceeds_pending", effect);
        }
        begin_apply(ev.ts);
        state.stock[loc].returns_pending -= qty;
        state.stock[loc].on_hand += qty;
    } else if (type == "transfer.out") {
        if (transfers.count(transfer_id) > 0) {
            return reject_own("transfer_exists", effect);
        }
        begin_apply(ev.ts);
        touch(sku, from);
        sku_state& state = skus[sku];
        lower_on_hand(state.stock[from], qty);
        state.transit_to[to] += qty;
        transfers[transfer_id] = transfer_state{sku, from, to, qty};
    } else if (type == "transfer.in") {
        const auto it = transfers.find(transfer_id);
        if (it == transfers.end() || it->second.sku != sku || it->second.remaining == 0) {
            return reject_own("unknown_transfer", nothing);
        }
        transfer_state& transfer = it->second;
        const i64 amount = opt_qty.value_or(transfer.remaining);
        if (amount > transfer.remaining) {
            rejected_move excess;
            excess.ts = ev.ts;
            // Applied later to the then current state: nothing once the transfer has arrived.
            excess.effect = rejected_move::effect_kind::transfer_in_line;
            excess.line_id = transfer_id;
            excess.line_qty = amount;
            return reject_own("transfer_exceeds_remaining", excess);
        }
        begin_apply(ev.ts);
        transfer.remaining -= amount;
        touch(sku, transfer.to);
        sku_state& state = skus[sku];
        state.stock[transfer.to].on_hand += amount;
        state.transit_to[transfer.to] -= amount;
    } else if (type == "adjust") {
        begin_apply(ev.ts);
        touch(sku, loc);
        stock_line& line = skus[sku].stock[loc];
        if (delta < 0) {
            lower_on_hand(line, -delta);
        } else {
            line.on_hand += delta;
        }
    } else if (type == "count") {
        begin_apply(ev.ts);
        touch(sku, loc);
        stock_line& line = skus[sku].stock[loc];
        ++cycle_counts;
        if (counted != line.on_hand) {
            ++counts_with_variance;
        }
        line.on_hand = counted;
    }
    return "";
}

}  // namespace weave_sim
