// Publishing: the priority order, each channel's native request (golden bodies checked by hand
// against the channels' documentation, docs/adapters.md "Publishing"), batching limits,
// URL-encoding, errors, and `publish` event lines the engine accepts.
#include <doctest/doctest.h>

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "channels/channel_adapter.h"
#include "ndjson/event_parser.h"
#include "publish/publish.h"
#include "test_support.h"
#include "weave/live.h"

using namespace weave;
using namespace weave::publish;

namespace {

listing_update update(std::string channel, std::string listing, int64_t expected,
                      std::optional<int64_t> observed = std::nullopt, int64_t on_hand_total = 0) {
    listing_update out;
    out.channel = std::move(channel);
    out.listing = std::move(listing);
    out.sku = "SKU-" + out.listing;
    out.expected = expected;
    out.observed = observed;
    out.on_hand_total = on_hand_total;
    return out;
}

publish_settings settings_for_tests() {
    publish_settings settings;
    settings.shopify_location_id = "487838322";
    settings.amazon_seller_id = "A2EXAMPLE";
    settings.amazon_marketplace_id = "ATVPDKIKX0DER";
    settings.woo_variation_parents = {{"733", "31"}};
    return settings;
}

std::vector<std::string> names_of(const std::vector<listing_update>& updates) {
    std::vector<std::string> names;
    for (const listing_update& u : updates)
        names.push_back(u.channel + "/" + u.listing);
    return names;
}

std::vector<std::string> errors_of(const build_result& result) {
    std::vector<std::string> texts;
    for (const publish_error& e : result.errors) {
        texts.push_back(e.channel + "/" + e.listing + " " + e.reason);
    }
    return texts;
}

bool is_json(const std::string& body) {
    simdjson::dom::parser parser;
    simdjson::dom::element element;
    return parser.parse(body).get(element) == simdjson::SUCCESS;
}

std::vector<listing_update> many(const std::string& channel, int count, int first_id = 1000) {
    std::vector<listing_update> updates;
    for (int i = 0; i < count; i++) {
        updates.push_back(update(channel, std::to_string(first_id + i), 5, 5));
    }
    return updates;
}

} // namespace

