#include "online_retail/online_retail.h"
#include "weave/assert.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace weave::online_retail {
namespace {

constexpr int64_t us_per_s = 1'000'000;
constexpr int64_t us_per_day = 86'400 * us_per_s;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// Leaves the cursor on the line after the bad record's first line.
csv_status skip_bad_record(csv_cursor& cursor, size_t start, csv_status status) {
    const size_t newline = cursor.bytes.find('\n', start);
    cursor.pos = newline == std::string_view::npos ? cursor.bytes.size() : newline + 1;
    cursor.line += 1;
    return status;
}

// One quoted field starting at bytes[pos] == '"'; returns the position after its closing quote,
// or npos when it never closes.
size_t read_quoted(std::string_view bytes, size_t pos, csv_field& field) {
    WEAVE_ASSERT(bytes[pos] == '"');
    size_t at = pos + 1;
    for (;;) {
        const size_t quote = bytes.find('"', at);
        if (quote == std::string_view::npos) return quote;
        if (quote + 1 < bytes.size() && bytes[quote + 1] == '"') {
            field.doubled_quotes = true;
            at = quote + 2;
            continue;
        }
        field.text = bytes.substr(pos + 1, quote - pos - 1);
        return quote + 1;
    }
}

// ---- time ----

int64_t days_from_civil(int64_t year, unsigned month, unsigned day) {
    year -= month <= 2 ? 1 : 0;
    const int64_t era = (year >= 0 ? year : year - 399) / 400;
    const int64_t year_of_era = year - era * 400;
    const int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

void civil_from_days(int64_t days, int64_t& year, unsigned& month, unsigned& day) {
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const int64_t day_of_era = days - era * 146097;
    const int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 -
                                              year_of_era / 100);
    const int64_t month_index = (5 * day_of_year + 2) / 153;
    day = static_cast<unsigned>(day_of_year - (153 * month_index + 2) / 5 + 1);
    month = static_cast<unsigned>(month_index < 10 ? month_index + 3 : month_index - 9);
    year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
}

int64_t floor_div(int64_t value, int64_t divisor) {
    const int64_t quotient = value / divisor;
    return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

// 01:00 UTC on the last Sunday of `month` (the UK's clock change since 1996).
int64_t last_sunday_change_us(int64_t year, unsigned month) {
    const int64_t last_day = days_from_civil(year, month + 1, 1) - 1;
    const int64_t weekday = ((last_day % 7) + 11) % 7; // 0 = Sunday; 1970-01-01 was a Thursday
    return (last_day - weekday) * us_per_day + 3600 * us_per_s;
}

bool is_bst(int64_t utc_us) {
    int64_t year = 0;
    unsigned month = 0, day = 0;
    civil_from_days(floor_div(utc_us, us_per_day), year, month, day);
    return utc_us >= last_sunday_change_us(year, 3) && utc_us < last_sunday_change_us(year, 10);
}

bool read_number(std::string_view text, size_t at, size_t digits, unsigned& value) {
    value = 0;
    for (size_t i = at; i < at + digits; i++) {
        if (!is_digit(text[i])) return false;
        value = value * 10 + static_cast<unsigned>(text[i] - '0');
    }
    return true;
}

void append_digits(std::string& out, int64_t value, int width) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    for (int pad = width - static_cast<int>(result.ptr - buffer); pad > 0; pad--) {
        out += '0';
    }
    out.append(buffer, result.ptr);
}

// ---- numbers ----

bool parse_quantity(std::string_view text, int64_t& value) {
    text = trim(text);
    const bool negative = !text.empty() && text.front() == '-';
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
    if (text.empty() || text.size() > 10) return false;
    int64_t magnitude = 0;
    for (const char c : text) {
        if (!is_digit(c)) return false;
        magnitude = magnitude * 10 + (c - '0');
    }
    if (magnitude > event_qty_max) return false;
    value = negative ? -magnitude : magnitude;
    return true;
}

// A decimal such as `2.55`, `-11062.06`, `0.0` or `1e-05`; `zero` tells whether it is 0.
bool parse_price(std::string_view text, bool& zero) {
    text = trim(text);
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
    size_t at = 0, digits = 0;
    bool nonzero = false, point = false;
    for (; at < text.size(); at++) {
        const char c = text[at];
        if (is_digit(c)) {
            digits++;
            nonzero = nonzero || c != '0';
        } else if (c == '.' && !point) {
            point = true;
        } else {
            break;
        }
    }
    if (digits == 0) return false;
    if (at < text.size()) { // exponent
        if (text[at] != 'e' && text[at] != 'E') return false;
        at++;
        if (at < text.size() && (text[at] == '-' || text[at] == '+')) at++;
        if (at == text.size()) return false;
        for (; at < text.size(); at++) {
            if (!is_digit(text[at])) return false;
        }
    }
    zero = !nonzero;
    return true;
}

bool is_invoice(std::string_view text) {
    if (text.empty() || text.size() > 32) return false;
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return is_digit(c) || is_letter(c); });
}

