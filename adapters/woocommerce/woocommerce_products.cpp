// WooCommerce products, variations and wc-analytics stock/report rows -> `listing` (id -> sku)
// and `channel.level` (stock_quantity). What the stock fields mean:
//  - manage_stock true: WooCommerce counts stock_quantity and sells from it -> a level;
//  - manage_stock false, or stock_quantity null: WooCommerce does not count this product's
//    stock (only stock_status in/out), so there is no quantity to compare: `untracked_stock`;
//  - manage_stock "parent" (variations): the parent product's count is what is sold. The
//    parent's own object gives that level when it is in the same payload; otherwise the
//    variation's quantity belongs to a listing this payload does not name:
//    `parent_managed_stock`.
#include <simdjson.h>

#include "weave/assert.h"
#include "channels/json_values.h"
#include "woocommerce/woocommerce_internal.h"

namespace weave::channels::woo {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

enum class stock_mode : uint8_t { managed, untracked, parent, bad };

// Not a reject: a parent-managed variation whose parent is in the payload.
constexpr std::string_view covered_by_parent = "covered_by_parent";

stock_mode read_stock_mode(object item) {
    const std::optional<element> manage = field(item, "manage_stock");
    if (!manage) {
        // wc-analytics report rows have no manage_stock: a quantity is reported only for
        // products whose stock is counted.
        return field(item, "stock_quantity") ? stock_mode::managed : stock_mode::untracked;
    }
    bool flag = false;
    if (!manage->get(flag)) return flag ? stock_mode::managed : stock_mode::untracked;
    std::string_view text;
    if (!manage->get(text) && text == "parent") return stock_mode::parent;
    return stock_mode::bad;
}

enum class sku_status : uint8_t { ok, missing, bad };

// A SKU is text; a whole number (the wc-analytics rows can send 123 for "123") is the same
// text written without quotes, so it is read as its decimal digits. A fraction or any other
// type has no single text form: `bad_sku`.
sku_status read_sku(object item, std::string& sku) {
    const std::optional<element> value = field(item, "sku");
    if (!value) return sku_status::missing;
    if (value->type() == element_type::STRING) {
        std::string_view text;
        if (value->get(text) || text.empty()) return sku_status::missing;
        sku.assign(text);
        return sku_status::ok;
    }
    if (value->type() == element_type::INT64 || value->type() == element_type::UINT64) {
        const std::optional<std::string> digits = id_text(*value);
        if (!digits) return sku_status::bad;
        sku = *digits;
        return sku_status::ok;
    }
    return sku_status::bad;
}

// The object's update time (ts) and the id suffix that tells updates apart.
struct stamp {
    int64_t ts_us = 0;
    std::string suffix;
};

stamp read_stamp(const batch& b, object item) {
    if (const std::optional<int64_t> time_us = time_field_us(item, "date_modified_gmt")) {
        return {*time_us, std::string(text_field(item, "date_modified_gmt"))};
    }
    return {b.context.received_us, delivery_stamp(b.context)};
}

std::string event_id(std::string_view kind, std::string_view id, std::string_view suffix) {
    std::string text(channel_name);
    text += ':';
    text += kind;
    text += ':';
    text += id;
    text += ':';
    text += suffix;
    return text;
}

// The level side of one object: the quantity to report, or the reason there is none.
// `quantity` is set only when the return is empty.
std::string_view stock_problem(const batch& b, object identity, object item, int64_t& quantity) {
    switch (read_stock_mode(item)) {
    case stock_mode::bad:
        return "bad_manage_stock";
    case stock_mode::untracked:
        return "untracked_stock";
    case stock_mode::parent: {
        const std::optional<std::string> parent = id_field(identity, "parent_id");
        if (parent && b.managed_ids.count(*parent) != 0) {
            // The parent's object in this payload reports the level that is sold.
            b.out.extras["variations_stock_by_parent"]++;
            return covered_by_parent;
        }
        return "parent_managed_stock";
    }
    case stock_mode::managed:
        break;
    }
    const quantity_read read = read_quantity_field(item, "stock_quantity");
    if (read.status == quantity_status::absent) return "untracked_stock";
    if (read.status == quantity_status::bad) return "bad_quantity";
    WEAVE_ASSERT(read.value >= -qty_abs_max && read.value <= qty_abs_max);
    quantity = read.value;
    return {};
}

} // namespace

bool manages_own_stock(object item) {
    return read_stock_mode(item) == stock_mode::managed;
}

void convert_product(batch& b, object identity, object item, std::string_view id_key,
                     const std::string& where) {
    const std::optional<std::string> id = id_field(identity, id_key);
    if (!id) {
        add_reject(b.out, where, "missing_id");
        return;
    }
    // A report row's time is on the row; the others carry it with their fields.
    const stamp at = read_stamp(b, identity);
    std::string sku;
    const sku_status sku_read = read_sku(item, sku);
    if (sku_read == sku_status::ok) {
        event_line(event_id("listing", *id, at.suffix), at.ts_us, "listing")
            .text("channel", channel_name)
            .text("listing", *id)
            .text("sku", sku)
            .append_to(b.out);
    } else {
        add_reject(b.out, where, sku_read == sku_status::missing ? "missing_sku" : "bad_sku");
    }
    int64_t quantity = 0;
    const std::string_view problem = stock_problem(b, identity, item, quantity);
    if (problem == covered_by_parent) return;
    if (!problem.empty()) {
        add_reject(b.out, where, problem);
        return;
    }
    // Without a SKU the listing is not mapped and its level could not be used; the
    // missing_sku reject above already counts this object.
    if (sku_read != sku_status::ok) return;
    WEAVE_ASSERT(!id->empty() && !sku.empty());
    // Negative with backorders allowed: reported as WooCommerce shows it.
    event_line(event_id("level", *id, at.suffix), at.ts_us, "channel.level")
        .text("channel", channel_name)
        .text("listing", *id)
        .integer("qty", quantity)
        .append_to(b.out);
}

} // namespace weave::channels::woo
