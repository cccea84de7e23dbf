// The Shopify adapter: parses a payload, finds what kind it is (webhook topic, else the REST
// response's wrapper key) and hands its objects to the converter of that kind.
#include "shopify/shopify_adapter.h"

#include <vector>

#include "shopify/shopify_convert.h"
#include "shopify/shopify_json.h"
#include "weave/assert.h"
#include "weave/time.h"

namespace weave::channels {
namespace shopify {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using converter = void (*)(session&, std::span<const part>);

struct topic_entry {
    std::string_view topic;
    converter convert;
    std::string_view wrapper; // the REST key of the same object, accepted around the body too
};

constexpr topic_entry topics[] = {
    {"inventory_levels/update", convert_levels, "inventory_level"},
    {"inventory_levels/connect", convert_levels, "inventory_level"},
    {"products/create", convert_products, "product"},
    {"products/update", convert_products, "product"},
    {"inventory_items/create", convert_inventory_items, "inventory_item"},
    {"inventory_items/update", convert_inventory_items, "inventory_item"},
    {"orders/create", convert_orders_create, "order"},
    {"orders/cancelled", convert_orders_cancelled, "order"},
    {"fulfillments/create", convert_fulfillments, "fulfillment"},
    {"refunds/create", convert_refunds, "refund"},
};

// REST responses: `{"<one>": {...}}` or `{"<many>": [...]}`, nothing else beside.
struct shape_entry {
    std::string_view one;
    std::string_view many;
    converter convert;
};

constexpr shape_entry shapes[] = {
    {"inventory_level", "inventory_levels", convert_levels},
    {"inventory_item", "inventory_items", convert_inventory_items},
    {"product", "products", convert_products},
    {"variant", "variants", convert_variants},
    {"order", "orders", convert_orders_create},
    {"fulfillment", "fulfillments", convert_fulfillments},
    {"refund", "refunds", convert_refunds},
};

void add_part(session& s, std::vector<part>& parts, element object, std::string path) {
    if (object.type() != element_type::OBJECT) {
        s.reject(std::move(path), "unknown_payload");
        return;
    }
    parts.push_back(part{object, std::move(path)});
}

void add_items(session& s, std::vector<part>& parts, simdjson::dom::array items,
               std::string_view name) {
    size_t index = 0;
    for (const element item : items) {
        add_part(s, parts, item, where_index("", name, index));
        index++;
    }
}

// The one member of a one-member object, else false.
bool only_member(element root, std::string_view& key, element& value) {
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS || object.size() != 1) return false;
    for (const auto field : object) {
        key = field.key;
        value = field.value;
    }
    return true;
}

void convert_topic(session& s, element root, const topic_entry& topic) {
    std::vector<part> parts;
    std::string_view key;
    element value;
    if (only_member(root, key, value) && key == topic.wrapper &&
        value.type() == element_type::OBJECT) {
        parts.push_back(part{value, std::string(topic.wrapper)});
    } else if (root.type() == element_type::OBJECT) {
        parts.push_back(part{root, ""});
    } else {
        return s.reject("", "unknown_payload");
    }
    topic.convert(s, parts);
}

void convert_shape(session& s, element root) {
    std::vector<part> parts;
    simdjson::dom::array items;
    if (root.get_array().get(items) == simdjson::SUCCESS) { // GET products.json, unwrapped
        add_items(s, parts, items, "");
        return convert_products(s, parts);
    }
    std::string_view key;
    element value;
    if (!only_member(root, key, value)) return s.reject("", "unknown_payload");
    for (const shape_entry& shape : shapes) {
        if (key == shape.one && value.type() == element_type::OBJECT) {
            parts.push_back(part{value, std::string(shape.one)});
            return shape.convert(s, parts);
        }
        if (key == shape.many && value.get_array().get(items) == simdjson::SUCCESS) {
            add_items(s, parts, items, shape.many);
            return shape.convert(s, parts);
        }
    }
    s.reject("", "unknown_payload");
}

class shopify_adapter final : public channel_adapter {
public:
    explicit shopify_adapter(const adapter_settings& settings) : _settings(settings) {}

    std::string_view channel() const override { return channel_name; }

    conversion convert(std::string_view payload, const payload_context& context) override {
        conversion out;
        if (payload.size() > shopify_payload_bytes_max) {
            out.rejects.push_back({"", "payload_too_large"});
            return out;
        }
        const simdjson::padded_string padded(payload);
        element root;
        if (_parser.parse(padded).get(root) != simdjson::SUCCESS) {
            out.rejects.push_back({"", "not_json"});
            return out;
        }
        session s{_settings, context, _state, out};
        if (context.kind.empty()) {
            convert_shape(s, root);
        } else {
            const topic_entry* topic = nullptr;
            for (const topic_entry& entry : topics) {
                if (entry.topic == context.kind) topic = &entry;
            }
            if (topic == nullptr) {
                s.reject("", "unknown_payload");
            } else {
                convert_topic(s, root, *topic);
            }
        }
        out.ignored = out.event_count == 0 && out.rejects.empty();
        return out;
    }

