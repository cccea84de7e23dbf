// The event builder every channel adapter writes with: escaping, and lines the engine accepts.
#include <doctest/doctest.h>

#include "channels/channel_adapter.h"
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
        R"({"id":"shop:\"1\"\\","ts":"2026-11-27T10:00:00.123456Z","type":"sku","sku":"S\u000a1\u0001"})");
    live_options options;
    options.shards = 1;
    options.parser = ndjson::event_parse_stage();
    live_engine live(options);
    const batch_result result = live.apply(out.events);
    CHECK(result.rejected == 0);
    CHECK(result.accepted == 4);
}
