// Golden files: every data/sample/NAME.ndjson replays to exactly NAME.expected/ (report.json up
// to its timing object), for every thread and shard count.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "test_support.h"

namespace fs = std::filesystem;
using namespace weave_test;

namespace {

std::vector<fs::path> sample_logs() {
    std::vector<fs::path> logs;
    for (const auto& entry : fs::directory_iterator(fs::path(WEAVE_SOURCE_DIR) / "data/sample")) {
        if (entry.path().extension() == ".ndjson" &&
            fs::is_directory(fs::path(entry.path()).replace_extension(".expected"))) {
            logs.push_back(entry.path());
        }
    }
    std::sort(logs.begin(), logs.end());
    return logs;
}

void check_outputs(const fs::path& log, const fs::path& out, const std::string& label) {
    const fs::path expected = fs::path(log).replace_extension(".expected");
    for (const char* name : {"divergences.ndjson", "state.ndjson", "rejects.ndjson"}) {
        INFO(label << " " << name);
        CHECK(read_file(out / name) == read_file(expected / name));
    }
    INFO(label << " report.json");
    CHECK(report_without_timing(read_file(out / "report.json")) ==
          report_without_timing(read_file(expected / "report.json")));
}

} // namespace

TEST_CASE("every sample log replays to its golden outputs") {
    const auto logs = sample_logs();
    REQUIRE(logs.size() >= 6);
    const scratch_space dir("golden");
    for (const fs::path& log : logs) {
        const fs::path out = dir / log.stem();
        REQUIRE(run_weave("replay " + log.string() + " --out " + out.string() + " --quiet",
                          dir) == 0);
        check_outputs(log, out, log.stem().string());
    }
    fs::remove_all(dir);
}

TEST_CASE("outputs are byte-identical for threads 1, 2, 4 and shards 1, 3, 8") {
    const scratch_space dir("determinism");
    for (const fs::path& log : sample_logs()) {
        for (const int threads : {1, 2, 4}) {
            for (const int shards : {1, 3, 8}) {
                const std::string label = log.stem().string() + " threads " +
                                          std::to_string(threads) + " shards " +
                                          std::to_string(shards);
                const fs::path out = dir / "out";
                fs::remove_all(out);
                REQUIRE(run_weave("replay " + log.string() + " --out " + out.string() +
                                      " --quiet --threads " + std::to_string(threads) +
                                      " --shards " + std::to_string(shards),
                                  dir) == 0);
                check_outputs(log, out, label);
            }
        }
    }
    fs::remove_all(dir);
}

TEST_CASE("report.json ends with a timing object with measured values") {
    const scratch_space dir("timing");
    const fs::path log = fs::path(WEAVE_SOURCE_DIR) / "data/sample/01_watermark_edge.ndjson";
    REQUIRE(run_weave("replay " + log.string() + " --out " + dir.string() + " --quiet", dir) ==
            0);
    const std::string report = read_file(dir / "report.json");
    const auto at = report.find(",\"timing\":{\"wall_s\":");
    REQUIRE(at != std::string::npos);
    CHECK(report.find("\"events_per_s\":", at) != std::string::npos);
    CHECK(report.substr(report.size() - 3) == "}}\n");
    fs::remove_all(dir);
}

TEST_CASE("a binary log replays to the same golden outputs as its NDJSON log") {
    const scratch_space dir("golden-wbin");
    for (const fs::path& log : sample_logs()) {
        const fs::path binary = dir / (log.stem().string() + ".wbin");
        REQUIRE(run_weave("convert " + log.string() + " --out " + binary.string() + " --quiet",
                          dir) == 0);
        for (const int shards : {1, 3}) {
            const fs::path out = dir / "out";
            fs::remove_all(out);
            REQUIRE(run_weave("replay " + binary.string() + " --out " + out.string() +
                                  " --quiet --threads 2 --shards " + std::to_string(shards),
                              dir) == 0);
            check_outputs(log, out, log.stem().string() + " (wbin)");
        }
    }
    fs::remove_all(dir);
}

TEST_CASE("a corrupt or truncated binary log is refused with exit 1 and one clear line") {
    const scratch_space dir("wbin-corrupt");
    const fs::path log = fs::path(WEAVE_SOURCE_DIR) / "data/sample/sample_5000.ndjson";
    const fs::path binary = dir / "log.wbin";
    REQUIRE(run_weave("convert " + log.string() + " --out " + binary.string() + " --quiet",
                      dir) == 0);
    const std::string bytes = read_file(binary);
    REQUIRE(bytes.size() > 100000);
    struct damage {
        const char* name;
        std::string bytes;
        const char* message;
    };
    std::string flipped = bytes;
    flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x01);
    std::string header = bytes;
    header[20] = static_cast<char>(header[20] ^ 0x10);
    const damage cases[] = {
        {"flipped byte", flipped, "checksum mismatch"},
        {"truncated", bytes.substr(0, bytes.size() - 1000), "truncated or corrupt"},
        {"header", header, "header is corrupt"},
        {"trailing", bytes + "xyz", "trailing bytes"},
    };
    for (const damage& d : cases) {
        INFO(d.name);
        write_file(dir / "bad.wbin", d.bytes);
        CHECK(run_weave("replay " + (dir / "bad.wbin").string() + " --out " +
                            (dir / "out").string() + " --quiet",
                        dir) == 1);
        const std::string err = read_file(dir / "stderr.txt");
        CHECK(err.find(d.message) != std::string::npos);
        CHECK(std::count(err.begin(), err.end(), '\n') == 1);
    }
    fs::remove_all(dir);
}
