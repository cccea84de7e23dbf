// Inventory levels -> `channel.level` (the listing's total over its locations), and products,
// variants and inventory items -> `listing` (inventory_item_id -> SKU).
#include <algorithm>
#include <vector>

#include "shopify/shopify_convert.h"
#include "shopify/shopify_json.h"
#include "weave/assert.h"
#include "weave/limits.h"

namespace weave::channels::shopify {
namespace {

using simdjson::dom::element;

// An item whose level this payload changed, in the order the payload first names it.
struct touched_item {
    uint64_t item = 0;
    stamp newest;      // the newest `updated_at` among its levels in this payload
    std::string where; // its last level, for a reject of the total
};

// One level of a payload into the state; returns false when nothing was applied.
bool apply_level(session& s, const part& level, stamp& applied_at, uint64_t& item) {
    uint64_t location = 0;
    if (!s.require_id(level.object, "inventory_item_id", level.path, item)) return false;
    if (!s.require_id(level.object, "location_id", level.path, location)) return false;
    // `available: null` is Shopify's "not tracked at this location": the location leaves the
    // total. A level without the member at all says nothing, so it is rejected.
    std::optional<int64_t> available;
    int64_t quantity = 0;
    switch (read_quantity(level.object, "available", quantity)) {
    case field_status::ok:
        available = quantity;
        break;
    case field_status::absent:
        if (!has_member(level.object, "available")) {
            s.reject(where_key(level.path, "available"), "missing_quantity");
            return false;
        }
        break;
    case field_status::bad:
        s.reject(where_key(level.path, "available"), "bad_quantity");
        return false;
    }
    auto at = s.read_stamp(level.object, "updated_at", level.path);
    if (!at) return false;
    switch (s.state.set_level(item, location, available, at->us)) {
    case level_update::applied:
        applied_at = std::move(*at);
        return true;
    case level_update::stale:
        s.extra("levels_stale");
        return false;
    case level_update::full:
        s.reject(level.path, "state_full");
        return false;
    }
    return false;
}

// `listing` inventory_item_id -> sku. The id quotes the update time (a SKU edited back to an
// old value must not be a duplicate of the first mapping) and the SKU (two payloads of the same
// second naming different SKUs must not collapse).
void emit_listing(session& s, uint64_t item, std::string_view sku, const stamp& at) {
    std::string id(channel_name);
    id += ":listing:";
    id += std::to_string(item);
    id += ':';
    id += at.text;
    id += ':';
    id += sku;
    event_line(id, at.us, "listing")
        .text("channel", channel_name)
        .text("listing", std::to_string(item))
        .text("sku", sku)
        .append_to(s.out);
}

// A variant (alone or inside a product): remembers variant -> inventory item for orders, and
// maps the inventory item to the variant's SKU. `fallback` is the product's time.
void convert_variant(session& s, element variant, const std::string& path,
                     const std::optional<stamp>& fallback) {
    uint64_t item = 0;
    // Variants from before Shopify's inventory items (2018; the SDK's fixtures) have no
    // inventory_item_id: their listing is unknown, whatever their own id is.
    switch (read_id(variant, "inventory_item_id", item)) {
    case field_status::ok:
        break;
    case field_status::absent:
        return s.reject(path, "missing_inventory_item_id");
    case field_status::bad:
        return s.reject(where_key(path, "inventory_item_id"), "bad_id");
    }
    uint64_t variant_id = 0;
    if (read_id(variant, "id", variant_id) == field_status::ok &&
        !s.state.remember_variant(variant_id, item)) {
        s.extra("variants_not_remembered");
    }
    std::string_view sku;
    if (read_text(variant, "sku", sku) != field_status::ok || check_sku(sku) != sku_check::ok) {
        const bool too_long = check_sku(sku) == sku_check::too_long;
        return s.reject(path, too_long ? "bad_sku" : "missing_sku");
    }
    std::optional<stamp> at;
    if (member(variant, "updated_at") || !fallback) {
        at = s.read_stamp(variant, "updated_at", path);
    } else {
        at = fallback;
    }
    if (at) emit_listing(s, item, sku, *at);
}

} // namespace

void convert_levels(session& s, std::span<const part> parts) {
    std::vector<touched_item> touched;
    for (const part& level : parts) {
        stamp at;
        uint64_t item = 0;
        if (!apply_level(s, level, at, item)) continue;
        auto found = std::find_if(touched.begin(), touched.end(),
                                  [item](const touched_item& t) { return t.item == item; });
        if (found == touched.end()) {
            touched.push_back(touched_item{item, std::move(at), level.path});
            continue;
        }
        if (at.us > found->newest.us) found->newest = std::move(at);
        found->where = level.path;
    }
    for (const touched_item& t : touched) {
        const auto total = s.state.total(t.item);
        if (!total) {
            // No location tracks it: Shopify shows no number, and 0 would be a false one.
            s.extra("items_untracked");
            continue;
        }
        if (*total < -qty_abs_max || *total > qty_abs_max) {
            s.reject(t.where, "bad_quantity");
            continue;
        }
        // The total is in the id: two locations of one item changing within the same second
        // (updated_at has one-second resolution) give two observations, not a duplicate.
        std::string id(channel_name);
        id += ":level:";
        id += std::to_string(t.item);
        id += ':';
        id += t.newest.text;
        id += ':';
        id += std::to_string(*total);
        event_line(id, t.newest.us, "channel.level")
            .text("channel", channel_name)
            .text("listing", std::to_string(t.item))
            .integer("qty", *total)
            .append_to(s.out);
    }
}

void convert_products(session& s, std::span<const part> parts) {
    for (const part& product : parts) {
        simdjson::dom::array variants;
        const auto member_variants = member(product.object, "variants");
        if (!member_variants || member_variants->get_array().get(variants) != simdjson::SUCCESS) {
            s.reject(where_key(product.path, "variants"), "missing_variants");
            continue;
        }
        std::optional<stamp> fallback;
        if (has_member(product.object, "updated_at")) {
            fallback = s.read_stamp(product.object, "updated_at", product.path);
            if (!fallback) continue;
        }
        size_t index = 0;
        for (const element variant : variants) {
            const std::string path = where_index(product.path, "variants", index++);
            if (variant.type() != simdjson::dom::element_type::OBJECT) {
                s.reject(path, "unknown_payload");
                continue;
            }
            convert_variant(s, variant, path, fallback);
        }
    }
}

void convert_variants(session& s, std::span<const part> parts) {
    for (const part& variant : parts)
        convert_variant(s, variant.object, variant.path, {});
}

void convert_inventory_items(session& s, std::span<const part> parts) {
    for (const part& item : parts) {
        uint64_t id = 0;
        if (!s.require_id(item.object, "id", item.path, id)) continue;
        std::string_view sku;
        if (read_text(item.object, "sku", sku) != field_status::ok ||
            check_sku(sku) != sku_check::ok) {
            const bool too_long = check_sku(sku) == sku_check::too_long;
            s.reject(item.path, too_long ? "bad_sku" : "missing_sku");
            continue;
        }
        const auto at = s.read_stamp(item.object, "updated_at", item.path);
        if (at) emit_listing(s, id, sku, *at);
    }
}

} // namespace weave::channels::shopify
