// Bad input never crashes the engine: mutated logs (flipped, cut, spliced and random bytes) go
// through the parser and the whole engine; every line is accounted for. Under ASan/UBSan in CI.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "ndjson/event_parser.h"
#include "test_support.h"
#include "weave/engine.h"

using namespace weave;

namespace {

std::string mutate(const std::string& log, std::mt19937_64& rng) {
    std::string out = log;
    const size_t edits = 1 + rng() % 64;
    for (size_t i = 0; i < edits && !out.empty(); i++) {
        const size_t at = rng() % out.size();
        switch (rng() % 6) {
        case 0: out[at] = static_cast<char>(rng()); break;                    // any byte
        case 1: out.erase(at, rng() % 40); break;                             // cut
        case 2: out.insert(at, out.substr(rng() % out.size(), rng() % 80)); break;  // splice
        case 3: out.insert(at, 1, "{}[]\",:\\\n\r\t0-eE.\xC3\xFF"[rng() % 19]); break;
        case 4: out[at] = static_cast<char>(out[at] ^ (1 << (rng() % 8))); break;  // bit flip
        default: out.insert(at, std::string(rng() % 5, '\n')); break;
        }
    }
    return out;
}

uint64_t count_lines(const std::string& log) {
    uint64_t lines = 0;
    for (const char c : log) lines += c == '\n';
    return lines + (!log.empty() && log.back() != '\n' ? 1 : 0);
}

uint64_t field(const std::string& report, const std::string& name) {
    const auto at = report.find("\"" + name + "\":");
    REQUIRE(at != std::string::npos);
    return std::stoull(report.substr(at + name.size() + 3));
}

} // namespace

TEST_CASE("mutated logs never crash the engine and every line is accounted for") {
    const std::string sample = weave_test::read_file(std::string(WEAVE_SOURCE_DIR) +
                                                     "/data/sample/12_ledger_and_policy_causes.ndjson") +
                               weave_test::read_file(std::string(WEAVE_SOURCE_DIR) +
                                                     "/data/sample/01_watermark_edge.ndjson");
    REQUIRE(!sample.empty());
    const uint64_t seeds = std::getenv("WEAVE_FUZZ_SEEDS") ? std::stoull(std::getenv("WEAVE_FUZZ_SEEDS"))
                                                          : 300;
    for (uint64_t seed = 1; seed <= seeds; seed++) {
        std::mt19937_64 rng(seed);
        const std::string log = mutate(sample, rng);
        replay_options options;
        options.threads = 1 + static_cast<unsigned>(seed % 3);
        options.shards = 1 + static_cast<unsigned>(seed % 4);
        options.parser = ndjson::event_parse_stage();
        const replay_outputs outputs = replay(log, options);
        const std::string& report = outputs.report_body;
        INFO("seed " << seed);
        CHECK(field(report, "lines") == count_lines(log));
        CHECK(field(report, "events_read") + field(report, "blank_lines") == field(report, "lines"));
        CHECK(field(report, "applied") + field(report, "rejected") + field(report, "duplicates") ==
              field(report, "events_read"));
    }
}

TEST_CASE("random bytes parse into events or rejects, never a crash") {
    void* parser = ndjson::make_parser_state();
    parsed_chunk chunk;
    std::mt19937_64 rng(7);
    for (int round = 0; round < 2000; round++) {
        std::string bytes(rng() % 300, '\0');
        for (char& c : bytes) c = static_cast<char>(rng() % 4 == 0 ? '\n' : rng());
        ndjson::parse_chunk(parser, bytes.data(), bytes.size(), chunk);
        CHECK(chunk.events.size() + chunk.blank_lines == chunk.line_count);
    }
    ndjson::free_parser_state(parser);
}
