// Writing log lines for the reference-model comparison: times in every RFC 3339 spelling,
// key order, spacing, escapes, decoy duplicate keys, extra fields, and corrupted lines of each
// kind (malformed JSON, missing or bad fields, bad id / ts / type, blank and over-long lines).
#include "log_generator_internal.h"

#include <algorithm>
#include <cstdio>

namespace weave_sim::generator_detail {

// ---------------------------------------------------------------------------------------
// plumbing

i64 log_builder::next_ts() {
    const i64 roll = rng_.below(100);
    i64 step = 0;
    if (roll < 65) {
        step = rng_.between(0, 2000) * 1000;
    } else if (roll < 88) {
        step = rng_.between(0, 10000) * 1000;
    } else if (roll < 98) {
        step = rng_.between(10, 60) * second_us;
    } else {
        step = rng_.between(60, 300) * second_us;
    }
    if (rng_.chance(10)) {
        step += rng_.between(0, 999);
    }
    if (rng_.chance(8)) {
        step = 0;  // same instant: output order then rests on channel, listing, open/close
    }
    now_ += step;
    if (rng_.chance(5)) {
        return now_ - rng_.between(0, 120000) * 1000;
    }
    return now_;
}

std::string log_builder::format_ts(i64 micros) {
    static const i64 offsets_min[] = {60, -330, 540, 0, -60};
    i64 offset = 0;
    std::string suffix = rng_.chance(3) ? "z" : "Z";
    if (rng_.chance(8)) {
        offset = offsets_min[rng_.below(5)];
        const i64 magnitude = offset < 0 ? -offset : offset;
        char buffer[48];
        std::snprintf(buffer, sizeof buffer, "%c%02lld:%02lld", offset < 0 ? '-' : '+',
                      static_cast<long long>(magnitude / 60),
                      static_cast<long long>(magnitude % 60));
        suffix = buffer;
    }
    const i64 local = micros + offset * 60 * second_us;
    std::string text = format_time(local);  // YYYY-MM-DDTHH:MM:SS.ffffffZ
    std::string date_time = text.substr(0, 19);
    if (rng_.chance(3)) {
        date_time[10] = 't';
    }
    const std::string six = text.substr(20, 6);
    i64 micro = std::stoll(six);
    std::vector<int> valid;
    for (int digits = 0; digits <= 9; ++digits) {
        i64 unit = 1;
        for (int k = digits; k < 6; ++k) {
            unit *= 10;
        }
        if (digits >= 6 || micro % unit == 0) {
            valid.push_back(digits);
        }
    }
    int digits = rng_.pick(valid);
    if (rng_.chance(50) && std::find(valid.begin(), valid.end(), 3) != valid.end()) {
        digits = 3;
    }
    std::string fraction;
    if (digits > 0) {
        fraction = ".";  // (appended, not `"." + ...`: GCC 12 -O3 warns -Wrestrict on that)
        fraction += six.substr(0, static_cast<std::size_t>(std::min(digits, 6)));
        for (int k = 6; k < digits; ++k) {
            fraction += static_cast<char>('0' + rng_.below(10));
        }
    }
    return date_time + fraction + suffix;
}

draft_line log_builder::base(const std::string& type) {
    draft_line draft;
    std::string id = "e";
    id += std::to_string(next_id_++);
    if (!used_ids_.empty() && rng_.chance(3)) {
        id = rng_.pick(used_ids_);  // a duplicate when that line was applied
    }
    draft.text("id", id);
    draft.text("ts", format_ts(next_ts()));
    if (rng_.per_mille(2)) {
        // Valid but extreme instants (far past, leap day, the epoch and just before it).
        static const std::vector<std::string> extremes = {
            "0000-01-01T00:00:00Z", "2024-02-29T23:59:59.999999999Z", "0000-01-01T00:30:00+00:30",
            "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.5Z"};
        draft.text("ts", rng_.pick(extremes));
    }
    if (last_instant_at_ == next_id_) {
        // The last representable instant: from here on every pending deadline is due.
        draft.text("ts", "9999-12-31T23:59:59.999999Z");
    }
    draft.text("type", type);
    return draft;
}

static std::string escape_one_char(const std::string& raw, split_mix& rng) {
    // raw is a JSON string literal; write one ASCII letter or digit as \u00XX.
    std::vector<std::size_t> spots;
    for (std::size_t k = 1; k + 1 < raw.size(); ++k) {
        const char c = raw[k];
        if (raw[k - 1] == '\\') {
            return raw;
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            spots.push_back(k);
        }
    }
    if (spots.empty()) {
        return raw;
    }
    const std::size_t at = rng.pick(spots);
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, rng.chance(50) ? "\\u%04x" : "\\u%04X",
                  static_cast<unsigned>(static_cast<unsigned char>(raw[at])));
    return raw.substr(0, at) + buffer + raw.substr(at + 1);
}

