// The event builder every channel adapter writes with (escaping, lines the engine accepts), and
// the one quantity reader they share.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "amazon/amazon_json.h"
#include "channels/channel_adapter.h"
#include "channels/json_values.h"
#include "shopify/shopify_json.h"
#include "ndjson/event_parser.h"
#include "weave/live.h"

using namespace weave;
using namespace weave::channels;

TEST_CASE("event lines are escaped JSON the engine accepts") {
    conversion out;
    const int64_t ts = 1'795'773'600'123'456; // 2026-11-27T10:00:00.123456Z
    event_line("shop:\"1\"\\", ts, "sku").text("sku", "S\n1\x01").append_to(out);
    event_line("shop:2", ts, "listing")
        .text("channel", "shopify")
        .text("listing", "4096")
        .text("sku", "S\n1\x01")
        .append_to(out);
    event_line("shop:3", ts, "policy.channel")
        .text("channel", "shopify")
        .texts("locations", {"W1", "W\"2"})
        .integer("share", 50)
        .append_to(out);
    event_line("shop:4", ts, "publish.ack")
        .text("channel", "shopify")
        .text("listing", "4096")
        .integer("qty", 7)
        .boolean("ok", false)
        .append_to(out);
    CHECK(out.event_count == 4);
    CHECK(
        out.events.substr(0, out.events.find('\n')) ==
        R"({"id":"shop:\"1\"\\","ts":"2026-11-27T10:00:00.123456Z","type":"sku","sku":"S\n1\u0001"})");
    live_options options;
    options.shards = 1;
    options.parser = ndjson::event_parse_stage();
    live_engine live(options);
    const batch_result result = live.apply(out.events);
    CHECK(result.rejected == 0);
    CHECK(result.accepted == 4);
}

TEST_CASE("every channel reads a quantity the same way: exact SPEC integers only") {
    simdjson::dom::parser parser;
    // nullopt: refused as `bad` by every reader.
    const std::vector<std::pair<const char*, std::optional<int64_t>>> cases = {
        {"12", 12},
        {"-2", -2},
        {"0", 0},
        {"12.0", 12},
        {"1e3", 1000}, // a JSON number: simdjson reads it as the whole double 1000
        {"\"12\"", 12},
        {"\"-3\"", -3},
        {"\"12.0\"", 12},
        {"\"12.00\"", 12},
        {"\"007\"", 7},
        {"1000000000", 1'000'000'000},
        {"\"-1000000000\"", -1'000'000'000},
        {"12.5", std::nullopt},
        {"\"12.5\"", std::nullopt},
        {"\"12.\"", std::nullopt},
        {"\".0\"", std::nullopt},
        {"\"-\"", std::nullopt},
        {"\" 12\"", std::nullopt},
        {"\"12 \"", std::nullopt},
        {"\"+12\"", std::nullopt},
        {"\"1e3\"", std::nullopt},
        {"\"0x10\"", std::nullopt},
        {"\"nan\"", std::nullopt},
        {"\"inf\"", std::nullopt},
        {"\"\"", std::nullopt},
        {"1000000001", std::nullopt},
        {"-1000000001", std::nullopt},
        {"\"1000000001\"", std::nullopt},
        {"\"99999999999999999999\"", std::nullopt},
        {"18446744073709551615", std::nullopt},
        {"1e300", std::nullopt},
        {"true", std::nullopt},
        {"{}", std::nullopt},
        {"[]", std::nullopt},
    };
    for (const auto& [json, expected] : cases) {
        CAPTURE(json);
        const std::string document = std::string(R"({"q":)") + json + "}";
        simdjson::dom::element root;
        REQUIRE(!parser.parse(simdjson::padded_string(document)).get(root));

        const quantity_read shared = read_quantity(root["q"].value_unsafe());
        int64_t from_shopify = -99;
        const shopify::field_status shopify_status = shopify::read_quantity(root, "q", from_shopify);
        int64_t from_amazon = -99;
        const amazon::field_status amazon_status = amazon::read_quantity(root, "q", from_amazon);
        if (expected) {
            CHECK(shared.status == quantity_status::ok);
            CHECK(shared.value == *expected);
            CHECK(shopify_status == shopify::field_status::ok);
            CHECK(from_shopify == *expected);
            CHECK(amazon_status == amazon::field_status::ok);
            CHECK(from_amazon == *expected);
        } else {
            CHECK(shared.status == quantity_status::bad);
            CHECK(shopify_status == shopify::field_status::bad);
            CHECK(amazon_status == amazon::field_status::bad);
        }
    }

    simdjson::dom::element root;
    REQUIRE(!parser.parse(simdjson::padded_string(std::string(R"({"q":null})"))).get(root));
    int64_t unused = 0;
    CHECK(read_quantity(root["q"].value_unsafe()).status == quantity_status::absent);
    CHECK(shopify::read_quantity(root, "q", unused) == shopify::field_status::absent);
    CHECK(amazon::read_quantity(root, "q", unused) == amazon::field_status::null);
    CHECK(shopify::read_quantity(root, "missing", unused) == shopify::field_status::absent);
    CHECK(amazon::read_quantity(root, "missing", unused) == amazon::field_status::missing);
}
