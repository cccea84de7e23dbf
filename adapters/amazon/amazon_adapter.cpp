#include "amazon/amazon_adapter.h"

#include "amazon/amazon_convert.h"

namespace weave::channels {
namespace amazon {
namespace {

using simdjson::SUCCESS;
namespace dom = simdjson::dom;

// A payload past this is refused whole (SP-API pages are far smaller).
constexpr size_t payload_bytes_max = 64u << 20;

enum class payload_kind : uint8_t {
    inventory_summaries,
    fba_availability,
    mfn_quantity,
    order_change,
    listings_item,
    listings_search,
    unknown,
};

struct kind_name {
    std::string_view name;
    payload_kind kind;
};

// payload_context::kind: the SP-API operation, or the notification type.
constexpr kind_name kind_names[] = {
    {"getInventorySummaries", payload_kind::inventory_summaries},
    {"FBA_INVENTORY_AVAILABILITY_CHANGES", payload_kind::fba_availability},
    {"LISTINGS_ITEM_MFN_QUANTITY_CHANGE", payload_kind::mfn_quantity},
    {"ORDER_CHANGE", payload_kind::order_change},
    {"getListingsItem", payload_kind::listings_item},
    {"searchListingsItems", payload_kind::listings_search},
};

payload_kind kind_named(std::string_view name) {
    for (const kind_name& entry : kind_names) {
        if (entry.name == name) return entry.kind;
    }
    return payload_kind::unknown;
}

bool is_notification(payload_kind kind) {
    return kind == payload_kind::fba_availability || kind == payload_kind::mfn_quantity ||
           kind == payload_kind::order_change;
}

payload_kind kind_of_shape(dom::element root) {
    std::string_view type;
    if (read_text(root, "NotificationType", type) == field_status::ok) {
        return kind_named(type);
    }
    const std::optional<dom::element> payload = member(root, "payload");
    if (payload && array_member(*payload, "inventorySummaries")) {
        return payload_kind::inventory_summaries;
    }
    if (array_member(root, "items")) return payload_kind::listings_search;
    // A listings item has its sku at the top; a submission response (PUT/PATCH/DELETE) too, but
    // with a submissionId, and it holds no quantity.
    std::string_view sku;
    if (read_text(root, "sku", sku) == field_status::ok && !member(root, "submissionId")) {
        return payload_kind::listings_item;
    }
    return payload_kind::unknown;
}

// The transport's kind wins when the shape agrees with it; a notification body without its
// NotificationType is taken on the transport's word.
payload_kind resolve_kind(dom::element root, std::string_view context_kind) {
    const payload_kind shape = kind_of_shape(root);
    if (context_kind.empty()) return shape;
    const payload_kind named = kind_named(context_kind);
    if (named == shape) return named;
    if (is_notification(named) && !member(root, "NotificationType") &&
        object_member(root, "Payload")) {
        return named;
    }
    return payload_kind::unknown;
}

class amazon_adapter final : public channel_adapter {
public:
    explicit amazon_adapter(const adapter_settings& settings) : _settings(settings) {}

    std::string_view channel() const override { return channel_name; }

    conversion convert(std::string_view payload, const payload_context& context) override {
        conversion result;
        const sink out{result, context, _settings};
        dom::element root;
        if (payload.size() > payload_bytes_max) {
            out.reject("", "payload_too_large");
        } else if (_parser.parse(payload.data(), payload.size()).get(root) != SUCCESS) {
            out.reject("", "not_json");
        } else {
            convert_document(root, context, out);
        }
        if (result.event_count == 0 && result.rejects.empty()) {
            result.ignored = true; // e.g. no summaries on this page, or an order with no items
        }
        return result;
    }

    std::string save_state() const override {
        return _lines.size() == 0 ? std::string() : _lines.save();
    }
    void load_state(std::string_view saved) override { _lines.load(saved); }

private:
    void convert_document(dom::element root, const payload_context& context, const sink& out) {
        switch (resolve_kind(root, context.kind)) {
        case payload_kind::inventory_summaries:
            return convert_inventory_summaries(root, out);
        case payload_kind::fba_availability:
            return convert_fba_availability(root, out);
        case payload_kind::mfn_quantity:
            return convert_mfn_quantity(root, out);
        case payload_kind::order_change:
            return convert_order_change(root, out, _lines);
        case payload_kind::listings_item:
            return convert_listings_item(root, out);
        case payload_kind::listings_search:
            return convert_listings_search(root, out);
        case payload_kind::unknown:
            // An SP-API error response ({"errors":[{code, message}]}) is recognised, but holds
            // nothing to apply.
            out.reject(array_member(root, "errors") ? "errors" : "",
                       array_member(root, "errors") ? "api_error" : "unknown_payload");
            return;
        }
    }

    adapter_settings _settings;
    dom::parser _parser; // reused: its buffers grow to the largest payload seen
    shipped_lines _lines;
};

} // namespace
} // namespace amazon

std::unique_ptr<channel_adapter> make_amazon_adapter(const adapter_settings& settings) {
    return std::make_unique<amazon::amazon_adapter>(settings);
}

} // namespace weave::channels