std::string log_builder::render(draft_line draft) {
    if (rng_.chance(4)) {
        static const std::vector<std::string> extras = {
            "\"note\":\"hand edit\"", "\"meta\":{\"src\":[1,2,{\"x\":null}],\"ok\":true}",
            "\"tags\":[]", "\"extra\":null", "\"weight\":1.5e3", "\"sku_hint\":7",
            "\"comment\":\"caf\xC3\xA9 \\\"quoted\\\" \\\\ \\/ \\n\"",
            "\"del\":\"a\x7F" "b\""};
        const std::string extra = rng_.pick(extras);
        const std::size_t colon = extra.find(':');
        draft.fields.push_back(
            {extra.substr(1, colon - 2), extra.substr(colon + 1), field_kind::text, false, false});
    }
    if (rng_.chance(3)) {
        for (auto& field : draft.fields) {
            if (field.kind == field_kind::text && field.raw.size() > 2 && field.raw[0] == '"' &&
                rng_.chance(30)) {
                field.raw = escape_one_char(field.raw, rng_);
            }
        }
    }
    if (rng_.chance(3) && draft.fields.size() > 3) {
        // A decoy earlier copy of a field: the last occurrence wins (spec-notes 1).
        const std::size_t at = static_cast<std::size_t>(
            rng_.between(3, static_cast<i64>(draft.fields.size()) - 1));
        field_spec decoy = draft.fields[at];
        decoy.raw = decoy.kind == field_kind::text ? "\"decoy\"" : "999";
        draft.fields.insert(draft.fields.begin() + static_cast<long>(rng_.between(0, 3)), decoy);
    }
    if (rng_.chance(8)) {
        for (std::size_t k = draft.fields.size(); k > 1; --k) {
            std::swap(draft.fields[k - 1],
                      draft.fields[static_cast<std::size_t>(rng_.below(static_cast<i64>(k)))]);
        }
    }
    const bool spaced = rng_.chance(4);
    const bool escaped_key = rng_.per_mille(15);
    std::string out = spaced ? "{ " : "{";
    for (std::size_t k = 0; k < draft.fields.size(); ++k) {
        if (k > 0) {
            out += spaced ? " , " : ",";
        }
        std::string key = json_string(draft.fields[k].key);
        if (escaped_key && rng_.chance(40)) {
            key = escape_one_char(key, rng_);  // "\u0069d" is the key "id"
        }
        out += key + (spaced ? " : " : ":") + draft.fields[k].raw;
    }
    out += spaced ? " }" : "}";
    if (spaced && rng_.chance(30)) {
        out = "\t" + out + "  ";
    }
    return out;
}

void log_builder::emit_line(const std::string& line) {
    lines_.push_back(line);
    model_.feed(line);
}

std::string log_builder::bad_value(field_kind kind) {
    static const std::vector<std::string> text = {"5", "null", "true", "{\"a\":1}", "[\"x\"]"};
    static const std::vector<std::string> positive = {
        "0", "-3", "\"5\"", "1.5", "2e1", "null", "1000000001", "5.0", "-0"};
    static const std::vector<std::string> non_negative = {
        "-1", "\"3\"", "0.5", "null", "1000000001", "1E2"};
    static const std::vector<std::string> any_int = {
        "\"5\"", "1.0", "null", "1000000001", "-1000000001", "true", "12345678901234",
        "99999999999999999999", "-99999999999999999999", "1e400", "0.1e1"};
    static const std::vector<std::string> non_zero = {"0", "\"1\"", "null", "1e0", "-0"};
    static const std::vector<std::string> share = {"0", "101", "\"50\"", "null", "50.5", "-5"};
    static const std::vector<std::string> boolean = {"\"true\"", "1", "null", "0"};
    static const std::vector<std::string> locations = {
        "\"W1\"", "[1]", "null", "[\"W1\",null]", "{\"W1\":true}"};
    static const std::vector<std::string> sku_class = {"\"D\"", "\"a\"", "3", "null", "\"AB\""};
    static const std::vector<std::string> reason = {"7", "true", "[\"x\"]", "{}"};
    switch (kind) {
    case field_kind::text: return rng_.pick(text);
    case field_kind::positive: return rng_.pick(positive);
    case field_kind::non_negative: return rng_.pick(non_negative);
    case field_kind::any_int: return rng_.pick(any_int);
    case field_kind::non_zero: return rng_.pick(non_zero);
    case field_kind::share: return rng_.pick(share);
    case field_kind::boolean: return rng_.pick(boolean);
    case field_kind::locations: return rng_.pick(locations);
    case field_kind::sku_class: return rng_.pick(sku_class);
    case field_kind::reason: return rng_.pick(reason);
    }
    return "null";
}

