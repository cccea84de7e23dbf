#include "report.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <numeric>

#include "weave/time.h"

namespace weave {

__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;
namespace {

void append_int(std::string& out, int64_t value) {
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, result.ptr);
}

// `,"key":value`
void append_field(std::string& out, std::string_view key, int64_t value) {
    out += ",\"";
    out += key;
    out += "\":";
    append_int(out, value);
}

void append_percentiles(std::string& out, const std::vector<int64_t>& sorted,
                        std::initializer_list<std::pair<const char*, unsigned>> ranks) {
    for (const auto& [name, p] : ranks) {
        out += ",\"";
        out += name;
        out += "\":";
        if (sorted.empty()) {
            out += "null";
        } else {
            append_ms(out, p == 100 ? sorted.back() : nearest_rank(sorted, p));
        }
    }
}

} // namespace

int64_t nearest_rank(const std::vector<int64_t>& sorted, unsigned p) {
    WEAVE_ASSERT(!sorted.empty());
    const size_t n = sorted.size();
    size_t rank = (p * n + 99) / 100;
    rank = std::clamp<size_t>(rank, 1, n);
    return sorted[rank - 1];
}


namespace {

// Each id's position when the names are sorted by bytes: outputs sort on these integers.
std::vector<uint32_t> name_ranks(const intern_table& names) {
    std::vector<uint32_t> ids(names.size());
    std::iota(ids.begin(), ids.end(), 0u);
    std::sort(ids.begin(), ids.end(),
              [&](uint32_t a, uint32_t b) { return names.name(a) < names.name(b); });
    std::vector<uint32_t> rank(ids.size());
    for (uint32_t r = 0; r < ids.size(); r++) {
        rank[ids[r]] = r;
    }
    return rank;
}

struct output_order {
    std::vector<uint32_t> sku, loc, listing;  // listing: by (channel, listing)
};

struct listing_order {
    const router& route;
    bool operator()(uint32_t a, uint32_t b) const {
        const auto channel_a = route.channel_names().name(route.listing_channel(a));
        const auto channel_b = route.channel_names().name(route.listing_channel(b));
        if (channel_a != channel_b) {
            return channel_a < channel_b;
        }
        return route.listing_name(a) < route.listing_name(b);
    }
};

output_order make_output_order(const router& route) {
    output_order order;
    order.sku = name_ranks(route.sku_names());
    order.loc = name_ranks(route.loc_names());
    std::vector<uint32_t> listings(route.listing_count());
    std::iota(listings.begin(), listings.end(), 0u);
    std::sort(listings.begin(), listings.end(), listing_order{route});
    order.listing.resize(listings.size());
    for (uint32_t r = 0; r < listings.size(); r++) {
        order.listing[listings[r]] = r;
    }
    return order;
}

std::vector<divergence_record> sorted_divergences(const router& route,
                                                  const std::vector<const shard*>& shards,
                                                  const output_order& order) {
    const std::vector<uint32_t>& rank = order.listing;
    std::vector<divergence_record> all(route.divergences());
    for (const shard* s : shards) {
        all.insert(all.end(), s->divergences().begin(), s->divergences().end());
    }
    // SPEC §5: by ts, then channel, listing, open before close, then production order.
    std::sort(all.begin(), all.end(), [&](const divergence_record& a, const divergence_record& b) {
        if (a.ts_us != b.ts_us) return a.ts_us < b.ts_us;
        if (rank[a.listing] != rank[b.listing]) return rank[a.listing] < rank[b.listing];
        if (a.is_close != b.is_close) return !a.is_close;
        if (a.produced_seq != b.produced_seq) return a.produced_seq < b.produced_seq;
        return a.produced_index < b.produced_index;
    });
    return all;
}

void format_divergence(std::string& out, const router& route, const divergence_record& d) {
    out += d.is_close ? "{\"event\":\"close\",\"ts\":\"" : "{\"event\":\"open\",\"ts\":\"";
    append_rfc3339_us(out, d.ts_us);
    out += "\",\"seq\":";
    if (d.seq == 0) {
        out += "null";
    } else {
        append_int(out, static_cast<int64_t>(d.seq));
    }
    out += ",\"channel\":";
    append_json_string(out, route.channel_names().name(d.channel));
    out += ",\"listing\":";
    append_json_string(out, route.listing_name(d.listing));
    out += ",\"sku\":";
    if (d.sku == no_sku) {
        out += "null,\"expected\":null";
    } else {
        append_json_string(out, route.sku_names().name(d.sku));
        out += ",\"expected\":";
        append_int(out, d.expected);
    }
    out += ",\"observed\":";
    append_int(out, d.observed);
    out += ",\"layer\":\"";
    out += divergence_layer_names[static_cast<size_t>(layer_of(d.cause))];
    out += "\",\"cause\":\"";
    out += divergence_cause_names[static_cast<size_t>(d.cause)];
    out += '"';
    if (d.is_close) {
        out += ",\"duration_ms\":";
        append_ms(out, d.duration_us);
    }
    out += "}\n";
}

} // namespace
} // namespace weave

