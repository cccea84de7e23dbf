// weave import SOURCE FILE... for the channel sources: the real payloads through the binary,
// into a log that `weave replay` accepts; bad usage and unreadable files.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "test_support.h"

using namespace weave_test;
namespace fs = std::filesystem;

namespace {

const std::string channels = std::string(WEAVE_SOURCE_DIR) + "/data/channels/";

} // namespace

TEST_CASE("weave import turns each channel's payloads into a log replay accepts") {
    const scratch_space dir("channel-import");
    const std::string out = " --out " + (dir / "log.ndjson").string();
    struct source_case {
        std::string args;
        size_t events;
    };
    for (const source_case& c : std::vector<source_case>{
             {"shopify " + channels + "shopify/inventory_levels.json " + channels +
                  "shopify/inventory_items.json",
              2 + 3},
             {"amazon " + channels + "amazon/getInventorySummaries_200.json", 3 + 3},
             {"ebay " + channels + "ebay/inventory-items.json", 0},
             {"woocommerce " + channels + "woocommerce/products.json", 0},
             {"warehouse " + channels + "warehouse/wms_export.csv", 9}}) {
        INFO(c.args);
        REQUIRE(run_weave("import " + c.args + out, dir) == 0);
        const std::string log = read_file(dir / "log.ndjson");
        if (c.events != 0) CHECK(lines_of(log).size() == c.events);
        CHECK(!lines_of(log).empty());
        CHECK(read_file(dir / "stderr.txt").find(" events, ") != std::string::npos);
        // Every line is an event the engine parses (rejects here would be unknown SKUs etc.,
        // never malformed lines).
        REQUIRE(run_weave("replay " + (dir / "log.ndjson").string() + " --out " +
                              (dir / "replay").string() + " --quiet",
                          dir) == 0);
        const std::string report = read_file(dir / "replay" / "report.json");
        CHECK(report.find("malformed_json") == std::string::npos);
        CHECK(report.find("missing_field") == std::string::npos);
        CHECK(report.find("bad_field") == std::string::npos);
    }
}

TEST_CASE("weave import for channels: bad usage is 2, an unreadable file is 1") {
    const scratch_space dir("channel-import-cli");
    const std::string file = channels + "shopify/inventory_levels.json";
    CHECK(run_weave("import shopify " + file, dir) == 2); // no --out
    CHECK(read_file(dir / "stderr.txt").find("missing --out") != std::string::npos);
    CHECK(run_weave("import shopify --out x.ndjson", dir) == 2); // no FILE
    CHECK(run_weave("import shopify " + file + " --out x --location nope", dir) == 2);
    CHECK(run_weave("import shopify " + file + " --out x --frobnicate", dir) == 2);
    CHECK(run_weave("import shopify /nonexistent/file.json --out " + (dir / "x").string(), dir) ==
          1);
    CHECK(run_weave("import shopify --help", dir) == 0);
    // A location map makes the warehouse's unknown codes rejects.
    CHECK(run_weave("import warehouse " + channels +
                        "warehouse/wms_export.csv --location WH-EAST=east --out " +
                        (dir / "w.ndjson").string(),
                    dir) == 0);
    CHECK(read_file(dir / "stderr.txt").find("unknown_location") != std::string::npos);
}
