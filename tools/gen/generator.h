#pragma once
// weave gen: seeded peak-day workloads (issue 3). A catalogue with classes, listings on amazon,
// shopify, ebay and woo under different policies, Zipf-skewed SKU popularity, a peak-day arrival
// curve, every movement type, publishes and acks, and channel.level observations that follow
// the truth (SPEC §3, computed here) after a random lag inside the grace window. Faults of every
// cause of SPEC §4 are injected at a chosen rate and written to a truth file; bad lines at a
// chosen rate. The same options give the same bytes.
#include <cstdint>
#include <cstdio>
#include <string>

namespace weave::gen {

struct options {
    uint64_t seed = 1;
    uint64_t skus = 1000;
    uint64_t events = 100000;
    double fault_rate = 0.0;  // faults per event
    double bad_rate = 0.0;    // bad lines per event
    std::string start = "2026-11-27T00:00:00Z";
};

struct totals {
    uint64_t lines = 0;
    uint64_t events = 0;
    uint64_t bad_lines = 0;
    uint64_t faults = 0;
};

// Writes the log to `log` and, when given, the truth (one injected fault per line) to `truth`.
// Progress (events written) through the callback when given.
totals generate(const options& options, std::FILE* log, std::FILE* truth,
                void (*progress)(uint64_t done, uint64_t total));

} // namespace weave::gen
