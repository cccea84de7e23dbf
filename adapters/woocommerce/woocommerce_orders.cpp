// WooCommerce orders (REST v3 and the order.created/order.updated webhooks) and refunds ->
// order / cancel / ship / return. An order line is `woo:<order id>:<line item id>`; every event
// id is fixed by the order and line (or refund and line), so each webhook of an order's life
// may repeat the earlier ones and the engine counts them as duplicates.
//
// Order status -> events per line:
//   pending, on-hold, processing   order (the sale holds stock)
//   completed                      order, then ship (the order opens the line when this payload
//                                  is the first the engine sees of it; otherwise a duplicate)
//   cancelled, failed, refunded    cancel: nothing more will ship; releases what is still held
//                                  (for a line already shipped the engine answers unknown_order)
//   anything else                  one reject `unknown_status`
#include <simdjson.h>

#include "weave/assert.h"
#include "channels/json_values.h"
#include "woocommerce/woocommerce_internal.h"

namespace weave::channels::woo {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

enum class order_state : uint8_t { open, completed, closed, unknown };

order_state read_order_state(std::string_view status) {
    if (status == "pending" || status == "on-hold" || status == "processing") {
        return order_state::open;
    }
    if (status == "completed") return order_state::completed;
    if (status == "cancelled" || status == "failed" || status == "refunded") {
        return order_state::closed;
    }
    return order_state::unknown;
}

// What a line names: the SKU as WooCommerce wrote it on the line, else the variation or
// product id as a `woo` listing (resolved by the engine through the listing events).
struct line_target {
    std::string sku;
    std::string listing;

    void add_to(event_line& line, bool with_channel) const {
        if (!sku.empty()) {
            if (with_channel) line.text("channel", channel_name);
            line.text("sku", sku);
            return;
        }
        line.text("channel", channel_name).text("listing", listing);
    }
};

bool read_target(object line, line_target& target) {
    const std::string_view sku = text_field(line, "sku");
    if (!sku.empty()) {
        target.sku.assign(sku);
        return true;
    }
    // 0 means "no variation" / "no product" (a deleted product).
    for (const std::string_view key : {"variation_id", "product_id"}) {
        const std::optional<std::string> id = id_field(line, key);
        if (id && *id != "0") {
            target.listing = *id;
            return true;
        }
    }
    return false;
}

std::string event_id(std::string_view kind, std::string_view owner, std::string_view line) {
    std::string text(channel_name);
    text += ':';
    text += kind;
    text += ':';
    text += owner;
    text += ':';
    text += line;
    return text;
}

std::string order_ref(std::string_view order, std::string_view line) {
    std::string text(channel_name);
    text += ':';
    text += order;
    text += ':';
    text += line;
    return text;
}

int64_t time_or_received(const batch& b, object o, std::string_view key) {
    return time_field_us(o, key).value_or(b.context.received_us);
}

const std::string* default_location(const batch& b) {
    const auto found = b.settings.locations.find(std::string(default_location_key));
    return found == b.settings.locations.end() ? nullptr : &found->second;
}

struct order_times {
    int64_t created_us = 0;
    int64_t modified_us = 0;
    int64_t completed_us = 0;
};

// One line of an order: its id, quantity and target checked, then the events its status gives.
void convert_order_line(batch& b, object line, std::string_view order_id, order_state state,
                        const order_times& times, const std::string& where) {
    const std::optional<std::string> line_id = id_field(line, "id");
    if (!line_id) return add_reject(b.out, where, "missing_id");
    const quantity_read qty = read_quantity_field(line, "quantity");
    if (qty.status == quantity_status::absent) return add_reject(b.out, where, "null_quantity");
    if (qty.status == quantity_status::bad || qty.value <= 0) {
        return add_reject(b.out, where, "bad_quantity");
    }
    line_target target;
    if (!read_target(line, target)) return add_reject(b.out, where, "missing_sku");
    WEAVE_ASSERT(qty.value > 0 && qty.value <= qty_abs_max);
    WEAVE_ASSERT(!target.sku.empty() || !target.listing.empty());
    const std::string ref = order_ref(order_id, *line_id);
    if (state == order_state::closed) {
        event_line cancel(event_id("cancel", order_id, *line_id), times.modified_us, "cancel");
        cancel.text("order", ref);
        target.add_to(cancel, false);
        cancel.append_to(b.out);
        return;
    }
    event_line order(event_id("order", order_id, *line_id), times.created_us, "order");
    order.text("order", ref);
    target.add_to(order, true);
    order.integer("qty", qty.value).append_to(b.out);
    if (state != order_state::completed) return;
    const std::string* loc = default_location(b);
    if (loc == nullptr) return add_reject(b.out, where, "unknown_location");
    // No qty: everything still open on the line ships.
    event_line ship(event_id("ship", order_id, *line_id), times.completed_us, "ship");
    ship.text("order", ref);
    target.add_to(ship, false);
    ship.text("loc", *loc).append_to(b.out);
}

} // namespace

