#include "channels/json_values.h"

#include <charconv>
#include <cmath>

#include "weave/assert.h"
#include "weave/time.h"

namespace weave::channels {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

quantity_read checked(int64_t value) {
    if (value < -json_qty_abs_max || value > json_qty_abs_max) {
        return {quantity_status::bad, 0};
    }
    return {quantity_status::ok, value};
}

quantity_read from_double(double value) {
    // Whole and within range, checked before the cast so that it is defined.
    if (!std::isfinite(value) || std::floor(value) != value ||
        std::fabs(value) > static_cast<double>(json_qty_abs_max)) {
        return {quantity_status::bad, 0};
    }
    const auto integer = static_cast<int64_t>(value);
    WEAVE_ASSERT(integer >= -json_qty_abs_max && integer <= json_qty_abs_max);
    return {quantity_status::ok, integer};
}

// "12" or "12.0"; the whole string must be the number (no spaces, no sign but '-').
quantity_read from_text(std::string_view text) {
    const char* const first = text.data();
    const char* const last = text.data() + text.size();
    if (text.empty()) return {quantity_status::bad, 0};
    int64_t integer = 0;
    auto [end, error] = std::from_chars(first, last, integer);
    if (error == std::errc() && end == last) return checked(integer);
    double number = 0;
    auto [double_end, double_error] = std::from_chars(first, last, number);
    if (double_error == std::errc() && double_end == last) return from_double(number);
    return {quantity_status::bad, 0};
}

} // namespace

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
        return from_text(text);
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
