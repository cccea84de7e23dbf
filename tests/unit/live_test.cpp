// Live mode in process: batches applied one by one, snapshots restored midway and the wall-clock
// advance all end in the state a replay of the same lines gives.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "ndjson/event_parser.h"
#include "test_support.h"
#include "weave/engine.h"
#include "weave/live.h"

using namespace weave;

namespace {

live_options options_with(unsigned shards) {
    live_options options;
    options.shards = shards;
    options.parser = ndjson::event_parse_stage();
    return options;
}

replay_outputs replay_of(const std::string& log, unsigned shards) {
    replay_options options;
    options.threads = 2;
    options.shards = shards;
    options.parser = ndjson::event_parse_stage();
    return replay(log, options);
}

// The log cut into batches of whole lines, of random sizes.
std::vector<std::string> batches_of(const std::string& log, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::string> out;
    size_t at = 0;
    while (at < log.size()) {
        size_t end = at;
        const size_t lines = 1 + rng() % 400;
        for (size_t i = 0; i < lines && end < log.size(); i++) {
            const size_t newline = log.find('\n', end);
            end = newline == std::string::npos ? log.size() : newline + 1;
        }
        out.push_back(log.substr(at, end - at));
        at = end;
    }
    return out;
}

std::vector<std::string> sorted_lines(const std::string& text) {
    std::vector<std::string> lines;
    size_t at = 0;
    while (at < text.size()) {
        const size_t newline = text.find('\n', at);
        lines.push_back(text.substr(at, newline - at));
        at = newline + 1;
    }
    std::sort(lines.begin(), lines.end());
    return lines;
}

std::string sample() {
    return weave_test::read_file(std::string(WEAVE_SOURCE_DIR) + "/data/sample/sample_5000.ndjson");
}

std::string ev(int n, const std::string& ts, const std::string& rest) {
    return R"({"id":"e)" + std::to_string(n) + R"(","ts":"2026-11-27T)" + ts + R"(Z",)" + rest +
           "}\n";
}

} // namespace

TEST_CASE("batches applied live give the replay's state, report and divergences") {
    const std::string log = sample();
    REQUIRE(!log.empty());
    for (const unsigned shards : {1u, 3u}) {
        const replay_outputs expected = replay_of(log, shards);
        live_engine live(options_with(shards));
        std::string divergences;
        uint64_t accepted = 0, duplicates = 0, rejected = 0, lines = 0;
        for (const std::string& batch : batches_of(log, shards)) {
            const batch_result result = live.apply(batch);
            accepted += result.accepted;
            duplicates += result.duplicates;
            rejected += result.rejected;
            lines += result.lines;
            CHECK(result.rejects.size() == result.rejected);
            for (const live_divergence& d : live.take_new_divergences()) {
                divergences += d.json + "\n";
            }
        }
        INFO("shards " << shards);
        CHECK(live.state() == expected.state);
        CHECK(live.report_body() == expected.report_body);
        CHECK(sorted_lines(divergences) == sorted_lines(expected.divergences));
        const live_counters counters = live.counters();
        CHECK(counters.applied == accepted);
        CHECK(counters.duplicates == duplicates);
        CHECK(counters.rejected == rejected);
        CHECK(counters.lines == lines);
    }
}

TEST_CASE("a batch's rejects carry their line within the batch") {
    live_engine live(options_with(2));
    const std::string first = ev(1, "10:00:00", R"("type":"sku","sku":"S1")");
    CHECK(live.apply(first).accepted == 1);
    const std::string second =
        ev(2, "10:00:01", R"("type":"receipt","sku":"S1","loc":"W1","qty":5)") + "\n" +
        "{not json\n" + first +
        ev(3, "10:00:02", R"("type":"receipt","sku":"S9","loc":"W1","qty":1)");
    const batch_result result = live.apply(second);
    CHECK(result.lines == 5);
    CHECK(result.accepted == 1);
    CHECK(result.duplicates == 1);
    CHECK(result.rejected == 2);
    REQUIRE(result.rejects.size() == 2);
    CHECK(result.rejects[0].line == 3);
    CHECK(result.rejects[0].reason == reject_reason::malformed_json);
    CHECK(result.rejects[1].line == 5);
    CHECK(result.rejects[1].reason == reject_reason::unknown_sku);
    const auto sku = live.sku_json("S1");
    REQUIRE(sku.has_value());
    CHECK(sku->find(R"("loc":"W1","on_hand":5)") != std::string::npos);
    CHECK_FALSE(live.sku_json("S9").has_value());
}