// Column positions, found by name in the header line.
struct column_map {
    enum : size_t { invoice, stock_code, description, quantity, date, price, customer, count };
    std::array<size_t, count> index{};
    size_t fields = 0;
};

constexpr std::array<std::string_view, column_map::count> column_names = {
    "InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"};

bool map_columns(const std::vector<csv_field>& header, column_map& map, std::string& missing) {
    map.index.fill(SIZE_MAX);
    map.fields = header.size();
    for (size_t i = 0; i < header.size(); i++) {
        std::string_view name = trim(header[i].text);
        if (i == 0 && name.substr(0, 3) == "\xEF\xBB\xBF") name.remove_prefix(3); // UTF-8 BOM
        for (size_t c = 0; c < column_map::count; c++) {
            if (name == column_names[c] && map.index[c] == SIZE_MAX) map.index[c] = i;
        }
    }
    for (size_t c = 0; c < column_map::count; c++) {
        if (map.index[c] == SIZE_MAX) {
            missing = column_names[c];
            return false;
        }
    }
    return true;
}

row_problem parse_row(const std::vector<csv_field>& fields, const column_map& map, row& out) {
    if (fields.size() != map.fields) return row_problem::field_count;
    const auto text = [&](size_t column) { return fields[map.index[column]].text; };
    out.invoice = trim(text(column_map::invoice));
    if (!is_invoice(out.invoice)) return row_problem::bad_invoice;
    if (!parse_quantity(text(column_map::quantity), out.quantity)) {
        return row_problem::bad_quantity;
    }
    const auto time = london_local_to_utc_us(trim(text(column_map::date)));
    if (!time) return row_problem::bad_date;
    out.time_us = *time;
    if (!parse_price(text(column_map::price), out.price_zero)) return row_problem::bad_price;
    out.stock_code = trim(text(column_map::stock_code));
    out.description = text(column_map::description);
    out.description_doubled_quotes = fields[map.index[column_map::description]].doubled_quotes;
    out.customer = trim(text(column_map::customer));
    return row_problem::none;
}

row_problem problem_of(csv_status status) {
    switch (status) {
    case csv_status::unterminated_quote: return row_problem::unterminated_quote;
    case csv_status::text_after_quote: return row_problem::text_after_quote;
    case csv_status::too_many_fields: return row_problem::field_count;
    case csv_status::record:
    case csv_status::end: break;
    }
    WEAVE_ASSERT(false);
    return row_problem::none;
}

} // namespace

// ---- CSV ----

csv_status read_csv_record(csv_cursor& cursor, std::vector<csv_field>& fields) {
    fields.clear();
    const std::string_view bytes = cursor.bytes;
    if (cursor.pos >= bytes.size()) return csv_status::end;
    const size_t start = cursor.pos;
    size_t pos = start;
    for (;;) {
        if (fields.size() == record_fields_max) {
            return skip_bad_record(cursor, start, csv_status::too_many_fields);
        }
        csv_field field;
        if (pos < bytes.size() && bytes[pos] == '"') {
            pos = read_quoted(bytes, pos, field);
            if (pos == std::string_view::npos) {
                return skip_bad_record(cursor, start, csv_status::unterminated_quote);
            }
            if (pos < bytes.size() && bytes[pos] == '\r' &&
                (pos + 1 == bytes.size() || bytes[pos + 1] == '\n')) {
                pos++; // CRLF, or a CR at the very end
            }
            if (pos < bytes.size() && bytes[pos] != ',' && bytes[pos] != '\n') {
                return skip_bad_record(cursor, start, csv_status::text_after_quote);
            }
        } else {
            size_t end = pos;
            while (end < bytes.size() && bytes[end] != ',' && bytes[end] != '\n') end++;
            field.text = bytes.substr(pos, end - pos);
            if (!field.text.empty() && field.text.back() == '\r' &&
                (end == bytes.size() || bytes[end] == '\n')) {
                field.text.remove_suffix(1);
            }
            pos = end;
        }
        fields.push_back(field);
        if (pos < bytes.size() && bytes[pos] == ',') {
            pos++;
            continue;
        }
        break; // at a line end or the end of the bytes
    }
    if (pos < bytes.size()) {
        WEAVE_ASSERT(bytes[pos] == '\n');
        pos++;
    }
    WEAVE_ASSERT(pos > start);
    cursor.line += static_cast<uint32_t>(
        std::count(bytes.begin() + static_cast<ptrdiff_t>(start),
                   bytes.begin() + static_cast<ptrdiff_t>(pos), '\n'));
    cursor.pos = pos;
    return csv_status::record;
}

