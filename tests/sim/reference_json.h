#pragma once
// Input and output plumbing of the reference model: a small strict JSON reader (RFC 8259), the
// field readers of SPEC section 6, RFC 3339 times, and the number / string formats of section 5.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace weave_sim {

using i64 = std::int64_t;

// ---- A small strict JSON reader (RFC 8259) ----

struct json_member;

struct json_value {
    enum class value_kind { null_value, boolean, number, string, array, object };
    value_kind kind = value_kind::null_value;
    bool boolean_value = false;
    bool is_integer = false;  // a number without fraction or exponent
    bool huge = false;        // an integer too long to hold (always out of range)
    i64 integer = 0;
    std::string text;         // strings: the unescaped bytes
    std::vector<json_value> items;
    std::vector<json_member> members;

    // The last member named `key` (duplicate keys: the last one wins), or nullptr.
    const json_value* find(const std::string& key) const;
};

struct json_member {
    std::string key;
    json_value value;
};

// Parses a whole line as one JSON value; false when it is not valid JSON / not valid UTF-8.
bool parse_json(const std::string& line, json_value& out);
bool valid_utf8(const std::string& bytes);

// ---- Time: microseconds since 1970-01-01T00:00:00Z ----

std::optional<i64> parse_rfc3339(const std::string& text);
std::string format_time(i64 micros);
i64 civil_to_micros(int year, int month, int day, int hour, int minute, int second, i64 micro);

i64 floor_div(i64 a, i64 b);

// ---- Output helpers ----

std::string json_string(const std::string& bytes);   // quoted, escaped
std::string format_ms(i64 micros);                    // integer when whole, else <= 3 decimals
// The `line` of a rejects.ndjson record (before JSON escaping).
std::string reject_line_text(const std::string& raw);

// ---- Field readers: "" when fine, else the reject reason ----

enum class int_range { any, positive, non_negative, non_zero, share };

bool int_fits(const json_value& v, int_range range);  // an integer, |v| <= 1e9, in range
std::string need_string(const json_value& doc, const std::string& name, std::string& out);
std::string opt_string(const json_value& doc, const std::string& name,
                       std::optional<std::string>& out);
std::string need_int(const json_value& doc, const std::string& name, int_range range, i64& out);
std::string opt_int(const json_value& doc, const std::string& name, int_range range,
                    std::optional<i64>& out);

}  // namespace weave_sim
