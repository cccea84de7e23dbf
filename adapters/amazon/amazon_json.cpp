#include "amazon/amazon_json.h"

#include <cmath>

#include "weave/time.h"

namespace weave::channels::amazon {

using simdjson::SUCCESS;
namespace dom = simdjson::dom;

std::optional<dom::element> member(dom::element parent, std::string_view key) {
    dom::object object;
    if (parent.get(object) != SUCCESS) {
        return std::nullopt;
    }
    dom::element value;
    if (object[key].get(value) != SUCCESS) {
        return std::nullopt;
    }
    return value;
}

std::optional<dom::element> object_member(dom::element parent, std::string_view key) {
    const std::optional<dom::element> value = member(parent, key);
    if (!value || !value->is_object()) {
        return std::nullopt;
    }
    return value;
}

std::optional<dom::array> array_member(dom::element parent, std::string_view key) {
    const std::optional<dom::element> value = member(parent, key);
    dom::array array;
    if (!value || value->get(array) != SUCCESS) {
        return std::nullopt;
    }
    return array;
}

namespace {

// `"12"`, `"-3"`, `"12.00"`: digits with an optional sign and an all-zero fraction.
field_status quantity_of_text(std::string_view text, int64_t& out) {
    size_t i = 0;
    const bool negative = !text.empty() && text[0] == '-';
    if (negative) i++;
    const size_t digits_begin = i;
    int64_t value = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; i++) {
        value = value * 10 + (text[i] - '0');
        if (value > qty_abs_max) return field_status::bad;
    }
    if (i == digits_begin) return field_status::bad;
    if (i < text.size() && text[i] == '.') {
        i++;
        if (i == text.size()) return field_status::bad;
        for (; i < text.size() && text[i] == '0'; i++) {
        }
    }
    if (i != text.size()) return field_status::bad;
    out = negative ? -value : value;
    return field_status::ok;
}

} // namespace

field_status quantity_of(dom::element value, int64_t& out) {
    switch (value.type()) {
    case dom::element_type::INT64: {
        const int64_t number = value.get_int64().value_unsafe();
        if (number > qty_abs_max || number < -qty_abs_max) return field_status::bad;
        out = number;
        return field_status::ok;
    }
    case dom::element_type::UINT64:
        return field_status::bad; // above INT64_MAX: far out of range
    case dom::element_type::DOUBLE: {
        const double number = value.get_double().value_unsafe();
        if (!std::isfinite(number) || std::trunc(number) != number ||
            std::fabs(number) > static_cast<double>(qty_abs_max)) {
            return field_status::bad;
        }
        out = static_cast<int64_t>(number);
        return field_status::ok;
    }
    case dom::element_type::STRING:
        return quantity_of_text(value.get_string().value_unsafe(), out);
    case dom::element_type::NULL_VALUE:
        return field_status::null;
    default:
        return field_status::bad;
    }
}

field_status read_quantity(dom::element parent, std::string_view key, int64_t& out) {
    const std::optional<dom::element> value = member(parent, key);
    return value ? quantity_of(*value, out) : field_status::missing;
}

field_status read_text(dom::element parent, std::string_view key, std::string_view& out) {
    const std::optional<dom::element> value = member(parent, key);
    if (!value) return field_status::missing;
    if (value->is_null()) return field_status::null;
    std::string_view text;
    if (value->get(text) != SUCCESS || text.size() > text_bytes_max) {
        return field_status::bad;
    }
    if (text.empty()) return field_status::missing;
    out = text;
    return field_status::ok;
}

std::optional<int64_t> read_time(dom::element parent, std::string_view key) {
    std::string_view text;
    if (read_text(parent, key, text) != field_status::ok) {
        return std::nullopt;
    }
    return parse_rfc3339_us(text);
}

std::string identity_reason(field_status status, std::string_view what) {
    std::string reason(status == field_status::bad ? "bad_" : "missing_");
    reason += what;
    return reason;
}

std::string_view quantity_reason(field_status status) {
    switch (status) {
    case field_status::missing:
        return "missing_quantity";
    case field_status::null:
        return "null_quantity";
    default:
        return "bad_quantity"; // wrong type, fraction, out of range, or negative
    }
}

std::string fulfillment_extra_name(std::string_view code) {
    constexpr size_t code_bytes_max = 32;
    bool plain = !code.empty() && code.size() <= code_bytes_max;
    for (const char c : code) {
        const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        plain = plain && (letter || (c >= '0' && c <= '9') || c == '_');
    }
    std::string name("fulfillment_quantity:");
    name += plain ? code : "other";
    return name;
}

std::string time_text(int64_t time_us) {
    std::string text;
    append_rfc3339_us(text, time_us);
    return text;
}

std::string fallback_identity(const payload_context& context) {
    if (!context.delivery_id.empty()) {
        return context.delivery_id.substr(0, text_bytes_max);
    }
    return time_text(context.received_us);
}

void sink::reject(std::string where, std::string_view reason) const {
    out.rejects.push_back({std::move(where), std::string(reason)});
}

void sink::extra(std::string_view name, int64_t value) const {
    out.extras[std::string(name)] += value;
}

void append_listing_event(std::string_view sku, int64_t ts_us, const sink& out) {
    std::string id("amazon:listing:");
    id += sku;
    event_line(id, ts_us, "listing")
        .text("channel", channel_name)
        .text("listing", sku)
        .text("sku", sku)
        .append_to(out.out);
}

void append_level_event(std::string_view sku, std::string_view identity, int64_t ts_us,
                        int64_t units, const sink& out) {
    std::string id("amazon:level:");
    id += sku;
    id += ':';
    id += identity;
    event_line(id, ts_us, "channel.level")
        .text("channel", channel_name)
        .text("listing", sku)
        .integer("qty", units)
        .append_to(out.out);
}

std::string indexed(std::string_view base, size_t index) {
    std::string where(base);
    where += '[';
    where += std::to_string(index);
    where += ']';
    return where;
}

std::string dotted(std::string_view base, std::string_view key) {
    std::string where(base);
    if (!where.empty()) where += '.';
    where += key;
    return where;
}

} // namespace weave::channels::amazon
