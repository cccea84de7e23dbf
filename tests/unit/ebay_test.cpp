// The eBay adapter: inventory items (listing + level, string/decimal/missing quantities, missing
// SKUs, per-location figures), the smaller-of rule with offers (and its state across payloads
// and snapshots), bulkUpdatePriceQuantity acks (ok and failed), redelivery, bad input. Fixtures
// are our own (data/channels/ebay/NOTICE.md); every conversion is also fed to the engine.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "channel_test_support.h"
#include "channels/channel_adapter.h"
#include "ebay/ebay.h"
#include "ndjson/event_parser.h"
#include "test_support.h"
#include "weave/live.h"

using namespace weave;
using namespace weave::channels;

namespace {

using channel_test::engine_options;
using channel_test::lines_of;
using channel_test::rejects_of;
using channel_test::sku_lines;

const std::filesystem::path fixtures = WEAVE_SOURCE_DIR "/data/channels/ebay";

constexpr int64_t received_us = 1'795'773'600'000'000; // 2026-11-27T10:00:00Z

payload_context context(std::string delivery = "delivery-1") {
    payload_context c;
    c.delivery_id = std::move(delivery);
    c.received_us = received_us;
    return c;
}

std::string fixture(const std::string& name) {
    const std::string text = weave_test::read_file(fixtures / name);
    REQUIRE(!text.empty());
    return text;
}

// The level lines' "listing=qty", in order.
std::vector<std::string> levels_of(const conversion& out) {
    std::vector<std::string> levels;
    for (const std::string& line : lines_of(out.events)) {
        if (line.find(R"("type":"channel.level")") == std::string::npos) continue;
        const size_t listing = line.find(R"("listing":")") + 11;
        const size_t qty = line.find(R"("qty":)") + 6;
        levels.push_back(line.substr(listing, line.find('"', listing) - listing) + "=" +
                         line.substr(qty, line.find('}', qty) - qty));
    }
    return levels;
}

const std::vector<std::string> all_skus = {"KETTLE-STEEL-1L", "TEAPOT-CLAY", "CUP-SET-6",
                                           "TRIVET-CORK", "GRINDER-HAND"};

} // namespace

