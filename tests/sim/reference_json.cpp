// JSON reading, RFC 3339 times and output formatting for the reference model.
#include "reference_json.h"

#include <cstdio>

namespace weave_sim {

// ======================================================================================
// JSON
// ======================================================================================

const json_value* json_value::find(const std::string& key) const {
    const json_value* found = nullptr;
    for (const auto& member : members) {
        if (member.key == key) {
            found = &member.value;
        }
    }
    return found;
}

bool valid_utf8(const std::string& bytes) {
    std::size_t i = 0;
    const std::size_t n = bytes.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        int extra = 0;
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF;
        if (c < 0x80) {
            ++i;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            if (c == 0xE0) {
                lo = 0xA0;
            } else if (c == 0xED) {
                hi = 0x9F;
            }
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            if (c == 0xF0) {
                lo = 0x90;
            } else if (c == 0xF4) {
                hi = 0x8F;
            }
        } else {
            return false;
        }
        if (i + static_cast<std::size_t>(extra) >= n) {
            return false;
        }
        for (int k = 1; k <= extra; ++k) {
            const auto b = static_cast<unsigned char>(bytes[i + static_cast<std::size_t>(k)]);
            const unsigned char low = k == 1 ? lo : 0x80;
            const unsigned char high = k == 1 ? hi : 0xBF;
            if (b < low || b > high) {
                return false;
            }
        }
        i += static_cast<std::size_t>(extra) + 1;
    }
    return true;
}

namespace {

class json_parser {
public:
    explicit json_parser(const std::string& text) : s_(text) {}

    bool parse_document(json_value& out) {
        skip_ws();
        if (!parse_value(out, 0)) {
            return false;
        }
        skip_ws();
        return i_ == s_.size();
    }

private:
    void skip_ws() {
        while (i_ < s_.size() &&
               (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
            ++i_;
        }
    }

    bool literal(const char* word) {
        std::size_t k = 0;
        while (word[k] != '\0') {
            if (i_ + k >= s_.size() || s_[i_ + k] != word[k]) {
                return false;
            }
            ++k;
        }
        i_ += k;
        return true;
    }

    bool parse_value(json_value& v, int depth) {
        if (depth > 512 || i_ >= s_.size()) {
            return false;
        }
        const char c = s_[i_];
        if (c == '{') {
            return parse_object(v, depth);
        }
        if (c == '[') {
            return parse_array(v, depth);
        }
        if (c == '"') {
            v.kind = json_value::value_kind::string;
            return parse_string(v.text);
        }
        if (c == 't') {
            v.kind = json_value::value_kind::boolean;
            v.boolean_value = true;
            return literal("true");
        }
        if (c == 'f') {
            v.kind = json_value::value_kind::boolean;
            v.boolean_value = false;
            return literal("false");
        }
        if (c == 'n') {
            v.kind = json_value::value_kind::null_value;
            return literal("null");
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return parse_number(v);
        }
        return false;
    }

    bool parse_object(json_value& v, int depth) {
        v.kind = json_value::value_kind::object;
        ++i_;
        skip_ws();
        if (i_ < s_.size() && s_[i_] == '}') {
            ++i_;
            return true;
        }
        while (true) {
            skip_ws();
            if (i_ >= s_.size() || s_[i_] != '"') {
                return false;
            }
            std::string key;
            if (!parse_string(key)) {
                return false;
            }
            skip_ws();
            if (i_ >= s_.size() || s_[i_] != ':') {
                return false;
            }
            ++i_;
            skip_ws();
            json_value member;
            if (!parse_value(member, depth + 1)) {
                return false;
            }
            v.members.push_back(json_member{std::move(key), std::move(member)});
            skip_ws();
            if (i_ >= s_.size()) {
                return false;
            }
            if (s_[i_] == ',') {
                ++i_;
                continue;
            }
            if (s_[i_] == '}') {
                ++i_;
                return true;
            }
            return false;
        }
    }

    bool parse_array(json_value& v, int depth) {
        v.kind = json_value::value_kind::array;
        ++i_;
        skip_ws();
        if (i_ < s_.size() && s_[i_] == ']') {
            ++i_;
            return true;
        }
        while (true) {
            skip_ws();
            json_value item;
            if (!parse_value(item, depth + 1)) {
                return false;
            }
            v.items.push_back(std::move(item));
            skip_ws();
            if (i_ >= s_.size()) {
                return false;
            }
            if (s_[i_] == ',') {
                ++i_;
                continue;
            }
            if (s_[i_] == ']') {
                ++i_;
                return true;
            }
            return false;
        }
    }

    bool read_hex4(unsigned& out) {
        if (i_ + 4 > s_.size()) {
            return false;
        }
        out = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = s_[i_++];
            unsigned d = 0;
            if (c >= '0' && c <= '9') {
                d = static_cast<unsigned>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                d = static_cast<unsigned>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                d = static_cast<unsigned>(c - 'A' + 10);
            } else {
                return false;
            }
            out = out * 16 + d;
        }
        return true;
    }

