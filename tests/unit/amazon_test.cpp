// Amazon SP-API adapter (docs/adapters.md, "Amazon"): Amazon's own example payloads
// (data/channels/amazon, Apache-2.0) and the quirks around them, each fed on to the real engine.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "amazon/amazon_adapter.h"
#include "channel_test_support.h"
#include "ndjson/event_parser.h"
#include "weave/live.h"

using namespace weave;
using namespace weave::channels;

namespace {

constexpr int64_t received_us = 1'795'773'600'000'000; // 2026-11-27T10:00:00Z
constexpr std::string_view received_text = "2026-11-27T10:00:00.000000Z";

std::string fixture(std::string_view name) {
    std::string path(WEAVE_SOURCE_DIR "/data/channels/amazon/");
    path += name;
    std::ifstream file(path, std::ios::binary);
    REQUIRE_MESSAGE(file.good(), path);
    std::ostringstream bytes;
    bytes << file.rdbuf();
    return bytes.str();
}

payload_context context_of(std::string_view kind = "", std::string_view delivery_id = "") {
    payload_context context;
    context.kind = kind;
    context.delivery_id = delivery_id;
    context.received_us = received_us;
    return context;
}

std::vector<std::string> lines_of(const conversion& out) {
    std::vector<std::string> lines;
    std::istringstream stream(out.events);
    for (std::string line; std::getline(stream, line);) {
        lines.push_back(line);
    }
    CHECK(lines.size() == out.event_count);
    return lines;
}

bool has_reject(const conversion& out, std::string_view where, std::string_view reason) {
    for (const payload_reject& reject : out.rejects) {
        if (reject.where == where && reject.reason == reason) return true;
    }
    return false;
}

int64_t extra(const conversion& out, const std::string& name) {
    const auto found = out.extras.find(name);
    return found == out.extras.end() ? -1 : found->second;
}

// The engine the events go to, with the SKUs (and stock at `loc`) they need defined first.
struct engine {
    live_engine live;

    explicit engine(const std::vector<std::string>& skus, std::string_view loc = "",
                    int64_t on_hand = 0)
        : live(channel_test::engine_options(1)) {
        conversion setup;
        int64_t ts = received_us - 3'600'000'000;
        for (const std::string& sku : skus) {
            event_line("test:sku:" + sku, ts, "sku").text("sku", sku).append_to(setup);
            if (!loc.empty()) {
                event_line("test:receipt:" + sku, ts, "receipt")
                    .text("sku", sku)
                    .text("loc", loc)
                    .integer("qty", on_hand)
                    .append_to(setup);
            }
        }
        const batch_result result = live.apply(setup.events);
        REQUIRE(result.rejected == 0);
    }
    batch_result apply(const conversion& out) { return live.apply(out.events); }
    bool state_has(std::string_view text) const {
        return live.state().find(text) != std::string::npos;
    }
};

std::string fba_notification(std::string_view payload, std::string_view metadata = "") {
    std::string text(
        R"({"NotificationVersion":"1.0","NotificationType":"FBA_INVENTORY_AVAILABILITY_CHANGES",)"
        R"("PayloadVersion":"1.0","EventTime":"2020-07-13T19:42:04.284Z","Payload":)");
    text += payload;
    if (!metadata.empty()) {
        text += R"(,"NotificationMetadata":)";
        text += metadata;
    }
    text += '}';
    return text;
}

// An ORDER_CHANGE notification after the schema's example, with the summary's status, type and
// items given.
std::string order_change(std::string_view status, std::string_view fulfillment_type,
                         std::string_view items, std::string_view notification_id = "n-1") {
    std::string text(
        R"({"NotificationVersion":"1.0","NotificationType":"ORDER_CHANGE","PayloadVersion":"1.0",)"
        R"("EventTime":"2026-11-27T09:00:00.000Z","Payload":{"OrderChangeNotification":{)"
        R"("NotificationLevel":"OrderLevel","SellerId":"A3TH9S8BH6GOGM",)"
        R"("AmazonOrderId":"111-2222222-3333333","OrderChangeType":"OrderStatusChange",)"
        R"("OrderChangeTrigger":{"TimeOfOrderChange":"2026-11-27T08:30:00Z",)"
        R"("ChangeReason":"Order status changed"},"Summary":{"MarketplaceId":"ATVPDKIKX0DER",)"
        R"("OrderStatus":")");
    text += status;
    text += R"(","FulfillmentType":")";
    text += fulfillment_type;
    text += R"(","OrderType":"StandardOrder","OrderItems":)";
    text += items;
    text += R"(}}},"NotificationMetadata":{"ApplicationId":"app","SubscriptionId":"sub",)"
            R"("PublishTime":"2026-11-27T09:00:01Z","NotificationId":")";
    text += notification_id;
    text += R"("}})";
    return text;
}