TEST_SUITE("ebay") {
    TEST_CASE("getInventoryItem: listing, level, and per-location figures as extras") {
        adapter_settings settings;
        settings.locations["wh-leeds"] = "LEEDS";
        const conversion out =
            make_ebay_adapter(settings)->convert(fixture("inventory-item.json"), context());
        const std::vector<std::string> expected = {
            R"({"id":"ebay:listing:KETTLE-STEEL-1L","ts":"2026-11-27T10:00:00.000000Z","type":"listing","channel":"ebay","listing":"KETTLE-STEEL-1L","sku":"KETTLE-STEEL-1L"})",
            R"({"id":"ebay:level:KETTLE-STEEL-1L:delivery-1","ts":"2026-11-27T10:00:00.000000Z","type":"channel.level","channel":"ebay","listing":"KETTLE-STEEL-1L","qty":9})",
        };
        CHECK(lines_of(out.events) == expected);
        CHECK(out.rejects.empty());
        // An unmapped merchantLocationKey is a figure under its own name, not a reject: no event
        // needs the location.
        CHECK(out.extras ==
              std::map<std::string, int64_t>{{"ship_to_location:LEEDS", 6},
                                             {"ship_to_location_unmapped:wh-bristol", 3}});
        live_engine engine(engine_options(1));
        engine.apply(sku_lines(all_skus, received_us));
        const batch_result result = engine.apply(out.events);
        CHECK(result.accepted == 2);
        CHECK(result.rejected == 0);
    }

    TEST_CASE("getInventoryItems: string, decimal and missing quantities, a missing SKU") {
        const conversion out =
            make_ebay_adapter({})->convert(fixture("inventory-items.json"), context());
        CHECK(levels_of(out) == std::vector<std::string>{"KETTLE-STEEL-1L=9", "TEAPOT-CLAY=4"});
        CHECK(out.event_count == 6); // 4 listings (CUP-SET-6 and TRIVET-CORK too), 2 levels
        CHECK(rejects_of(out) == std::vector<std::string>{"inventoryItems[2]:bad_quantity",
                                                          "inventoryItems[3]:missing_sku",
                                                          "inventoryItems[4]:null_quantity"});
        live_engine engine(engine_options(1));
        engine.apply(sku_lines(all_skus, received_us));
        const batch_result result = engine.apply(out.events);
        CHECK(result.accepted == 6);
        CHECK(result.rejected == 0);

        const conversion negative = make_ebay_adapter({})->convert(
            R"({"sku":"A","availability":{"shipToLocationAvailability":{"quantity":-1}}})",
            context());
        CHECK(rejects_of(negative) == std::vector<std::string>{":bad_quantity"});
        const conversion null_qty = make_ebay_adapter({})->convert(
            R"({"sku":"A","availability":{"shipToLocationAvailability":{"quantity":null}}})",
            context());
        CHECK(rejects_of(null_qty) == std::vector<std::string>{":null_quantity"});
        const conversion whole = make_ebay_adapter({})->convert(
            R"({"sku":"A","availability":{"shipToLocationAvailability":{"quantity":"7.0"}}})",
            context());
        CHECK(levels_of(whole) == std::vector<std::string>{"A=7"});
    }

    TEST_CASE("the level is the smaller of the item's and the offer's quantity, across payloads") {
        SUBCASE("offers first: kept until the item's quantity arrives") {
            auto adapter = make_ebay_adapter({});
            const conversion offers = adapter->convert(fixture("offers.json"), context("d1"));
            CHECK(offers.event_count == 0);
            CHECK(offers.extras.at("offers_awaiting_item_quantity") == 1);
            const conversion item = adapter->convert(fixture("inventory-item.json"), context("d2"));
            CHECK(levels_of(item) == std::vector<std::string>{"KETTLE-STEEL-1L=5"}); // min(9, 5)
        }
        SUBCASE("item first: the offer lowers it") {
            auto adapter = make_ebay_adapter({});
            CHECK(levels_of(adapter->convert(fixture("inventory-item.json"), context("d1"))) ==
                  std::vector<std::string>{"KETTLE-STEEL-1L=9"});
            const conversion offers = adapter->convert(fixture("offers.json"), context("d2"));
            CHECK(
                offers.events ==
                R"({"id":"ebay:level:KETTLE-STEEL-1L:d2","ts":"2026-11-27T10:00:00.000000Z","type":"channel.level","channel":"ebay","listing":"KETTLE-STEEL-1L","qty":5})"
                "\n");
            // An offer above the item's quantity does not raise the level.
            const conversion higher = adapter->convert(
                R"({"offers":[{"offerId":"1","sku":"KETTLE-STEEL-1L","availableQuantity":50}]})",
                context("d3"));
            CHECK(levels_of(higher) == std::vector<std::string>{"KETTLE-STEEL-1L=9"});
        }
        SUBCASE("one document holding the item and its offers") {
            const conversion out =
                make_ebay_adapter({})->convert(fixture("item-with-offers.json"), context());
            CHECK(levels_of(out) == std::vector<std::string>{"GRINDER-HAND=7"}); // min(12, 7)
            CHECK(out.rejects.empty());
        }
        SUBCASE("a single getOffer response") {
            auto adapter = make_ebay_adapter({});
            adapter->convert(fixture("inventory-item.json"), context("d1"));
            const conversion out = adapter->convert(
                R"({"offerId":"7","sku":"KETTLE-STEEL-1L","availableQuantity":"3","status":"PUBLISHED"})",
                context("d2"));
            CHECK(levels_of(out) == std::vector<std::string>{"KETTLE-STEEL-1L=3"});
        }
        SUBCASE("the offer quantities survive save_state / load_state") {
            auto adapter = make_ebay_adapter({});
            adapter->convert(fixture("offers.json"), context("d1"));
            const std::string state = adapter->save_state();
            CHECK(state == R"({"item":{},"offer":{"KETTLE-STEEL-1L":5}})");
            auto restored = make_ebay_adapter({});
            restored->load_state(state);
            CHECK(restored->save_state() == state);
            const conversion item =
                restored->convert(fixture("inventory-item.json"), context("d2"));
            CHECK(levels_of(item) == std::vector<std::string>{"KETTLE-STEEL-1L=5"});
            // A fresh adapter without the state knows no offer.
            CHECK(levels_of(make_ebay_adapter({})->convert(fixture("inventory-item.json"),
                                                           context("d2"))) ==
                  std::vector<std::string>{"KETTLE-STEEL-1L=9"});
            // Bad state is ignored, never trusted.
            for (const char* bad :
                 {"{", "[]", R"({"item":{"A":1.5},"offer":{}})", R"({"item":{}})"}) {
                auto other = make_ebay_adapter({});
                other->load_state(bad);
                CHECK(other->save_state().empty());
            }
        }
    }

    TEST_CASE("bulkUpdatePriceQuantity: publish.ack with the requested quantity; a failed update") {
        auto adapter = make_ebay_adapter({});
        adapter->convert(fixture("item-with-offers.json"), context("d0")); // GRINDER-HAND: 12 / 7
        const conversion ok = adapter->convert(fixture("bulk-update-ok.json"), context("d1"));
        CHECK(
            ok.events ==
            R"({"id":"ebay:ack:KETTLE-STEEL-1L:d1","ts":"2026-11-27T10:00:00.000000Z","type":"publish.ack","channel":"ebay","listing":"KETTLE-STEEL-1L","qty":6,"ok":true})"
            "\n"); // min(8 pushed to the item, 6 pushed to the offer)
        CHECK(ok.rejects.empty());

        const conversion failed =
            adapter->convert(fixture("bulk-update-failed.json"), context("d2"));
        const std::vector<std::string> lines = lines_of(failed.events);
        REQUIRE(lines.size() == 2);
        // TEAPOT-CLAY: only the item's quantity was pushed, and no offer is known.
        CHECK(
            lines[0] ==
            R"({"id":"ebay:ack:TEAPOT-CLAY:d2","ts":"2026-11-27T10:00:00.000000Z","type":"publish.ack","channel":"ebay","listing":"TEAPOT-CLAY","qty":3,"ok":true})");
        // GRINDER-HAND: the offer's 2 was refused; the item's 12 from the earlier payload applies.
        CHECK(
            lines[1] ==
            R"({"id":"ebay:ack:GRINDER-HAND:d2","ts":"2026-11-27T10:00:00.000000Z","type":"publish.ack","channel":"ebay","listing":"GRINDER-HAND","qty":2,"ok":false,"error":"Our own example text: the offer could not be revised."})");
        CHECK(failed.rejects.empty());

        // What took is kept, what failed is not: KETTLE's 8/6, TEAPOT's 3, GRINDER's 12/7.
        CHECK(
            adapter->save_state() ==
            R"({"item":{"GRINDER-HAND":12,"KETTLE-STEEL-1L":8,"TEAPOT-CLAY":3},"offer":{"GRINDER-HAND":7,"KETTLE-STEEL-1L":6}})");
        CHECK(levels_of(adapter->convert(fixture("inventory-item.json"), context("d3"))) ==
              std::vector<std::string>{"KETTLE-STEEL-1L=6"}); // min(9, 6)

        live_engine engine(engine_options(1));
        engine.apply(sku_lines(all_skus, received_us));
        engine.apply(
            make_ebay_adapter({})->convert(fixture("inventory-items.json"), context()).events);
        engine.apply(
            make_ebay_adapter({})->convert(fixture("item-with-offers.json"), context()).events);
        const batch_result result = engine.apply(ok.events + failed.events);
        CHECK(result.accepted == 3);
        CHECK(result.rejected == 0);
    }

    TEST_CASE("bulkUpdatePriceQuantity: a response without its request has no quantity") {
        auto adapter = make_ebay_adapter({});
        const conversion bare_response = adapter->convert(
            R"({"responses":[{"sku":"A","offerId":"1","statusCode":200}]})", context());
        CHECK(rejects_of(bare_response) == std::vector<std::string>{":missing_request"});
        const conversion bare_request = adapter->convert(
            R"({"requests":[{"sku":"A","shipToLocationAvailability":{"quantity":1}}]})", context());
        CHECK(rejects_of(bare_request) == std::vector<std::string>{":missing_response"});
        const conversion unasked = adapter->convert(
            R"({"request":{"requests":[{"sku":"A","offers":[{"offerId":"1","price":{"value":"2.00","currency":"GBP"}}]}]},
            "response":{"responses":[{"sku":"A","offerId":"1","statusCode":200},{"offerId":"9","statusCode":200},{"sku":"B","statusCode":"200"}]}})",
            context());
        CHECK(unasked.event_count == 0);
        CHECK(rejects_of(unasked) ==
              std::vector<std::string>{"response.responses[1]:missing_sku",
                                       "response.responses[2]:bad_status_code",
                                       "response.responses[0]:missing_request_quantity"});
        const conversion bad_qty = adapter->convert(
            R"({"request":{"requests":[{"sku":"A","shipToLocationAvailability":{"quantity":"1.5"}}]},
            "response":{"responses":[{"sku":"A","statusCode":500}]}})",
            context());
        CHECK(
            rejects_of(bad_qty) ==
            std::vector<std::string>{"request.requests[0].shipToLocationAvailability:bad_quantity",
                                     "response.responses[0]:missing_request_quantity"});
        // A failure without error details still says why.
        const conversion no_details = adapter->convert(
            R"({"request":{"requests":[{"sku":"A","shipToLocationAvailability":{"quantity":4}}]},
            "response":{"responses":[{"sku":"A","statusCode":500}]}})",
            context());
        CHECK(no_details.events.find(R"("qty":4,"ok":false,"error":"statusCode 500")") !=
              std::string::npos);
    }

    TEST_CASE("redelivery gives identical ids, and the engine counts duplicates") {
        const std::string text = fixture("inventory-items.json");
        auto adapter = make_ebay_adapter({});
        const conversion first = adapter->convert(text, context("same"));
        const conversion second = adapter->convert(text, context("same"));
        CHECK(first.events == second.events);
        const std::string bulk = fixture("bulk-update-ok.json");
        const conversion ack = make_ebay_adapter({})->convert(bulk, context("same"));
        CHECK(ack.events == make_ebay_adapter({})->convert(bulk, context("same")).events);
        live_engine engine(engine_options(1));
        engine.apply(sku_lines(all_skus, received_us));
        CHECK(engine.apply(first.events + ack.events).accepted == 7);
        const batch_result again = engine.apply(second.events + ack.events);
        CHECK(again.duplicates == 7);
        CHECK(again.accepted == 0);
        // Another delivery is another observation of the level (the listing stays the same).
        const conversion other = adapter->convert(text, context("other"));
        const batch_result third = engine.apply(other.events);
        CHECK(third.duplicates == 4);
        CHECK(third.accepted == 2);
        // Without a delivery id the receive time tells observations apart.
        CHECK(adapter->convert(text, context(""))
                  .events.find("ebay:level:TEAPOT-CLAY:r1795773600000000") != std::string::npos);
    }

    TEST_CASE("bad input: not JSON, unknown shapes, bad parts of a page") {
        auto adapter = make_ebay_adapter({});
        CHECK(rejects_of(adapter->convert("{\"sku\":", context())) ==
              std::vector<std::string>{":not_json"});
        CHECK(rejects_of(adapter->convert("[1,2]", context())) ==
              std::vector<std::string>{":unknown_payload"});
        CHECK(rejects_of(adapter->convert(R"({"errors":[{"errorId":25001}]})", context())) ==
              std::vector<std::string>{":unknown_payload"});
        const conversion page = adapter->convert(
            R"({"inventoryItems":[3,{"sku":""}],"offers":[{"sku":"A","availableQuantity":-1},{"availableQuantity":1},"x"]})",
            context());
        CHECK(rejects_of(page) ==
              std::vector<std::string>{
                  "offers[0]:bad_quantity", "offers[1]:missing_sku", "offers[2]:unknown_payload",
                  "inventoryItems[0]:unknown_payload", "inventoryItems[1]:missing_sku"});
        const conversion distributions = adapter->convert(
            R"({"sku":"A","availability":{"shipToLocationAvailability":{"quantity":2,"availabilityDistributions":[{"merchantLocationKey":"x","quantity":"many"},5]}}})",
            context());
        CHECK(levels_of(distributions) == std::vector<std::string>{"A=2"});
        CHECK(
            rejects_of(distributions) ==
            std::vector<std::string>{
                "availability.shipToLocationAvailability.availabilityDistributions[0]:bad_quantity",
                "availability.shipToLocationAvailability.availabilityDistributions[1]:unknown_"
                "payload"});
        CHECK(adapter->convert(R"({"offers":[]})", context()).ignored);
    }

} // TEST_SUITE