    std::string save_state() const override { return _state.save(); }
    // A text save_state did not write leaves the state as it was (the interface cannot report).
    void load_state(std::string_view text) override { (void)_state.load(text); }

private:
    adapter_settings _settings;
    shopify_state _state;
    simdjson::dom::parser _parser; // reused: its buffers grow to the largest payload once
};

} // namespace

// ---- session ----

void session::reject(std::string where, std::string_view reason) {
    out.rejects.push_back(payload_reject{std::move(where), std::string(reason)});
}

void session::extra(const char* name) {
    out.extras[name] += 1;
}

const std::string* session::location(uint64_t shopify_location) const {
    const auto found = settings.locations.find(std::to_string(shopify_location));
    return found == settings.locations.end() ? nullptr : &found->second;
}

stamp session::fallback_stamp() const {
    stamp result;
    result.us = context.received_us;
    if (!context.delivery_id.empty() &&
        context.delivery_id.size() <= shopify_delivery_id_bytes_max) {
        result.text = context.delivery_id;
    } else {
        append_rfc3339_us(result.text, context.received_us);
    }
    return result;
}

std::optional<stamp> session::read_stamp(element object, std::string_view key,
                                         std::string_view path) {
    int64_t time_us = 0;
    std::string_view text;
    switch (read_time(object, key, time_us, text)) {
    case field_status::ok:
        return stamp{time_us, std::string(text)};
    case field_status::absent:
        return fallback_stamp();
    case field_status::bad:
        break;
    }
    reject(where_key(path, key), "bad_time");
    return std::nullopt;
}

bool session::require_id(element object, std::string_view key, std::string_view path,
                         uint64_t& out_id) {
    switch (read_id(object, key, out_id)) {
    case field_status::ok:
        WEAVE_ASSERT(out_id > 0);
        return true;
    case field_status::absent:
        reject(where_key(path, key), "missing_id");
        return false;
    case field_status::bad:
        reject(where_key(path, key), "bad_id");
        return false;
    }
    return false;
}

bool session::require_positive_quantity(element object, std::string_view key,
                                        const std::string& where, int64_t& out_qty) {
    switch (read_quantity(object, key, out_qty)) {
    case field_status::ok:
        if (out_qty > 0) return true;
        reject(where, "bad_quantity");
        return false;
    case field_status::absent:
        reject(where, "null_quantity");
        return false;
    case field_status::bad:
        reject(where, "bad_quantity");
        return false;
    }
    return false;
}

std::optional<line_sku> session::resolve_sku(element line_item, const std::string& where) {
    std::string_view sku;
    if (read_text(line_item, "sku", sku) == field_status::ok) {
        const sku_check check = check_sku(sku);
        if (check == sku_check::ok) return line_sku{sku, 0};
        if (check == sku_check::too_long) {
            reject(where, "bad_sku");
            return std::nullopt;
        }
    }
    // No usable SKU on the line: its variant's inventory item, when a products payload told us.
    uint64_t variant = 0;
    if (read_id(line_item, "variant_id", variant) == field_status::ok) {
        if (const auto item = state.item_of_variant(variant)) return line_sku{{}, *item};
    }
    reject(where, "missing_sku");
    return std::nullopt;
}

std::optional<session::line_item> session::read_line_item(element line, const std::string& where) {
    line_item item;
    if (!require_id(line, "id", where, item.id)) return std::nullopt;
    if (!require_positive_quantity(line, "quantity", where, item.qty)) return std::nullopt;
    auto sku = resolve_sku(line, where);
    if (!sku) return std::nullopt;
    item.sku = std::move(*sku);
    return item;
}

// ---- helpers shared by the converters ----

sku_check check_sku(std::string_view sku) {
    if (sku.size() > shopify_sku_bytes_max) return sku_check::too_long;
    for (const char c : sku) {
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return sku_check::ok;
    }
    return sku_check::missing;
}

void add_sku(event_line& event, const line_sku& sku) {
    event.text("channel", channel_name);
    if (!sku.sku.empty()) {
        event.text("sku", sku.sku);
    } else {
        WEAVE_ASSERT(sku.listing > 0);
        event.text("listing", std::to_string(sku.listing));
    }
}

std::string event_id(std::string_view kind, uint64_t a, uint64_t b) {
    std::string id(channel_name);
    id += ':';
    id += kind;
    id += ':';
    id += std::to_string(a);
    id += ':';
    id += std::to_string(b);
    return id;
}

std::string order_ref(uint64_t order_id, uint64_t line_item_id) {
    std::string ref(channel_name);
    ref += ':';
    ref += std::to_string(order_id);
    ref += ':';
    ref += std::to_string(line_item_id);
    return ref;
}

} // namespace shopify

std::unique_ptr<channel_adapter> make_shopify_adapter(const adapter_settings& settings) {
    return std::make_unique<shopify::shopify_adapter>(settings);
}

} // namespace weave::channels
