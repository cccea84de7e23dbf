// The four channels' inventory update requests. Bodies are written by hand with
// channels::json_quote for every string, in a fixed key order, so tests can compare them as
// golden strings.
#include "publish/channel_requests.h"

#include <array>

#include "channels/channel_adapter.h"
#include "weave/assert.h"

namespace weave::publish::detail {
namespace {

using channels::json_quote;

// A decimal id as a JSON number can carry it: digits, no leading zero, at most 20 of them.
bool is_numeric_id(std::string_view text) {
    if (text.empty() || text.size() > 20 || text.front() == '0') return false;
    return text.find_first_not_of("0123456789") == std::string_view::npos;
}

size_t clamp_batch(size_t configured, size_t limit) {
    return configured == 0 || configured > limit ? limit : configured;
}

request start_request(const batch& listings, std::string_view method, std::string path) {
    WEAVE_ASSERT(listings.rules != nullptr);
    WEAVE_ASSERT(!listings.items.empty());
    request out;
    out.channel = listings.rules->name;
    out.method = method;
    out.path = std::move(path);
    out.content_type = "application/json";
    for (const listing_update* update : listings.items)
        out.listings.push_back(update->listing);
    return out;
}

// ---- Shopify: Admin GraphQL inventorySetQuantities ----

constexpr std::string_view shopify_location_prefix = "gid://shopify/Location/";
constexpr std::string_view shopify_mutation =
    "mutation inventorySetQuantities($input: InventorySetQuantitiesInput!) { "
    "inventorySetQuantities(input: $input) { inventoryAdjustmentGroup { id } "
    "userErrors { code field message } } }";

// YYYY-MM, and before 2026-04: that version removes compareQuantity and ignoreCompareQuantity
// (changeFromQuantity and an @idempotent key replace them).
bool shopify_version_supported(std::string_view version) {
    if (version.size() != 7 || version[4] != '-') return false;
    for (const size_t at : {0, 1, 2, 3, 5, 6}) {
        if (version[at] < '0' || version[at] > '9') return false;
    }
    const std::string_view month = version.substr(5);
    return month >= "01" && month <= "12" && version < "2026-04";
}

std::string shopify_location_gid(std::string_view id) {
    if (id.substr(0, shopify_location_prefix.size()) == shopify_location_prefix) {
        id.remove_prefix(shopify_location_prefix.size());
    }
    if (!is_numeric_id(id)) return {};
    std::string gid(shopify_location_prefix);
    gid += id;
    return gid;
}

std::string_view shopify_problem(const listing_update& update, const publish_settings& settings) {
    if (!shopify_version_supported(settings.shopify_api_version)) {
        return "bad_setting:shopify_api_version";
    }
    if (settings.shopify_location_id.empty()) return "missing_setting:shopify_location_id";
    if (shopify_location_gid(settings.shopify_location_id).empty()) {
        return "bad_setting:shopify_location_id";
    }
    // The listing is the variant's inventory_item_id (docs/adapters.md).
    if (!is_numeric_id(update.listing)) return "bad_listing";
    return {};
}

// compareQuantity needs the channel's last value; listings never observed go in their own
// request with the check switched off (Shopify refuses a checked set without it).
std::string shopify_key(const listing_update& update, const publish_settings&) {
    return update.observed ? "compare" : "set";
}

size_t shopify_batch_max(const publish_settings& settings) {
    return clamp_batch(settings.shopify_batch_max, shopify_items_max);
}

request shopify_render(const batch& listings, const publish_settings& settings) {
    std::string path = "/admin/api/";
    path += settings.shopify_api_version;
    path += "/graphql.json";
    request out = start_request(listings, "POST", std::move(path));
    const bool compare = listings.key == "compare";
    const std::string location = json_quote(shopify_location_gid(settings.shopify_location_id));
    std::string& body = out.body;
    body = "{\"query\":";
    body += json_quote(shopify_mutation);
    body += ",\"variables\":{\"input\":{\"name\":\"available\",\"reason\":\"correction\",";
    body += "\"ignoreCompareQuantity\":";
    body += compare ? "false" : "true";
    body += ",\"quantities\":[";
    for (size_t i = 0; i < listings.items.size(); i++) {
        const listing_update& update = *listings.items[i];
        WEAVE_ASSERT(update.observed.has_value() == compare);
        std::string item_gid = "gid://shopify/InventoryItem/";
        item_gid += update.listing;
        body += i == 0 ? "{" : ",{";
        body += "\"inventoryItemId\":";
        body += json_quote(item_gid);
        body += ",\"locationId\":";
        body += location;
        body += ",\"quantity\":";
        body += std::to_string(update.expected);
        if (compare) {
            body += ",\"compareQuantity\":";
            body += std::to_string(*update.observed);
        }
        body += '}';
    }
    body += "]}}}";
    return out;
}

// ---- Amazon: Listings Items API patchListingsItem ----

std::string_view amazon_problem(const listing_update&, const publish_settings& settings) {
    if (settings.amazon_seller_id.empty()) return "missing_setting:amazon_seller_id";
    if (settings.amazon_marketplace_id.empty()) return "missing_setting:amazon_marketplace_id";
    if (settings.amazon_product_type.empty()) return "missing_setting:amazon_product_type";
    return {};
}

// One listing per request: the API patches one SKU per call.
std::string amazon_key(const listing_update& update, const publish_settings&) {
    return update.listing;
}

size_t amazon_batch_max(const publish_settings&) {
    return 1;
}

request amazon_render(const batch& listings, const publish_settings& settings) {
    WEAVE_ASSERT(listings.items.size() == 1);
    const listing_update& update = *listings.items.front();
    std::string path = "/listings/2021-08-01/items/";
    path += percent_encode(settings.amazon_seller_id);
    path += '/';
    path += percent_encode(update.listing);
    path += "?marketplaceIds=";
    path += percent_encode(settings.amazon_marketplace_id);
    request out = start_request(listings, "PATCH", std::move(path));
    // `merge`, not `replace`: replace rewrites the whole fulfillment_availability entry and
    // drops the seller's handling time and restock date; merge changes the quantity only.
    out.body = "{\"productType\":";
    out.body += json_quote(settings.amazon_product_type);
    out.body +=
        ",\"patches\":[{\"op\":\"merge\",\"path\":\"/attributes/fulfillment_availability\",";
    out.body += "\"value\":[{\"fulfillment_channel_code\":\"DEFAULT\",\"quantity\":";
    out.body += std::to_string(update.expected);
    out.body += "}]}]}";
    return out;
}

// ---- eBay: Inventory API bulkUpdatePriceQuantity ----

std::string_view ebay_problem(const listing_update&, const publish_settings&) {
    return {};
}

std::string ebay_key(const listing_update&, const publish_settings&) {
    return {};
}

size_t ebay_batch_max(const publish_settings& settings) {
    return clamp_batch(settings.ebay_batch_max, ebay_items_max);
}

request ebay_render(const batch& listings, const publish_settings&) {
    request out = start_request(listings, "POST", "/sell/inventory/v1/bulk_update_price_quantity");
    out.body = "{\"requests\":[";
    for (size_t i = 0; i < listings.items.size(); i++) {
        const listing_update& update = *listings.items[i];
        out.body += i == 0 ? "{\"sku\":" : ",{\"sku\":";
        out.body += json_quote(update.listing);
        out.body += ",\"shipToLocationAvailability\":{\"quantity\":";
        out.body += std::to_string(update.expected);
        out.body += "}}";
    }
    out.body += "]}";
    return out;
}

// ---- WooCommerce: REST v3 products/batch and products/<id>/variations/batch ----

std::string_view woo_problem(const listing_update& update, const publish_settings& settings) {
    if (!is_numeric_id(update.listing)) return "bad_listing";
    const auto parent = settings.woo_variation_parents.find(update.listing);
    if (parent != settings.woo_variation_parents.end() && !is_numeric_id(parent->second)) {
        return "bad_setting:woo_variation_parents";
    }
    return {};
}

// The parent product of a variation, "" for a product: one batch endpoint each.
std::string woo_key(const listing_update& update, const publish_settings& settings) {
    const auto parent = settings.woo_variation_parents.find(update.listing);
    return parent == settings.woo_variation_parents.end() ? std::string() : parent->second;
}

size_t woo_batch_max(const publish_settings& settings) {
    return clamp_batch(settings.woo_batch_max, woo_items_max);
}

request woo_render(const batch& listings, const publish_settings&) {
    std::string path = "/wp-json/wc/v3/products";
    if (!listings.key.empty()) {
        path += '/';
        path += listings.key;
        path += "/variations";
    }
    path += "/batch";
    request out = start_request(listings, "POST", std::move(path));
    out.body = "{\"update\":[";
    for (size_t i = 0; i < listings.items.size(); i++) {
        const listing_update& update = *listings.items[i];
        WEAVE_ASSERT(is_numeric_id(update.listing));
        // manage_stock too: WooCommerce ignores stock_quantity while it is off.
        out.body += i == 0 ? "{\"id\":" : ",{\"id\":";
        out.body += update.listing;
        out.body += ",\"manage_stock\":true,\"stock_quantity\":";
        out.body += std::to_string(update.expected);
        out.body += '}';
    }
    out.body += "]}";
    return out;
}

constexpr std::array<channel_rules, 4> channels = {{
    {"shopify", shopify_problem, shopify_key, shopify_batch_max, shopify_render},
    {"amazon", amazon_problem, amazon_key, amazon_batch_max, amazon_render},
    {"ebay", ebay_problem, ebay_key, ebay_batch_max, ebay_render},
    {"woo", woo_problem, woo_key, woo_batch_max, woo_render},
}};

} // namespace

const channel_rules* find_channel(std::string_view name) {
    for (const channel_rules& rules : channels) {
        if (rules.name == name) return &rules;
    }
    return nullptr;
}

} // namespace weave::publish::detail
