// The reference model: SPEC.md read literally, one line at a time, with plain maps and loops.
// This file: the line loop, truth (section 3), divergences (section 4) and the outputs (section 5).
// The checks and effects of each event type are in reference_events.cpp.
#include "reference_model.h"

#include <algorithm>
#include <cstdio>

namespace weave_sim {

namespace {

bool is_blank(const std::string& line) {
    return std::all_of(line.begin(), line.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

std::string percentile_text(const std::vector<i64>& sorted, int p) {
    if (sorted.empty()) {
        return "null";
    }
    const auto n = static_cast<i64>(sorted.size());
    i64 rank = (p * n + 99) / 100;
    rank = std::max<i64>(rank, 1);
    return format_ms(sorted[static_cast<std::size_t>(rank - 1)]);
}

int type_index(const std::string& type) {
    for (int k = 0; k < event_type_count; ++k) {
        if (type == event_types[k]) {
            return k;
        }
    }
    return -1;
}

}  // namespace

// ======================================================================================
// The model
// ======================================================================================

i64 reference_model::grace_ms(const std::string& channel) const {
    const auto it = channel_grace_ms.find(channel);
    return it != channel_grace_ms.end() ? it->second : default_grace_ms;
}

bool reference_model::mismatched(const listing_state& listing) const {
    return listing.mapped && listing.observed.has_value() &&
           *listing.observed != listing.expected;
}

i64 reference_model::buffer_of(const std::string& sku, const sku_state& state) const {
    if (const auto it = sku_buffer.find(sku); it != sku_buffer.end()) {
        return it->second;
    }
    if (const auto it = class_buffer.find(state.cls); it != class_buffer.end()) {
        return it->second;
    }
    return 0;
}

i64 reference_model::expected_for(const std::string& channel, const std::string& sku,
                        const sku_state& state, const formula_variant& variant) const {
    static const channel_policy default_policy;
    const auto policy_it = channel_policies.find(channel);
    const channel_policy& policy =
        policy_it != channel_policies.end() ? policy_it->second : default_policy;
    auto in_scope = [&](const std::string& loc) {
        return variant.all_locations || !policy.locations.has_value() ||
               policy.locations->count(loc) > 0;
    };
    i64 pool = 0;
    for (const auto& [loc, line] : state.stock) {
        if (!in_scope(loc)) {
            continue;
        }
        pool += line.on_hand;
        if (variant.returns) {
            pool += line.returns_pending;
        }
        if (!variant.no_reservations) {
            pool -= line.reserved;
        }
    }
    if (variant.transit) {
        for (const auto& [loc, units] : state.transit_to) {
            if (in_scope(loc)) {
                pool += units;
            }
        }
    }
    if (!variant.no_reservations) {
        pool -= state.unassigned;
    }
    if (!variant.no_buffer) {
        pool -= buffer_of(sku, state);
    }
    const i64 share = variant.share_100 ? 100 : policy.share;
    i64 value = floor_div(pool * share, 100);
    value = std::max<i64>(value, 0);
    if (!variant.share_100 && policy.max.has_value()) {
        value = std::min(value, *policy.max);
    }
    return value;
}

void reference_model::add_reject(const std::string& reason, const std::string& raw) {
    ++rejected;
    ++rejects_by_reason[reason];
    reject_lines.emplace_back(seq, "{\"seq\":" + std::to_string(seq) + ",\"reason\":" +
                                       json_string(reason) +
                                       ",\"line\":" + json_string(reject_line_text(raw)) + "}");
    last_reject_reason = reason;
}

void reference_model::touch(const std::string& sku, const std::string& loc) {
    skus[sku].stock[loc];
}

void reference_model::lower_on_hand(stock_line& line, i64 by) {
    const i64 before = line.on_hand;
    line.on_hand -= by;
    if (before >= 0 && line.on_hand < 0) {
        ++negative_on_hand;
    }
}

void reference_model::feed(const std::string& input) {
    ++lines;
    ++seq;
    last_line_applied = false;
    last_reject_reason.clear();
    last_rejected_move_sku.clear();
    std::string raw = input;
    if (!raw.empty() && raw.back() == '\r') {
        raw.pop_back();
    }
    if (is_blank(raw)) {
        ++blank_lines;
        return;
    }
    ++events_read;
    if (raw.size() > 1048576) {
        add_reject("line_too_long", raw);
        return;
    }
    json_value doc;
    if (!parse_json(raw, doc) || doc.kind != json_value::value_kind::object) {
        add_reject("malformed_json", raw);
        return;
    }
    std::string id;
    if (std::string why = need_string(doc, "id", id); !why.empty()) {
        add_reject(why, raw);
        return;
    }
    if (ids.count(id) > 0) {
        ++duplicates;
        return;
    }
    std::string ts_text;
    if (std::string why = need_string(doc, "ts", ts_text); !why.empty()) {
        add_reject(why, raw);
        return;
    }
    const std::optional<i64> ts = parse_rfc3339(ts_text);
    if (!ts.has_value()) {
        add_reject("bad_field:ts", raw);
        return;
    }
    std::string type;
    if (std::string why = need_string(doc, "type", type); !why.empty()) {
        add_reject(why, raw);
        return;
    }
    const int index = type_index(type);
    if (index < 0) {
        add_reject("unknown_type", raw);
        return;
    }
    const event_view ev{doc, raw, *ts, type};
    const std::string why = handle(ev);
    if (!why.empty()) {
        add_reject(why, raw);
        return;
    }
    ids.insert(id);
    ++applied;
    ++applied_by_type[index];
    recompute_all(*ts, seq);
    last_line_applied = true;
    last_applied_ts = *ts;
}

void reference_model::finish() {
    // SPEC §4: no flush at the end of the log. Deadlines fire only before an applied event, and
    // begin_apply() has already fired every one that was due before the last of them.
}

std::string reference_model::handle(const event_view& ev) {
    const std::string& t = ev.type;
    if (t == "sku") {
        return handle_sku(ev);
    }
    if (t == "listing") {
        return handle_listing(ev);
    }
    if (t == "listing.retire") {
        return handle_retire(ev);
    }
    if (t == "policy.buffer" || t == "policy.channel" || t == "policy.publish") {
        return handle_policy(ev);
    }
    if (t == "publish" || t == "publish.ack" || t == "channel.level") {
        return handle_channel_side(ev);
    }
    return handle_movement(ev);
}

void reference_model::begin_apply(i64 ts) {
    watermark = watermark.has_value() ? std::max(*watermark, ts) : ts;
    fire_deadlines();
}

void reference_model::fire_deadlines() {
    std::vector<std::pair<i64, listing_state*>> due;
    for (auto& [key, listing] : listings) {
        if (!mismatched(listing) || listing.open) {
            continue;
        }
        const i64 deadline = listing.t0 + grace_ms(listing.channel) * 1000;
        if (deadline < *watermark) {
            due.emplace_back(deadline, &listing);
        }
    }
    std::stable_sort(due.begin(), due.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [deadline, listing] : due) {
        open_divergence(*listing, deadline, std::nullopt);
    }
}

void reference_model::recompute_all(i64 ts, i64 line) {
    for (auto& [key, listing] : listings) {
        if (!listing.mapped) {
            continue;
        }
        const i64 value = expected_for(listing.channel, listing.sku, skus.at(listing.sku), {});
        if (value == listing.expected) {
            continue;
        }
        const bool was_mismatched = mismatched(listing);
        listing.history.push_back({listing.expected, ts});
        if (listing.history.size() > 8) {
            listing.history.pop_front();
        }
        listing.expected = value;
        listing.t1 = ts;
        listing.confirmed = false;
        if (!listing.observed.has_value()) {
            continue;
        }
        if (*listing.observed == value) {
            listing.confirmed = true;
            if (listing.open) {
                close_divergence(listing, ts, line);
            }
        } else if (!was_mismatched) {
            listing.t0 = ts;
        }
    }
}

void reference_model::observe(listing_state& listing, i64 qty, i64 ts, i64 line) {
    if (!listing.mapped) {
        listing.observed = qty;
        if (!listing.open) {
            open_divergence(listing, ts, line);
        }
        return;
    }
    const bool was_mismatched = mismatched(listing);
    listing.observed = qty;
    if (qty == listing.expected) {
        listing.confirmed = true;
        if (was_mismatched) {
            lag_micros.push_back(std::max<i64>(0, ts - std::max(listing.t0, listing.t1)));
        }
        if (listing.open) {
            close_divergence(listing, ts, line);
        }
        return;
    }
    if (!was_mismatched) {
        listing.t0 = ts;
    }
    if (listing.open) {
        return;
    }
    const i64 since = ts - grace_ms(listing.channel) * 1000;
    bool lagging = false;
    for (const auto& entry : listing.history) {
        if (entry.value == qty && entry.stop >= since) {
            lagging = true;
        }
    }
    if (!lagging) {
        open_divergence(listing, ts, line);
    }
}

void reference_model::open_divergence(listing_state& listing, i64 ts, std::optional<i64> line) {
    std::pair<std::string, std::string> kind{"identity", "unmapped_listing"};
    if (listing.mapped) {
        kind = classify(listing, ts);
    }
    listing.open = true;
    listing.layer = kind.first;
    listing.cause = kind.second;
    listing.open_ts = ts;
    ++opened;
    ++opened_by_cause[kind.first][kind.second];
    std::string json = "{\"event\":\"open\",\"ts\":\"" + format_time(ts) + "\",\"seq\":" +
                       (line.has_value() ? std::to_string(*line) : "null") +
                       ",\"channel\":" + json_string(listing.channel) +
                       ",\"listing\":" + json_string(listing.id) + ",\"sku\":" +
                       (listing.mapped ? json_string(listing.sku) : "null") + ",\"expected\":" +
                       (listing.mapped ? std::to_string(listing.expected) : "null") +
                       ",\"observed\":" + std::to_string(*listing.observed) +
                       ",\"layer\":" + json_string(kind.first) +
                       ",\"cause\":" + json_string(kind.second) + "}";
    records.push_back({ts, listing.channel, listing.id, true, std::move(json)});
}

void reference_model::close_divergence(listing_state& listing, i64 ts, i64 line) {
    const i64 duration = std::max<i64>(0, ts - listing.open_ts);
    listing.open = false;
    ++closed;
    closure_micros.push_back(duration);
    std::string json = "{\"event\":\"close\",\"ts\":\"" + format_time(ts) +
                       "\",\"seq\":" + std::to_string(line) +
                       ",\"channel\":" + json_string(listing.channel) +
                       ",\"listing\":" + json_string(listing.id) +
                       ",\"sku\":" + json_string(listing.sku) +
                       ",\"expected\":" + std::to_string(listing.expected) +
                       ",\"observed\":" + std::to_string(*listing.observed) +
                       ",\"layer\":" + json_string(listing.layer) +
                       ",\"cause\":" + json_string(listing.cause) +
                       ",\"duration_ms\":" + format_ms(duration) + "}";
    records.push_back({ts, listing.channel, listing.id, false, std::move(json)});
}

std::optional<i64> reference_model::expected_after(const std::string& channel,
                                                   const std::string& sku,
                                         const rejected_move& move) const {
    sku_state state = skus.at(sku);
    auto release = [&state](const std::optional<std::string>& held, i64 qty) {
        if (held.has_value()) {
            state.stock[*held].reserved -= qty;
        } else {
            state.unassigned -= qty;
        }
    };
    switch (move.effect) {
    case rejected_move::effect_kind::nothing: return std::nullopt;
    case rejected_move::effect_kind::add_on_hand: state.stock[move.loc].on_hand += move.qty; break;
    case rejected_move::effect_kind::set_on_hand: state.stock[move.loc].on_hand = move.qty; break;
    case rejected_move::effect_kind::reserve:
        if (move.held.has_value()) {
            state.stock[*move.held].reserved += move.qty;
        } else {
            state.unassigned += move.qty;
        }
        break;
    case rejected_move::effect_kind::ship_excess: {
        // Applied to the current state: once its line has nothing open, a ship has nothing to
        // apply (it would be unknown_order now).
        const auto it = orders.find(move.line_id);
        if (it == orders.end() || it->second.open == 0) {
            return std::nullopt;
        }
        release(move.held, move.qty);
        state.stock[move.loc].on_hand -= move.qty;
        break;
    }
    case rejected_move::effect_kind::cancel_line:
    case rejected_move::effect_kind::ship_line: {
        const auto it = orders.find(move.line_id);
        if (it == orders.end() || it->second.sku != sku || it->second.open == 0) {
            return std::nullopt;
        }
        const order_line& order = it->second;
        if (move.effect == rejected_move::effect_kind::cancel_line) {
            release(order.loc, std::min(move.line_qty.value_or(order.open), order.open));
            break;
        }
        const std::optional<std::string> loc = move.line_loc.has_value() ? move.line_loc
                                                                          : order.loc;
        if (!loc.has_value()) {
            return std::nullopt;
        }
        const i64 amount = move.line_qty.value_or(order.open);
        release(order.loc, amount);
        state.stock[*loc].on_hand -= amount;
        break;
    }
    case rejected_move::effect_kind::transfer_in_line: {
        const auto it = transfers.find(move.line_id);
        if (it == transfers.end() || it->second.sku != sku || it->second.remaining == 0) {
            return std::nullopt;
        }
        state.stock[it->second.to].on_hand += move.line_qty.value_or(it->second.remaining);
        break;
    }
    }
    return expected_for(channel, sku, state, {});
}

bool reference_model::rejected_move_explains(const listing_state& listing, i64 t) const {
    const auto it = rejected_moves.find(listing.sku);
    if (it == rejected_moves.end()) {
        return false;
    }
    const i64 since = t - grace_ms(listing.channel) * 1000;
    const auto& moves = it->second;
    const std::size_t first = moves.size() > 64 ? moves.size() - 64 : 0;
    for (std::size_t k = first; k < moves.size(); ++k) {
        const rejected_move& move = moves[k];
        if (move.ts < since || move.ts > t) {
            continue;
        }
        if (expected_after(listing.channel, listing.sku, move) == listing.observed) {
            return true;
        }
    }
    return false;
}

std::pair<std::string, std::string> reference_model::classify(const listing_state& listing,
                                                              i64 t) const {
    if (listing.retired) {
        return {"identity", "retired_listing"};
    }
    for (const auto& [key, other] : listings) {
        if (&other != &listing && other.mapped && !other.retired &&
            other.channel == listing.channel && other.sku == listing.sku) {
            return {"identity", "duplicate_listing"};
        }
    }
    const i64 observed = *listing.observed;
    bool in_history = false;
    for (const auto& entry : listing.history) {
        if (entry.value == observed) {
            in_history = true;
        }
    }
    const bool failed_ack = listing.last_ack_ok.has_value() && !*listing.last_ack_ok;
    if (!listing.confirmed && failed_ack) {
        return {"publish", "publish_failed"};
    }
    if (!listing.confirmed && in_history) {
        return {"publish", "stale_value"};
    }
    if (rejected_move_explains(listing, t)) {
        return {"ledger", "rejected_movement"};
    }
    const sku_state& state = skus.at(listing.sku);
    auto explains = [&](formula_variant variant) {
        return expected_for(listing.channel, listing.sku, state, variant) == observed;
    };
    formula_variant v;
    v.transit = true;
    if (explains(v)) {
        return {"ledger", "in_transit_counted"};
    }
    v = {};
    v.returns = true;
    if (explains(v)) {
        return {"ledger", "returns_counted"};
    }
    v = {};
    v.no_buffer = true;
    if (explains(v)) {
        return {"policy", "buffer_ignored"};
    }
    v = {};
    v.no_reservations = true;
    if (explains(v)) {
        return {"policy", "reservations_ignored"};
    }
    v = {};
    v.all_locations = true;
    if (explains(v)) {
        return {"policy", "location_scope"};
    }
    v = {};
    v.share_100 = true;
    if (explains(v)) {
        return {"policy", "share_ignored"};
    }
    if (in_history) {
        return {"publish", "stale_value"};
    }
    return {"unexplained", "channel_edit"};
}

// ======================================================================================
// Outputs
// ======================================================================================

model_outputs reference_model::outputs() const {
    model_outputs out;

    std::vector<divergence_record> sorted = records;
    auto before = [](const divergence_record& a, const divergence_record& b) {
        if (a.ts != b.ts) {
            return a.ts < b.ts;
        }
        if (a.channel != b.channel) {
            return a.channel < b.channel;
        }
        if (a.listing != b.listing) {
            return a.listing < b.listing;
        }
        return a.is_open && !b.is_open;
    };
    std::stable_sort(sorted.begin(), sorted.end(), before);
    for (const auto& record : sorted) {
        out.divergences += record.json + "\n";
    }

    for (const auto& [sku, state] : skus) {
        for (const auto& [loc, line] : state.stock) {
            out.state += "{\"kind\":\"stock\",\"sku\":" + json_string(sku) +
                         ",\"loc\":" + json_string(loc) +
                         ",\"on_hand\":" + std::to_string(line.on_hand) +
                         ",\"reserved\":" + std::to_string(line.reserved) +
                         ",\"returns_pending\":" + std::to_string(line.returns_pending) + "}\n";
        }
    }
    for (const auto& [sku, state] : skus) {
        i64 in_transit = 0;
        for (const auto& [loc, units] : state.transit_to) {
            in_transit += units;
        }
        out.state += "{\"kind\":\"sku\",\"sku\":" + json_string(sku) +
                     ",\"reserved_unassigned\":" + std::to_string(state.unassigned) +
                     ",\"in_transit\":" + std::to_string(in_transit) + "}\n";
    }
    for (const auto& [key, listing] : listings) {
        if (!listing.mapped) {
            continue;
        }
        out.state += "{\"kind\":\"listing\",\"channel\":" + json_string(listing.channel) +
                     ",\"listing\":" + json_string(listing.id) +
                     ",\"sku\":" + json_string(listing.sku) +
                     ",\"expected\":" + std::to_string(listing.expected) + ",\"observed\":" +
                     (listing.observed.has_value() ? std::to_string(*listing.observed) : "null") +
                     ",\"mismatched\":" + (mismatched(listing) ? "true" : "false") +
                     ",\"open_divergence\":" + (listing.open ? "true" : "false") + "}\n";
    }

    for (const auto& [line_seq, text] : reject_lines) {
        out.rejects += text + "\n";
    }

    std::string& r = out.report;
    r = "{\"lines\":" + std::to_string(lines) + ",\"blank_lines\":" + std::to_string(blank_lines) +
        ",\"events_read\":" + std::to_string(events_read) +
        ",\"applied\":" + std::to_string(applied) +
        ",\"duplicates\":" + std::to_string(duplicates) +
        ",\"rejected\":" + std::to_string(rejected) + ",\"rejects_by_reason\":{";
    bool first = true;
    for (const auto& [reason, n] : rejects_by_reason) {
        r += (first ? "" : ",") + json_string(reason) + ":" + std::to_string(n);
        first = false;
    }
    r += "},\"applied_by_type\":{";
    for (int k = 0; k < event_type_count; ++k) {
        r += (k == 0 ? "\"" : ",\"") + std::string(event_types[k]) +
             "\":" + std::to_string(applied_by_type[k]);
    }
    r += "},\"oversell_incidents\":" + std::to_string(oversells) +
         ",\"negative_on_hand_incidents\":" + std::to_string(negative_on_hand) +
         ",\"divergences_opened\":" + std::to_string(opened) + ",\"divergences_by_layer\":{";
    static const std::vector<std::pair<std::string, std::vector<std::string>>> causes = {
        {"identity", {"unmapped_listing", "retired_listing", "duplicate_listing"}},
        {"publish", {"publish_failed", "stale_value"}},
        {"ledger", {"rejected_movement", "in_transit_counted", "returns_counted"}},
        {"policy", {"buffer_ignored", "reservations_ignored", "location_scope", "share_ignored"}},
        {"unexplained", {"channel_edit"}}};
    auto count_of = [&](const std::string& layer, const std::string& cause) -> i64 {
        const auto it = opened_by_cause.find(layer);
        if (it == opened_by_cause.end()) {
            return 0;
        }
        const auto jt = it->second.find(cause);
        return jt == it->second.end() ? 0 : jt->second;
    };
    first = true;
    for (const auto& [layer, names] : causes) {
        i64 total = 0;
        for (const auto& cause : names) {
            total += count_of(layer, cause);
        }
        r += (first ? "\"" : ",\"") + layer + "\":" + std::to_string(total);
        first = false;
    }
    r += "},\"divergences_by_cause\":{";
    first = true;
    for (const auto& [layer, names] : causes) {
        r += (first ? "\"" : ",\"") + layer + "\":{";
        first = false;
        bool inner_first = true;
        for (const auto& cause : names) {
            r += (inner_first ? "\"" : ",\"") + cause + "\":" +
                 std::to_string(count_of(layer, cause));
            inner_first = false;
        }
        r += "}";
    }
    std::vector<i64> closure = closure_micros;
    std::sort(closure.begin(), closure.end());
    std::vector<i64> lag = lag_micros;
    std::sort(lag.begin(), lag.end());
    r += "},\"divergences_closed\":" + std::to_string(closed) +
         ",\"divergences_still_open\":" + std::to_string(opened - closed) +
         ",\"time_to_closure_ms\":{\"count\":" + std::to_string(closure.size()) +
         ",\"p50\":" + percentile_text(closure, 50) + ",\"p95\":" + percentile_text(closure, 95) +
         ",\"max\":" + percentile_text(closure, 100) +
         "},\"publish_lag_ms\":{\"samples\":" + std::to_string(lag.size()) +
         ",\"p50\":" + percentile_text(lag, 50) + ",\"p90\":" + percentile_text(lag, 90) +
         ",\"p99\":" + percentile_text(lag, 99) + ",\"max\":" + percentile_text(lag, 100) +
         "},\"cycle_counts\":" + std::to_string(cycle_counts) +
         ",\"counts_with_variance\":" + std::to_string(counts_with_variance) +
         ",\"count_variance_rate\":";
    if (cycle_counts == 0) {
        r += "null";
    } else if (counts_with_variance % cycle_counts == 0) {
        r += std::to_string(counts_with_variance / cycle_counts);
    } else {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%.6f",
                      static_cast<double>(counts_with_variance) /
                          static_cast<double>(cycle_counts));
        std::string text = buffer;
        while (text.back() == '0') {
            text.pop_back();
        }
        if (text.back() == '.') {
            text.pop_back();
        }
        r += text;
    }
    r += ",\"watermark\":";
    r += watermark.has_value() ? "\"" + format_time(*watermark) + "\"" : "null";
    return out;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> result;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        if (end == std::string::npos) {
            result.push_back(text.substr(start));
            break;
        }
        result.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return result;
}

model_outputs run_model(const std::string& log_text) {
    reference_model model;
    for (const auto& line : split_lines(log_text)) {
        model.feed(line);
    }
    model.finish();
    return model.outputs();
}

}  // namespace weave_sim