    static void append_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    bool parse_string(std::string& out) {
        ++i_;  // opening quote
        while (i_ < s_.size()) {
            const auto c = static_cast<unsigned char>(s_[i_]);
            if (c == '"') {
                ++i_;
                return true;
            }
            if (c < 0x20) {
                return false;
            }
            if (c != '\\') {
                out += static_cast<char>(c);
                ++i_;
                continue;
            }
            ++i_;
            if (i_ >= s_.size()) {
                return false;
            }
            const char e = s_[i_++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned cp = 0;
                if (!read_hex4(cp)) {
                    return false;
                }
                if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return false;
                }
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (i_ + 2 > s_.size() || s_[i_] != '\\' || s_[i_ + 1] != 'u') {
                        return false;
                    }
                    i_ += 2;
                    unsigned low = 0;
                    if (!read_hex4(low) || low < 0xDC00 || low > 0xDFFF) {
                        return false;
                    }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                append_utf8(out, cp);
                break;
            }
            default:
                return false;
            }
        }
        return false;
    }

    bool parse_number(json_value& v) {
        v.kind = json_value::value_kind::number;
        bool negative = false;
        if (s_[i_] == '-') {
            negative = true;
            ++i_;
        }
        if (i_ >= s_.size()) {
            return false;
        }
        const std::size_t digits_start = i_;
        if (s_[i_] == '0') {
            ++i_;
        } else if (s_[i_] >= '1' && s_[i_] <= '9') {
            while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
                ++i_;
            }
        } else {
            return false;
        }
        const std::size_t digits_end = i_;
        bool integer = true;
        if (i_ < s_.size() && s_[i_] == '.') {
            integer = false;
            ++i_;
            const std::size_t frac_start = i_;
            while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
                ++i_;
            }
            if (i_ == frac_start) {
                return false;
            }
        }
        if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
            integer = false;
            ++i_;
            if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) {
                ++i_;
            }
            const std::size_t exp_start = i_;
            while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
                ++i_;
            }
            if (i_ == exp_start) {
                return false;
            }
        }
        v.is_integer = integer;
        if (integer) {
            if (digits_end - digits_start > 15) {
                v.huge = true;
            } else {
                i64 value = 0;
                for (std::size_t k = digits_start; k < digits_end; ++k) {
                    value = value * 10 + (s_[k] - '0');
                }
                v.integer = negative ? -value : value;
            }
        }
        return true;
    }

    const std::string& s_;
    std::size_t i_ = 0;
};

}  // namespace

bool parse_json(const std::string& line, json_value& out) {
    if (!valid_utf8(line)) {
        return false;
    }
    json_parser parser(line);
    return parser.parse_document(out);
}

// ======================================================================================
// Time
// ======================================================================================

i64 floor_div(i64 a, i64 b) {
    i64 q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        --q;
    }
    return q;
}

