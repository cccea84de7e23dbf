// The WooCommerce adapter: products and variations (stock_quantity as int, string, decimal or
// null; manage_stock true/false/"parent"; missing SKUs), orders by status, refunds, redelivery,
// bad input; our own fixtures (data/channels/woocommerce/) always, the real GPL-2.0 files from
// ../shared when they are there. Every conversion is also fed to the engine.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "channel_test_support.h"
#include "channels/channel_adapter.h"
#include "ndjson/event_parser.h"
#include "test_support.h"
#include "weave/live.h"
#include "channels/json_values.h"
#include "woocommerce/woocommerce.h"

using namespace weave;
using namespace weave::channels;

namespace {

using channel_test::engine_options;
using channel_test::lines_of;
using channel_test::rejects_of;
using channel_test::sku_lines;

const std::filesystem::path fixtures = WEAVE_SOURCE_DIR "/data/channels/woocommerce";
const std::filesystem::path real = WEAVE_SHARED_DIR "/data/real/woocommerce";

constexpr int64_t received_us = 1'795'773'600'000'000; // 2026-11-27T10:00:00Z

payload_context context(std::string delivery = "delivery-1", std::string kind = "") {
    payload_context c;
    c.kind = std::move(kind);
    c.delivery_id = std::move(delivery);
    c.received_us = received_us;
    return c;
}

adapter_settings with_default_location() {
    adapter_settings settings;
    settings.locations["default"] = "W1";
    return settings;
}

conversion convert_text(std::string_view payload, const adapter_settings& settings = {},
                        const payload_context& c = context()) {
    return make_woocommerce_adapter(settings)->convert(payload, c);
}

conversion convert_fixture(const std::string& name, const adapter_settings& settings = {}) {
    const std::string text = weave_test::read_file(fixtures / name);
    REQUIRE(!text.empty());
    return convert_text(text, settings);
}

// A real (GPL-2.0) file from ../shared, or "" when ../shared is not there.
std::string real_file(const std::string& name) {
    if (!std::filesystem::exists(real / name)) return {};
    return weave_test::read_file(real / name);
}

// A test case over the real files stops here, once, when ../shared is not there (a SUBCASE
// that returns early hides the ones after it from doctest).
#define SKIP_WITHOUT_SHARED()                                                           \
    if (!std::filesystem::exists(real)) {                                               \
        MESSAGE("skipped: " << real.string() << " is absent (the GPL-2.0 real files)"); \
        return;                                                                         \
    }

#define SKIP_WITHOUT(text)                                                              \
    if ((text).empty()) {                                                               \
        MESSAGE("skipped: " << real.string() << " is absent (the GPL-2.0 real files)"); \
        return;                                                                         \
    }

std::string receipt_line(const std::string& sku, const std::string& loc, int64_t qty) {
    conversion out;
    event_line("test:receipt:" + sku, received_us, "receipt")
        .text("sku", sku)
        .text("loc", loc)
        .integer("qty", qty)
        .append_to(out);
    return out.events;
}

std::string listing_line(const std::string& listing, const std::string& sku) {
    conversion out;
    event_line("test:listing:" + listing, received_us, "listing")
        .text("channel", "woo")
        .text("listing", listing)
        .text("sku", sku)
        .append_to(out);
    return out.events;
}

std::vector<std::string> engine_rejects(const batch_result& result) {
    std::vector<std::string> texts;
    for (const batch_reject& r : result.rejects)
        texts.push_back(reject_text(r.reason, r.field));
    return texts;
}

} // namespace

