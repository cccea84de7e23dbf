// ORDER_CHANGE notifications -> `order`, `ship` and `cancel` per order item. A notification
// carries the order's current summary, not a movement, so each item gives the events that bring
// the engine to that summary; ids are built from the order's own identities, so the same state
// seen again (a redelivery, or another change type on the same order) repeats ids already held.
#include "amazon/amazon_convert.h"

namespace weave::channels::amazon {

using simdjson::SUCCESS;
namespace dom = simdjson::dom;

namespace {

enum class order_status : uint8_t { open, canceled, unknown };

// Summary.OrderStatus (the schema's enum). Unfulfillable (multi-channel orders Amazon cannot
// fulfil) says nothing about units, so it is refused rather than guessed at.
order_status status_named(std::string_view name) {
    constexpr std::string_view open[] = {"Pending", "Unshipped",          "PartiallyShipped",
                                         "Shipped", "InvoiceUnconfirmed", "PendingAvailability"};
    for (const std::string_view status : open) {
        if (name == status) return order_status::open;
    }
    return name == "Canceled" ? order_status::canceled : order_status::unknown;
}

struct order_fields {
    std::string_view order_id;
    std::string_view fulfillment_type; // AFN (Amazon's warehouses) or MFN (the seller's)
    bool canceled = false;
    int64_t ts_us = 0;
};

struct item_fields {
    std::string_view sku;
    std::string line_key;            // <AmazonOrderId>:<OrderItemId or SellerSKU>, for ids
    std::string line;                // amazon:<line_key>, the SPEC order line
    std::optional<int64_t> quantity; // absent only on a line being cancelled
    int64_t shipped = 0;
    bool cancel = false;
    std::optional<std::string> loc;
};

// The weave location units of this item ship from: the item's supply source (a seller-fulfilled
// warehouse) when it is mapped, else the order's fulfillment type (`AFN`, `MFN`).
std::optional<std::string> location_of(dom::element item, std::string_view fulfillment_type,
                                       const adapter_settings& settings) {
    std::string_view supply_source;
    if (read_text(item, "SupplySourceId", supply_source) == field_status::ok) {
        const auto found = settings.locations.find(std::string(supply_source));
        if (found != settings.locations.end()) return found->second;
    }
    if (!fulfillment_type.empty()) {
        const auto found = settings.locations.find(std::string(fulfillment_type));
        if (found != settings.locations.end()) return found->second;
    }
    return std::nullopt;
}

bool read_quantities(dom::element item, const std::string& where, const sink& out,
                     item_fields& fields) {
    int64_t quantity = 0;
    const field_status status = read_quantity(item, "Quantity", quantity);
    const bool absent = status == field_status::missing || status == field_status::null;
    if (status == field_status::ok && quantity >= 0 && (quantity > 0 || fields.cancel)) {
        fields.quantity = quantity;
    } else if (!(absent && fields.cancel)) {
        out.reject(where_key(where, "Quantity"), quantity_reason(status));
        return false;
    }
    int64_t shipped = 0;
    const field_status shipped_status = read_quantity(item, "QuantityShipped", shipped);
    if (shipped_status == field_status::missing || shipped_status == field_status::null) {
        return true;
    }
    if (shipped_status != field_status::ok || shipped < 0 ||
        (fields.quantity && shipped > *fields.quantity)) {
        out.reject(where_key(where, "QuantityShipped"), "bad_quantity");
        return false;
    }
    fields.shipped = shipped;
    return true;
}

// Reads and checks the whole item before any event is written; false after a reject.
bool read_item(dom::element item, const order_fields& order, const std::string& where,
               const sink& out, item_fields& fields) {
    const field_status sku_status = read_text(item, "SellerSKU", fields.sku);
    if (sku_status != field_status::ok) {
        out.reject(where_key(where, "SellerSKU"), identity_reason(sku_status, "sku"));
        return false;
    }
    std::string_view item_id;
    if (read_text(item, "OrderItemId", item_id) != field_status::ok) {
        item_id = fields.sku;
    }
    fields.line_key = order.order_id;
    fields.line_key += ':';
    fields.line_key += item_id;
    fields.line = "amazon:";
    fields.line += fields.line_key;
    bool cancel_requested = false;
    const std::optional<dom::element> requested = member(item, "IsBuyerRequestedCancel");
    if (requested && requested->get(cancel_requested) != SUCCESS) {
        cancel_requested = false; // not a boolean: no request read into it
    }
    fields.cancel = order.canceled || cancel_requested;
    if (!read_quantities(item, where, out, fields)) return false;
    fields.loc = location_of(item, order.fulfillment_type, out.settings);
    return true;
}

void append_ship(const item_fields& fields, const order_fields& order, int64_t units,
                 const sink& out) {
    std::string id("amazon:ship:");
    id += fields.line_key;
    id += ':';
    id += std::to_string(fields.shipped); // the cumulative count: one id per shipped state
    event_line(id, order.ts_us, "ship")
        .text("order", fields.line)
        .text("sku", fields.sku)
        .text("loc", *fields.loc)
        .integer("qty", units)
        .append_to(out.out);
}

void append_cancel(const item_fields& fields, const order_fields& order, const sink& out) {
    std::string id("amazon:cancel:");
    id += fields.line_key;
    event_line line(id, order.ts_us, "cancel");
    line.text("order", fields.line).text("sku", fields.sku);
    // The units never shipped; with no Quantity (or 0, as a cancelled line may report), every
    // unit still open.
    if (fields.quantity && *fields.quantity > 0) {
        line.integer("qty", *fields.quantity - fields.shipped);
    }
    line.append_to(out.out);
}

void convert_item(const item_fields& fields, const order_fields& order, const std::string& where,
                  const sink& out, shipped_lines& lines) {
    if (fields.quantity && *fields.quantity > 0) {
        std::string id("amazon:order:");
        id += fields.line_key;
        event_line line(id, order.ts_us, "order");
        line.text("order", fields.line)
            .text("sku", fields.sku)
            .text("channel", channel_name)
            .integer("qty", *fields.quantity);
        if (fields.loc) line.text("loc", *fields.loc);
        line.append_to(out.out);
    }
    const int64_t shipped_before = lines.shipped(fields.line);
    const bool finished = fields.cancel || (fields.quantity && fields.shipped >= *fields.quantity);
    if (fields.shipped > shipped_before) {
        if (!fields.loc) {
            out.reject(where, "unknown_location"); // shipping needs the units' location
        } else if (!finished && !lines.set(fields.line, fields.shipped)) {
            out.reject(where, "state_full");
        } else {
            append_ship(fields, order, fields.shipped - shipped_before, out);
        }
    }
    const bool all_shipped =
        fields.quantity && *fields.quantity > 0 && fields.shipped >= *fields.quantity;
    if (fields.cancel && !all_shipped) {
        append_cancel(fields, order, out);
    }
    if (finished) lines.forget(fields.line);
}

// The order-level fields; false after a reject.
bool read_order(dom::element notification, const notification_envelope& envelope, const sink& out,
                order_fields& order, dom::array& items) {
    const field_status id_status = read_text(notification, "AmazonOrderId", order.order_id);
    if (id_status != field_status::ok) {
        out.reject("OrderChangeNotification.AmazonOrderId", identity_reason(id_status, "order_id"));
        return false;
    }
    const std::optional<dom::element> summary = object_member(notification, "Summary");
    if (!summary) {
        out.reject("OrderChangeNotification.Summary", "unknown_payload");
        return false;
    }
    std::string_view status_name;
    (void)read_text(*summary, "OrderStatus", status_name);
    const order_status status = status_named(status_name);
    if (status == order_status::unknown) {
        out.reject("OrderChangeNotification.Summary.OrderStatus", "unknown_order_status");
        return false;
    }
    order.canceled = status == order_status::canceled;
    (void)read_text(*summary, "FulfillmentType", order.fulfillment_type);
    // TimeOfOrderChange is when the change happened (null when Amazon has none).
    const std::optional<dom::element> trigger = member(notification, "OrderChangeTrigger");
    const std::optional<int64_t> change_us =
        trigger ? read_time(*trigger, "TimeOfOrderChange") : std::nullopt;
    order.ts_us = change_us ? *change_us : envelope.ts_us;
    const std::optional<dom::array> order_items = array_member(*summary, "OrderItems");
    if (!order_items) {
        out.reject("OrderChangeNotification.Summary.OrderItems", "missing_items");
        return false;
    }
    items = *order_items;
    return true;
}

} // namespace

void convert_order_change(dom::element root, const sink& out, shipped_lines& lines) {
    notification_envelope envelope;
    if (!read_envelope(root, out, envelope)) return;
    const std::optional<dom::element> notification =
        object_member(envelope.payload, "OrderChangeNotification");
    if (!notification) {
        out.reject("Payload.OrderChangeNotification", "unknown_payload");
        return;
    }
    order_fields order;
    dom::array items;
    if (!read_order(*notification, envelope, out, order, items)) return;
    size_t index = 0;
    for (const dom::element item : items) {
        const std::string where = where_index("OrderItems", "", index++);
        item_fields fields;
        if (read_item(item, order, where, out, fields)) {
            convert_item(fields, order, where, out, lines);
        }
    }
}

// ---- shipped_lines ----

int64_t shipped_lines::shipped(const std::string& line) const {
    const auto found = _units.find(line);
    return found == _units.end() ? 0 : found->second;
}

bool shipped_lines::set(const std::string& line, int64_t units) {
    const auto found = _units.find(line);
    if (found != _units.end()) {
        found->second = units;
        return true;
    }
    if (_units.size() >= lines_max) return false;
    _units.emplace(line, units);
    return true;
}

void shipped_lines::forget(const std::string& line) {
    _units.erase(line);
}

std::string shipped_lines::save() const {
    std::string saved("{\"shipped\":[");
    bool first = true;
    for (const auto& [line, units] : _units) {
        if (!first) saved += ',';
        first = false;
        saved += '[';
        saved += json_quote(line);
        saved += ',';
        saved += std::to_string(units);
        saved += ']';
    }
    saved += "]}";
    return saved;
}

void shipped_lines::load(std::string_view saved) {
    _units.clear();
    dom::parser parser;
    dom::element root;
    if (parser.parse(saved.data(), saved.size()).get(root) != SUCCESS) return;
    const std::optional<dom::array> entries = array_member(root, "shipped");
    if (!entries) return;
    for (const dom::element entry : *entries) {
        dom::array pair;
        std::string_view line;
        int64_t units = 0;
        if (entry.get(pair) != SUCCESS || pair.at(0).get(line) != SUCCESS ||
            pair.at(1).get(units) != SUCCESS || units <= 0 || units > qty_abs_max ||
            _units.size() >= lines_max) {
            continue;
        }
        _units[std::string(line)] = units;
    }
}

} // namespace weave::channels::amazon