void log_builder::corrupt_field(draft_line& draft, bool remove) {
    std::vector<std::size_t> candidates;
    for (std::size_t k = 3; k < draft.fields.size(); ++k) {
        const field_spec& field = draft.fields[k];
        if (field.corruptible && (!remove || field.required)) {
            candidates.push_back(k);
        }
    }
    if (candidates.empty()) {
        return;
    }
    const std::size_t at = rng_.pick(candidates);
    if (remove) {
        draft.fields.erase(draft.fields.begin() + static_cast<long>(at));
    } else {
        draft.fields[at].raw = bad_value(draft.fields[at].kind);
    }
}

void log_builder::emit_malformed(draft_line draft) {
    std::string line = render(draft);
    switch (rng_.below(11)) {
    case 0: line = line.substr(0, line.size() - static_cast<std::size_t>(rng_.between(1, 8)));
        break;
    case 1: {
        static const std::vector<std::string> tails = {" x", "}", ",{}", " {}", "]", "0"};
        line += rng_.pick(tails);
        break;
    }
    case 2: {
        static const std::vector<std::string> values = {
            "[1,2,3]", "\"just a string\"", "42", "null", "true", "[]", "[{\"id\":\"x\"}]"};
        line = rng_.pick(values);
        break;
    }
    case 3: {
        draft_line copy = draft;
        copy.put("qty", rng_.chance(50) ? "NaN" : "Infinity", field_kind::any_int);
        line = render(copy);
        break;
    }
    case 4: line = "\xEF\xBB\xBF" + line; break;
    case 5: {
        // Invalid UTF-8 (single bytes and cut or forbidden sequences) and raw control bytes.
        static const std::vector<std::string> bad = {
            "ab\xFF" "cd", "\x80", "x\xC3y", "\xFE", "a\xE2\x82" "b", "\xC0\xAF",
            "\xED\xA0\x80", "\xF0\x9F\x98", "\xF4\x90\x80\x80", "tab\there", "a\x01" "b",
            "\x1F\x7F", "caf\xC3\xA9\x02"};
        draft_line copy = draft;
        copy.fields.push_back(
            {"note", "\"" + rng_.pick(bad) + "\"", field_kind::text, false, false});
        line = render(copy);
        break;
    }
    case 6: std::replace(line.begin(), line.end(), '"', '\''); break;
    case 7: {
        static const std::vector<std::string> numbers = {"01", "-", "1.", "+1", ".5", "0x10",
                                                         "1e", "--1"};
        draft_line copy = draft;
        copy.put("qty", rng_.pick(numbers), field_kind::any_int);
        line = render(copy);
        break;
    }
    case 8: line = line.substr(0, line.size() - 1) + ",\"open\":\"unterminated}"; break;
    case 9: line = line.substr(0, line.size() - 1) + ",/*c*/\"a\":1}"; break;
    default: line = line.substr(0, line.size() - 1) + ",}"; break;
    }
    if (line.empty()) {
        line = "{";
    }
    emit_line(line);
}

