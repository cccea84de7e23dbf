#include "gen/generator.h"

#include <charconv>

#include "gen/generator_model.h"
#include "weave/time.h"

namespace weave::gen::detail {

void generator::define(uint32_t s) {
    sku_model& m = _skus[s];
    if (m.defined) return;
    m.defined = true;
    const uint64_t h = s * 0x9E3779B97F4A7C15ull;
    m.sku_class = static_cast<uint8_t>((h >> 20) % 10 < 2 ? 0 : ((h >> 20) % 10 < 5 ? 1 : 2));
    const auto name = sku_name(s);
    _log.begin(_t, "sku");
    _log.text("sku", name.view());
    if (m.sku_class != 2) _log.text("class", m.sku_class == 0 ? "A" : "B");
    _log.end();
    unsigned listed = static_cast<unsigned>((h >> 32) % 15) + 1; // 1..15: a non-empty subset
    if (__builtin_popcount(listed) == 4) listed &= 0b0111;
    m.listed = static_cast<uint8_t>(listed);
    for (int c = 0; c < channel_count; c++) {
        if (!(listed & (1u << c))) continue;
        _log.begin(_t, "listing");
        _log.text("channel", channels[c].name);
        _log.text("listing", listing_name(c, 'S', s).view());
        _log.text("sku", name.view());
        _log.end();
    }
    const int loc = static_cast<int>((h >> 40) % 2); // W1 or W2, both sold everywhere
    const auto qty = static_cast<int32_t>(20 + _rng.below(180));
    _log.begin(_t, "receipt");
    _log.text("sku", name.view());
    _log.text("loc", loc_names[loc]);
    _log.number("qty", qty);
    _log.end();
    m.on_hand[loc] += qty;
    refresh(s);
}

void generator::emit_level(uint32_t listing, int64_t qty, int64_t at_us, bool as_ack) {
    const uint32_t s = listing / channel_count;
    const int c = static_cast<int>(listing % channel_count);
    _log.begin(at_us, as_ack ? "publish.ack" : "channel.level");
    _log.text("channel", channels[c].name);
    _log.text("listing", listing_name(c, 'S', s).view());
    _log.number("qty", qty);
    _log.end();
}

void generator::due_levels(int64_t until_us) {
    while (!_levels.empty() && _levels.top().due_us <= until_us) {
        const timed due = _levels.top();
        _levels.pop();
        listing_model& l = _listings[due.key];
        l.level_pending = false;
        if (l.faulted || l.retired) continue;
        emit_level(static_cast<uint32_t>(due.key), l.expected, due.due_us, _rng.chance(0.3));
    }
}

void generator::advance_time() {
    // A peak-day curve: the arrival rate swings by +-80% over the day, highest at 15:00.
    constexpr double day_us = 86'400e6;
    const double mean_gap = day_us / static_cast<double>(std::max<uint64_t>(_opts.events, 1));
    const double phase = std::fmod(static_cast<double>(_t) / day_us, 1.0);
    const double rate = 1.0 + 0.8 * std::sin(2 * M_PI * (phase - 0.375));
    const double gap = -std::log(1.0 - _rng.unit()) * mean_gap / rate;
    _t += 1 + static_cast<int64_t>(gap);
}

void generator::emit_order(uint32_t s) {
    sku_model& m = _skus[s];
    int c = static_cast<int>(_rng.below(channel_count));
    for (int tries = 0; tries < channel_count && !(m.listed & (1u << c)); tries++) {
        c = (c + 1) % channel_count;
    }
    const auto qty = static_cast<int32_t>(1 + _rng.below(3));
    const int loc = _rng.chance(0.6) ? static_cast<int>(_rng.below(loc_count)) : -1;
    const bool by_listing = _rng.chance(0.5) && !_listings[listing_of(s, c)].retired;
    _log.begin(_t, "order");
    _log.text("order", ref_name('O', ++_order_number).view());
    if (by_listing) {
        _log.text("listing", listing_name(c, 'S', s).view());
    } else {
        _log.text("sku", sku_name(s).view());
    }
    _log.text("channel", channels[c].name);
    _log.number("qty", qty);
    if (loc >= 0) _log.text("loc", loc_names[loc]);
    _log.end();
    if (loc >= 0) {
        m.reserved[loc] += qty;
    } else {
        m.unassigned += qty;
    }
    _orders.push_back(open_order{_order_number, s, static_cast<int8_t>(loc), qty});
    refresh(s);
}

void generator::emit_ship_or_cancel() {
    if (_orders_head >= _orders.size()) return;
    const open_order line = _orders[_orders_head++];
    if (_orders_head > 4096 && _orders_head * 2 > _orders.size()) {
        _orders.erase(_orders.begin(), _orders.begin() + static_cast<long>(_orders_head));
        _orders_head = 0;
    }
    sku_model& m = _skus[line.sku];
    const bool cancel = _rng.chance(0.2);
    int ship_loc = line.loc;
    if (ship_loc < 0) {
        ship_loc = static_cast<int>(std::max_element(m.on_hand, m.on_hand + loc_count) - m.on_hand);
    }
    _log.begin(_t, cancel ? "cancel" : "ship");
    _log.text("order", ref_name('O', line.number).view());
    _log.text("sku", sku_name(line.sku).view());
    if (!cancel && line.loc < 0) _log.text("loc", loc_names[ship_loc]);
    _log.end();
    if (line.loc >= 0) {
        m.reserved[line.loc] -= line.qty;
    } else {
        m.unassigned -= line.qty;
    }
    if (!cancel) m.on_hand[ship_loc] -= line.qty;
    refresh(line.sku);
}

void generator::traffic() {
    const uint64_t roll = _rng.below(100);
    if (roll < 35) {
        emit_order(draw_sku());
    } else if (roll < 60) {
        emit_ship_or_cancel();
    } else if (roll < 68) {
        const uint32_t s = draw_sku();
        const auto loc = static_cast<int>(_rng.below(loc_count));
        const auto qty = static_cast<int32_t>(10 + _rng.below(90));
        _log.begin(_t, "receipt");
        _log.text("sku", sku_name(s).view());
        _log.text("loc", loc_names[loc]);
        _log.number("qty", qty);
        _log.end();
        _skus[s].on_hand[loc] += qty;
        refresh(s);
    } else if (roll < 71) {
        const uint32_t s = draw_sku();
        const auto loc = static_cast<int8_t>(_rng.below(loc_count));
        _log.begin(_t, "return");
        _log.text("sku", sku_name(s).view());
        _log.text("loc", loc_names[loc]);
        _log.number("qty", 1);
        _log.end();
        _skus[s].returns[loc] += 1;
        _returns.push_back(pending_return{s, loc, 1});
    } else if (roll < 73) {
        if (_returns_head >= _returns.size()) return;
        const pending_return r = _returns[_returns_head++];
        _log.begin(_t, "restock");
        _log.text("sku", sku_name(r.sku).view());
        _log.text("loc", loc_names[r.loc]);
        _log.number("qty", r.qty);
        _log.end();
        _skus[r.sku].returns[r.loc] -= r.qty;
        _skus[r.sku].on_hand[r.loc] += r.qty;
        refresh(r.sku);
    } else if (roll < 75) {
        const uint32_t s = draw_sku();
        sku_model& m = _skus[s];
        const auto from =
            static_cast<int8_t>(std::max_element(m.on_hand, m.on_hand + loc_count) - m.on_hand);
        const auto to = static_cast<int8_t>((from + 1 + _rng.below(loc_count - 1)) % loc_count);
        const auto qty = static_cast<int32_t>(std::max(1, m.on_hand[from] / 4));
        _log.begin(_t, "transfer.out");
        _log.text("transfer", ref_name('T', ++_transfer_number).view());
        _log.text("sku", sku_name(s).view());
        _log.text("from", loc_names[from]);
        _log.text("to", loc_names[to]);
        _log.number("qty", qty);
        _log.end();
        m.on_hand[from] -= qty;
        m.inbound[to] += qty;
        _transfers.push_back(pending_transfer{_transfer_number, s, to, qty});
        refresh(s);
    } else if (roll < 77) {
        if (_transfers_head >= _transfers.size()) return;
        const pending_transfer t = _transfers[_transfers_head++];
        _log.begin(_t, "transfer.in");
        _log.text("transfer", ref_name('T', t.number).view());
        _log.text("sku", sku_name(t.sku).view());
        _log.end();
        _skus[t.sku].inbound[t.to] -= t.qty;
        _skus[t.sku].on_hand[t.to] += t.qty;
        refresh(t.sku);
    } else if (roll < 79) {
        const uint32_t s = draw_sku();
        const auto loc = static_cast<int>(_rng.below(loc_count));
        const int32_t delta = _rng.chance(0.7) ? -static_cast<int32_t>(1 + _rng.below(2)) : 2;
        _log.begin(_t, "adjust");
        _log.text("sku", sku_name(s).view());
        _log.text("loc", loc_names[loc]);
        _log.number("delta", delta);
        _log.text("reason", delta < 0 ? "damaged" : "found");
        _log.text("owner", "ops");
        _log.end();
        _skus[s].on_hand[loc] += delta;
        refresh(s);
    } else if (roll < 80) {
        const uint32_t s = draw_sku();
        const auto loc = static_cast<int>(_rng.below(loc_count));
        const int32_t counted = std::max<int32_t>(
            0, _skus[s].on_hand[loc] +
                   (_rng.chance(0.8) ? 0 : static_cast<int32_t>(_rng.below(3)) - 1));
        _log.begin(_t, "count");
        _log.text("sku", sku_name(s).view());
        _log.text("loc", loc_names[loc]);
        _log.number("counted", counted);
        _log.text("owner", "cycle-count");
        _log.end();
        _skus[s].on_hand[loc] = counted;
        refresh(s);
    } else {
        const uint32_t s = draw_sku();
        const auto c = static_cast<int>(__builtin_ctz(_skus[s].listed));
        _log.begin(_t, "publish");
        _log.text("channel", channels[c].name);
        _log.text("listing", listing_name(c, 'S', s).view());
        _log.number("qty", _listings[listing_of(s, c)].expected);
        _log.end();
    }
}

void generator::bad_line() {
    const uint64_t n = ++_totals.bad_lines;
    std::string id = "\"id\":\"bad-";
    id += std::to_string(_opts.seed);
    id += '-';
    id += std::to_string(n);
    id += '"';
    switch (n % 5) {
    case 0:
        _log.raw_line("{" + id + ",\"ts\":");
        break;
    case 1:
        _log.raw_line("{" + id +
                      ",\"ts\":\"2026-11-27T10:00:00Z\",\"type\":\"receipt\","
                      "\"sku\":\"S00000001\",\"loc\":\"W1\"}");
        break;
    case 2:
        _log.raw_line("{" + id + ",\"ts\":\"2026-11-27T10:00:00Z\",\"type\":\"teleport\"}");
        break;
    case 3:
        _log.raw_line("{" + id +
                      ",\"ts\":\"2026-13-45T10:00:00Z\",\"type\":\"sku\","
                      "\"sku\":\"X\"}");
        break;
    default:
        _log.raw_line("{" + id +
                      ",\"ts\":\"2026-11-27T10:00:00Z\",\"type\":\"receipt\","
                      "\"sku\":\"NO-SUCH-SKU\",\"loc\":\"W1\",\"qty\":1}");
        break;
    }
}

void generator::due_repairs(int64_t until_us) {
    while (!_repair_queue.empty() && _repair_queue.top().due_us <= until_us) {
        const timed due = _repair_queue.top();
        _repair_queue.pop();
        apply_repair(_repairs[due.key]);
    }
}

totals generator::run(void (*progress)(uint64_t, uint64_t)) {
    // Channel policies of the workload (docs: bench/README.md).
    _log.begin(_t, "policy.channel");
    _log.text("channel", "amazon");
    _log.json("locations", "[\"W1\",\"W2\"]");
    _log.end();
    _log.begin(_t, "policy.channel");
    _log.text("channel", "ebay");
    _log.number("share", 50);
    _log.number("max", 40);
    _log.end();
    _log.begin(_t, "policy.channel");
    _log.text("channel", "woo");
    _log.number("share", 80);
    _log.end();
    for (const char* cls : {"A", "B"}) {
        _log.begin(_t, "policy.buffer");
        _log.text("class", cls);
        _log.number("units", class_buffer[cls[0] - 'A']);
        _log.end();
    }
    _log.begin(_t, "policy.publish");
    _log.number("grace_ms", 60000);
    _log.end();
    _log.begin(_t, "policy.publish");
    _log.number("grace_ms", 120000);
    _log.text("channel", "ebay");
    _log.end();
    uint64_t next_report = 1'000'000;
    while (_log.lines() < _opts.events) {
        advance_time();
        due_repairs(_t);
        due_levels(_t);
        if (_opts.bad_rate > 0 && _rng.chance(_opts.bad_rate)) bad_line();
        if (_opts.fault_rate > 0 && _rng.chance(_opts.fault_rate)) inject();
        traffic();
        if (progress && _log.lines() >= next_report) {
            progress(_log.lines(), _opts.events);
            next_report += 1'000'000;
        }
    }
    _log.flush();
    _totals.lines = _log.lines();
    _totals.events = _totals.lines - _totals.bad_lines;
    return _totals;
}

} // namespace weave::gen::detail

namespace weave::gen {

totals generate(const options& opts, std::FILE* log, std::FILE* truth,
                void (*progress)(uint64_t, uint64_t)) {
    detail::generator g(opts, log, truth);
    return g.run(progress);
}

} // namespace weave::gen
