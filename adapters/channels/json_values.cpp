#include "channels/json_values.h"

#include <cmath>

#include "weave/assert.h"
#include "weave/time.h"

namespace weave::channels {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

quantity_read checked(int64_t value) {
    if (value < -qty_abs_max || value > qty_abs_max) {
        return {quantity_status::bad, 0};
    }
    return {quantity_status::ok, value};
}

quantity_read from_double(double value) {
    // Whole and within range, checked before the cast so that it is defined.
    if (!std::isfinite(value) || std::floor(value) != value ||
        std::fabs(value) > static_cast<double>(qty_abs_max)) {
        return {quantity_status::bad, 0};
    }
    const auto integer = static_cast<int64_t>(value);
    WEAVE_ASSERT(integer >= -qty_abs_max && integer <= qty_abs_max);
    return {quantity_status::ok, integer};
}

} // namespace

quantity_read read_quantity_text(std::string_view text) noexcept {
    size_t at = 0;
    const bool negative = !text.empty() && text[0] == '-';
    if (negative) at++;
    const size_t digits_begin = at;
    int64_t integer = 0;
    for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; at++) {
        integer = integer * 10 + (text[at] - '0');
        if (integer > qty_abs_max) return {quantity_status::bad, 0};
    }
    if (at == digits_begin) return {quantity_status::bad, 0};
    if (at < text.size() && text[at] == '.') {
        if (++at == text.size()) return {quantity_status::bad, 0};
        while (at < text.size() && text[at] == '0') at++;
    }
    if (at != text.size()) return {quantity_status::bad, 0};
    return {quantity_status::ok, negative ? -integer : integer};
}

quantity_read read_quantity(element value) noexcept {
    switch (value.type()) {
    case element_type::NULL_VALUE:
        return {quantity_status::absent, 0};
    case element_type::INT64: {
        int64_t integer = 0;
        if (value.get(integer)) return {quantity_status::bad, 0};
        return checked(integer);
    }
    case element_type::UINT64:
        // Only values above INT64_MAX are UINT64: far out of range.
        return {quantity_status::bad, 0};
    case element_type::DOUBLE: {
        double number = 0;
        if (value.get(number)) return {quantity_status::bad, 0};
        return from_double(number);
    }
    case element_type::STRING: {
        std::string_view text;
        if (value.get(text)) return {quantity_status::bad, 0};
        return read_quantity_text(text);
    }
    default:
        return {quantity_status::bad, 0};
    }
}

quantity_read read_quantity_field(object object, std::string_view key) noexcept {
    element value;
    if (object.at_key(key).get(value)) return {quantity_status::absent, 0};
    return read_quantity(value);
}

std::optional<element> field(object object, std::string_view key) {
    element value;
    if (object.at_key(key).get(value) || value.is_null()) return std::nullopt;
    return value;
}

std::string_view text_field(object object, std::string_view key) {
    std::string_view text;
    if (object.at_key(key).get(text)) return {};
    return text;
}

std::optional<std::string> id_text(element value) {
    switch (value.type()) {
    case element_type::INT64: {
        int64_t integer = 0;
        if (value.get(integer) || integer < 0) return std::nullopt;
        return std::to_string(integer);
    }
    case element_type::UINT64: {
        uint64_t integer = 0;
        if (value.get(integer)) return std::nullopt;
        return std::to_string(integer);
    }
    case element_type::STRING: {
        std::string_view text;
        if (value.get(text) || text.empty()) return std::nullopt;
        return std::string(text);
    }
    default:
        return std::nullopt;
    }
}

std::optional<std::string> id_field(object object, std::string_view key) {
    const std::optional<element> value = field(object, key);
    if (!value) return std::nullopt;
    return id_text(*value);
}

std::optional<int64_t> time_field_us(object object, std::string_view key) {
    const std::string_view text = text_field(object, key);
    if (text.empty()) return std::nullopt;
    if (const std::optional<int64_t> time_us = parse_rfc3339_us(text)) return time_us;
    // No offset: a `_gmt` field, UTC by definition. A bounded copy keeps this allocation-free
    // for every real time (19-29 bytes).
    char utc[64];
    if (text.size() + 1 > sizeof utc) return std::nullopt;
    text.copy(utc, text.size());
    utc[text.size()] = 'Z';
    return parse_rfc3339_us(std::string_view(utc, text.size() + 1));
}

std::string where_index(std::string_view base, std::string_view key, size_t index) {
    std::string where = where_key(base, key);
    where += '[';
    where += std::to_string(index);
    where += ']';
    return where;
}

std::string where_key(std::string_view base, std::string_view key) {
    std::string where(base);
    if (!where.empty() && !key.empty()) where += '.';
    where += key;
    return where;
}

void add_reject(conversion& out, std::string where, std::string_view reason) {
    out.rejects.push_back(payload_reject{std::move(where), std::string(reason)});
}

std::string delivery_stamp(const payload_context& context) {
    if (!context.delivery_id.empty()) return context.delivery_id;
    std::string stamp = "r";
    stamp += std::to_string(context.received_us);
    return stamp;
}

} // namespace weave::channels