TEST_SUITE("publish") {
    TEST_CASE(
        "priority: lowest expected, then the biggest overshoot, then never seen, then by name") {
        const std::vector<listing_update> order = prioritise({
            update("woo", "9", 3, 3),                   // expected 3
            update("ebay", "b", 0, 0),                  // 0, no overshoot
            update("shopify", "1", 0, std::nullopt),    // 0, never observed
            update("amazon", "z", 0, 2),                // 0, overshoot 2
            update("amazon", "y", 0, 7),                // 0, overshoot 7
            update("ebay", "a", 0, -4),                 // 0, shows less: no overshoot
            update("amazon", "x", 0, 2, /*on_hand*/ 5), // overshoot 2, more stock behind it
            update("amazon", "w", 0, 2),                // ties amazon/z but for the listing
            update("ebay", "c", 1, 9),
        });
        CHECK(names_of(order) == std::vector<std::string>{"amazon/y", "amazon/w", "amazon/z",
                                                          "amazon/x", "shopify/1", "ebay/a",
                                                          "ebay/b", "ebay/c", "woo/9"});
    }

    TEST_CASE("priority ties: channel, then listing, then input order (stable)") {
        listing_update first = update("ebay", "s", 2, 5);
        first.sku = "first";
        listing_update second = first;
        second.sku = "second";
        const std::vector<listing_update> order =
            prioritise({second, update("ebay", "r", 2, 5), first, update("amazon", "t", 2, 5)});
        CHECK(names_of(order) ==
              std::vector<std::string>{"amazon/t", "ebay/r", "ebay/s", "ebay/s"});
        CHECK(order[2].sku == "second");
        CHECK(order[3].sku == "first");
        // Stable beyond the sizes a plain sort happens to keep in order.
        std::vector<listing_update> equal;
        for (int i = 0; i < 100; i++) {
            equal.push_back(update("ebay", "same", 1, 1));
            equal.back().sku = std::to_string(i);
        }
        equal.push_back(update("ebay", "first", 0));
        const std::vector<listing_update> kept = prioritise(equal);
        CHECK(kept.front().listing == "first");
        for (size_t i = 0; i < 100; i++)
            CHECK(kept[i + 1].sku == std::to_string(i));
        // Extreme values compare without overflow.
        const std::vector<listing_update> extreme =
            prioritise({update("ebay", "a", 0, INT64_MIN), update("ebay", "b", 0, INT64_MAX)});
        CHECK(names_of(extreme) == std::vector<std::string>{"ebay/b", "ebay/a"});
    }

    TEST_CASE("Shopify: inventorySetQuantities, compare-and-set when the last value is known") {
        const build_result result = build_requests(
            prioritise({update("shopify", "39072856", 27, 30), update("shopify", "808950810", 1)}),
            settings_for_tests());
        CHECK(result.errors.empty());
        REQUIRE(result.requests.size() == 2);
        // Never observed: nothing to compare with, so its own request with the check off (Shopify
        // refuses a checked set without compareQuantity: COMPARE_QUANTITY_REQUIRED).
        const request& blind = result.requests[0];
        CHECK(blind.channel == "shopify");
        CHECK(blind.method == "POST");
        CHECK(blind.path == "/admin/api/2025-10/graphql.json");
        CHECK(blind.content_type == "application/json");
        CHECK(blind.listings == std::vector<std::string>{"808950810"});
        CHECK(
            blind.body ==
            R"({"query":"mutation inventorySetQuantities($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { inventoryAdjustmentGroup { id } userErrors { code field message } } }","variables":{"input":{"name":"available","reason":"correction","ignoreCompareQuantity":true,"quantities":[{"inventoryItemId":"gid://shopify/InventoryItem/808950810","locationId":"gid://shopify/Location/487838322","quantity":1}]}}})");
        const request& checked = result.requests[1];
        CHECK(checked.listings == std::vector<std::string>{"39072856"});
        CHECK(
            checked.body ==
            R"({"query":"mutation inventorySetQuantities($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { inventoryAdjustmentGroup { id } userErrors { code field message } } }","variables":{"input":{"name":"available","reason":"correction","ignoreCompareQuantity":false,"quantities":[{"inventoryItemId":"gid://shopify/InventoryItem/39072856","locationId":"gid://shopify/Location/487838322","quantity":27,"compareQuantity":30}]}}})");
        CHECK(is_json(blind.body));
        CHECK(is_json(checked.body));
    }

    TEST_CASE("Shopify: batches of up to 250 (or the setting), a location gid taken as it is") {
        publish_settings settings = settings_for_tests();
        settings.shopify_location_id = "gid://shopify/Location/905684977";
        const build_result full = build_requests(many("shopify", 251), settings);
        REQUIRE(full.requests.size() == 2);
        CHECK(full.requests[0].listings.size() == 250);
        CHECK(full.requests[1].listings == std::vector<std::string>{"1250"});
        CHECK(full.requests[0].body.find(R"("locationId":"gid://shopify/Location/905684977")") !=
              std::string::npos);
        CHECK(is_json(full.requests[0].body));
        settings.shopify_batch_max = 100;
        CHECK(build_requests(many("shopify", 251), settings).requests.size() == 3);
        settings.shopify_batch_max = 1000; // above Shopify's limit: the limit
        CHECK(build_requests(many("shopify", 251), settings).requests.size() == 2);
    }

    TEST_CASE("Shopify: settings and listing ids it cannot use are errors, not requests") {
        publish_settings settings = settings_for_tests();
        const std::vector<listing_update> one = {update("shopify", "39072856", 1, 2)};
        settings.shopify_location_id.clear();
        CHECK(errors_of(build_requests(one, settings)) ==
              std::vector<std::string>{"shopify/39072856 missing_setting:shopify_location_id"});
        settings.shopify_location_id = "gid://shopify/Location/abc";
        CHECK(errors_of(build_requests(one, settings)) ==
              std::vector<std::string>{"shopify/39072856 bad_setting:shopify_location_id"});
        settings = settings_for_tests();
        settings.shopify_api_version = "2026-04"; // compareQuantity is gone there
        CHECK(errors_of(build_requests(one, settings)) ==
              std::vector<std::string>{"shopify/39072856 bad_setting:shopify_api_version"});
        settings.shopify_api_version = "2026-01";
        CHECK(build_requests(one, settings).requests[0].path == "/admin/api/2026-01/graphql.json");
        const build_result bad = build_requests(
            {update("shopify", "IPOD-1", 1), update("shopify", "0123", 1)}, settings_for_tests());
        CHECK(errors_of(bad) ==
              std::vector<std::string>{"shopify/IPOD-1 bad_listing", "shopify/0123 bad_listing"});
        CHECK(bad.requests.empty());
    }

    TEST_CASE("Amazon: one Listings Items PATCH per SKU, the SKU URL-encoded") {
        const build_result result =
            build_requests({update("amazon", "EMTEC 1 GB", 5, 9), update("amazon", "a/b?c=é", 0)},
                           settings_for_tests());
        CHECK(result.errors.empty());
        REQUIRE(result.requests.size() == 2);
        const request& first = result.requests[0];
        CHECK(first.channel == "amazon");
        CHECK(first.method == "PATCH");
        CHECK(first.path ==
              "/listings/2021-08-01/items/A2EXAMPLE/EMTEC%201%20GB?marketplaceIds=ATVPDKIKX0DER");
        CHECK(first.content_type == "application/json");
        CHECK(first.listings == std::vector<std::string>{"EMTEC 1 GB"});
        CHECK(
            first.body ==
            R"({"productType":"PRODUCT","patches":[{"op":"merge","path":"/attributes/fulfillment_availability","value":[{"fulfillment_channel_code":"DEFAULT","quantity":5}]}]})");
        CHECK(
            result.requests[1].path ==
            "/listings/2021-08-01/items/A2EXAMPLE/a%2Fb%3Fc%3D%C3%A9?marketplaceIds=ATVPDKIKX0DER");
        publish_settings missing = settings_for_tests();
        missing.amazon_marketplace_id.clear();
        CHECK(errors_of(build_requests({update("amazon", "X", 1)}, missing)) ==
              std::vector<std::string>{"amazon/X missing_setting:amazon_marketplace_id"});
        missing.amazon_seller_id.clear();
        CHECK(errors_of(build_requests({update("amazon", "X", 1)}, missing)) ==
              std::vector<std::string>{"amazon/X missing_setting:amazon_seller_id"});
    }

    TEST_CASE("Amazon: the patch is the JSON_LISTINGS_FEED example's merge patch") {
        // data/channels/publish/: Amazon's own example (NOTICE.md); message 5 is a PATCH merge of
        // fulfillment_availability to quantity 10.
        const std::string example =
            weave_test::read_file(std::string(WEAVE_SOURCE_DIR) +
                                  "/data/channels/publish/listings-feed-schema-v2.example.json");
        REQUIRE(!example.empty());
        simdjson::dom::parser example_parser;
        simdjson::dom::element message;
        REQUIRE(example_parser.parse(example)["messages"].at(4).get(message) == simdjson::SUCCESS);
        std::string_view operation;
        REQUIRE(message["operationType"].get(operation) == simdjson::SUCCESS);
        CHECK(operation == "PATCH");
        simdjson::dom::element example_patches;
        REQUIRE(message["patches"].get(example_patches) == simdjson::SUCCESS);

        const build_result result =
            build_requests({update("amazon", "My-SKU-E", 10)}, settings_for_tests());
        REQUIRE(result.requests.size() == 1);
        simdjson::dom::parser parser;
        simdjson::dom::element body;
        REQUIRE(parser.parse(result.requests[0].body).get(body) == simdjson::SUCCESS);
        simdjson::dom::element patches;
        REQUIRE(body["patches"].get(patches) == simdjson::SUCCESS);
        CHECK(simdjson::minify(patches) == simdjson::minify(example_patches));
        // productType and patches are the two required fields of ListingsItemPatchRequest.
        std::string_view product_type;
        CHECK(body["productType"].get(product_type) == simdjson::SUCCESS);
    }

    TEST_CASE("eBay: bulkUpdatePriceQuantity, up to 25 SKUs a request") {
        const build_result result =
            build_requests(prioritise({update("ebay", "B \"x\"", 4, 1), update("ebay", "A", 0, 3)}),
                           settings_for_tests());
        REQUIRE(result.requests.size() == 1);
        const request& sent = result.requests[0];
        CHECK(sent.method == "POST");
        CHECK(sent.path == "/sell/inventory/v1/bulk_update_price_quantity");
        CHECK(sent.listings == std::vector<std::string>{"A", "B \"x\""});
        CHECK(
            sent.body ==
            R"({"requests":[{"sku":"A","shipToLocationAvailability":{"quantity":0}},{"sku":"B \"x\"","shipToLocationAvailability":{"quantity":4}}]})");
        CHECK(is_json(sent.body));
        const build_result batched = build_requests(many("ebay", 51), settings_for_tests());
        REQUIRE(batched.requests.size() == 3);
        CHECK(batched.requests[0].listings.size() == 25);
        CHECK(batched.requests[1].listings.size() == 25);
        CHECK(batched.requests[2].listings.size() == 1);
        publish_settings one_each = settings_for_tests();
        one_each.ebay_batch_max = 1;
        CHECK(build_requests(many("ebay", 3), one_each).requests.size() == 3);
        publish_settings too_many = settings_for_tests();
        too_many.ebay_batch_max = 1000; // above eBay's limit: the limit
        CHECK(build_requests(many("ebay", 51), too_many).requests[0].listings.size() == 25);
    }

    TEST_CASE("WooCommerce: products/batch, variations through their parent, up to 100") {
        const build_result result =
            build_requests(prioritise({update("woo", "799", 3, 3), update("woo", "733", 2, 8)}),
                           settings_for_tests());
        CHECK(result.errors.empty());
        REQUIRE(result.requests.size() == 2);
        CHECK(result.requests[0].path == "/wp-json/wc/v3/products/31/variations/batch");
        CHECK(result.requests[0].method == "POST");
        CHECK(result.requests[0].body ==
              R"({"update":[{"id":733,"manage_stock":true,"stock_quantity":2}]})");
        CHECK(result.requests[1].path == "/wp-json/wc/v3/products/batch");
        CHECK(result.requests[1].body ==
              R"({"update":[{"id":799,"manage_stock":true,"stock_quantity":3}]})");
        const build_result batched = build_requests(many("woo", 201), settings_for_tests());
        REQUIRE(batched.requests.size() == 3);
        CHECK(batched.requests[0].listings.size() == 100);
        CHECK(batched.requests[2].listings.size() == 1);
        CHECK(is_json(batched.requests[0].body));
        publish_settings limits = settings_for_tests();
        for (const size_t configured : {size_t{0}, size_t{1000}}) { // none, or above: the limit
            limits.woo_batch_max = configured;
            CHECK(build_requests(many("woo", 201), limits).requests[0].listings.size() == 100);
        }
        CHECK(errors_of(build_requests({update("woo", "12a", 1)}, settings_for_tests())) ==
              std::vector<std::string>{"woo/12a bad_listing"});
    }

    TEST_CASE("requests go out in the order of their most urgent listing") {
        const build_result result =
            build_requests(prioritise({update("ebay", "E1", 9, 9), update("amazon", "A1", 4, 4),
                                       update("ebay", "E2", 0, 5), update("woo", "7", 4, 6)}),
                           settings_for_tests());
        REQUIRE(result.requests.size() == 3);
        // E2 (expected 0) opens the eBay request, which E1 joins; then woo/7 (overshoot), amazon.
        CHECK(result.requests[0].listings == std::vector<std::string>{"E2", "E1"});
        CHECK(result.requests[1].listings == std::vector<std::string>{"7"});
        CHECK(result.requests[2].listings == std::vector<std::string>{"A1"});
    }

    TEST_CASE("unknown channels, bad quantities and repeated listings get no request") {
        const build_result result = build_requests(
            prioritise({update("etsy", "1", 0), update("ebay", "A", -1), update("ebay", "B", 2, 2),
                        update("ebay", "B", 5, 5), update("ebay", "", 1),
                        update("ebay", "C", quantity_max + 1), update("ebay", "D\xC3", 1),
                        update("ebay", "F", 1, quantity_max + 1)}),
            settings_for_tests());
        CHECK(errors_of(result) ==
              std::vector<std::string>{"ebay/A bad_quantity", "etsy/1 unknown_channel",
                                       "ebay/F bad_quantity", "ebay/ missing_listing",
                                       "ebay/D\xC3 invalid_utf8", "ebay/B duplicate_listing",
                                       "ebay/C bad_quantity"});
        REQUIRE(result.requests.size() == 1);
        CHECK(result.requests[0].listings == std::vector<std::string>{"B"});
        CHECK(result.requests[0].body.find("\"quantity\":2") != std::string::npos);
        CHECK(build_requests({}, settings_for_tests()).requests.empty());
    }

    TEST_CASE("bodies stay JSON and paths stay URL-safe whatever the listing text") {
        // Deterministic pseudo-random listings: quotes, backslashes, controls, spaces, slashes,
        // multi-byte UTF-8.
        const std::vector<std::string> pieces = {"a", "\"", "\\", "\n", "\x01",     " ",
                                                 "/", "?",  "&",  "%",  "\xC3\xA9", "\xE2\x82\xAC",
                                                 "7"};
        uint64_t state = 0x9E3779B97F4A7C15ull;
        std::vector<listing_update> updates;
        for (int i = 0; i < 200; i++) {
            std::string listing;
            for (int k = 0; k < 6; k++) {
                state = state * 6364136223846793005ull + 1442695040888963407ull;
                listing += pieces[(state >> 33) % pieces.size()];
            }
            updates.push_back(update(i % 2 == 0 ? "ebay" : "amazon", listing, i % 7, i % 5));
        }
        const build_result result = build_requests(prioritise(updates), settings_for_tests());
        size_t listings = 0;
        for (const request& sent : result.requests) {
            CHECK(is_json(sent.body));
            listings += sent.listings.size();
            if (sent.channel == "amazon") { // the SKU's own `/` and `?` are encoded
                CHECK(std::count(sent.path.begin(), sent.path.end(), '/') == 5);
                CHECK(std::count(sent.path.begin(), sent.path.end(), '?') == 1);
            }
            for (const char c : sent.path) {
                const bool safe = std::isalnum(static_cast<unsigned char>(c)) ||
                                  std::string_view("-._~%/?=").find(c) != std::string_view::npos;
                CHECK(safe);
            }
        }
        CHECK(listings + result.errors.size() == updates.size());
        for (const publish_error& error : result.errors)
            CHECK(error.reason == "duplicate_listing");
    }

    TEST_CASE("percent-encoding keeps only the unreserved characters") {
        CHECK(percent_encode("AZaz09-._~") == "AZaz09-._~");
        CHECK(percent_encode("a b/c+d%") == "a%20b%2Fc%2Bd%25");
        CHECK(percent_encode("\xC3\xA9\x01") == "%C3%A9%01");
        CHECK(percent_encode("") == "");
    }

    TEST_CASE("publish events: one line per update, accepted by the engine once listings exist") {
        const int64_t ts = 1'795'773'600'123'456; // 2026-11-27T10:00:00.123456Z
        const std::vector<listing_update> updates = {
            update("shopify", "39072856", 27, 30), update("amazon", "EMTEC 1 GB", 0),
            update("ebay", "A\"1", 4, 1), update("woo", "799", 3, 3),
            update("ebay", "bad", -1)}; // never sent: left out
        const std::string events = publish_events(updates, ts);
        CHECK(
            events.substr(0, events.find('\n')) ==
            R"({"id":"publish:shopify:39072856:27:2026-11-27T10:00:00.123456Z","ts":"2026-11-27T10:00:00.123456Z","type":"publish","channel":"shopify","listing":"39072856","qty":27})");
        CHECK(std::count(events.begin(), events.end(), '\n') == 4);
        CHECK(events.find(R"("id":"publish:ebay:A\"1:4:2026-11-27T10:00:00.123456Z")") !=
              std::string::npos);

        live_options options;
        options.shards = 2;
        options.parser = ndjson::event_parse_stage();
        live_engine engine(options);
        std::string setup;
        int n = 0;
        for (const listing_update& u : updates) {
            if (u.expected < 0) continue;
            const std::string sku = "{\"id\":\"s" + std::to_string(++n) +
                                    "\",\"ts\":\"2026-11-27T09:00:00Z\",\"type\":\"sku\",\"sku\":";
            setup += sku + channels::json_quote(u.sku) + "}\n";
            setup += "{\"id\":\"l" + std::to_string(n) +
                     "\",\"ts\":\"2026-11-27T09:00:00Z\",\"type\":\"listing\",\"channel\":" +
                     channels::json_quote(u.channel) +
                     ",\"listing\":" + channels::json_quote(u.listing) +
                     ",\"sku\":" + channels::json_quote(u.sku) + "}\n";
        }
        REQUIRE(engine.apply(setup).accepted == 8);
        const batch_result applied = engine.apply(events);
        CHECK(applied.rejected == 0);
        CHECK(applied.accepted == 4);
        // The same attempt recorded twice is one attempt; a later one is another.
        CHECK(engine.apply(events).duplicates == 4);
        CHECK(engine.apply(publish_events(updates, ts + 1)).accepted == 4);
        CHECK(publish_events({}, ts).empty());
    }

} // TEST_SUITE