namespace {

constexpr i64 micros_per_day = 86400LL * 1000000LL;

i64 days_from_civil(i64 y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    const i64 era = (y >= 0 ? y : y - 399) / 400;
    const i64 yoe = y - era * 400;
    const i64 doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const i64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civil_from_days(i64 z, i64& y, int& m, int& d) {
    z += 719468;
    const i64 era = (z >= 0 ? z : z - 146096) / 146097;
    const i64 doe = z - era * 146097;
    const i64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    const i64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const i64 mp = (5 * doy + 2) / 153;
    d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    y += m <= 2 ? 1 : 0;
}

bool is_leap(i64 y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(i64 y, int m) {
    static const int table[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : table[m - 1];
}

bool read_digits(const std::string& s, std::size_t at, std::size_t count, int& out) {
    if (at + count > s.size()) {
        return false;
    }
    out = 0;
    for (std::size_t k = 0; k < count; ++k) {
        const char c = s[at + k];
        if (c < '0' || c > '9') {
            return false;
        }
        out = out * 10 + (c - '0');
    }
    return true;
}

}  // namespace

i64 civil_to_micros(int year, int month, int day, int hour, int minute, int second, i64 micro) {
    return days_from_civil(year, month, day) * micros_per_day +
           ((hour * 60LL + minute) * 60LL + second) * 1000000LL + micro;
}

std::optional<i64> parse_rfc3339(const std::string& s) {
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (!read_digits(s, 0, 4, year) || s.size() < 19 || s[4] != '-' ||
        !read_digits(s, 5, 2, month) || s[7] != '-' || !read_digits(s, 8, 2, day) ||
        (s[10] != 'T' && s[10] != 't') || !read_digits(s, 11, 2, hour) || s[13] != ':' ||
        !read_digits(s, 14, 2, minute) || s[16] != ':' || !read_digits(s, 17, 2, second)) {
        return std::nullopt;
    }
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
        minute > 59 || second > 59) {
        return std::nullopt;
    }
    std::size_t i = 19;
    i64 micro = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        std::size_t digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (digits < 6) {
                micro = micro * 10 + (s[i] - '0');
            }
            ++digits;
            ++i;
        }
        if (digits < 1 || digits > 9) {
            return std::nullopt;
        }
        for (std::size_t k = digits; k < 6; ++k) {
            micro *= 10;
        }
    }
    if (i >= s.size()) {
        return std::nullopt;
    }
    i64 offset_minutes = 0;
    if (s[i] == 'Z' || s[i] == 'z') {
        ++i;
    } else if (s[i] == '+' || s[i] == '-') {
        int oh = 0;
        int om = 0;
        if (!read_digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' ||
            !read_digits(s, i + 4, 2, om) || oh > 23 || om > 59) {
            return std::nullopt;
        }
        offset_minutes = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
        i += 6;
    } else {
        return std::nullopt;
    }
    if (i != s.size()) {
        return std::nullopt;
    }
    const i64 value = civil_to_micros(year, month, day, hour, minute, second, micro) -
                      offset_minutes * 60LL * 1000000LL;
    const i64 lowest = civil_to_micros(0, 1, 1, 0, 0, 0, 0);
    const i64 highest = civil_to_micros(9999, 12, 31, 23, 59, 59, 999999);
    if (value < lowest || value > highest) {
        return std::nullopt;
    }
    return value;
}

std::string format_time(i64 micros) {
    const i64 days = floor_div(micros, micros_per_day);
    const i64 rest = micros - days * micros_per_day;
    i64 year = 0;
    int month = 0;
    int day = 0;
    civil_from_days(days, year, month, day);
    const i64 secs = rest / 1000000;
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04lld-%02d-%02dT%02lld:%02lld:%02lld.%06lldZ",
                  static_cast<long long>(year), month, day, static_cast<long long>(secs / 3600),
                  static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60),
                  static_cast<long long>(rest % 1000000));
    return buffer;
}

// ======================================================================================
// Output helpers
// ======================================================================================

std::string json_string(const std::string& bytes) {
    std::string out = "\"";
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
                out += buffer;
            } else {
                out += ch;
            }
        }
    }
    out += '"';
    return out;
}

