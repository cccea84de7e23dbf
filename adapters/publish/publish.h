#pragma once
// The publish side: pure functions, no I/O, that turn "these listings must now show these
// quantities" into each channel's own inventory update requests, in the order to send them, and
// into the SPEC `publish` events that record the attempts. Request shapes, batching and the
// priority rule are in docs/adapters.md, "Publishing". The caller sends the requests (adding
// the channel's base URL and credentials) and feeds the channels' answers back as
// `publish.ack` / `channel.level` events.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weave::publish {

// The channels' own limits on listings per request.
inline constexpr size_t shopify_items_max = 250; // every Admin GraphQL input array
inline constexpr size_t ebay_items_max = 25;     // bulkUpdatePriceQuantity `requests`
inline constexpr size_t woo_items_max = 100;     // wc/v3 batch endpoints' default limit
// SPEC §2's bound, and Shopify's highest quantity too.
inline constexpr int64_t quantity_max = 1'000'000'000;

// What the engine knows about a listing that must be pushed.
struct listing_update {
    std::string channel, listing, sku;
    int64_t expected = 0;            // what the channel should show now
    std::optional<int64_t> observed; // what it last showed (nullopt: never seen)
    int64_t on_hand_total = 0;       // the SKU's on_hand over all locations (oversell risk)
};

// One HTTP request, without the host: the caller prefixes the channel's base URL.
struct request {
    std::string channel;
    std::string method; // "POST", "PATCH"
    std::string path;   // with its query string, percent-encoded
    std::string content_type;
    std::string body;
    std::vector<std::string> listings; // the listings it updates, in priority order
};

struct publish_settings {
    // Shopify: Admin GraphQL API version (YYYY-MM, before 2026-04, which drops compareQuantity)
    // and the location the quantities are set at: `gid://shopify/Location/<id>` or `<id>`.
    std::string shopify_api_version = "2025-10";
    std::string shopify_location_id;
    size_t shopify_batch_max = shopify_items_max; // 0 or above the limit: the limit
    // Amazon (Listings Items API): the seller, the one marketplace, the product type the patch
    // names (PRODUCT: Amazon's type for offer-only attributes).
    std::string amazon_seller_id;
    std::string amazon_marketplace_id;
    std::string amazon_product_type = "PRODUCT";
    size_t ebay_batch_max = ebay_items_max;
    size_t woo_batch_max = woo_items_max;
    // WooCommerce variation id -> its parent product id: variations are updated through their
    // product's variations/batch endpoint; listings not here are products.
    std::map<std::string, std::string> woo_variation_parents;
};

// A listing no request was built for, and why (snake_case, e.g. "unknown_channel").
struct publish_error {
    std::string channel, listing, reason;
};

struct build_result {
    std::vector<request> requests; // in the order to send them
    std::vector<publish_error> errors;
};

// The order to push in: lowest expected first; then a known overshoot (the channel shows more
// than it should: an oversell risk), biggest first, then never-observed listings, then the rest;
// then the smaller on_hand_total; then by channel, then listing (bytes). Stable.
std::vector<listing_update> prioritise(std::vector<listing_update> updates);

// The channels' native requests for `prioritised` (as prioritise returned it). Each request is
// placed by its most urgent listing and filled with the next ones that can share it; a listing
// that cannot be sent (unknown channel, missing setting, bad id or quantity, repeated listing)
// is in `errors` and in no request.
build_result build_requests(const std::vector<listing_update>& prioritised,
                            const publish_settings& settings);

// One SPEC `publish` event line per update sent (qty = expected), id
// `publish:<channel>:<listing>:<expected>:<ts as RFC 3339 UTC>`, ts = ts_us. Updates that no
// request can carry (empty or invalid-UTF-8 names, expected outside 0..quantity_max) are left
// out; pass only the updates whose listings went into requests.
std::string publish_events(const std::vector<listing_update>& updates, int64_t ts_us);

// RFC 3986 percent-encoding of everything but the unreserved characters (A-Z a-z 0-9 - . _ ~):
// a space is %20, `/` is %2F.
std::string percent_encode(std::string_view text);

} // namespace weave::publish