TEST_CASE("a snapshot restored midway ends in the replay's state") {
    const std::string log = sample();
    const std::vector<std::string> batches = batches_of(log, 7);
    for (const unsigned shards : {1u, 4u}) {
        const replay_outputs expected = replay_of(log, shards);
        for (const size_t cut : {size_t{0}, batches.size() / 3, batches.size() - 1}) {
            std::string snapshot;
            std::vector<std::string> open_before;
            {
                live_engine first(options_with(shards));
                for (size_t i = 0; i < cut; i++) {
                    first.apply(batches[i]);
                }
                snapshot = first.snapshot();
                for (const live_divergence& d : first.open_divergences()) {
                    open_before.push_back(d.json);
                }
            }
            live_engine second(options_with(1), snapshot); // the snapshot's shard count wins
            CHECK(second.shard_count() == shards);
            // Nothing is lost or reordered on the way: the restored state writes the same bytes
            // (pending deadlines included, kept in their heap order).
            CHECK(second.snapshot() == snapshot);
            {
                // The same state writes the same bytes: no padding or heap garbage in them.
                live_engine twin(options_with(shards));
                for (size_t i = 0; i < cut; i++) {
                    twin.apply(batches[i]);
                }
                CHECK(twin.snapshot() == snapshot);
            }
            std::string after_header = "header";
            second.append_snapshot(after_header, 5);
            after_header += "tail.";
            CHECK(after_header == "header" + snapshot + "tail.");
            std::vector<std::string> open_after;
            for (const live_divergence& d : second.open_divergences()) {
                open_after.push_back(d.json);
            }
            CHECK(open_after == open_before);
            for (size_t i = cut; i < batches.size(); i++) {
                second.apply(batches[i]);
            }
            INFO("shards " << shards << " cut " << cut);
            CHECK(second.state() == expected.state);
            CHECK(second.report_body() == expected.report_body);
            CHECK(second.snapshot().size() > 0);
        }
    }
}

TEST_CASE("a version 1 snapshot (208-byte listings) restores and goes on like the replay") {
    // Written by weave at snapshot version 1 from the first 2,500 lines of sample_5000 with 2
    // shards (data/snapshots/README.md): a data directory from before the listing went to 168
    // bytes must still start, and its state must go on exactly as if never restarted.
    const std::string log = sample();
    size_t cut = 0;
    for (int line = 0; line < 2500; line++) {
        cut = log.find('\n', cut) + 1;
    }
    const std::string v1 = weave_test::read_file(
        std::string(WEAVE_SOURCE_DIR) + "/data/snapshots/engine-v1-sample_5000-first2500.bin");
    REQUIRE(v1.size() > 100000);
    live_engine restored(options_with(1), v1);
    CHECK(restored.shard_count() == 2);

    live_engine fresh(options_with(2));
    fresh.apply(log.substr(0, cut));
    CHECK(restored.state() == fresh.state());
    CHECK(restored.report_body() == fresh.report_body());
    // (Its bytes are not compared with a fresh engine's: version 1 wrote struct padding as it
    // found it in memory, and a restore copies those bytes along.)
    CHECK(restored.open_divergence_counts() == fresh.open_divergence_counts());

    restored.apply(log.substr(cut));
    const replay_outputs expected = replay_of(log, 2);
    CHECK(restored.state() == expected.state);
    CHECK(restored.report_body() == expected.report_body);
}

TEST_CASE("a damaged snapshot is refused, never trusted") {
    live_engine live(options_with(2));
    live.apply(sample().substr(0, 200000));
    const std::string snapshot = live.snapshot();
    std::mt19937_64 rng(3);
    for (int round = 0; round < 200; round++) {
        std::string bytes = snapshot;
        if (round % 2 == 0) {
            bytes.resize(rng() % bytes.size());
        } else {
            // Damage the header and the counts near the front, where a bad length lives.
            bytes[rng() % std::min<size_t>(bytes.size(), 4096)] ^=
                static_cast<char>(1 + rng() % 255);
        }
        try {
            live_engine restored(options_with(2), bytes);
            (void)restored.state(); // a flip inside plain numbers may restore: it must not crash
        } catch (const std::exception&) {
        }
    }
    CHECK_THROWS(live_engine(options_with(2), std::string("WVSNAP")));
}

