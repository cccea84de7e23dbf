// The engine in process (no subprocess): the rules that live in the shard and the router.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "ndjson/event_parser.h"
#include "test_support.h"
#include "weave/engine.h"

using namespace weave;

namespace {

std::string ev(int n, const std::string& ts, const std::string& rest) {
    return R"({"id":"e)" + std::to_string(n) + R"(","ts":"2026-11-27T)" + ts + R"(Z",)" + rest +
           "}\n";
}

replay_outputs run(const std::string& log, unsigned shards = 1) {
    replay_options options;
    options.threads = 2;
    options.shards = shards;
    options.parser = ndjson::event_parse_stage();
    return replay(log, options);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string setup() {
    return ev(1, "10:00:00", R"("type":"sku","sku":"S1")") +
           ev(2, "10:00:00", R"("type":"listing","channel":"amazon","listing":"A1","sku":"S1")") +
           ev(3, "10:00:01", R"("type":"receipt","sku":"S1","loc":"W1","qty":100)") +
           ev(4, "10:00:02", R"("type":"channel.level","channel":"amazon","listing":"A1","qty":100)");
}

} // namespace

TEST_CASE("the history holds 8 values: a 9th-oldest value is no longer stale") {
    std::string log = setup();
    // Nine changes of expected: 100 -> 99 -> ... -> 91; history holds 99..92 and 100 drops out.
    for (int i = 0; i < 9; i++) {
        log += ev(10 + i, "10:01:0" + std::to_string(i),
                  R"("type":"adjust","sku":"S1","loc":"W1","delta":-1,"reason":"r","owner":"o")");
    }
    log += ev(30, "10:05:00", R"("type":"channel.level","channel":"amazon","listing":"A1","qty":91)");
    log += ev(31, "10:06:00", R"("type":"channel.level","channel":"amazon","listing":"A1","qty":100)");
    const auto with_nine = run(log);
    CHECK(contains(with_nine.divergences, R"("observed":100,"layer":"unexplained","cause":"channel_edit")"));
    // One change fewer: 100 is still the oldest of 8 entries, so it is a stale value.
    std::string shorter = setup();
    for (int i = 0; i < 8; i++) {
        shorter += ev(10 + i, "10:01:0" + std::to_string(i),
                      R"("type":"adjust","sku":"S1","loc":"W1","delta":-1,"reason":"r","owner":"o")");
    }
    shorter += ev(30, "10:05:00", R"("type":"channel.level","channel":"amazon","listing":"A1","qty":92)");
    shorter += ev(31, "10:06:00", R"("type":"channel.level","channel":"amazon","listing":"A1","qty":100)");
    const auto with_eight = run(shorter);
    CHECK(contains(with_eight.divergences, R"("observed":100,"layer":"publish","cause":"stale_value")"));
}

TEST_CASE("a deadline fires only when d < W, before the event that moved W") {
    std::string log = setup();
    log += ev(5, "10:01:00", R"("type":"adjust","sku":"S1","loc":"W1","delta":-1,"reason":"r","owner":"o")");
    // d = 10:03:00. An event at exactly d fires nothing.
    log += ev(6, "10:03:00", R"("type":"receipt","sku":"S2x","loc":"W1","qty":1)");
    log += ev(7, "10:03:00", R"("type":"publish","channel":"amazon","listing":"A1","qty":99)");
    const auto at_d = run(log);
    CHECK(at_d.divergences.empty());
    log += ev(8, "10:03:00.000001", R"("type":"publish","channel":"amazon","listing":"A1","qty":99)");
    const auto past_d = run(log);
    CHECK(past_d.divergences ==
          R"({"event":"open","ts":"2026-11-27T10:03:00.000000Z","seq":null,"channel":"amazon","listing":"A1","sku":"S1","expected":99,"observed":100,"layer":"publish","cause":"stale_value"})"
          "\n");
}

TEST_CASE("a listing re-mapped to a SKU of another shard keeps its open divergence") {
    std::string log = setup();
    log += ev(5, "10:00:03", R"("type":"sku","sku":"S2")");
    log += ev(6, "10:00:04", R"("type":"receipt","sku":"S2","loc":"W1","qty":7)");
    log += ev(7, "10:00:05", R"("type":"channel.level","channel":"amazon","listing":"A1","qty":55)");
    log += ev(8, "10:00:06", R"("type":"listing","channel":"amazon","listing":"A1","sku":"S2")");
    log += ev(9, "10:00:07", R"("type":"channel.level","channel":"amazon","listing":"A1","qty":7)");
    for (const unsigned shards : {1u, 2u, 3u, 8u}) {
        INFO("shards " << shards);
        const auto out = run(log, shards);
        CHECK(contains(out.divergences, R"("event":"open","ts":"2026-11-27T10:00:05.000000Z","seq":7)"));
        CHECK(contains(out.divergences, R"("event":"close","ts":"2026-11-27T10:00:07.000000Z","seq":9,"channel":"amazon","listing":"A1","sku":"S2","expected":7,"observed":7)"));
        CHECK(contains(out.state, R"({"kind":"listing","channel":"amazon","listing":"A1","sku":"S2","expected":7,"observed":7,"mismatched":false,"open_divergence":false})"));
    }
}

TEST_CASE("a rejected cancel is replayed against the line's current state, not its old one") {
    // o1 is cancelled (line closed) after a cancel of 3 through a retired listing was rejected:
    // the rejected cancel has nothing to apply any more, so 13 is not rejected_movement.
    std::string log = setup();
    log += ev(5, "10:00:03", R"("type":"listing","channel":"ebay","listing":"E1","sku":"S1")");
    log += ev(6, "10:00:03", R"("type":"order","order":"o1","sku":"S1","channel":"amazon","qty":4,"loc":"W1")");
    log += ev(7, "10:00:04", R"("type":"listing.retire","channel":"ebay","listing":"E1")");
    log += ev(8, "10:00:05", R"("type":"cancel","order":"o1","channel":"ebay","listing":"E1","qty":3)");
    const std::string open_line = ev(9, "10:00:06", R"("type":"cancel","order":"o1","sku":"S1")");
    const std::string level = ev(10, "10:00:07", R"("type":"channel.level","channel":"amazon","listing":"A1","qty":99)");
    // With the line still open, releasing 3 of its 4 units explains 96 + 3 = 99.
    const auto still_open = run(log + ev(11, "10:00:07", R"("type":"channel.level","channel":"amazon","listing":"A1","qty":99)"));
    CHECK(contains(still_open.divergences, R"("cause":"rejected_movement")"));
    const auto closed = run(log + open_line + level);
    CHECK(contains(closed.divergences, R"("cause":"channel_edit")"));
}

TEST_CASE("a latency run (paced, parsed ahead, every record timed) gives the replay's outputs") {
    const std::string log = weave_test::read_file(std::string(WEAVE_SOURCE_DIR) +
                                                  "/data/sample/sample_5000.ndjson");
    REQUIRE(!log.empty());
    const replay_outputs plain = run(log, 3);
    replay_options options;
    options.threads = 2;
    options.shards = 3;
    options.parser = ndjson::event_parse_stage();
    options.now_ns = [] {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    };
    options.pace_events_per_s = 2'000'000;
    options.latency_sample_every = 1;
    options.busy_poll = true;
    options.parse_ahead = true;
    const replay_outputs timed = replay(log, options);
    CHECK(timed.divergences == plain.divergences);
    CHECK(timed.state == plain.state);
    CHECK(timed.rejects == plain.rejects);
    CHECK(timed.report_body == plain.report_body);
    CHECK(timed.timing.processing.samples > 0);
}
