#include "shopify/shopify_json.h"

#include <charconv>
#include <cmath>

#include "channels/json_values.h"
#include "weave/limits.h"
#include "weave/time.h"

namespace weave::channels::shopify {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// 2^53: every integer below it is exact in a double. 2^53 itself is refused too: it is also
// what 2^53 + 1 rounds to.
constexpr double double_exact_max = 9007199254740992.0;

bool all_digits(std::string_view text) {
    if (text.empty()) return false;
    for (const char c : text) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

field_status id_from_string(std::string_view text, uint64_t& out) {
    if (!all_digits(text)) return field_status::bad;
    uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return field_status::bad;
    if (value == 0) return field_status::bad;
    out = value;
    return field_status::ok;
}

} // namespace

std::optional<element> member(element parent, std::string_view key) {
    element value;
    if (parent.type() != element_type::OBJECT) return std::nullopt;
    if (parent.at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
    if (value.is_null()) return std::nullopt;
    return value;
}

bool has_member(element parent, std::string_view key) {
    element value;
    if (parent.type() != element_type::OBJECT) return false;
    return parent.at_key(key).get(value) == simdjson::SUCCESS;
}

field_status read_id(element parent, std::string_view key, uint64_t& out) {
    const auto value = member(parent, key);
    if (!value) return field_status::absent;
    switch (value->type()) {
    case element_type::INT64: {
        int64_t number = 0;
        if (value->get_int64().get(number) != simdjson::SUCCESS || number <= 0) {
            return field_status::bad;
        }
        out = static_cast<uint64_t>(number);
        return field_status::ok;
    }
    case element_type::UINT64:
        return value->get_uint64().get(out) == simdjson::SUCCESS ? field_status::ok
                                                                 : field_status::bad;
    case element_type::DOUBLE: {
        double number = 0;
        if (value->get_double().get(number) != simdjson::SUCCESS) return field_status::bad;
        if (!(number >= 1.0) || number >= double_exact_max || std::floor(number) != number) {
            return field_status::bad;
        }
        out = static_cast<uint64_t>(number);
        return field_status::ok;
    }
    case element_type::STRING: {
        std::string_view text;
        if (value->get_string().get(text) != simdjson::SUCCESS) return field_status::bad;
        return id_from_string(text, out);
    }
    default:
        return field_status::bad;
    }
}

field_status read_quantity(element parent, std::string_view key, int64_t& out) {
    const auto value = member(parent, key);
    if (!value) return field_status::absent;
    const quantity_read read = channels::read_quantity(*value);
    if (read.status != quantity_status::ok) return field_status::bad;
    out = read.value;
    return field_status::ok;
}

field_status read_text(element parent, std::string_view key, std::string_view& out) {
    const auto value = member(parent, key);
    if (!value) return field_status::absent;
    return value->get_string().get(out) == simdjson::SUCCESS ? field_status::ok : field_status::bad;
}

field_status read_time(element parent, std::string_view key, int64_t& out_us,
                       std::string_view& out_text) {
    std::string_view text;
    const field_status status = read_text(parent, key, text);
    if (status != field_status::ok) return status;
    const auto time_us = parse_rfc3339_us(text);
    if (!time_us) return field_status::bad;
    out_us = *time_us;
    out_text = text;
    return field_status::ok;
}

} // namespace weave::channels::shopify
