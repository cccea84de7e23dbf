#include "score/score.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <unordered_map>

#include "weave/limits.h"
#include "weave/time.h"

namespace weave::score {
namespace {

using namespace simdjson;

// Our own bugs only, never bad input; on in release (adapters cannot reach weave_assert.h).
void check(bool condition, const char* what) {
    if (!condition) [[unlikely]] {
        std::fprintf(stderr, "weave score: assertion failed: %s\n", what);
        std::abort();
    }
}

constexpr uint64_t count_max = 1'000'000'000'000;  // keeps ratio arithmetic far from overflow

enum class field_status : uint8_t { ok, missing, bad };

field_status read_string(dom::object object, std::string_view key, std::string_view& out) {
    dom::element element;
    if (object[key].get(element) != SUCCESS) {
        return field_status::missing;
    }
    return element.get(out) == SUCCESS ? field_status::ok : field_status::bad;
}

std::optional<divergence_cause> cause_named(std::string_view name) {
    for (size_t i = 0; i < divergence_cause_count; i++) {
        if (divergence_cause_names[i] == name) {
            return static_cast<divergence_cause>(i);
        }
    }
    return std::nullopt;
}

// The fields both kinds of line share. Empty on success, else the reason the line is bad.
struct common_fields {
    int64_t ts_us = 0;
    std::string_view channel;
    std::string_view listing;
    divergence_cause cause = divergence_cause::channel_edit;
};

std::string_view read_common(dom::object object, common_fields& out) {
    constexpr std::string_view keys[] = {"ts", "channel", "listing", "layer", "cause"};
    constexpr std::string_view missing[] = {"missing_field:ts", "missing_field:channel",
                                            "missing_field:listing", "missing_field:layer",
                                            "missing_field:cause"};
    constexpr std::string_view bad[] = {"bad_field:ts", "bad_field:channel", "bad_field:listing",
                                        "bad_field:layer", "bad_field:cause"};
    std::string_view values[5];
    for (size_t i = 0; i < 5; i++) {
        const field_status status = read_string(object, keys[i], values[i]);
        if (status == field_status::missing) return missing[i];
        if (status == field_status::bad) return bad[i];
    }
    const std::optional<int64_t> ts_us = parse_rfc3339_us(values[0]);
    if (!ts_us) return "bad_field:ts";
    const auto layer = std::find(divergence_layer_names.begin(), divergence_layer_names.end(),
                                 values[3]);
    if (layer == divergence_layer_names.end()) return "bad_field:layer";
    const std::optional<divergence_cause> cause = cause_named(values[4]);
    if (!cause) return "bad_field:cause";
    const auto layer_index = static_cast<size_t>(layer - divergence_layer_names.begin());
    if (static_cast<size_t>(layer_of(*cause)) != layer_index) return "bad_field:layer";
    out = {*ts_us, values[1], values[2], *cause};
    return {};
}

enum class line_kind : uint8_t { truth, divergence };

// Reads lines of one file into records; one reused DOM parser (the DOM validates every byte,
// so a good line can be copied into the report as it is).
class record_reader {
public:
    record_reader(std::unordered_map<std::string, uint32_t>& listing_ids)
        : _listing_ids(listing_ids) {
        check(_parser.allocate(line_bytes_max) == SUCCESS, "parser allocation");
    }

    void read(std::string_view text, line_kind kind, std::vector<scored_record>& records,
              file_tally& tally);

private:
    std::string_view read_line(std::string_view line, line_kind kind, scored_record& record,
                               bool& ignored);
    uint32_t listing_id(std::string_view channel, std::string_view listing);

