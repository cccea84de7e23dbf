// weave gen: injecting a fault of each cause of SPEC §4, and repairing it later.
#include "gen/generator_model.h"
#include "weave/time.h"

namespace weave::gen::detail {

void generator::record_truth(int64_t at_us, int c, std::string_view listing, const uint32_t* sku,
                             cause kind) {
    _totals.faults++;
    if (_truth == nullptr) return;
    std::string line = "{\"ts\":\"";
    append_rfc3339_us(line, at_us);
    line += "\",\"channel\":\"";
    line += channels[c].name;
    line += "\",\"listing\":\"";
    line += listing;
    line += "\",\"sku\":";
    if (sku) {
        line += '"';
        line += sku_name(*sku).view();
        line += '"';
    } else {
        line += "null";
    }
    line += ",\"layer\":\"";
    line += divergence_layer_names[static_cast<size_t>(layer_of(kind))];
    line += "\",\"cause\":\"";
    line += divergence_cause_names[static_cast<size_t>(kind)];
    line += "\"}\n";
    std::fwrite(line.data(), 1, line.size(), _truth);
}

void generator::inject() {
    const auto kind = static_cast<cause>(_next_cause++ % divergence_cause_count);
    for (int attempt = 0; attempt < 16; attempt++) {
        const uint32_t s = draw_sku();
        const auto c = static_cast<int>(_rng.below(channel_count));
        if (inject(kind, s, c)) return;
    }
}

// The first of SPEC §4's ledger/policy "computed with" rows that gives `observed`.
cause first_variant_match(const int64_t values[6], int64_t observed) {
    constexpr cause rows[6] = {cause::in_transit_counted, cause::returns_counted,
                               cause::buffer_ignored,     cause::reservations_ignored,
                               cause::location_scope,     cause::share_ignored};
    for (int i = 0; i < 6; i++) {
        if (values[i] == observed) return rows[i];
    }
    return cause::channel_edit;
}

bool generator::inject(cause kind, uint32_t s, int c) {
    sku_model& m = _skus[s];
    const uint32_t l = listing_of(s, c);
    if (kind == cause::unmapped_listing) {
        const auto name = listing_name(c, 'U', ++_extra_listing);
        _log.begin(_t, "channel.level");
        _log.text("channel", channels[c].name);
        _log.text("listing", name.view());
        _log.number("qty", static_cast<int64_t>(1 + _rng.below(50)));
        _log.end();
        record_truth(_t, c, name.view(), nullptr, kind);
        return true;
    }
    if (!(m.listed & (1u << c)) || _listings[l].faulted || _listings[l].retired) return false;
    listing_model& listing = _listings[l];
    const auto own_name = listing_name(c, 'S', s);
    const int64_t now = expected(s, c);
    const int64_t grace = channels[c].grace_us;
    const int64_t duration = 30'000'000 + static_cast<int64_t>(_rng.below(270'000'000));
    auto step = [&] { _t += 1000; };
    auto confirm = [&] {
        emit_level(l, now, _t);
        step();
    };
    if (kind == cause::retired_listing || kind == cause::duplicate_listing ||
        kind == cause::channel_edit) {
        if (kind == cause::retired_listing) {
            _log.begin(_t, "listing.retire");
            _log.text("channel", channels[c].name);
            _log.text("listing", own_name.view());
            _log.end();
            listing.retired = true;
        } else if (kind == cause::duplicate_listing) {
            const uint64_t number = ++_extra_listing;
            _log.begin(_t, "listing");
            _log.text("channel", channels[c].name);
            _log.text("listing", listing_name(c, 'D', number).view());
            _log.text("sku", sku_name(s).view());
            _log.end();
            schedule_repair(_t + duration,
                            repair{s, static_cast<uint8_t>(c), kind, 0, 0, 0, number});
        } else {
            confirm();
            schedule_repair(_t + duration, repair{s, static_cast<uint8_t>(c), kind, 0, 0, 0, 0});
        }
        step();
        emit_level(l, now + 1000 + static_cast<int64_t>(_rng.below(1000)), _t);
        listing.faulted = true;
        record_truth(_t, c, own_name.view(), &s, kind);
        return true;
    }
    if (kind == cause::publish_failed || kind == cause::stale_value) {
        // The channel keeps the value it had before expected moved (and the push failed).
        const int loc = 0; // W1: in every channel's scope
        m.on_hand[loc] += 20;
        const int64_t after = expected(s, c);
        m.on_hand[loc] -= 20;
        if (after == now) return false;
        confirm();
        _log.begin(_t, "receipt");
        _log.text("sku", sku_name(s).view());
        _log.text("loc", loc_names[loc]);
        _log.number("qty", 20);
        _log.end();
        m.on_hand[loc] += 20;
        listing.faulted = true;
        refresh(s);
        const int64_t changed_at = _t;
        step();
        if (kind == cause::publish_failed) {
            _log.begin(_t, "publish.ack");
            _log.text("channel", channels[c].name);
            _log.text("listing", own_name.view());
            _log.number("qty", after);
            _log.json("ok", "false");
            _log.text("error", "503 Service Unavailable");
            _log.end();
            step();
        }
        emit_level(l, now, _t);
        record_truth(changed_at, c, own_name.view(), &s, kind);
        schedule_repair(changed_at + grace + duration,
                        repair{s, static_cast<uint8_t>(c), kind, 0, 0, 0, 0});
        return true;
    }
    if (kind == cause::rejected_movement) {
        const int loc = 0;
        m.on_hand[loc] += 500;
        const int64_t observed = expected(s, c);
        m.on_hand[loc] -= 500;
        if (observed == now) return false;
        confirm();
        _log.begin(_t, "adjust"); // weave rejects it: no reason given
        _log.text("sku", sku_name(s).view());
        _log.text("loc", loc_names[loc]);
        _log.number("delta", 500);
        _log.text("owner", "wms-sync");
        _log.end();
        step();
        emit_level(l, observed, _t);
        listing.faulted = true;
        record_truth(_t, c, own_name.view(), &s, kind);
        schedule_repair(_t + duration, repair{s, static_cast<uint8_t>(c), kind, 500, loc, 0, 0});
        return true;
    }
    return inject_variant(kind, s, c);
}

bool generator::inject_variant(cause kind, uint32_t s, int c) {
    sku_model& m = _skus[s];
    const uint32_t l = listing_of(s, c);
    int32_t qty = 0;
    constexpr int from = 0, to = 1; // W1 -> W2: both in every channel's scope
    auto simulate = [&](int sign) {
        if (kind == cause::in_transit_counted) {
            m.on_hand[from] -= sign * qty;
            m.inbound[to] += sign * qty;
        } else if (kind == cause::returns_counted) {
            m.returns[from] += sign * qty;
        }
    };
    if (kind == cause::in_transit_counted) {
        if (m.on_hand[from] < 4) return false;
        qty = m.on_hand[from] / 2;
    } else if (kind == cause::returns_counted) {
        qty = static_cast<int32_t>(2 + _rng.below(4));
    }
    simulate(+1);
    const int64_t base = expected(s, c);
    const int64_t values[6] = {
        expected(s, c, {.inbound = true}),       expected(s, c, {.returns = true}),
        expected(s, c, {.buffer_zero = true}),   expected(s, c, {.no_reservations = true}),
        expected(s, c, {.all_locations = true}), expected(s, c, {.share_full = true})};
    simulate(-1);
    const int64_t observed =
        values[static_cast<size_t>(kind) - static_cast<size_t>(cause::in_transit_counted)];
    if (observed == base || first_variant_match(values, observed) != kind) return false;
    listing_model& listing = _listings[l];
    const auto own_name = listing_name(c, 'S', s);
    emit_level(l, expected(s, c), _t); // the channel confirms the truth first
    _t += 1000;
    listing.faulted = true;
    uint64_t transfer_number = 0;
    if (kind == cause::in_transit_counted) {
        transfer_number = ++_transfer_number;
        _log.begin(_t, "transfer.out");
        _log.text("transfer", ref_name('T', transfer_number).view());
        _log.text("sku", sku_name(s).view());
        _log.text("from", loc_names[from]);
        _log.text("to", loc_names[to]);
        _log.number("qty", qty);
        _log.end();
    } else if (kind == cause::returns_counted) {
        _log.begin(_t, "return");
        _log.text("sku", sku_name(s).view());
        _log.text("loc", loc_names[from]);
        _log.number("qty", qty);
        _log.end();
    }
    simulate(+1);
    refresh(s);
    if (kind == cause::in_transit_counted) {
        _t += 1000;
        emit_level(l, expected(s, c), _t); // confirmed after the transfer left
    }
    _t += 1000;
    emit_level(l, observed, _t);
    record_truth(_t, c, own_name.view(), &s, kind);
    const int64_t duration =
        channels[c].grace_us + 30'000'000 + static_cast<int64_t>(_rng.below(270'000'000));
    schedule_repair(_t + duration,
                    repair{s, static_cast<uint8_t>(c), kind, qty, static_cast<int8_t>(from),
                           static_cast<int8_t>(to), transfer_number});
    return true;
}

void generator::apply_repair(const repair& r) {
    sku_model& m = _skus[r.sku];
    const uint32_t l = listing_of(r.sku, r.channel);
    const auto sku = sku_name(r.sku);
    switch (r.kind) {
    case cause::duplicate_listing:
        _log.begin(_t, "listing.retire");
        _log.text("channel", channels[r.channel].name);
        _log.text("listing", listing_name(r.channel, 'D', r.ref).view());
        _log.end();
        break;
    case cause::rejected_movement:
        _log.begin(_t, "adjust");
        _log.text("sku", sku.view());
        _log.text("loc", loc_names[r.loc]);
        _log.number("delta", r.qty);
        _log.text("reason", "wms-sync replayed");
        _log.text("owner", "ops");
        _log.end();
        m.on_hand[r.loc] += r.qty;
        break;
    case cause::in_transit_counted:
        _log.begin(_t, "transfer.in");
        _log.text("transfer", ref_name('T', r.ref).view());
        _log.text("sku", sku.view());
        _log.end();
        m.inbound[r.loc2] -= r.qty;
        m.on_hand[r.loc2] += r.qty;
        break;
    case cause::returns_counted:
        _log.begin(_t, "restock");
        _log.text("sku", sku.view());
        _log.text("loc", loc_names[r.loc]);
        _log.number("qty", r.qty);
        _log.end();
        m.returns[r.loc] -= r.qty;
        m.on_hand[r.loc] += r.qty;
        break;
    default:
        break;
    }
    _listings[l].faulted = false;
    refresh(r.sku);
    _t += 1;
    emit_level(l, _listings[l].expected, _t, r.kind == cause::publish_failed);
}

} // namespace weave::gen::detail