// ---- rows ----

std::string_view row_problem_name(row_problem problem) {
    constexpr std::array<std::string_view, row_problem_count> names = {
        "none",     "unterminated_quote", "text_after_quote", "field_count",
        "bad_invoice", "bad_quantity",    "bad_date",         "bad_price"};
    const auto index = static_cast<size_t>(problem);
    WEAVE_ASSERT(index < names.size());
    return names[index];
}

bool is_product_code(std::string_view code) noexcept {
    if (code.size() < 5 || code.size() > product_code_bytes_max) return false;
    for (size_t i = 0; i < code.size(); i++) {
        if (i < 5 ? !is_digit(code[i]) : !is_letter(code[i])) return false;
    }
    return true;
}

row_kind classify(const row& r) noexcept {
    if (!is_product_code(r.stock_code)) return row_kind::service_code;
    if (r.quantity == 0) return row_kind::zero_quantity;
    if (!r.invoice.empty() && (r.invoice.front() == 'C' || r.invoice.front() == 'c')) {
        return r.quantity < 0 ? row_kind::cancellation : row_kind::cancellation_not_negative;
    }
    if (r.quantity < 0) return row_kind::adjustment;
    // Free stock booked in by hand (`found`, `amazon`, ...): no price and no customer.
    if (r.price_zero && r.customer.empty()) return row_kind::adjustment;
    return row_kind::sale;
}

std::optional<int64_t> london_local_to_utc_us(std::string_view text) noexcept {
    if (text.size() != 19 || text[4] != '-' || text[7] != '-' || text[13] != ':' ||
        text[16] != ':' || (text[10] != ' ' && text[10] != 'T')) {
        return std::nullopt;
    }
    unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!read_number(text, 0, 4, year) || !read_number(text, 5, 2, month) ||
        !read_number(text, 8, 2, day) || !read_number(text, 11, 2, hour) ||
        !read_number(text, 14, 2, minute) || !read_number(text, 17, 2, second)) {
        return std::nullopt;
    }
    if (year < 1900 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 ||
        second > 59) {
        return std::nullopt;
    }
    const int64_t days = days_from_civil(year, month, day);
    const int64_t next_month = month == 12 ? days_from_civil(year + 1, 1, 1)
                                           : days_from_civil(year, month + 1, 1);
    if (days >= next_month) return std::nullopt; // no such day in that month
    const int64_t local_us =
        days * us_per_day + (int64_t{hour} * 3600 + minute * 60 + second) * us_per_s;
    // Summer time when the instant an hour earlier is in BST: a time in the spring gap moves
    // on an hour, a time in the repeated autumn hour takes its first (BST) occurrence.
    const int64_t summer_us = local_us - 3600 * us_per_s;
    return is_bst(summer_us) ? summer_us : local_us;
}