    std::unordered_map<std::string, uint32_t>& _listing_ids;
    dom::parser _parser{line_bytes_max};
    std::unique_ptr<char[]> _padded{new char[line_bytes_max + SIMDJSON_PADDING]};
    std::string _key;
};

uint32_t record_reader::listing_id(std::string_view channel, std::string_view listing) {
    _key.clear();
    _key += std::to_string(channel.size());
    _key += ':';
    _key += channel;
    _key += listing;
    const auto next = static_cast<uint32_t>(_listing_ids.size());
    check(next != no_match, "listing ids fit in 32 bits");
    const auto [at, inserted] = _listing_ids.try_emplace(_key, next);
    check(inserted || at->second < next, "listing id is dense");
    return at->second;
}

// Empty on a record or an ignored line (`ignored` set), else the reason the line is bad.
std::string_view record_reader::read_line(std::string_view line, line_kind kind,
                                          scored_record& record, bool& ignored) {
    ignored = false;
    if (line.size() > line_bytes_max) return "line_too_long";
    std::memcpy(_padded.get(), line.data(), line.size());
    std::memset(_padded.get() + line.size(), 0, SIMDJSON_PADDING);
    dom::element root;
    if (_parser.parse(_padded.get(), line.size(), false).get(root) != SUCCESS) {
        return "malformed_json";
    }
    dom::object object;
    if (root.get(object) != SUCCESS) return "not_an_object";
    if (kind == line_kind::divergence) {
        std::string_view event;
        const field_status status = read_string(object, "event", event);
        if (status == field_status::missing) return "missing_field:event";
        if (status == field_status::bad) return "bad_field:event";
        if (event == "close") {
            ignored = true;
            return {};
        }
        if (event != "open") return "bad_field:event";
    } else {
        dom::element sku;
        if (object["sku"].get(sku) != SUCCESS) return "missing_field:sku";
        if (!sku.is_string() && !sku.is_null()) return "bad_field:sku";
    }
    common_fields fields;
    const std::string_view reason = read_common(object, fields);
    if (!reason.empty()) return reason;
    record.ts_us = fields.ts_us;
    record.cause = fields.cause;
    record.listing_id = listing_id(fields.channel, fields.listing);
    record.line = line;
    return {};
}

std::string_view trim(std::string_view text) {
    constexpr std::string_view space = " \t\r";
    const size_t first = text.find_first_not_of(space);
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(space) - first + 1);
}

void record_reader::read(std::string_view text, line_kind kind,
                         std::vector<scored_record>& records, file_tally& tally) {
    size_t position = 0;
    while (position < text.size()) {
        const size_t newline = text.find('\n', position);
        const size_t end = newline == std::string_view::npos ? text.size() : newline;
        const std::string_view line = trim(text.substr(position, end - position));
        position = end + 1;
        tally.lines++;
        check(tally.lines < count_max, "line count bound");
        if (line.empty()) {
            tally.blank_lines++;
            continue;
        }
        scored_record record;
        record.line_number = static_cast<uint32_t>(std::min<uint64_t>(tally.lines, UINT32_MAX));
        bool ignored = false;
        const std::string_view reason = read_line(line, kind, record, ignored);
        if (!reason.empty()) {
            tally.bad_lines++;
            if (tally.bad_samples.size() < bad_line_samples_max) {
                tally.bad_samples.push_back({record.line_number, reason});
            }
        } else if (ignored) {
            tally.ignored_lines++;
        } else {
            records.push_back(record);
        }
    }
    check(tally.blank_lines + tally.bad_lines + tally.ignored_lines + records.size() <=
              tally.lines,
          "every line counted once");
}

// The matching rule of score.h: faults in ts order, each to the earliest unmatched open of its
// (channel, listing) with ts in [fault ts, fault ts + window].
void match(score_result& result, size_t listing_count) {
    std::stable_sort(result.faults.begin(), result.faults.end(),
                     [](const scored_record& a, const scored_record& b) {
                         return a.ts_us < b.ts_us;
                     });
    std::vector<std::vector<uint32_t>> opens_by_listing(listing_count);
    for (size_t i = 0; i < result.opens.size(); i++) {
        opens_by_listing[result.opens[i].listing_id].push_back(static_cast<uint32_t>(i));
    }
    const auto open_ts = [&](uint32_t index) { return result.opens[index].ts_us; };
    for (auto& opens : opens_by_listing) {
        std::stable_sort(opens.begin(), opens.end(),
                         [&](uint32_t a, uint32_t b) { return open_ts(a) < open_ts(b); });
    }
    result.fault_match.assign(result.faults.size(), no_match);
    result.open_match.assign(result.opens.size(), no_match);
    for (size_t f = 0; f < result.faults.size(); f++) {
        const scored_record& fault = result.faults[f];
        const auto& opens = opens_by_listing[fault.listing_id];
        const int64_t last_us = fault.ts_us + result.window_us;
        auto at = std::lower_bound(opens.begin(), opens.end(), fault.ts_us,
                                   [&](uint32_t open, int64_t ts) { return open_ts(open) < ts; });
        for (; at != opens.end() && open_ts(*at) <= last_us; ++at) {
            if (result.open_match[*at] == no_match) {
                check(open_ts(*at) >= fault.ts_us, "open inside the window");
                result.open_match[*at] = static_cast<uint32_t>(f);
                result.fault_match[f] = *at;
                break;
            }
        }
    }
}

void add_counts(cause_counts& total, const cause_counts& part) {
    total.faults += part.faults;
    total.opens += part.opens;
    total.faults_detected += part.faults_detected;
    total.faults_classified += part.faults_classified;
    total.opens_matched += part.opens_matched;
    total.opens_classified += part.opens_classified;
}

void count(score_result& result) {
    for (size_t f = 0; f < result.faults.size(); f++) {
        cause_counts& counts = result.by_cause[static_cast<size_t>(result.faults[f].cause)];
        counts.faults++;
        const uint32_t open = result.fault_match[f];
        if (open != no_match) {
            counts.faults_detected++;
            counts.faults_classified += result.opens[open].cause == result.faults[f].cause;
        }
    }
    for (size_t o = 0; o < result.opens.size(); o++) {
        cause_counts& counts = result.by_cause[static_cast<size_t>(result.opens[o].cause)];
        counts.opens++;
        const uint32_t fault = result.open_match[o];
        if (fault != no_match) {
            counts.opens_matched++;
            counts.opens_classified += result.faults[fault].cause == result.opens[o].cause;
        }
    }
    for (const cause_counts& counts : result.by_cause) {
        add_counts(result.overall, counts);
    }
    check(result.overall.faults_detected == result.overall.opens_matched, "one open per fault");
    check(result.overall.faults_classified == result.overall.opens_classified,
          "right matches counted from both sides");
}

void append_counts(std::string& out, const cause_counts& counts) {
    for (size_t i = 0; i < figure_count; i++) {
        out += i == 0 ? "\"" : ",\"";
        out += figure_names[i];
        out += "\":";
        append_ratio(out, figure_of(counts, static_cast<figure>(i)));
    }
}

void append_cause_key(std::string& out, size_t cause) {
    out += divergence_layer_names[static_cast<size_t>(divergence_cause_layer[cause])];
    out += '/';
    out += divergence_cause_names[cause];
}

// `[line,line,…]` of the first listed_records_max records whose match is no_match.
void append_unmatched(std::string& out, const std::vector<scored_record>& records,
                      const std::vector<uint32_t>& matches) {
    check(records.size() == matches.size(), "one match slot per record");
    out += '[';
    size_t listed = 0;
    for (size_t i = 0; i < records.size() && listed < listed_records_max; i++) {
        if (matches[i] == no_match) {
            out += listed++ == 0 ? "" : ",";
            out += records[i].line;
        }
    }
    out += ']';
}

void append_figure_cells(std::string& out, const cause_counts& counts) {
    char cell[32];
    for (size_t i = 0; i < figure_count; i++) {
        std::string text;
        append_ratio(text, figure_of(counts, static_cast<figure>(i)));
        std::snprintf(cell, sizeof cell, "  %10s", text == "null" ? "-" : text.c_str());
        out += cell;
    }
    out += '\n';
}

void append_row(std::string& out, std::string_view name, const cause_counts& counts) {
    char cell[64];
    std::snprintf(cell, sizeof cell, "%-28.*s %7llu %7llu", static_cast<int>(name.size()),
                  name.data(), static_cast<unsigned long long>(counts.faults),
                  static_cast<unsigned long long>(counts.opens));
    out += cell;
    append_figure_cells(out, counts);
}

void append_bad_lines(std::string& out, std::string_view file, const file_tally& tally) {
    if (tally.bad_lines == 0) return;
    out += "bad lines in " + std::string(file) + ": " + std::to_string(tally.bad_lines);
    for (const bad_line& bad : tally.bad_samples) {
        out += " (line " + std::to_string(bad.line_number) + ": " + std::string(bad.reason) +
               ")";
    }
    out += tally.bad_lines > tally.bad_samples.size() ? " …\n" : "\n";
}

} // namespace