namespace weave {
namespace {

std::string format_state(const router& route, const std::vector<const shard*>& shards,
                         const listing_store& listings, const output_order& order) {
    const auto& skus = route.sku_names();
    const auto& locs = route.loc_names();
    struct stock_line {
        uint32_t sku;
        const stock_slot* slot;
    };
    std::vector<stock_line> stock;
    std::vector<const sku_state*> sku_states(skus.size(), nullptr);
    for (unsigned s = 0; s < shards.size(); s++) {
        const auto& slot_skus = route.shard_slot_skus(s);
        const auto& states = shards[s]->skus();
        for (size_t slot = 0; slot < states.size(); slot++) {
            const uint32_t sku = slot_skus[slot];
            sku_states[sku] = &states[slot];
            for (uint32_t i = states[slot].first_stock; i != no_slot;
                 i = shards[s]->stock()[i].next) {
                if (shards[s]->stock()[i].listed) {
                    stock.push_back(stock_line{sku, &shards[s]->stock()[i]});
                }
            }
        }
    }
    std::sort(stock.begin(), stock.end(), [&](const stock_line& a, const stock_line& b) {
        if (a.sku != b.sku) return order.sku[a.sku] < order.sku[b.sku];
        return order.loc[a.slot->loc] < order.loc[b.slot->loc];
    });
    std::string out;
    for (const stock_line& line : stock) {
        out += "{\"kind\":\"stock\",\"sku\":";
        append_json_string(out, skus.name(line.sku));
        out += ",\"loc\":";
        append_json_string(out, locs.name(line.slot->loc));
        append_field(out, "on_hand", line.slot->on_hand);
        append_field(out, "reserved", line.slot->reserved);
        append_field(out, "returns_pending", line.slot->returns_pending);
        out += "}\n";
    }
    std::vector<uint32_t> defined;
    for (uint32_t sku = 0; sku < skus.size(); sku++) {
        if (route.sku_defined(sku)) {
            defined.push_back(sku);
        }
    }
    std::sort(defined.begin(), defined.end(),
              [&](uint32_t a, uint32_t b) { return order.sku[a] < order.sku[b]; });
    for (const uint32_t sku : defined) {
        const sku_state* state = sku_states[sku];
        out += "{\"kind\":\"sku\",\"sku\":";
        append_json_string(out, skus.name(sku));
        append_field(out, "reserved_unassigned", state ? state->unassigned : 0);
        append_field(out, "in_transit", state ? state->in_transit : 0);
        out += "}\n";
    }
    std::vector<uint32_t> mapped;
    for (uint32_t l = 0; l < route.listing_count(); l++) {
        if (route.listing_sku(l) != no_sku) {
            mapped.push_back(l);
        }
    }
    std::sort(mapped.begin(), mapped.end(),
              [&](uint32_t a, uint32_t b) { return order.listing[a] < order.listing[b]; });
    for (const uint32_t l : mapped) {
        const listing_state& state = listings[l];
        out += "{\"kind\":\"listing\",\"channel\":";
        append_json_string(out, route.channel_names().name(route.listing_channel(l)));
        out += ",\"listing\":";
        append_json_string(out, route.listing_name(l));
        out += ",\"sku\":";
        append_json_string(out, skus.name(route.listing_sku(l)));
        append_field(out, "expected", state.expected);
        out += ",\"observed\":";
        if (state.observed_known) {
            append_int(out, state.observed);
        } else {
            out += "null";
        }
        out += state.mismatched ? ",\"mismatched\":true" : ",\"mismatched\":false";
        out += state.open ? ",\"open_divergence\":true}\n" : ",\"open_divergence\":false}\n";
    }
    return out;
}

std::string format_rejects(std::string_view log, const router& route) {
    std::string out;
    for (const reject_entry& entry : route.rejects()) {
        out += "{\"seq\":";
        append_int(out, static_cast<int64_t>(entry.seq));
        out += ",\"reason\":\"";
        out += reject_text(entry.reason, entry.field);
        out += "\",\"line\":";
        append_json_string(out, log.substr(entry.line_offset, entry.line_length),
                           reject_line_bytes_max);
        out += "}\n";
    }
    return out;
}

// A ratio as an integer when whole, else rounded to 6 decimals without trailing zeros.
void append_ratio(std::string& out, uint64_t numerator, uint64_t denominator) {
    const auto millionths = static_cast<uint64_t>(
        (static_cast<uint128>(numerator) * 1'000'000 * 2 + denominator) /
        (2 * static_cast<uint128>(denominator)));
    out += std::to_string(millionths / 1'000'000);
    uint64_t fraction = millionths % 1'000'000;
    if (fraction != 0) {
        std::string digits = std::to_string(fraction);
        digits.insert(0, 6 - digits.size(), '0');
        while (digits.back() == '0') {
            digits.pop_back();
        }
        out += '.' + digits;
    }
}

struct divergence_totals {
    uint64_t opened = 0;
    uint64_t closed = 0;
    std::array<uint64_t, divergence_cause_count> by_cause{};
    std::vector<int64_t> closure_us;
};

void append_divergence_counts(std::string& out, const divergence_totals& totals) {
    out += ",\"divergences_opened\":" + std::to_string(totals.opened);
    std::array<uint64_t, divergence_layer_count> by_layer{};
    for (size_t c = 0; c < divergence_cause_count; c++) {
        by_layer[static_cast<size_t>(divergence_cause_layer[c])] += totals.by_cause[c];
    }
    out += ",\"divergences_by_layer\":{";
    for (size_t l = 0; l < divergence_layer_count; l++) {
        out += l == 0 ? "\"" : ",\"";
        out += divergence_layer_names[l];
        out += "\":" + std::to_string(by_layer[l]);
    }
    out += "},\"divergences_by_cause\":{";
    for (size_t l = 0; l < divergence_layer_count; l++) {
        out += l == 0 ? "\"" : ",\"";
        out += divergence_layer_names[l];
        out += "\":{";
        bool first = true;
        for (size_t c = 0; c < divergence_cause_count; c++) {
            if (static_cast<size_t>(divergence_cause_layer[c]) != l) {
                continue;
            }
            out += first ? "\"" : ",\"";
            first = false;
            out += divergence_cause_names[c];
            out += "\":" + std::to_string(totals.by_cause[c]);
        }
        out += '}';
    }
    out += "},\"divergences_closed\":" + std::to_string(totals.closed);
    out += ",\"divergences_still_open\":" + std::to_string(totals.opened - totals.closed);
    out += ",\"time_to_closure_ms\":{\"count\":" + std::to_string(totals.closure_us.size());
    append_percentiles(out, totals.closure_us, {{"p50", 50}, {"p95", 95}, {"max", 100}});
    out += '}';
}

std::string format_report(const router& route, const std::vector<const shard*>& shards,
                          const std::vector<divergence_record>& divergences) {
    const router_counters& counters = route.counters();
    std::string out = "{\"lines\":" + std::to_string(counters.lines);
    out += ",\"blank_lines\":" + std::to_string(counters.blank_lines);
    out += ",\"events_read\":" + std::to_string(counters.events_read);
    out += ",\"applied\":" + std::to_string(counters.applied);
    out += ",\"duplicates\":" + std::to_string(counters.duplicates);
    out += ",\"rejected\":" + std::to_string(counters.rejected);
    std::map<std::string, uint64_t> by_reason;  // sorted by the reason's bytes
    for (const reject_entry& entry : route.rejects()) {
        by_reason[reject_text(entry.reason, entry.field)]++;
    }
    out += ",\"rejects_by_reason\":{";
    bool first = true;
    for (const auto& [reason, count] : by_reason) {
        out += first ? "" : ",";
        first = false;
        append_json_string(out, reason);
        out += ':' + std::to_string(count);
    }
    out += "},\"applied_by_type\":{";
    for (size_t t = 0; t < event_type_count; t++) {
        out += t == 0 ? "\"" : ",\"";
        out += event_type_names[t];
        out += "\":" + std::to_string(counters.applied_by_type[t]);
    }
    shard_counters totals;
    std::vector<int64_t> lag_us;
    for (const shard* s : shards) {
        totals.oversell_incidents += s->counters().oversell_incidents;
        totals.negative_on_hand_incidents += s->counters().negative_on_hand_incidents;
        totals.cycle_counts += s->counters().cycle_counts;
        totals.counts_with_variance += s->counters().counts_with_variance;
        lag_us.insert(lag_us.end(), s->lag_samples_us().begin(), s->lag_samples_us().end());
    }
    out += "},\"oversell_incidents\":" + std::to_string(totals.oversell_incidents);
    out += ",\"negative_on_hand_incidents\":" +
           std::to_string(totals.negative_on_hand_incidents);
    divergence_totals divergence;
    for (const divergence_record& d : divergences) {
        if (d.is_close) {
            divergence.closed++;
            divergence.closure_us.push_back(d.duration_us);
        } else {
            divergence.opened++;
            divergence.by_cause[static_cast<size_t>(d.cause)]++;
        }
    }
    std::sort(divergence.closure_us.begin(), divergence.closure_us.end());
    append_divergence_counts(out, divergence);
    std::sort(lag_us.begin(), lag_us.end());
    out += ",\"publish_lag_ms\":{\"samples\":" + std::to_string(lag_us.size());
    append_percentiles(out, lag_us, {{"p50", 50}, {"p90", 90}, {"p99", 99}, {"max", 100}});
    out += "},\"cycle_counts\":" + std::to_string(totals.cycle_counts);
    out += ",\"counts_with_variance\":" + std::to_string(totals.counts_with_variance);
    out += ",\"count_variance_rate\":";
    if (totals.cycle_counts == 0) {
        out += "null";
    } else {
        append_ratio(out, totals.counts_with_variance, totals.cycle_counts);
    }
    out += ",\"watermark\":";
    if (route.has_watermark()) {
        out += '"';
        append_rfc3339_us(out, route.watermark_us());
        out += '"';
    } else {
        out += "null";
    }
    return out;
}

} // namespace

replay_outputs format_outputs(std::string_view log, const router& route,
                              const std::vector<const shard*>& shards,
                              const listing_store& listings) {
    replay_outputs outputs;
    const output_order order = make_output_order(route);
    const std::vector<divergence_record> divergences = sorted_divergences(route, shards, order);
    for (const divergence_record& d : divergences) {
        format_divergence(outputs.divergences, route, d);
    }
    outputs.state = format_state(route, shards, listings, order);
    outputs.rejects = format_rejects(log, route);
    outputs.report_body = format_report(route, shards, divergences);
    return outputs;
}

std::string format_divergence_line(const router& route, const divergence_record& divergence) {
    std::string out;
    format_divergence(out, route, divergence);
    return out;
}

std::string format_report_body(const router& route, const std::vector<const shard*>& shards) {
    std::vector<divergence_record> all(route.divergences());
    for (const shard* s : shards) {
        all.insert(all.end(), s->divergences().begin(), s->divergences().end());
    }
    return format_report(route, shards, all);  // counts only: the order does not matter
}

std::string format_state_lines(const router& route, const std::vector<const shard*>& shards,
                               const listing_store& listings) {
    return format_state(route, shards, listings, make_output_order(route));
}

std::string report_json(const replay_outputs& outputs) {
    std::string out = outputs.report_body;
    const replay_timing& timing = outputs.timing;
    char buffer[160];
    const double rate = timing.wall_s > 0 ? static_cast<double>(timing.events_read) / timing.wall_s
                                          : 0.0;
    std::snprintf(buffer, sizeof buffer, ",\"timing\":{\"wall_s\":%.3f,\"events_per_s\":%.0f",
                  timing.wall_s, rate);
    out += buffer;
    out += ",\"latency_ns_p50\":";
    out += timing.latency_ns_p50 ? std::to_string(*timing.latency_ns_p50) : "null";
    out += ",\"latency_ns_p99\":";
    out += timing.latency_ns_p99 ? std::to_string(*timing.latency_ns_p99) : "null";
    out += "}}\n";
    return out;
}

} // namespace weave