std::string order_item(int64_t quantity, int64_t shipped, bool cancel_requested = false) {
    std::string text(R"([{"OrderItemId":"OI-1","SellerSKU":"MUG 12oz",)"
                     R"("SupplySourceId":"d7679e14-031b-4ab3-a81b-ec4fc7a460b3","Quantity":)");
    text += std::to_string(quantity);
    text += R"(,"QuantityShipped":)";
    text += std::to_string(shipped);
    text += cancel_requested ? R"(,"IsBuyerRequestedCancel":true}])" : "}]";
    return text;
}

} // namespace

TEST_SUITE("amazon") {
    TEST_CASE("getInventorySummaries: fulfillable units level each seller SKU, spaces included") {
        auto adapter = make_amazon_adapter({});
        CHECK(adapter->channel() == "amazon");
        const conversion out =
            adapter->convert(fixture("getInventorySummaries_200.json"), context_of());
        CHECK(out.rejects.empty());
        CHECK_FALSE(out.ignored);
        const std::vector<std::string> lines = lines_of(out);
        REQUIRE(lines.size() == 6);
        CHECK(lines[0] == R"({"id":"amazon:listing:EMTEC 1 GB","ts":"2026-11-27T10:00:00.000000Z",)"
                          R"("type":"listing","channel":"amazon","listing":"EMTEC 1 GB",)"
                          R"("sku":"EMTEC 1 GB"})");
        CHECK(lines[5] ==
              R"({"id":"amazon:level:Silicon Power 32GB:2018-03-31T23:40:39.000000Z",)"
              R"("ts":"2018-03-31T23:40:39.000000Z","type":"channel.level","channel":"amazon",)"
              R"("listing":"Silicon Power 32GB","qty":66})");
        // totalQuantity 87 = fulfillable 66 + inbound working 21: the buckets are extras only.
        CHECK(extra(out, "inbound_working") == 21);
        CHECK(extra(out, "total_quantity") == 87);
        CHECK(extra(out, "reserved_total") == 0);
        CHECK(extra(out, "unfulfillable_total") == 0);
        CHECK(extra(out, "researching_short_term") == 0);

        engine weave({"EMTEC 1 GB", "EMTEC-SdCard-reader", "Silicon Power 32GB"});
        const batch_result result = weave.apply(out);
        CHECK(result.accepted == 6);
        CHECK(result.rejected == 0);
        CHECK(weave.state_has(R"("listing":"Silicon Power 32GB","sku":"Silicon Power 32GB",)"
                              R"("expected":0,"observed":66,"mismatched":true)"));
    }

    TEST_CASE("an empty lastUpdatedTime falls back to the received time and the delivery id") {
        auto adapter = make_amazon_adapter({});
        const std::string payload = fixture("getInventorySummaries_200.json");
        std::vector<std::string> lines = lines_of(adapter->convert(payload, context_of()));
        REQUIRE(lines.size() == 6);
        std::string level = R"({"id":"amazon:level:EMTEC 1 GB:)";
        level += received_text;
        level += R"(","ts":")";
        level += received_text;
        level += R"(","type":"channel.level","channel":"amazon","listing":"EMTEC 1 GB","qty":0})";
        CHECK(lines[1] == level);
        // With a delivery id, the id quotes it (the same delivery twice: the same ids).
        lines = lines_of(adapter->convert(payload, context_of("getInventorySummaries", "req-77")));
        REQUIRE(lines.size() == 6);
        CHECK(lines[1].find(
                  R"({"id":"amazon:level:EMTEC 1 GB:req-77","ts":"2026-11-27T10:00:00.)") == 0);
        CHECK(lines[5].find("amazon:level:Silicon Power 32GB:2018-03-31T23:40:39.000000Z") !=
              std::string::npos);
    }

    TEST_CASE("a summary without inventoryDetails is rejected, never levelled from totalQuantity") {
        auto adapter = make_amazon_adapter({});
        const conversion out = adapter->convert(
            R"({"pagination":{"nextToken":"seed"},"payload":{"granularity":{"granularityType":)"
            R"("Marketplace","granularityId":"ATVPDKIKX0DER"},"inventorySummaries":[{"asin":)"
            R"("B00T9QONN6","fnSku":"B00T9QONN6","sellerSku":"Silicon Power 32GB","condition":)"
            R"("NewItem","lastUpdatedTime":"2018-03-31T23:40:39Z","productName":"SP",)"
            R"("totalQuantity":87}]}})",
            context_of());
        const std::vector<std::string> lines = lines_of(out);
        REQUIRE(lines.size() == 1); // the identity still holds
        CHECK(lines[0].find(R"("type":"listing")") != std::string::npos);
        REQUIRE(out.rejects.size() == 1);
        CHECK(has_reject(out, "inventorySummaries[0]", "missing_details"));
        CHECK(out.extras.empty());
    }

    TEST_CASE("quantities out of SPEC's range, negative or not integers are bad_quantity") {
        auto adapter = make_amazon_adapter({});
        std::string payload(R"({"payload":{"inventorySummaries":[)");
        const char* quantities[] = {
            "-1",         "1000000001",           "12.5",   "\"12\"", "12.0", "true", "null",
            "1000000000", "18446744073709551615", "\"1e3\""};
        for (size_t i = 0; i < std::size(quantities); i++) {
            if (i > 0) payload += ',';
            payload += R"({"sellerSku":"S)" + std::to_string(i) +
                       R"(","lastUpdatedTime":"2026-01-01T00:00:00Z","inventoryDetails":{)"
                       R"("fulfillableQuantity":)" +
                       quantities[i] + R"(,"inboundWorkingQuantity":-4}})";
        }
        payload += "]}}";
        const conversion out = adapter->convert(payload, context_of());
        const std::string field = ".inventoryDetails.fulfillableQuantity";
        CHECK(has_reject(out, "inventorySummaries[0]" + field, "bad_quantity"));
        CHECK(has_reject(out, "inventorySummaries[1]" + field, "bad_quantity"));
        CHECK(has_reject(out, "inventorySummaries[2]" + field, "bad_quantity"));
        CHECK(has_reject(out, "inventorySummaries[5]" + field, "bad_quantity"));
        CHECK(has_reject(out, "inventorySummaries[6]" + field, "null_quantity"));
        CHECK(has_reject(out, "inventorySummaries[8]" + field, "bad_quantity"));
        CHECK(has_reject(out, "inventorySummaries[9]" + field, "bad_quantity"));
        // A bad bucket is its own reject; the level it sits beside stands.
        CHECK(has_reject(out, "inventorySummaries[3].inventoryDetails.inboundWorkingQuantity",
                         "bad_quantity"));
        CHECK(out.rejects.size() == 7 + 3);
        CHECK(out.extras.count("inbound_working") == 0);
        CHECK(out.events.find(R"("listing":"S3","qty":12})") != std::string::npos);
        CHECK(out.events.find(R"("listing":"S4","qty":12})") != std::string::npos);
        CHECK(out.events.find(R"("listing":"S7","qty":1000000000})") != std::string::npos);
        CHECK(out.event_count == 10 + 3); // a listing per summary, 3 levels
    }

    TEST_CASE("an SP-API error response is one api_error; garbage is not_json or unknown_payload") {
        auto adapter = make_amazon_adapter({});
        conversion out = adapter->convert(fixture("getInventorySummaries_500.json"),
                                          context_of("getInventorySummaries"));
        CHECK(out.event_count == 0);
        REQUIRE(out.rejects.size() == 1);
        CHECK(has_reject(out, "errors", "api_error"));
        out = adapter->convert(R"({"payload":{"inventorySummaries":[)", context_of());
        REQUIRE(out.rejects.size() == 1);
        CHECK(has_reject(out, "", "not_json"));
        for (const char* payload :
             {"[1,2]", "{}", "\"x\"", R"({"NotificationType":"ANY_OFFER_CHANGED","Payload":{}})"}) {
            out = adapter->convert(payload, context_of());
            REQUIRE(out.rejects.size() == 1);
            CHECK(has_reject(out, "", "unknown_payload"));
            CHECK(out.event_count == 0);
        }
        // The transport's kind and the payload's shape disagree: not guessed either way.
        out = adapter->convert(fixture("OrderChange.json"), context_of("getInventorySummaries"));
        CHECK(has_reject(out, "", "unknown_payload"));
        CHECK(out.event_count == 0);
        // A page with no summaries says nothing: ignored, not an error.
        out = adapter->convert(R"({"payload":{"inventorySummaries":[]},"pagination":{}})",
                               context_of());
        CHECK(out.ignored);
        CHECK(out.rejects.empty());
    }

    TEST_CASE("FBA availability change: the first marketplace is the level, not the sum") {
        auto adapter = make_amazon_adapter({});
        const std::string payload = fixture("FBAInventoryAvailabilityChange_Payload.json");
        const conversion out = adapter->convert(fba_notification(payload), context_of());
        CHECK(out.rejects.empty());
        const std::vector<std::string> lines = lines_of(out);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0] == R"({"id":"amazon:level:SELLERSKU-1:2020-07-13T19:42:04.284000Z",)"
                          R"("ts":"2020-07-13T19:42:04.284000Z","type":"channel.level",)"
                          R"("channel":"amazon","listing":"SELLERSKU-1","qty":50})");
        // ATVPDKIKX0DER's buckets only (the same units are offered in A2EUQ1WTGCTBG2 too).
        CHECK(extra(out, "fulfillable_other_marketplaces") == 40);
        CHECK(extra(out, "inbound_working") == 0);
        CHECK(extra(out, "inbound_shipped") == 5);
        CHECK(extra(out, "inbound_receiving") == 10);
        CHECK(extra(out, "reserved_warehouse_transfer") == 15);
        CHECK(extra(out, "future_supply_buyable") == 10);
        engine weave({"SELLERSKU-1"});
        conversion mapping;
        event_line("test:listing", received_us, "listing")
            .text("channel", "amazon")
            .text("listing", "SELLERSKU-1")
            .text("sku", "SELLERSKU-1")
            .append_to(mapping);
        CHECK(weave.apply(mapping).accepted == 1);
        CHECK(weave.apply(out).accepted == 1);
        CHECK(weave.state_has(R"("observed":50)"));

        // The first marketplace in the order Amazon gives is the level; a bad other one is
        // rejected.
        const conversion one = adapter->convert(
            fba_notification(R"({"SellerId":"A","FNSKU":"X","ASIN":"B","SKU":"S-2",)"
                             R"("FulfillmentInventoryByMarketplace":[{"MarketplaceId":"M1",)"
                             R"("FulfillmentInventory":{"Fulfillable":"7"}},{"MarketplaceId":"M2",)"
                             R"("FulfillmentInventory":{"Fulfillable":-3}}]})"),
            context_of());
        CHECK(one.events.find(R"("listing":"S-2","qty":7})") != std::string::npos);
        CHECK(has_reject(
            one, "Payload.FulfillmentInventoryByMarketplace[1].FulfillmentInventory.Fulfillable",
            "bad_quantity"));
    }

    TEST_CASE("FBA availability change with a bad first marketplace gives no level") {
        auto adapter = make_amazon_adapter({});
        const conversion out = adapter->convert(
            fba_notification(
                R"({"SKU":"S-3","FulfillmentInventoryByMarketplace":[{"MarketplaceId":)"
                R"("M1","FulfillmentInventory":{"Fulfillable":1e12}},{"MarketplaceId":)"
                R"("M2","FulfillmentInventory":{"Fulfillable":4}}]})"),
            context_of());
        CHECK(out.event_count == 0);
        CHECK(has_reject(
            out, "Payload.FulfillmentInventoryByMarketplace[0].FulfillmentInventory.Fulfillable",
            "bad_quantity"));
        CHECK(extra(out, "fulfillable_other_marketplaces") == 4);
        const conversion empty = adapter->convert(
            fba_notification(R"({"SKU":"S-3","FulfillmentInventoryByMarketplace":[]})"),
            context_of());
        CHECK(has_reject(empty, "Payload.FulfillmentInventoryByMarketplace", "missing_quantity"));
        const conversion no_sku = adapter->convert(
            fba_notification(R"({"FulfillmentInventoryByMarketplace":[]})"), context_of());
        CHECK(has_reject(no_sku, "Payload.SKU", "missing_sku"));
    }

    TEST_CASE("a redelivered notification gives the same ids, from its NotificationId") {
        auto adapter = make_amazon_adapter({});
        const std::string notification =
            fba_notification(fixture("FBAInventoryAvailabilityChange_Payload.json"),
                             R"({"ApplicationId":"app","SubscriptionId":"sub",)"
                             R"("PublishTime":"2020-07-13T19:42:05Z","NotificationId":"nid-1"})");
        const conversion first = adapter->convert(notification, context_of("", "sqs-1"));
        const conversion again = adapter->convert(notification, context_of("", "sqs-2"));
        CHECK(first.events == again.events);
        CHECK(first.events.find(R"({"id":"amazon:level:SELLERSKU-1:nid-1",)") == 0);
        const conversion mfn = adapter->convert(fixture("ListingsItemMfnQuantityChange.json"),
                                                context_of("LISTINGS_ITEM_MFN_QUANTITY_CHANGE"));
        CHECK(mfn.events ==
              adapter->convert(fixture("ListingsItemMfnQuantityChange.json"), context_of()).events);

        engine weave({"SELLERSKU-1", "NLS-SHOES-03"});
        CHECK(weave.apply(first).accepted == 1);
        const batch_result repeated = weave.apply(again);
        CHECK(repeated.duplicates == 1);
        CHECK(repeated.accepted == 0);
        CHECK(weave.apply(mfn).accepted == 1);
        CHECK(weave.apply(mfn).duplicates == 1);
    }

    TEST_CASE("MFN quantity change: the DEFAULT channel's quantity levels the SKU") {
        auto adapter = make_amazon_adapter({});
        const conversion out =
            adapter->convert(fixture("ListingsItemMfnQuantityChange.json"), context_of());
        CHECK(out.rejects.empty());
        const std::vector<std::string> lines = lines_of(out);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0] ==
              R"({"id":"amazon:level:NLS-SHOES-03:8e009934-da2c-4f9c-9bc7-93f23b7e1f60",)"
              R"("ts":"2021-02-03T18:59:30.194000Z","type":"channel.level",)"
              R"("channel":"amazon","listing":"NLS-SHOES-03","qty":99})");
        const std::string base(R"({"NotificationType":"LISTINGS_ITEM_MFN_QUANTITY_CHANGE",)"
                               R"("EventTime":"2021-02-03T18:59:30Z",)"
                               R"("Payload":{"SellerId":"A","Sku":"NLS-SHOES-03",)");
        conversion other = adapter->convert(
            base + R"("FulfillmentChannelCode":"AMAZON_NA","Quantity":5}})", context_of());
        CHECK(other.event_count == 0);
        CHECK(other.ignored);
        CHECK(extra(other, "fulfillment_quantity:AMAZON_NA") == 5);
        other = adapter->convert(base + R"("FulfillmentChannelCode":"DEFAULT","Quantity":-2}})",
                                 context_of());
        CHECK(has_reject(other, "Payload.Quantity", "bad_quantity"));
        CHECK(other.event_count == 0);
        // No NotificationId: the id quotes the EventTime.
        other = adapter->convert(base + R"("FulfillmentChannelCode":"DEFAULT","Quantity":"3"}})",
                                 context_of());
        CHECK(other.events.find(
                  R"({"id":"amazon:level:NLS-SHOES-03:2021-02-03T18:59:30.000000Z",)") == 0);
    }

    TEST_CASE("ORDER_CHANGE: Amazon's buyer-requested cancel of 10 unshipped units") {
        adapter_settings settings;
        settings.locations["MFN"] = "W1";
        auto adapter = make_amazon_adapter(settings);
        const conversion out = adapter->convert(fixture("OrderChange.json"), context_of());
        CHECK(out.rejects.empty());
        const std::vector<std::string> lines = lines_of(out);
        REQUIRE(lines.size() == 2);
        CHECK(lines[0] ==
              R"({"id":"amazon:order:903-8868176-2219830:OIID34853450",)"
              R"("ts":"2022-11-29T19:42:04.284000Z","type":"order",)"
              R"("order":"amazon:903-8868176-2219830:OIID34853450","sku":"SellerSKUID1",)"
              R"("channel":"amazon","qty":10,"loc":"W1"})");
        CHECK(lines[1] ==
              R"({"id":"amazon:cancel:903-8868176-2219830:OIID34853450",)"
              R"("ts":"2022-11-29T19:42:04.284000Z","type":"cancel",)"
              R"("order":"amazon:903-8868176-2219830:OIID34853450","sku":"SellerSKUID1",)"
              R"("qty":10})");
        engine weave({"SellerSKUID1"}, "W1", 25);
        const batch_result result = weave.apply(out);
        CHECK(result.accepted == 2);
        CHECK(result.rejected == 0);
        CHECK(weave.state_has(R"({"kind":"stock","sku":"SellerSKUID1","loc":"W1","on_hand":25,)"
                              R"("reserved":0,"returns_pending":0})"));
    }

    TEST_CASE("ORDER_CHANGE: new order, partial and full shipment from the mapped location") {
        adapter_settings settings;
        settings.locations["AFN"] = "FBA";
        auto adapter = make_amazon_adapter(settings);
        const conversion placed = adapter->convert(
            order_change("Unshipped", "AFN", order_item(5, 0), "n-1"), context_of());
        const conversion partly = adapter->convert(
            order_change("PartiallyShipped", "AFN", order_item(5, 3), "n-2"), context_of());
        const conversion shipped =
            adapter->convert(order_change("Shipped", "AFN", order_item(5, 5), "n-3"), context_of());
        const std::string line = R"("order":"amazon:111-2222222-3333333:OI-1","sku":"MUG 12oz")";
        CHECK(lines_of(placed).size() == 1);
        CHECK(placed.events.find(line + R"(,"channel":"amazon","qty":5,"loc":"FBA"})") !=
              std::string::npos);
        REQUIRE(lines_of(partly).size() == 2); // the order again (a duplicate), then the ship
        CHECK(lines_of(partly)[1] == R"({"id":"amazon:ship:111-2222222-3333333:OI-1:3",)"
                                     R"("ts":"2026-11-27T08:30:00.000000Z","type":"ship",)" +
                                         line + R"(,"loc":"FBA","qty":3})");
        REQUIRE(lines_of(shipped).size() == 2);
        CHECK(lines_of(shipped)[1].find(R"({"id":"amazon:ship:111-2222222-3333333:OI-1:5",)") == 0);
        CHECK(lines_of(shipped)[1].find(R"("loc":"FBA","qty":2})") != std::string::npos);

        engine weave({"MUG 12oz"}, "FBA", 20);
        CHECK(weave.apply(placed).accepted == 1);
        CHECK(weave.state_has(R"("loc":"FBA","on_hand":20,"reserved":5,)"));
        const batch_result after_partly = weave.apply(partly);
        CHECK(after_partly.accepted == 1);
        CHECK(after_partly.duplicates == 1);
        CHECK(weave.apply(shipped).accepted == 1);
        CHECK(weave.state_has(R"("loc":"FBA","on_hand":15,"reserved":0,)"));
        CHECK(weave.live.counters().rejected == 0);
        // The same Shipped notification again: nothing new for the engine.
        const conversion redelivered =
            adapter->convert(order_change("Shipped", "AFN", order_item(5, 5), "n-3"), context_of());
        const batch_result repeated = weave.apply(redelivered);
        CHECK(repeated.accepted == 0);
        CHECK(repeated.rejected == 0);
    }

    TEST_CASE("ORDER_CHANGE: a ship with no mapped location is rejected, the order still counts") {
        auto adapter = make_amazon_adapter({});
        const conversion out =
            adapter->convert(order_change("Shipped", "MFN", order_item(2, 2)), context_of());
        REQUIRE(out.rejects.size() == 1);
        CHECK(has_reject(out, "OrderItems[0]", "unknown_location"));
        REQUIRE(lines_of(out).size() == 1);
        CHECK(lines_of(out)[0].find(R"("type":"order")") != std::string::npos);
        CHECK(lines_of(out)[0].find(R"("loc")") == std::string::npos);
        // The supply source wins over the fulfillment type when both are mapped.
        adapter_settings settings;
        settings.locations["MFN"] = "W1";
        settings.locations["d7679e14-031b-4ab3-a81b-ec4fc7a460b3"] = "W2";
        const conversion mapped = make_amazon_adapter(settings)->convert(
            order_change("Shipped", "MFN", order_item(2, 2)), context_of());
        CHECK(mapped.rejects.empty());
        CHECK(mapped.events.find(R"("loc":"W2","qty":2})") != std::string::npos);
    }

    TEST_CASE("ORDER_CHANGE: Canceled releases the open units; bad items are rejected alone") {
        auto adapter = make_amazon_adapter({});
        conversion out = adapter->convert(
            order_change(
                "Canceled", "MFN",
                R"([{"OrderItemId":"A","SellerSKU":"K1","Quantity":0,"QuantityShipped":0},)"
                R"({"OrderItemId":"B","SellerSKU":"K2","Quantity":4,"QuantityShipped":1},)"
                R"({"OrderItemId":"C","Quantity":1},)"
                R"({"OrderItemId":"D","SellerSKU":"K4","Quantity":2,"QuantityShipped":3}])"),
            context_of());
        const std::vector<std::string> lines = lines_of(out);
        REQUIRE(lines.size() == 3);
        // Quantity 0 on a cancelled line: every unit still open.
        CHECK(lines[0] == R"({"id":"amazon:cancel:111-2222222-3333333:A",)"
                          R"("ts":"2026-11-27T08:30:00.000000Z","type":"cancel",)"
                          R"("order":"amazon:111-2222222-3333333:A","sku":"K1"})");
        CHECK(lines[1].find(R"("type":"order")") != std::string::npos);
        CHECK(lines[2].find(R"("type":"cancel")") != std::string::npos);
        CHECK(lines[2].find(R"("sku":"K2","qty":3})") != std::string::npos);
        CHECK(has_reject(out, "OrderItems[1]", "unknown_location")); // its 1 shipped unit
        CHECK(has_reject(out, "OrderItems[2].SellerSKU", "missing_sku"));
        CHECK(has_reject(out, "OrderItems[3].QuantityShipped", "bad_quantity"));
        CHECK(out.rejects.size() == 3);

        out =
            adapter->convert(order_change("Unfulfillable", "AFN", order_item(1, 0)), context_of());
        CHECK(
            has_reject(out, "OrderChangeNotification.Summary.OrderStatus", "unknown_order_status"));
        CHECK(out.event_count == 0);
        out = adapter->convert(order_change("Unshipped", "AFN", order_item(0, 0)), context_of());
        CHECK(has_reject(out, "OrderItems[0].Quantity", "bad_quantity"));
        out = adapter->convert(order_change("Unshipped", "AFN", "[]"), context_of());
        CHECK(out.ignored);
    }

    TEST_CASE("the units already shipped survive save_state / load_state") {
        adapter_settings settings;
        settings.locations["AFN"] = "FBA";
        auto adapter = make_amazon_adapter(settings);
        CHECK(adapter->save_state().empty());
        (void)adapter->convert(order_change("PartiallyShipped", "AFN", order_item(5, 3)),
                               context_of());
        const std::string saved = adapter->save_state();
        CHECK(saved == R"({"shipped":[["amazon:111-2222222-3333333:OI-1",3]]})");
        auto restored = make_amazon_adapter(settings);
        restored->load_state(saved);
        const conversion out =
            restored->convert(order_change("Shipped", "AFN", order_item(5, 5)), context_of());
        CHECK(out.events.find(R"("loc":"FBA","qty":2})") != std::string::npos);
        CHECK(restored->save_state().empty()); // fully shipped: forgotten
        restored->load_state("{not json");
        CHECK(restored->save_state().empty());
    }

    TEST_CASE("listings items: DEFAULT fulfillment availability is the level, with its listing") {
        auto adapter = make_amazon_adapter({});
        const conversion item = adapter->convert(fixture("getListingsItem_200.json"),
                                                 context_of("getListingsItem", "req-1"));
        CHECK(item.rejects.empty());
        std::vector<std::string> lines = lines_of(item);
        REQUIRE(lines.size() == 2);
        CHECK(lines[0] ==
              R"({"id":"amazon:listing:GM-ZDPI-9B4E","ts":"2026-11-27T10:00:00.000000Z",)"
              R"("type":"listing","channel":"amazon","listing":"GM-ZDPI-9B4E",)"
              R"("sku":"GM-ZDPI-9B4E"})");
        CHECK(lines[1] ==
              R"({"id":"amazon:level:GM-ZDPI-9B4E:req-1","ts":"2026-11-27T10:00:00.000000Z",)"
              R"("type":"channel.level","channel":"amazon","listing":"GM-ZDPI-9B4E",)"
              R"("qty":100})");
        const conversion search =
            adapter->convert(fixture("searchListingsItems_200.json"), context_of("", "req-2"));
        CHECK(search.rejects.empty());
        CHECK(lines_of(search).size() == 2);
        CHECK(search.events.find(R"("listing":"GM-ZDPI-9B4E","qty":100})") != std::string::npos);
        engine weave({"GM-ZDPI-9B4E"});
        CHECK(weave.apply(item).accepted == 2);
        const batch_result again = weave.apply(search);
        CHECK(again.accepted == 1);
        CHECK(again.duplicates == 1); // the listing event
    }

    TEST_CASE("listings items without a DEFAULT quantity are rejected missing_quantity") {
        auto adapter = make_amazon_adapter({});
        const conversion out = adapter->convert(
            R"({"numberOfResults":4,"items":[{"sku":"A","summaries":[]},)"
            R"({"sku":"B","fulfillmentAvailability":[{"fulfillmentChannelCode":"AMAZON_NA",)"
            R"("quantity":7}]},)"
            R"({"sku":"C","fulfillmentAvailability":[{"fulfillmentChannelCode":"DEFAULT"}]},)"
            R"({"summaries":[]},)"
            R"({"sku":"E","fulfillmentAvailability":[{"fulfillmentChannelCode":"AMAZON_EU",)"
            R"("quantity":2},{"fulfillmentChannelCode":"DEFAULT","quantity":3}]}]})",
            context_of());
        CHECK(has_reject(out, "items[0].fulfillmentAvailability", "missing_quantity"));
        CHECK(has_reject(out, "items[1].fulfillmentAvailability", "missing_quantity"));
        CHECK(has_reject(out, "items[2].fulfillmentAvailability[0].quantity", "missing_quantity"));
        CHECK(has_reject(out, "items[3].sku", "missing_sku"));
        CHECK(out.rejects.size() == 4);
        CHECK(extra(out, "fulfillment_quantity:AMAZON_NA") == 7);
        CHECK(extra(out, "fulfillment_quantity:AMAZON_EU") == 2);
        CHECK(out.event_count == 4 + 1); // a listing for A, B, C, E; a level for E
        CHECK(out.events.find(R"("listing":"E","qty":3})") != std::string::npos);
    }

} // TEST_SUITE
