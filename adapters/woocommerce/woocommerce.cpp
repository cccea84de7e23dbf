// WooCommerce adapter: parsing, the {"data": ...} wrapper, and which converter each object of a
// payload goes to. The converters are in woocommerce_products.cpp and woocommerce_orders.cpp.
#include "woocommerce/woocommerce.h"

#include <vector>

#include "channels/json_values.h"
#include "woocommerce/woocommerce_internal.h"

namespace weave::channels {

namespace woo {

} // namespace woo

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

enum class object_kind : uint8_t { product, report_row, order, refund, unknown };

bool has(object o, std::string_view key) {
    element ignored;
    return !o.at_key(key).get(ignored);
}

// By shape: WooCommerce objects carry no type tag, and webhook topics are optional here.
object_kind classify(object o) {
    if (has(o, "line_items")) {
        if (has(o, "status")) return object_kind::order;
        // Refunds have no status; they have an amount and who refunded.
        if (has(o, "amount") || has(o, "refunded_by")) return object_kind::refund;
        return object_kind::unknown;
    }
    if (has(o, "product_id") && has(o, "extended_info")) return object_kind::report_row;
    if (has(o, "id") && (has(o, "manage_stock") || has(o, "stock_quantity") || has(o, "sku"))) {
        return object_kind::product;
    }
    return object_kind::unknown;
}

// The wrapper the WordPress.com proxy adds: an object whose only key is "data". WooCommerce's
// own error bodies also have a "data" key, next to "code" and "message"; they are not unwrapped.
element unwrap(element root) {
    object o;
    if (root.get(o) || o.size() != 1) return root;
    element data;
    if (o.at_key("data").get(data)) return root;
    return data;
}

class woocommerce_adapter final : public channel_adapter {
public:
    explicit woocommerce_adapter(const adapter_settings& settings) : _settings(settings) {}

    std::string_view channel() const override { return woo::channel_name; }

    conversion convert(std::string_view payload, const payload_context& context) override {
        conversion out;
        // A deleted product or order arrives as {"id": N}: nothing to apply.
        const std::string_view kind = context.kind;
        if (kind.size() >= 8 && kind.substr(kind.size() - 8) == ".deleted") {
            out.ignored = true;
            return out;
        }
        const simdjson::padded_string padded(payload);
        element root;
        if (_parser.parse(padded).get(root)) {
            add_reject(out, "", "not_json");
            return out;
        }
        woo::batch b{_settings, context, out, {}};
        collect_items(unwrap(root));
        if (_items.empty() && _unknown_root) {
            add_reject(out, "", "unknown_payload");
            return out;
        }
        for (const item& i : _items) {
            if (i.kind == object_kind::product && woo::manages_own_stock(i.value)) {
                if (auto id = id_field(i.value, "id")) b.managed_ids.insert(*id);
            }
        }
        for (const item& i : _items)
            convert_item(b, i);
        if (out.event_count == 0 && out.rejects.empty()) out.ignored = true;
        return out;
    }

private:
    struct item {
        object value;
        object_kind kind;
        std::string where;
    };

    void collect_items(element root) {
        _items.clear();
        _unknown_root = false;
        object single;
        if (!root.get(single)) {
            _items.push_back(item{single, classify(single), ""});
            _unknown_root = _items.back().kind == object_kind::unknown;
            if (_unknown_root) _items.clear();
            return;
        }
        array list;
        if (root.get(list)) {
            _unknown_root = true;
            return;
        }
        size_t index = 0;
        for (element value : list) {
            object o;
            const object_kind kind = value.get(o) ? object_kind::unknown : classify(o);
            _items.push_back(item{o, kind, where_index("", "", index)});
            index++;
        }
    }

    void convert_item(woo::batch& b, const item& i) {
        switch (i.kind) {
        case object_kind::product:
            woo::convert_product(b, i.value, i.value, "id", i.where);
            break;
        case object_kind::report_row: {
            object info;
            if (i.value["extended_info"].get(info)) {
                add_reject(b.out, where_key(i.where, "extended_info"), "unknown_payload");
                break;
            }
            woo::convert_product(b, i.value, info, "product_id", i.where);
            break;
        }
        case object_kind::order:
            woo::convert_order(b, i.value, i.where);
            break;
        case object_kind::refund:
            woo::convert_refund(b, i.value, i.where);
            break;
        case object_kind::unknown:
            add_reject(b.out, i.where, "unknown_payload");
            break;
        }
    }

    adapter_settings _settings;
    simdjson::dom::parser _parser;
    std::vector<item> _items;
    bool _unknown_root = false;
};

} // namespace

std::unique_ptr<channel_adapter> make_woocommerce_adapter(const adapter_settings& settings) {
    return std::make_unique<woocommerce_adapter>(settings);
}

} // namespace weave::channels
