// The command line: exit codes and messages of SPEC §5 and the bad-input list.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <vector>
#include <string>

#include "test_support.h"

namespace fs = std::filesystem;
using namespace weave_test;

TEST_CASE("help describes every flag and exits 0") {
    const scratch_space dir("cli-help");
    CHECK(run_weave("--help", dir) == 0);
    CHECK(read_file(dir / "stdout.txt").find("replay") != std::string::npos);
    CHECK(run_weave("replay --help", dir) == 0);
    const std::string help = read_file(dir / "stdout.txt");
    for (const char* flag : {"--out", "--threads", "--shards", "--quiet"}) {
        CHECK(help.find(flag) != std::string::npos);
    }
}

TEST_CASE("bad usage exits 2 with the usage on stderr") {
    const scratch_space dir("cli-usage");
    const std::string log = (dir / "log.ndjson").string();
    write_file(log, "");
    const std::vector<std::string> cases = {
         "", "nonsense", "replay", "replay " + log, "replay --out " + dir.string(),
          "replay " + log + " --out " + dir.string() + " --frobnicate",
          "replay " + log + " --out " + dir.string() + " --threads 0",
          "replay " + log + " --out " + dir.string() + " --shards x",
          "replay " + log + " --out " + dir.string() + " --threads",
          "replay " + log + " extra --out " + dir.string()};
    for (const std::string& args : cases) {
        INFO(args);
        CHECK(run_weave(args, dir) == 2);
        CHECK(read_file(dir / "stderr.txt").find("usage") != std::string::npos);
    }
}

TEST_CASE("a missing log exits 1 with one clear line") {
    const scratch_space dir("cli-missing");
    CHECK(run_weave("replay /nonexistent/log.ndjson --out " + (dir / "out").string(), dir) == 1);
    const std::string err = read_file(dir / "stderr.txt");
    CHECK(err.find("/nonexistent/log.ndjson") != std::string::npos);
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
    CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("an unwritable output directory exits 1") {
    const scratch_space dir("cli-unwritable");
    const std::string log = (dir / "log.ndjson").string();
    write_file(log, "");
    write_file(dir / "file", "x");
    CHECK(run_weave("replay " + log + " --out " + (dir / "file" / "out").string(), dir) == 1);
    CHECK_FALSE(read_file(dir / "stderr.txt").empty());
}

TEST_CASE("an empty log gives empty files and a zero report") {
    const scratch_space dir("cli-empty");
    const std::string log = (dir / "log.ndjson").string();
    write_file(log, "");
    REQUIRE(run_weave("replay " + log + " --out " + (dir / "out").string(), dir) == 0);
    CHECK(read_file(dir / "out/divergences.ndjson").empty());
    CHECK(read_file(dir / "out/state.ndjson").empty());
    CHECK(read_file(dir / "out/rejects.ndjson").empty());
    const std::string report = read_file(dir / "out/report.json");
    CHECK(report.rfind("{\"lines\":0,\"blank_lines\":0,\"events_read\":0,\"applied\":0,", 0) == 0);
    CHECK(report.find("\"count_variance_rate\":null,\"watermark\":null,\"timing\":") !=
          std::string::npos);
}

TEST_CASE("the output directory is created, nested") {
    const scratch_space dir("cli-nested");
    const std::string log = (dir / "log.ndjson").string();
    write_file(log, "\n");
    REQUIRE(run_weave("replay " + log + " --out=" + (dir / "a/b/c").string() + " --quiet",
                      dir) == 0);
    CHECK(fs::exists(dir / "a/b/c/report.json"));
    CHECK(read_file(dir / "stderr.txt").empty());
}