std::string format_ms(i64 micros) {
    std::string out = std::to_string(micros / 1000);
    i64 frac = micros % 1000;
    if (frac == 0) {
        return out;
    }
    std::string digits = std::to_string(frac);
    while (digits.size() < 3) {
        digits.insert(digits.begin(), '0');
    }
    while (digits.back() == '0') {
        digits.pop_back();
    }
    return out + "." + digits;
}

// ======================================================================================
// rejects.ndjson text
// ======================================================================================


// The raw line for rejects.ndjson: the raw bytes cut at 1024 on a character boundary (an
// invalid byte sequence counts as one unit), then invalid sequences shown as U+FFFD (one per
// maximal invalid subpart), so the text may exceed 1024 bytes by the replacement characters.
std::string reject_line_text(const std::string& raw) {
    std::string out;
    std::size_t i = 0;
    const std::size_t n = raw.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(raw[i]);
        std::size_t length = 0;
        bool valid = true;
        if (c < 0x80) {
            length = 1;
        } else {
            int extra = 0;
            unsigned char lo = 0x80;
            unsigned char hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                extra = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                extra = 2;
                lo = c == 0xE0 ? 0xA0 : 0x80;
                hi = c == 0xED ? 0x9F : 0xBF;
            } else if (c >= 0xF0 && c <= 0xF4) {
                extra = 3;
                lo = c == 0xF0 ? 0x90 : 0x80;
                hi = c == 0xF4 ? 0x8F : 0xBF;
            } else {
                extra = -1;
            }
            if (extra < 0) {
                valid = false;
                length = 1;
            } else {
                length = 1;
                for (int k = 1; k <= extra; ++k) {
                    if (i + length >= n) {
                        valid = false;
                        break;
                    }
                    const auto b = static_cast<unsigned char>(raw[i + length]);
                    const unsigned char low = k == 1 ? lo : 0x80;
                    const unsigned char high = k == 1 ? hi : 0xBF;
                    if (b < low || b > high) {
                        valid = false;
                        break;
                    }
                    ++length;
                }
            }
        }
        if (i + length > 1024) {
            break;
        }
        if (valid) {
            out.append(raw, i, length);
        } else {
            out += "\xEF\xBF\xBD";
        }
        i += length;
    }
    return out;
}

// ======================================================================================
// Field readers: "" when fine, else the reject reason
// ======================================================================================

bool int_fits(const json_value& v, int_range range) {
    if (v.kind != json_value::value_kind::number || !v.is_integer || v.huge) {
        return false;
    }
    if (v.integer > 1000000000 || v.integer < -1000000000) {
        return false;
    }
    switch (range) {
    case int_range::any: return true;
    case int_range::positive: return v.integer > 0;
    case int_range::non_negative: return v.integer >= 0;
    case int_range::non_zero: return v.integer != 0;
    case int_range::share: return v.integer >= 1 && v.integer <= 100;
    }
    return false;
}

std::string need_string(const json_value& doc, const std::string& name, std::string& out) {
    const json_value* v = doc.find(name);
    if (v == nullptr) {
        return "missing_field:" + name;
    }
    if (v->kind != json_value::value_kind::string) {
        return "bad_field:" + name;
    }
    out = v->text;
    return "";
}

std::string opt_string(const json_value& doc, const std::string& name,
                       std::optional<std::string>& out) {
    const json_value* v = doc.find(name);
    if (v == nullptr) {
        return "";
    }
    if (v->kind != json_value::value_kind::string) {
        return "bad_field:" + name;
    }
    out = v->text;
    return "";
}

std::string need_int(const json_value& doc, const std::string& name, int_range range, i64& out) {
    const json_value* v = doc.find(name);
    if (v == nullptr) {
        return "missing_field:" + name;
    }
    if (!int_fits(*v, range)) {
        return "bad_field:" + name;
    }
    out = v->integer;
    return "";
}

std::string opt_int(const json_value& doc, const std::string& name, int_range range,
                    std::optional<i64>& out) {
    const json_value* v = doc.find(name);
    if (v == nullptr) {
        return "";
    }
    if (!int_fits(*v, range)) {
        return "bad_field:" + name;
    }
    out = v->integer;
    return "";
}

}  // namespace weave_sim