TEST_CASE("the wall clock fires a grace deadline when no event comes") {
    live_engine live(options_with(2));
    live.apply(
        ev(1, "10:00:00", R"("type":"sku","sku":"S1")") +
        ev(2, "10:00:00", R"("type":"listing","channel":"amazon","listing":"A1","sku":"S1")") +
        ev(3, "10:00:01", R"("type":"receipt","sku":"S1","loc":"W1","qty":10)") +
        ev(4, "10:00:02", R"("type":"channel.level","channel":"amazon","listing":"A1","qty":10)") +
        ev(5, "10:00:03", R"("type":"receipt","sku":"S1","loc":"W1","qty":5)"));
    live.take_new_divergences();
    CHECK(live.open_divergences().empty());
    // The channel still shows 10 of 15: the default grace, 120 s, runs from 10:00:03.
    REQUIRE(live.watermark_us().has_value());
    const int64_t watermark = *live.watermark_us();
    live.advance_clock(watermark + 60'000'000);
    CHECK(live.take_new_divergences().empty());
    live.advance_clock(watermark + 121'000'000);
    CHECK(live.take_new_divergences().size() == 1);
    const auto opened = live.open_divergences();
    REQUIRE(opened.size() == 1);
    CHECK(opened[0].json.find(R"("seq":null)") != std::string::npos);
    CHECK(opened[0].json.find(R"("listing":"A1")") != std::string::npos);
    const auto counts = live.open_divergence_counts();
    REQUIRE(counts.size() == 1);
    CHECK(counts.begin()->first.first == opened[0].layer);
    CHECK(counts.begin()->first.second == "amazon");
    CHECK(counts.begin()->second == 1);
}

TEST_CASE("the publisher is told each listing whose expected changed, once per batch") {
    live_options options = options_with(2);
    options.track_expected_changes = true;
    live_engine live(options);
    live.apply(
        ev(1, "10:00:00", R"("type":"sku","sku":"S1")") +
        ev(2, "10:00:00", R"("type":"listing","channel":"amazon","listing":"A1","sku":"S1")") +
        ev(3, "10:00:00", R"("type":"listing","channel":"ebay","listing":"E1","sku":"S1")") +
        ev(4, "10:00:01", R"("type":"receipt","sku":"S1","loc":"W1","qty":10)") +
        ev(5, "10:00:02", R"("type":"receipt","sku":"S1","loc":"W2","qty":5)"));
    auto changes = live.take_expected_changes();
    REQUIRE(changes.size() == 2);
    CHECK(changes[0].channel == "amazon");
    CHECK(changes[0].listing == "A1");
    CHECK(changes[0].sku == "S1");
    CHECK(changes[0].expected == 15);
    CHECK_FALSE(changes[0].observed.has_value());
    CHECK(changes[0].on_hand_total == 15);
    CHECK(changes[1].listing == "E1");
    CHECK(live.take_expected_changes().empty());
    // An observation changes nothing to publish; an order does.
    live.apply(
        ev(6, "10:00:03", R"("type":"channel.level","channel":"amazon","listing":"A1","qty":15)"));
    CHECK(live.take_expected_changes().empty());
    live.apply(ev(7, "10:00:04",
                  R"("type":"order","order":"O1","sku":"S1","channel":"ebay","qty":3,"loc":"W1")"));
    changes = live.take_expected_changes();
    REQUIRE(changes.size() == 2);
    CHECK(changes[0].expected == 12);
    CHECK(changes[0].observed == 15);
    CHECK(changes[0].on_hand_total == 15);

    live_engine untracked(options_with(1));
    untracked.apply(
        ev(1, "10:00:00", R"("type":"sku","sku":"S1")") +
        ev(2, "10:00:00", R"("type":"listing","channel":"amazon","listing":"A1","sku":"S1")"));
    CHECK(untracked.take_expected_changes().empty());
}
