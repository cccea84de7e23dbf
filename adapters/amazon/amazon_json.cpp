#include "amazon/amazon_json.h"

#include "channels/json_values.h"
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

field_status quantity_of(dom::element value, int64_t& out) {
    if (value.is_null()) return field_status::null;
    const quantity_read read = channels::read_quantity(value);
    if (read.status != quantity_status::ok) return field_status::bad;
    out = read.value;
    return field_status::ok;
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

} // namespace weave::channels::amazon
