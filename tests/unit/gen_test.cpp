// weave gen: deterministic per seed, every event type, faults of every cause in the truth file.
#include <doctest/doctest.h>

#include <filesystem>
#include <algorithm>
#include <string>

#include "test_support.h"

namespace fs = std::filesystem;
using namespace weave_test;

TEST_CASE("weave gen is deterministic per seed and writes every event type") {
    const scratch_space dir("gen");
    const std::string args = " --skus 300 --events 20000 --bad-rate 0.002 --quiet";
    REQUIRE(run_weave("gen --seed 11 --out " + (dir / "a.ndjson").string() + " --truth " +
                          (dir / "a.truth").string() + args,
                      dir) == 0);
    REQUIRE(run_weave("gen --seed 11 --out " + (dir / "b.ndjson").string() + " --truth " +
                          (dir / "b.truth").string() + args,
                      dir) == 0);
    REQUIRE(run_weave("gen --seed 12 --out " + (dir / "c.ndjson").string() + args, dir) == 0);
    const std::string a = read_file(dir / "a.ndjson");
    CHECK(a == read_file(dir / "b.ndjson"));
    CHECK(read_file(dir / "a.truth") == read_file(dir / "b.truth"));
    CHECK(a != read_file(dir / "c.ndjson"));
    CHECK(std::count(a.begin(), a.end(), '\n') == 20000);
    for (const char* type :
         {"sku", "listing", "listing.retire", "receipt", "order", "cancel", "ship", "return",
          "restock", "transfer.out", "transfer.in", "adjust", "count", "policy.buffer",
          "policy.channel", "policy.publish", "publish", "publish.ack", "channel.level"}) {
        INFO(type);
        CHECK(a.find(std::string("\"type\":\"") + type + "\"") != std::string::npos);
    }
    const std::string truth = read_file(dir / "a.truth");
    for (const char* cause :
         {"unmapped_listing", "retired_listing", "duplicate_listing", "publish_failed",
          "stale_value", "rejected_movement", "in_transit_counted", "returns_counted",
          "buffer_ignored", "reservations_ignored", "location_scope", "share_ignored",
          "channel_edit"}) {
        INFO(cause);
        CHECK(truth.find(std::string("\"cause\":\"") + cause + "\"") != std::string::npos);
    }
    REQUIRE(run_weave("replay " + (dir / "a.ndjson").string() + " --out " +
                          (dir / "out").string() + " --quiet",
                      dir) == 0);
    const std::string report = read_file(dir / "out/report.json");
    CHECK(report.find("\"malformed_json\":") != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("weave gen refuses bad usage") {
    const scratch_space dir("gen-usage");
    CHECK(run_weave("gen", dir) == 2);
    CHECK(run_weave("gen --out " + (dir / "x").string() + " --skus zero", dir) == 2);
    CHECK(run_weave("gen --out " + (dir / "x").string() + " --fault-rate 2", dir) == 2);
    CHECK(run_weave("gen --out /nonexistent/dir/x.ndjson --events 10 --quiet", dir) == 1);
}

TEST_CASE("weave score finds every fault weave gen injected") {
    const scratch_space dir("gen-score");
    REQUIRE(run_weave("gen --seed 21 --skus 2000 --events 60000 --fault-rate 0.002 --quiet --out " +
                          (dir / "log.ndjson").string() + " --truth " +
                          (dir / "truth.ndjson").string(),
                      dir) == 0);
    const std::string truth = read_file(dir / "truth.ndjson");
    REQUIRE(std::count(truth.begin(), truth.end(), '\n') >= 50);
    for (const int shards : {1, 4}) {
        INFO("shards " << shards);
        const fs::path out = dir / ("out" + std::to_string(shards));
        REQUIRE(run_weave("replay " + (dir / "log.ndjson").string() + " --out " + out.string() +
                              " --quiet --threads 2 --shards " + std::to_string(shards),
                          dir) == 0);
        // Every injected fault is detected; classification is checked against a floor, since a
        // fault can coincide with live traffic that makes an earlier row of SPEC §4 match.
        CHECK(run_weave("score --truth " + (dir / "truth.ndjson").string() + " --divergences " +
                            (out / "divergences.ndjson").string() +
                            " --min-detection-recall 1 --min-classification-recall 0.95",
                        dir) == 0);
    }
    fs::remove_all(dir);
}