void convert_order(batch& b, object order, const std::string& where) {
    const std::optional<std::string> order_id = id_field(order, "id");
    if (!order_id) return add_reject(b.out, where, "missing_id");
    const order_state state = read_order_state(text_field(order, "status"));
    if (state == order_state::unknown) return add_reject(b.out, where, "unknown_status");
    array lines;
    if (order["line_items"].get(lines)) {
        return add_reject(b.out, where_key(where, "line_items"), "unknown_payload");
    }
    order_times times;
    times.created_us = time_or_received(b, order, "date_created_gmt");
    times.modified_us = time_or_received(b, order, "date_modified_gmt");
    times.completed_us = time_field_us(order, "date_completed_gmt").value_or(times.modified_us);
    // An order lists its refunds as {id, reason, total}, without lines or quantities; what came
    // back is read from the refund objects themselves (convert_refund).
    array refunds;
    if (!order["refunds"].get(refunds)) {
        b.out.extras["order_refunds_listed"] += static_cast<int64_t>(refunds.size());
    }
    for_each_object(b.out, lines, where, "line_items",
                    [&](object line, const std::string& line_where) {
                        convert_order_line(b, line, *order_id, state, times, line_where);
                    });
}

// A refund's lines carry negative quantities (-1: one unit refunded). A line refunded in
// money only has quantity 0 and moves no stock. WooCommerce does not say whether the goods
// came back to a shelf, so each refunded unit is a `return` (pending, not sellable) at the
// default location; restocking it is the warehouse's `restock`.
void convert_refund(batch& b, object refund, const std::string& where) {
    const std::optional<std::string> refund_id = id_field(refund, "id");
    if (!refund_id) return add_reject(b.out, where, "missing_id");
    array lines;
    if (refund["line_items"].get(lines)) {
        return add_reject(b.out, where_key(where, "line_items"), "unknown_payload");
    }
    const int64_t ts_us = time_or_received(b, refund, "date_created_gmt");
    const std::string* loc = default_location(b);
    for_each_object(b.out, lines, where, "line_items",
                    [&](object line, const std::string& line_where) {
                        const std::optional<std::string> line_id = id_field(line, "id");
                        if (!line_id) {
                            add_reject(b.out, line_where, "missing_id");
                            return;
                        }
                        const quantity_read qty = read_quantity_field(line, "quantity");
                        if (qty.status == quantity_status::absent) {
                            add_reject(b.out, line_where, "null_quantity");
                            return;
                        }
                        if (qty.status == quantity_status::bad || qty.value > 0) {
                            add_reject(b.out, line_where, "bad_quantity");
                            return;
                        }
                        if (qty.value == 0) {
                            b.out.extras["refund_lines_money_only"]++;
                            return;
                        }
                        line_target target;
                        if (!read_target(line, target)) {
                            add_reject(b.out, line_where, "missing_sku");
                            return;
                        }
                        if (loc == nullptr) {
                            add_reject(b.out, line_where, "unknown_location");
                            return;
                        }
                        WEAVE_ASSERT(qty.value < 0 && -qty.value <= qty_abs_max);
                        event_line ret(event_id("return", *refund_id, *line_id), ts_us, "return");
                        target.add_to(ret, false);
                        ret.text("loc", *loc).integer("qty", -qty.value).append_to(b.out);
                    });
}

} // namespace weave::channels::woo