void append_london_time(std::string& out, int64_t utc_us) {
    const bool summer = is_bst(utc_us);
    const int64_t local_us = utc_us + (summer ? 3600 * us_per_s : 0);
    const int64_t days = floor_div(local_us, us_per_day);
    const int64_t of_day_us = local_us - days * us_per_day;
    int64_t year = 0;
    unsigned month = 0, day = 0;
    civil_from_days(days, year, month, day);
    WEAVE_ASSERT(of_day_us >= 0 && of_day_us < us_per_day);
    const int64_t seconds = of_day_us / us_per_s;
    append_digits(out, year, 4);
    out += '-';
    append_digits(out, month, 2);
    out += '-';
    append_digits(out, day, 2);
    out += 'T';
    append_digits(out, seconds / 3600, 2);
    out += ':';
    append_digits(out, seconds / 60 % 60, 2);
    out += ':';
    append_digits(out, seconds % 60, 2);
    if (of_day_us % us_per_s != 0) {
        out += '.';
        append_digits(out, of_day_us % us_per_s, 6);
    }
    out += summer ? "+01:00" : "Z";
}

void append_json_string(std::string& out, std::string_view text, bool doubled_quotes) {
    static constexpr char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += static_cast<char>(c);
                i += (c == '"' && doubled_quotes && i + 1 < text.size() && text[i + 1] == '"')
                         ? 2 : 1;
                continue;
            }
            if (c == '\n') {
                out += "\\n";
            } else if (c == '\r') {
                out += "\\r";
            } else if (c == '\t') {
                out += "\\t";
            } else if (c < 0x20) {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
            } else {
                out += static_cast<char>(c);
            }
            i++;
            continue;
        }
        // UTF-8: a lead byte, then its continuation bytes; anything else is U+FFFD.
        const size_t length = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
        bool valid = length != 0 && c < 0xF5 && i + length <= text.size();
        for (size_t k = 1; valid && k < length; k++) {
            valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
        }
        if (valid && length >= 3) { // no overlong forms, surrogates or values past U+10FFFF
            const auto next = static_cast<unsigned char>(text[i + 1]);
            valid = !(c == 0xE0 && next < 0xA0) && !(c == 0xED && next >= 0xA0) &&
                    !(c == 0xF0 && next < 0x90) && !(c == 0xF4 && next >= 0x90);
        }
        if (valid) {
            out.append(text.substr(i, length));
            i += length;
        } else {
            out += "\xEF\xBF\xBD";
            i++;
        }
    }
}

std::string_view event_type_name(event_type type) {
    constexpr std::array<std::string_view, event_type_count> names = {
        "sku", "receipt", "listing", "order", "ship", "cancel", "return", "restock", "adjust"};
    const auto index = static_cast<size_t>(type);
    WEAVE_ASSERT(index < names.size());
    return names[index];
}

// ---- reading files ----

bool importer::add_file(const std::string& stem, std::string_view bytes, std::string& error) {
    if (std::find(_stems.begin(), _stems.end(), stem) != _stems.end()) {
        error = "two input files are named " + stem + ".csv (event ids would repeat)";
        return false;
    }
    std::vector<csv_field> fields;
    csv_cursor cursor{bytes, 0, 1};
    column_map map;
    error.clear();
    if (read_csv_record(cursor, fields) != csv_status::record || !map_columns(fields, map, error)) {
        error = "not an Online Retail file: its header has no " +
                (error.empty() ? std::string("InvoiceNo") : error) + " column";
        return false;
    }
    WEAVE_ASSERT(_stems.size() < UINT16_MAX);
    const auto file = static_cast<uint16_t>(_stems.size());
    _stems.push_back(stem);
    uint32_t good = 0;
    for (;;) {
        const uint32_t line = cursor.line;
        const csv_status status = read_csv_record(cursor, fields);
        if (status == csv_status::end) break;
        if (status == csv_status::record && fields.size() == 1 && trim(fields[0].text).empty()) {
            continue; // a blank line is not a row
        }
        _summary.rows_read++;
        row r;
        r.file = file;
        r.line = line;
        const row_problem problem =
            status == csv_status::record ? parse_row(fields, map, r) : problem_of(status);
        if (problem != row_problem::none) {
            _summary.rows_bad++;
            _summary.bad_by_problem[static_cast<size_t>(problem)]++;
            if (_summary.bad_samples.size() < bad_row_samples_max) {
                _summary.bad_samples.push_back({file, line, problem});
            }
            continue;
        }
        r.invoice_line = ++_invoice_rows[r.invoice];
        _rows.push_back(r);
        good++;
    }
    _rows_by_file.push_back(good);
    WEAVE_ASSERT(_rows_by_file.size() == _stems.size());
    return true;
}

} // namespace weave::online_retail