TEST_SUITE("woocommerce") {
    TEST_CASE(
        "products: listing and level per product; untracked, decimal and SKU-less ones rejected") {
        const conversion out = convert_fixture("products.json");
        const std::vector<std::string> expected = {
            R"({"id":"woo:listing:501:2026-03-02T09:15:00","ts":"2026-03-02T09:15:00.000000Z","type":"listing","channel":"woo","listing":"501","sku":"APRON-NAT"})",
            R"({"id":"woo:level:501:2026-03-02T09:15:00","ts":"2026-03-02T09:15:00.000000Z","type":"channel.level","channel":"woo","listing":"501","qty":14})",
            R"({"id":"woo:listing:502:2026-03-02T09:16:00","ts":"2026-03-02T09:16:00.000000Z","type":"listing","channel":"woo","listing":"502","sku":"APRON-CHA"})",
            R"({"id":"woo:level:502:2026-03-02T09:16:00","ts":"2026-03-02T09:16:00.000000Z","type":"channel.level","channel":"woo","listing":"502","qty":8})",
            R"({"id":"woo:listing:503:2026-03-02T09:17:00","ts":"2026-03-02T09:17:00.000000Z","type":"listing","channel":"woo","listing":"503","sku":"GIFT-25"})",
            R"({"id":"woo:listing:505:2026-03-02T09:19:00","ts":"2026-03-02T09:19:00.000000Z","type":"listing","channel":"woo","listing":"505","sku":"RUNNER"})",
            R"({"id":"woo:level:505:2026-03-02T09:19:00","ts":"2026-03-02T09:19:00.000000Z","type":"channel.level","channel":"woo","listing":"505","qty":20})",
            R"({"id":"woo:listing:506:2026-03-02T09:20:00","ts":"2026-03-02T09:20:00.000000Z","type":"listing","channel":"woo","listing":"506","sku":"BREADBAG"})",
            R"({"id":"woo:listing:507:2026-03-02T09:21:00","ts":"2026-03-02T09:21:00.000000Z","type":"listing","channel":"woo","listing":"507","sku":"NAPKIN-4"})",
            R"({"id":"woo:level:507:2026-03-02T09:21:00","ts":"2026-03-02T09:21:00.000000Z","type":"channel.level","channel":"woo","listing":"507","qty":-2})",
        };
        CHECK(lines_of(out.events) == expected);
        CHECK(out.event_count == expected.size());
        CHECK(rejects_of(out) == std::vector<std::string>{"[2]:untracked_stock", "[3]:missing_sku",
                                                          "[5]:bad_quantity"});
        CHECK_FALSE(out.ignored);

        live_engine engine(engine_options(1));
        engine.apply(sku_lines(
            {"APRON-NAT", "APRON-CHA", "GIFT-25", "RUNNER", "BREADBAG", "NAPKIN-4"}, received_us));
        const batch_result result = engine.apply(out.events);
        CHECK(result.accepted == expected.size());
        CHECK(result.rejected == 0);
    }

    TEST_CASE(
        "manage_stock parent: the parent's level when the parent is in the payload, else a "
        "reject") {
        SUBCASE("parent absent") {
            const conversion out = convert_fixture("variations.json");
            const std::vector<std::string> lines = lines_of(out.events);
            REQUIRE(lines.size() == 3);
            CHECK(lines[0].find(R"("listing":"5051","sku":"RUNNER-150")") != std::string::npos);
            CHECK(lines[1].find(R"("listing":"5052","sku":"RUNNER-220")") != std::string::npos);
            CHECK(lines[2].find(
                      R"("type":"channel.level","channel":"woo","listing":"5052","qty":6)") !=
                  std::string::npos);
            CHECK(rejects_of(out) == std::vector<std::string>{"[0]:parent_managed_stock"});
        }
        SUBCASE("parent present") {
            const conversion out = convert_fixture("variations-with-parent.json");
            const std::vector<std::string> lines = lines_of(out.events);
            REQUIRE(lines.size() == 5);
            CHECK(lines[1].find(R"("listing":"505","qty":20)") != std::string::npos);
            CHECK(lines[2].find(R"("listing":"5051","sku":"RUNNER-150")") != std::string::npos);
            CHECK(lines[4].find(R"("listing":"5052","qty":6)") != std::string::npos);
            CHECK(out.rejects.empty());
            CHECK(out.extras.at("variations_stock_by_parent") == 1);
            live_engine engine(engine_options(1));
            engine.apply(sku_lines({"RUNNER", "RUNNER-150", "RUNNER-220"}, received_us));
            const batch_result result = engine.apply(out.events);
            CHECK(result.accepted == 5);
            CHECK(result.rejected == 0);
        }
        SUBCASE("a variation listing with manage_stock in two states (own fixture)") {
            const conversion out = convert_fixture("variations-manage-stock-two-states.json");
            const std::vector<std::string> lines = lines_of(out.events);
            REQUIRE(lines.size() == 3);
            CHECK(lines[1].find(R"("listing":"741","qty":5)") != std::string::npos);
            CHECK(lines[2].find(R"("listing":"742","sku":"CANDLE-PINE")") != std::string::npos);
            CHECK(rejects_of(out) == std::vector<std::string>{"[1]:parent_managed_stock"});
        }
        SUBCASE("a stock row whose parent is elsewhere (own fixture)") {
            const conversion out = convert_fixture("stock-parent-manage-stock.json");
            CHECK(out.event_count == 1); // the listing
            CHECK(rejects_of(out) == std::vector<std::string>{"[0]:parent_managed_stock"});
        }
    }

    TEST_CASE("stock rows: string quantities, numeric SKUs, report rows (own fixtures)") {
        SUBCASE("string quantity") {
            const conversion out = convert_fixture("stock-string-quantity.json");
            const std::vector<std::string> lines = lines_of(out.events);
            REQUIRE(lines.size() == 3);
            // No date on stock rows: the delivery id tells observations apart.
            CHECK(
                lines[1] ==
                R"({"id":"woo:level:610:delivery-1","ts":"2026-11-27T10:00:00.000000Z","type":"channel.level","channel":"woo","listing":"610","qty":12})");
            CHECK(lines[2].find(R"("listing":"611","sku":"PLATE-ENAMEL")") != std::string::npos);
            CHECK(rejects_of(out) == std::vector<std::string>{"[1]:untracked_stock"});
        }
        SUBCASE("numeric sku") {
            const conversion out = convert_fixture("stock-decimal-sku.json");
            const std::vector<std::string> lines = lines_of(out.events);
            REQUIRE(lines.size() == 2);
            CHECK(lines[0].find(R"("listing":"620","sku":"4711")") != std::string::npos);
            CHECK(lines[1].find(R"("listing":"620","qty":30)") != std::string::npos);
            CHECK(rejects_of(out) == std::vector<std::string>{"[1]:bad_sku"});
        }
        SUBCASE("report rows") {
            const conversion out = convert_fixture("report-string-stock-quantity.json");
            const std::vector<std::string> lines = lines_of(out.events);
            REQUIRE(lines.size() == 3);
            CHECK(lines[0].find(R"("listing":"810","sku":"SOCKS-WOOL")") != std::string::npos);
            CHECK(lines[1].find(R"("listing":"810","qty":27)") != std::string::npos);
            CHECK(lines[2].find(R"("listing":"811","sku":"SOCKS-COTTON")") != std::string::npos);
            CHECK(rejects_of(out) == std::vector<std::string>{"[1]:bad_quantity"});
        }
    }

    TEST_CASE("real quirk files: string quantity, numeric SKU, parent stock, two states, report") {
        SKIP_WITHOUT_SHARED();
        SUBCASE("product-stock-string-quantity: \"12\", but manage_stock false and no SKU") {
            const std::string text = real_file("product-stock-string-quantity.json");
            SKIP_WITHOUT(text);
            const conversion out = convert_text(text);
            CHECK(out.event_count == 0);
            CHECK(rejects_of(out) ==
                  std::vector<std::string>{"[0]:missing_sku", "[0]:untracked_stock"});
        }
        SUBCASE("product-stock-decimal-sku: sku 123 is the SKU \"123\"") {
            const std::string text = real_file("product-stock-decimal-sku.json");
            SKIP_WITHOUT(text);
            const conversion out = convert_text(text);
            CHECK(
                out.events ==
                R"({"id":"woo:listing:2051:delivery-1","ts":"2026-11-27T10:00:00.000000Z","type":"listing","channel":"woo","listing":"2051","sku":"123"})"
                "\n");
            CHECK(rejects_of(out) == std::vector<std::string>{"[0]:untracked_stock"});
            live_engine engine(engine_options(1));
            engine.apply(sku_lines({"123"}, received_us));
            CHECK(engine.apply(out.events).accepted == 1);
        }
        SUBCASE(
            "product-stock-parent-manage-stock: parent_id 0, no parent to take the level from") {
            const std::string text = real_file("product-stock-parent-manage-stock.json");
            SKIP_WITHOUT(text);
            const conversion out = convert_text(text);
            CHECK(out.event_count == 0);
            CHECK(rejects_of(out) ==
                  std::vector<std::string>{"[0]:missing_sku", "[0]:parent_managed_stock"});
        }
        SUBCASE("product-variations-load-all-manage-stock-two-states") {
            const std::string text =
                real_file("product-variations-load-all-manage-stock-two-states.json");
            SKIP_WITHOUT(text);
            const conversion out = convert_text(text);
            // Both SKUs are empty: the managed one (6) cannot be mapped, the parent-managed one
            // names no parent.
            CHECK(out.event_count == 0);
            CHECK(rejects_of(out) == std::vector<std::string>{"[0]:missing_sku", "[1]:missing_sku",
                                                              "[1]:parent_managed_stock"});
        }
        SUBCASE("product-report-string-stock-quantity: \"55.4\" is not a count") {
            const std::string text = real_file("product-report-string-stock-quantity.json");
            SKIP_WITHOUT(text);
            const conversion out = convert_text(text);
            CHECK(
                out.events ==
                R"({"id":"woo:listing:248:delivery-1","ts":"2026-11-27T10:00:00.000000Z","type":"listing","channel":"woo","listing":"248","sku":"fantastic-concrete-shirt-64346342"})"
                "\n");
            CHECK(rejects_of(out) == std::vector<std::string>{"[0]:bad_quantity"});
        }
        SUBCASE(
            "products-load-all and product-variations-load-all convert and the engine takes them") {
            for (const char* name :
                 {"products-load-all.json", "product-variations-load-all.json", "product.json",
                  "product-variation.json", "product-stock.json"}) {
                const std::string text = real_file(name);
                SKIP_WITHOUT(text);
                CAPTURE(name);
                const conversion out = convert_text(text);
                CHECK(out.event_count + out.rejects.size() > 0);
                for (const payload_reject& r : out.rejects) {
                    CHECK((r.reason == "missing_sku" || r.reason == "untracked_stock" ||
                           r.reason == "parent_managed_stock" || r.reason == "bad_quantity"));
                }
                // Listings need no SKU defined; a level for a mapped listing is accepted.
                live_engine engine(engine_options(1));
                const batch_result result = engine.apply(out.events);
                CHECK(result.lines == out.event_count);
                for (const std::string& reason : engine_rejects(result))
                    CHECK(reason == "unknown_sku");
            }
        }
    }

    TEST_CASE("orders: processing opens lines, completed ships them, redelivery repeats the ids") {
        const adapter_settings settings = with_default_location();
        const conversion open = convert_fixture("order-processing.json", settings);
        const std::vector<std::string> lines = lines_of(open.events);
        REQUIRE(lines.size() == 2);
        CHECK(
            lines[0] ==
            R"({"id":"woo:order:9001:71","ts":"2026-03-03T10:00:00.000000Z","type":"order","order":"woo:9001:71","channel":"woo","sku":"APRON-NAT","qty":2})");
        CHECK(
            lines[1] ==
            R"({"id":"woo:order:9001:72","ts":"2026-03-03T10:00:00.000000Z","type":"order","order":"woo:9001:72","channel":"woo","listing":"5052","qty":1})");
        CHECK(rejects_of(open) == std::vector<std::string>{"line_items[2]:bad_quantity"});

        const conversion done = convert_fixture("order-completed.json", settings);
        const std::vector<std::string> done_lines = lines_of(done.events);
        REQUIRE(done_lines.size() == 4);
        CHECK(done_lines[0] == lines[0]);
        CHECK(
            done_lines[1] ==
            R"({"id":"woo:ship:9001:71","ts":"2026-03-04T16:29:58.000000Z","type":"ship","order":"woo:9001:71","sku":"APRON-NAT","loc":"W1"})");
        CHECK(
            done_lines[3] ==
            R"({"id":"woo:ship:9001:72","ts":"2026-03-04T16:29:58.000000Z","type":"ship","order":"woo:9001:72","channel":"woo","listing":"5052","loc":"W1"})");

        live_engine engine(engine_options(1));
        engine.apply(sku_lines({"APRON-NAT", "RUNNER-220"}, received_us));
        engine.apply(receipt_line("APRON-NAT", "W1", 10) + receipt_line("RUNNER-220", "W1", 5));
        engine.apply(convert_fixture("variations.json").events); // maps listing 5052
        const batch_result opened = engine.apply(open.events);
        CHECK(opened.accepted == 2);
        CHECK(opened.rejected == 0);
        // The same webhook again: duplicates, nothing applied twice.
        const batch_result again =
            engine.apply(convert_fixture("order-processing.json", settings).events);
        CHECK(again.duplicates == 2);
        CHECK(again.accepted == 0);
        const batch_result shipped = engine.apply(done.events);
        CHECK(shipped.duplicates == 2); // the order events
        CHECK(shipped.accepted == 2);   // the ships
        CHECK(shipped.rejected == 0);
    }

    TEST_CASE("orders: completed without a default location cannot ship") {
        const conversion out = convert_fixture("order-completed.json");
        CHECK(out.event_count == 2); // the orders
        CHECK(rejects_of(out) == std::vector<std::string>{"line_items[0]:unknown_location",
                                                          "line_items[1]:unknown_location",
                                                          "line_items[2]:bad_quantity"});
    }

    TEST_CASE("orders: cancelled and refunded statuses cancel, unknown statuses are rejected") {
        const conversion cancelled = convert_fixture("order-cancelled.json");
        CHECK(
            cancelled.events ==
            R"({"id":"woo:cancel:9002:80","ts":"2026-03-05T08:45:00.000000Z","type":"cancel","order":"woo:9002:80","sku":"APRON-CHA"})"
            "\n");
        std::string placed = weave_test::read_file(fixtures / "order-cancelled.json");
        placed.replace(placed.find("cancelled"), 9, "on-hold");
        live_engine engine(engine_options(1));
        engine.apply(sku_lines({"APRON-CHA"}, received_us));
        CHECK(engine.apply(convert_text(placed).events).accepted == 1);
        const batch_result result = engine.apply(cancelled.events);
        CHECK(result.accepted == 1);
        CHECK(result.rejected == 0);

        const conversion refunded = convert_fixture("order-refunded.json");
        CHECK(
            refunded.events ==
            R"({"id":"woo:cancel:9003:85","ts":"2026-03-07T09:00:00.000000Z","type":"cancel","order":"woo:9003:85","channel":"woo","listing":"507"})"
            "\n");
        CHECK(refunded.extras.at("order_refunds_listed") == 1);

        const conversion draft = convert_fixture("order-draft.json");
        CHECK(draft.event_count == 0);
        CHECK(rejects_of(draft) == std::vector<std::string>{":unknown_status"});
    }

    TEST_CASE("refunds: returns at the default location; money-only lines move nothing") {
        const conversion out = convert_fixture("refund.json", with_default_location());
        CHECK(
            out.events ==
            R"({"id":"woo:return:9100:95","ts":"2026-03-08T14:20:00.000000Z","type":"return","sku":"APRON-NAT","loc":"W1","qty":1})"
            "\n");
        CHECK(out.rejects.empty());
        CHECK(out.extras.at("refund_lines_money_only") == 1);
        live_engine engine(engine_options(1));
        engine.apply(sku_lines({"APRON-NAT"}, received_us));
        CHECK(engine.apply(out.events).accepted == 1);

        const conversion nowhere = convert_fixture("refund.json");
        CHECK(nowhere.event_count == 0);
        CHECK(rejects_of(nowhere) == std::vector<std::string>{"line_items[0]:unknown_location"});
    }

    TEST_CASE("real orders: the fully and the partially refunded ones, a refund, a 1.5 quantity") {
        SKIP_WITHOUT_SHARED();
        const adapter_settings settings = with_default_location();
        SUBCASE("order-fully-refunded: status refunded cancels what is still open") {
            const std::string text = real_file("order-fully-refunded.json");
            SKIP_WITHOUT(text);
            const conversion out = convert_text(text, settings);
            CHECK(
                out.events ==
                R"({"id":"woo:cancel:609:667","ts":"2017-09-20T20:27:11.000000Z","type":"cancel","order":"woo:609:667","channel":"woo","listing":"379"})"
                "\n");
            CHECK(out.extras.at("order_refunds_listed") == 1);
            CHECK(out.rejects.empty());
            // The engine never saw the order open: nothing to release, and it says so.
            live_engine engine(engine_options(1));
            engine.apply(sku_lines({"P379"}, received_us) + listing_line("379", "P379"));
            const batch_result result = engine.apply(out.events);
            CHECK(result.rejected == 1);
            CHECK(engine_rejects(result) == std::vector<std::string>{"unknown_order"});
        }
        SUBCASE("order-details-partially-refunded: completed, 8 lines ordered and shipped") {
            const std::string text = real_file("order-details-partially-refunded.json");
            SKIP_WITHOUT(text);
            const conversion out = convert_text(text, settings);
            CHECK(out.event_count == 16);
            CHECK(out.rejects.empty());
            CHECK(out.extras.at("order_refunds_listed") == 2);
            const std::vector<std::string> lines = lines_of(out.events);
            CHECK(
                lines[0] ==
                R"({"id":"woo:order:324:38","ts":"2019-06-06T17:17:55.000000Z","type":"order","order":"woo:324:38","channel":"woo","sku":"POSTER-SHIP-YOUR-IDEA","qty":1})");
            const std::vector<std::string> skus = {
                "POSTER-SHIP-YOUR-IDEA", "POSTER-WOO-LOGO", "POSTER-PREMIUM-QUALITY",
                "POSTER-WOO-NINJA",      "WOO-ALBUM-1",     "WOO-ALBUM-3",
                "WOO-SINGLE-2",          "WOO-SINGLE-1"};
            live_engine engine(engine_options(1));
            engine.apply(sku_lines(skus, received_us));
            for (const std::string& sku : skus)
                engine.apply(receipt_line(sku, "W1", 20));
            const batch_result result = engine.apply(out.events);
            CHECK(result.accepted == 16);
            CHECK(result.rejected == 0);
        }
        SUBCASE("refund-single: a -1 line is one unit returned") {
            const std::string text = real_file("refund-single.json");
            SKIP_WITHOUT(text);
            const conversion out = convert_text(text, settings);
            CHECK(
                out.events ==
                R"({"id":"woo:return:562:67","ts":"2019-10-01T19:33:46.000000Z","type":"return","sku":"HOODIE-SHIP-YOUR-IDEA-BLUE-XL","loc":"W1","qty":1})"
                "\n");
            live_engine engine(engine_options(1));
            engine.apply(sku_lines({"HOODIE-SHIP-YOUR-IDEA-BLUE-XL"}, received_us));
            CHECK(engine.apply(out.events).accepted == 1);
        }
        SUBCASE("refunds-all: two refunds in an array") {
            const std::string text = real_file("refunds-all.json");
            SKIP_WITHOUT(text);
            const conversion out = convert_text(text, settings);
            CHECK(out.event_count == 2);
            CHECK(out.rejects.empty());
        }
        SUBCASE("order.json: a 1.5 quantity is rejected, the other line still converts") {
            const std::string text = real_file("order.json");
            SKIP_WITHOUT(text);
            const conversion out = convert_text(text, settings);
            CHECK(
                out.events ==
                R"({"id":"woo:order:963:890","ts":"2018-04-03T23:05:12.000000Z","type":"order","order":"woo:963:890","channel":"woo","listing":"52","qty":2})"
                "\n");
            CHECK(rejects_of(out) == std::vector<std::string>{"line_items[1]:bad_quantity"});
        }
        SUBCASE("orders-load-all: four orders in an array") {
            const std::string text = real_file("orders-load-all.json");
            SKIP_WITHOUT(text);
            const conversion out = convert_text(text, settings);
            CHECK(out.event_count == 11); // 1 + 1 + 1 + 8 lines, all processing
            CHECK(rejects_of(out) == std::vector<std::string>{"[0].line_items[1]:bad_quantity"});
            CHECK(out.extras.at("order_refunds_listed") == 4);
        }
    }

    TEST_CASE(
        "redelivery gives identical ids; without a time or delivery id the receive time does") {
        const std::string text = weave_test::read_file(fixtures / "stock-string-quantity.json");
        const conversion first = convert_text(text);
        const conversion second = convert_text(text);
        CHECK(first.events == second.events);
        live_engine engine(engine_options(1));
        engine.apply(sku_lines({"MUG-ENAMEL", "PLATE-ENAMEL"}, received_us));
        CHECK(engine.apply(first.events).accepted == 3);
        const batch_result again = engine.apply(second.events);
        CHECK(again.duplicates == 3);
        CHECK(again.accepted == 0);
        // Another delivery of a stock row is another observation.
        const conversion other = convert_text(text, {}, context("delivery-2"));
        CHECK(other.events.find("woo:level:610:delivery-2") != std::string::npos);
        const conversion bare = convert_text(text, {}, context(""));
        CHECK(bare.events.find("woo:level:610:r1795773600000000") != std::string::npos);
    }

    TEST_CASE("bad input: not JSON, unknown shapes, error bodies, deletions, empty lists") {
        CHECK(rejects_of(convert_text("{\"id\": 1,")) == std::vector<std::string>{":not_json"});
        CHECK(rejects_of(convert_text("")) == std::vector<std::string>{":not_json"});
        CHECK(rejects_of(convert_text("{\"hello\": 1}")) ==
              std::vector<std::string>{":unknown_payload"});
        CHECK(rejects_of(convert_text("42")) == std::vector<std::string>{":unknown_payload"});
        const std::string error_body =
            R"({"code":"woocommerce_rest_product_invalid_id","message":"Invalid ID.","data":{"status":404}})";
        CHECK(rejects_of(convert_text(error_body)) == std::vector<std::string>{":unknown_payload"});
        CHECK(rejects_of(convert_text(
                  R"([{"id":1,"sku":"A","manage_stock":true,"stock_quantity":1},7])")) ==
              std::vector<std::string>{"[1]:unknown_payload"});
        CHECK(rejects_of(
                  convert_text(R"({"id":1,"sku":"A","manage_stock":"yes","stock_quantity":1})")) ==
              std::vector<std::string>{":bad_manage_stock"});
        CHECK(rejects_of(convert_text(R"({"id":-1,"sku":"A"})")) ==
              std::vector<std::string>{":missing_id"});
        CHECK(
            rejects_of(convert_text(
                R"({"id":5,"status":"processing","line_items":[{"id":1,"quantity":1,"product_id":0,"variation_id":0,"sku":""},{"id":2,"sku":"B"},{"sku":"C","quantity":1}, "x"]})")) ==
            std::vector<std::string>{"line_items[0]:missing_sku", "line_items[1]:null_quantity",
                                     "line_items[2]:missing_id", "line_items[3]:unknown_payload"});
        CHECK(rejects_of(convert_text(R"({"id":5,"status":"processing","line_items":3})")) ==
              std::vector<std::string>{"line_items:unknown_payload"});
        CHECK(convert_text("{\"data\": []}").ignored);
        CHECK(convert_text("[]").ignored);
        const conversion deleted =
            convert_text(R"({"id": 501})", {}, context("d", "product.deleted"));
        CHECK(deleted.ignored);
        CHECK(deleted.rejects.empty());
    }

} // TEST_SUITE