ratio figure_of(const cause_counts& counts, figure which) {
    switch (which) {
    case figure::detection_recall: return {counts.faults_detected, counts.faults};
    case figure::detection_precision: return {counts.opens_matched, counts.opens};
    case figure::classification_recall: return {counts.faults_classified, counts.faults};
    case figure::classification_precision: return {counts.opens_classified, counts.opens};
    }
    check(false, "figure is one of four");
    return {};
}

score_result score(input_text truth, input_text divergences, int64_t window_ms) {
    check(window_ms >= 0, "window is not negative");
    check(window_ms <= window_ms_max, "window within its bound");
    score_result result;
    result.window_us = window_ms * 1000;
    std::unordered_map<std::string, uint32_t> listing_ids;
    record_reader reader(listing_ids);
    reader.read(truth.bytes, line_kind::truth, result.faults, result.truth);
    reader.read(divergences.bytes, line_kind::divergence, result.opens, result.divergences);
    match(result, listing_ids.size());
    count(result);
    return result;
}

std::string report_json(const score_result& result) {
    std::string out;
    out += "{\"faults\":" + std::to_string(result.faults.size());
    out += ",\"opens\":" + std::to_string(result.opens.size());
    out += ",\"window_ms\":" + std::to_string(result.window_us / 1000);
    out += ",\"overall\":{";
    append_counts(out, result.overall);
    out += "},\"by_cause\":{";
    for (size_t c = 0; c < divergence_cause_count; c++) {
        out += c == 0 ? "\"" : ",\"";
        append_cause_key(out, c);
        out += "\":{\"faults\":" + std::to_string(result.by_cause[c].faults);
        out += ",\"opens\":" + std::to_string(result.by_cause[c].opens) + ",";
        append_counts(out, result.by_cause[c]);
        out += '}';
    }
    out += "},\"missed\":";
    append_unmatched(out, result.faults, result.fault_match);
    out += ",\"unexpected\":";
    append_unmatched(out, result.opens, result.open_match);
    out += ",\"bad_lines\":{\"truth\":" + std::to_string(result.truth.bad_lines);
    out += ",\"divergences\":" + std::to_string(result.divergences.bad_lines) + "}}\n";
    return out;
}