void log_builder::emit(draft_line draft, bool allow_corruption) {
    const i64 roll = allow_corruption ? rng_.below(1000) : 1000;
    if (roll < 25) {
        emit_malformed(draft);
        return;
    }
    if (roll < 55) {
        corrupt_field(draft, true);
    } else if (roll < 90) {
        corrupt_field(draft, false);
    } else if (roll < 100) {
        static const std::vector<std::string> ids = {"17", "null", "[\"e1\"]", "true"};
        if (rng_.chance(40)) {
            draft.erase("id");
        } else {
            draft.fields[0].raw = rng_.pick(ids);
        }
    } else if (roll < 115) {
        static const std::vector<std::string> bad_ts = {
            "\"2026-02-30T10:00:00Z\"", "\"2026-11-27 10:00:00Z\"", "\"2026-11-27T10:00:00\"",
            "\"2026-11-27T24:00:00Z\"", "\"2026-11-27T10:00:60Z\"", "\"2026-11-27T10:00:00.Z\"",
            "\"2026-11-27T10:00:00.1234567890Z\"", "\"27/11/2026\"", "\"\"",
            "\"2026-13-01T00:00:00Z\"", "\"2025-02-29T10:00:00Z\"", "1796032800",
            "null", "\"2026-11-27T10:00Z\"", "\"2026-11-27T10:00:00+0100\"",
            "\"2026-11-27T10:00:00 Z\"", "\"2026-11-27T10:00:00.5+01\"",
            "\"10000-01-01T00:00:00Z\"", "\"2026-11-27T10:00:00ZZ\"", "\"2026-1-27T10:00:00Z\"",
            "\"0000-01-01T00:30:00+01:00\"", "\"9999-12-31T23:30:00-01:00\"",
            "\"2026-11-27T10:00:00+24:00\"", "\"2026-11-27T10:00:00+01:60\""};
        if (rng_.chance(15)) {
            draft.erase("ts");
        } else {
            draft.fields[1].raw = rng_.pick(bad_ts);
        }
    } else if (roll < 122) {
        static const std::vector<std::string> types = {
            "\"refund\"", "\"Receipt\"", "\"\"", "3", "null", "\"channel_level\"",
            "\"receipt \"", "\"policy\""};
        if (rng_.chance(20)) {
            draft.erase("type");
        } else {
            draft.fields[2].raw = rng_.pick(types);
        }
    }
    std::string line = render(draft);
    if (rng_.chance(5)) {
        line += "\r";
    }
    emit_line(line);
    const field_spec* id = draft.find("id");
    if (id != nullptr && id->raw.size() > 2 && id->raw[0] == '"' &&
        id->raw.find('\\') == std::string::npos) {
        used_ids_.push_back(id->raw.substr(1, id->raw.size() - 2));
    }
}

void log_builder::emit_special_line() {
    const i64 roll = rng_.below(100);
    if (roll < 70) {
        static const std::vector<std::string> blanks = {"", "  ", "\t", " \t ", "\r", " \r"};
        emit_line(rng_.pick(blanks));
        return;
    }
    // A long line: more than 1024 bytes with two-byte characters around the cut.
    draft_line draft = base(rng_.chance(50) ? "bulk.note" : "publish");
    if (draft.find("type")->raw == "\"publish\"") {
        const auto listing = pick_pool_listing();
        draft.text("channel", listing.first);
        draft.text("listing", listing.second);
        draft.number("qty", rng_.between(0, 9), field_kind::any_int);
    }
    std::string note;
    const i64 ascii = rng_.between(850, 1000);
    for (i64 k = 0; k < ascii; ++k) {
        note += static_cast<char>('a' + k % 26);
    }
    for (int k = 0; k < 120; ++k) {
        note += rng_.chance(50) ? "\xC3\xA9" : "\xE2\x82\xAC";
        if (rng_.chance(2)) {
            note += rng_.chance(50) ? "\xFF" : "\xE2\x82";  // invalid bytes near the cut
        }
    }
    draft.fields.push_back({"note", json_string(note), field_kind::text, false, false});
    emit(draft, false);
}

void log_builder::emit_huge_line() {
    draft_line draft = base("publish");
    const auto listing = pick_pool_listing();
    draft.text("channel", listing.first);
    draft.text("listing", listing.second);
    draft.number("qty", 1, field_kind::any_int);
    std::string line = "{";
    for (const auto& field : draft.fields) {
        line += json_string(field.key) + ":" + field.raw + ",";
    }
    line += "\"note\":\"\"}";
    const std::size_t wanted = 1048576 + (rng_.chance(50) ? 1 : 0);
    line.insert(line.size() - 2, std::string(wanted - line.size(), 'x'));
    emit_line(line);
}

}  // namespace weave_sim::generator_detail
