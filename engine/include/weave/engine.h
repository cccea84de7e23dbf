#pragma once
// The engine's public entry point: a whole log in, the four outputs of SPEC §5 out.
// The engine does no I/O of its own: the caller maps the log and writes the files.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "weave/chunk.h"

namespace weave {

struct replay_options {
    unsigned threads = 0;  // parse concurrency and shard workers; 0: the hardware's
    unsigned shards = 0;   // 0: as many as threads
    parse_stage parser;
    int64_t (*now_ns)() = nullptr;  // the clock, for timing only; never decides an output
    // Called from the serial stage after each chunk (bytes done, events read so far).
    void (*progress)(void* context, uint64_t bytes_done, uint64_t events_read) = nullptr;
    void* progress_context = nullptr;
    // Benchmarks: stamp one shard record in this many for latency (1: every record), and pace
    // the router to this many events per second (0: as fast as it goes).
    uint64_t latency_sample_every = 64;
    uint64_t pace_events_per_s = 0;
    // Latency runs: idle shard workers keep polling (yield) instead of sleeping.
    bool busy_poll = false;
    // Latency runs: parse the whole log first, then route it, so that the parse threads do not
    // compete with the router and the polling workers for the cores while events are timed.
    bool parse_ahead = false;
};

// Nanosecond latencies from a fixed-memory histogram (about 6% bucket resolution).
struct latency_summary {
    uint64_t samples = 0;
    std::optional<uint64_t> p50, p99, p999, max;
};

struct replay_timing {
    double wall_s = 0;
    uint64_t events_read = 0;
    uint64_t applied = 0;
    uint64_t rejected = 0;
    std::optional<uint64_t> latency_ns_p50;
    std::optional<uint64_t> latency_ns_p99;
    latency_summary processing;  // record enqueued -> applied by its shard
    latency_summary detection;   // record enqueued -> the divergence record it caused written
};

struct replay_outputs {
    std::string divergences;
    std::string state;
    std::string rejects;
    std::string report_body;  // report.json up to, not including, `,"timing":`
    replay_timing timing;
};

replay_outputs replay(std::string_view log, const replay_options& options);

// report.json in full: the body, then the timing object, then the closing brace and newline.
std::string report_json(const replay_outputs& outputs);

} // namespace weave
