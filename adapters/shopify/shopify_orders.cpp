// Orders, cancellations, fulfillments and refunds -> `order`, `cancel`, `ship`, `return`.
// An order line in SPEC is one SKU, so each Shopify line item is its own order line,
// `shopify:<order id>:<line item id>`.
#include "shopify/shopify_convert.h"
#include "shopify/shopify_json.h"
#include "weave/assert.h"

namespace weave::channels::shopify {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Calls `each(line_item, path)` for every object of the array `key`; false (with a
// `missing_line_items` reject) when there is no such array.
template <typename Each>
bool for_each_line(session& s, const part& owner, std::string_view key, Each&& each) {
    simdjson::dom::array lines;
    const auto value = member(owner.object, key);
    if (!value || value->get_array().get(lines) != simdjson::SUCCESS) {
        s.reject(where_key(owner.path, key), "missing_line_items");
        return false;
    }
    size_t index = 0;
    for (const element line : lines) {
        const std::string path = where_index(owner.path, key, index++);
        if (line.type() != element_type::OBJECT) {
            s.reject(path, "unknown_payload");
            continue;
        }
        each(line, path);
    }
    return true;
}

// The order's own location (POS orders have one): mapped, it is the reservation's `loc`;
// unmapped, the order still counts, in the SKU's unassigned pool (SPEC `order` without `loc`),
// because an order is a real demand wherever it will ship from.
const std::string* order_location(session& s, element order) {
    uint64_t location = 0;
    switch (read_id(order, "location_id", location)) {
    case field_status::ok:
        if (const std::string* loc = s.location(location)) return loc;
        s.extra("order_location_unmapped");
        return nullptr;
    case field_status::absent:
        return nullptr;
    case field_status::bad:
        s.extra("order_location_unmapped");
        return nullptr;
    }
    return nullptr;
}

void convert_order(session& s, const part& order) {
    uint64_t order_id = 0;
    if (!s.require_id(order.object, "id", order.path, order_id)) return;
    const auto at = s.read_stamp(order.object, "created_at", order.path);
    if (!at) return;
    const std::string* loc = order_location(s, order.object);
    for_each_line(s, order, "line_items", [&](element line, const std::string& path) {
        const auto item = s.read_line_item(line, path);
        if (!item) return;
        event_line event(event_id("order", order_id, item->id), at->us, "order");
        event.text("order", order_ref(order_id, item->id));
        add_sku(event, item->sku);
        event.integer("qty", item->qty);
        if (loc != nullptr) event.text("loc", *loc);
        event.append_to(s.out);
    });
}

// A line that nothing is left open on: fully fulfilled, or `fulfillable_quantity` 0 (shipped,
// or already cancelled by a refund). A cancel of it would only be the engine's `unknown_order`.
bool line_closed(element line) {
    std::string_view status;
    if (read_text(line, "fulfillment_status", status) == field_status::ok &&
        status == "fulfilled") {
        return true;
    }
    int64_t fulfillable = 0;
    return read_quantity(line, "fulfillable_quantity", fulfillable) == field_status::ok &&
           fulfillable == 0;
}

void convert_cancelled_order(session& s, const part& order) {
    uint64_t order_id = 0;
    if (!s.require_id(order.object, "id", order.path, order_id)) return;
    const std::string_view time_key =
        member(order.object, "cancelled_at") ? "cancelled_at" : "updated_at";
    const auto at = s.read_stamp(order.object, time_key, order.path);
    if (!at) return;
    for_each_line(s, order, "line_items", [&](element line, const std::string& path) {
        uint64_t line_id = 0;
        if (!s.require_id(line, "id", path, line_id)) return;
        if (line_closed(line)) return s.extra("cancel_lines_closed");
        const auto sku = s.resolve_sku(line, path);
        if (!sku) return;
        // No qty: SPEC's cancel then releases whatever is still open on the line, which is
        // exactly what cancelling a Shopify order does.
        event_line event(event_id("cancel", order_id, line_id), at->us, "cancel");
        event.text("order", order_ref(order_id, line_id));
        add_sku(event, *sku);
        event.append_to(s.out);
    });
}

void convert_fulfillment(session& s, const part& fulfillment) {
    uint64_t fulfillment_id = 0;
    uint64_t order_id = 0;
    if (!s.require_id(fulfillment.object, "id", fulfillment.path, fulfillment_id)) return;
    if (!s.require_id(fulfillment.object, "order_id", fulfillment.path, order_id)) return;
    std::string_view status;
    if (read_text(fulfillment.object, "status", status) == field_status::ok &&
        (status == "cancelled" || status == "error" || status == "failure")) {
        return s.extra("fulfillments_not_shipped");
    }
    const auto at = s.read_stamp(fulfillment.object, "created_at", fulfillment.path);
    if (!at) return;
    // Stock leaves a location: a named location must be one weave knows. None named: the ship
    // goes without `loc` and the engine takes the order line's (SPEC `ship`).
    uint64_t location = 0;
    const field_status location_status = read_id(fulfillment.object, "location_id", location);
    const std::string* loc = location_status == field_status::ok ? s.location(location) : nullptr;
    const bool location_unknown = location_status == field_status::bad ||
                                  (location_status == field_status::ok && loc == nullptr);
    for_each_line(s, fulfillment, "line_items", [&](element line, const std::string& path) {
        if (location_unknown) return s.reject(path, "unknown_location");
        const auto item = s.read_line_item(line, path);
        if (!item) return;
        event_line event(event_id("ship", fulfillment_id, item->id), at->us, "ship");
        event.text("order", order_ref(order_id, item->id));
        add_sku(event, item->sku);
        if (loc != nullptr) event.text("loc", *loc);
        event.integer("qty", item->qty);
        event.append_to(s.out);
    });
}

enum class restock : uint8_t { return_, cancel, none, unknown };

// `restock_type` (2017 on): return / cancel / no_restock / legacy_restock. Older refunds have
// only the refund's `restock: true`, read as a return like legacy_restock.
restock restock_of(element refund_line, bool legacy_restock) {
    std::string_view type;
    switch (read_text(refund_line, "restock_type", type)) {
    case field_status::ok:
        if (type == "return" || type == "legacy_restock") return restock::return_;
        if (type == "cancel") return restock::cancel;
        if (type == "no_restock") return restock::none;
        return restock::unknown;
    case field_status::absent:
        return legacy_restock ? restock::return_ : restock::none;
    case field_status::bad:
        return restock::unknown;
    }
    return restock::unknown;
}

struct refund_ids {
    uint64_t refund = 0;
    uint64_t order = 0;
    stamp at;
    bool legacy_restock = false;
};

void convert_refund_line(session& s, element line, const std::string& path,
                         const refund_ids& refund) {
    uint64_t refund_line_id = 0;
    int64_t qty = 0;
    if (!s.require_id(line, "id", path, refund_line_id)) return;
    const restock kind = restock_of(line, refund.legacy_restock);
    if (kind == restock::unknown) return s.reject(path, "unknown_restock_type");
    if (kind == restock::none) return s.extra("refund_lines_no_restock");
    if (!s.require_positive_quantity(line, "quantity", path, qty)) return;
    const auto line_item = member(line, "line_item");
    const auto sku = line_item ? s.resolve_sku(*line_item, path) : std::nullopt;
    if (!line_item) s.reject(path, "missing_sku");
    if (!sku) return;
    if (kind == restock::cancel) {
        uint64_t line_item_id = 0;
        if (read_id(line, "line_item_id", line_item_id) != field_status::ok &&
            !s.require_id(*line_item, "id", path, line_item_id)) {
            return;
        }
        event_line event(event_id("refund_cancel", refund.refund, refund_line_id), refund.at.us,
                         "cancel");
        event.text("order", order_ref(refund.order, line_item_id));
        add_sku(event, *sku);
        event.integer("qty", qty);
        return event.append_to(s.out);
    }
    uint64_t location = 0;
    const std::string* loc =
        read_id(line, "location_id", location) == field_status::ok ? s.location(location) : nullptr;
    if (loc == nullptr) return s.reject(path, "unknown_location");
    event_line event(event_id("return", refund.refund, refund_line_id), refund.at.us, "return");
    add_sku(event, *sku);
    event.text("loc", *loc);
    event.integer("qty", qty);
    event.append_to(s.out);
}

void convert_refund(session& s, const part& refund) {
    refund_ids ids;
    if (!s.require_id(refund.object, "id", refund.path, ids.refund)) return;
    if (!s.require_id(refund.object, "order_id", refund.path, ids.order)) return;
    auto at = s.read_stamp(refund.object, "created_at", refund.path);
    if (!at) return;
    ids.at = std::move(*at);
    const auto legacy = member(refund.object, "restock");
    bool restock_flag = false;
    ids.legacy_restock =
        legacy && legacy->get_bool().get(restock_flag) == simdjson::SUCCESS && restock_flag;
    // A refund of money only (shipping, an adjustment) has no refund line items: nothing moves.
    if (!member(refund.object, "refund_line_items")) return;
    for_each_line(s, refund, "refund_line_items", [&](element line, const std::string& path) {
        convert_refund_line(s, line, path, ids);
    });
}

} // namespace

void convert_orders_create(session& s, std::span<const part> parts) {
    for (const part& order : parts)
        convert_order(s, order);
}

void convert_orders_cancelled(session& s, std::span<const part> parts) {
    for (const part& order : parts)
        convert_cancelled_order(s, order);
}

void convert_fulfillments(session& s, std::span<const part> parts) {
    for (const part& fulfillment : parts)
        convert_fulfillment(s, fulfillment);
}

void convert_refunds(session& s, std::span<const part> parts) {
    for (const part& refund : parts)
        convert_refund(s, refund);
}

} // namespace weave::channels::shopify