std::string report_table(const score_result& result) {
    std::string out = "weave score: " + std::to_string(result.faults.size()) + " faults, " +
                      std::to_string(result.opens.size()) + " opens, window " +
                      std::to_string(result.window_us / 1000) + " ms\n";
    out += "cause                         faults   opens  det_recall    det_prec  "
           "cls_recall    cls_prec\n";
    std::string name;
    for (size_t c = 0; c < divergence_cause_count; c++) {
        name.clear();
        append_cause_key(name, c);
        append_row(out, name, result.by_cause[c]);
    }
    append_row(out, "overall", result.overall);
    const uint64_t missed = result.overall.faults - result.overall.faults_detected;
    const uint64_t unexpected = result.overall.opens - result.overall.opens_matched;
    out += std::to_string(missed) + " faults missed, " + std::to_string(unexpected) +
           " opens unexpected, " +
           std::to_string(result.overall.faults_detected - result.overall.faults_classified) +
           " detected faults given another cause\n";
    append_bad_lines(out, "the truth file", result.truth);
    append_bad_lines(out, "the divergences file", result.divergences);
    return out;
}

void append_ratio(std::string& out, ratio value) {
    if (value.denominator == 0) {
        out += "null";
        return;
    }
    check(value.numerator <= value.denominator, "a ratio is at most 1");
    check(value.denominator < count_max, "counts within their bound");
    const uint64_t ppm = (value.numerator * 2 * ppm_one + value.denominator) /
                         (2 * value.denominator);
    char text[32];
    std::snprintf(text, sizeof text, "%llu.%06llu", static_cast<unsigned long long>(ppm / ppm_one),
                  static_cast<unsigned long long>(ppm % ppm_one));
    out += text;
}

bool below_threshold(ratio value, uint32_t threshold_ppm) {
    check(threshold_ppm <= ppm_one, "threshold is at most 1");
    if (value.denominator == 0) {
        return true;
    }
    check(value.denominator < count_max, "counts within their bound");
    return value.numerator * ppm_one < uint64_t{threshold_ppm} * value.denominator;
}

bool parse_threshold_ppm(std::string_view text, uint32_t& threshold_ppm) {
    const size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction =
        dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    if (whole.empty() || whole.size() > 1 || fraction.size() > 6) return false;
    if (dot != std::string_view::npos && fraction.empty()) return false;
    uint64_t value = 0;
    for (const char c : whole) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    uint64_t scale = ppm_one;
    value *= ppm_one;
    for (const char c : fraction) {
        if (c < '0' || c > '9') return false;
        scale /= 10;
        value += static_cast<uint64_t>(c - '0') * scale;
    }
    if (value > ppm_one) return false;
    threshold_ppm = static_cast<uint32_t>(value);
    return true;
}

} // namespace weave::score
