#pragma once
// Every bound of the engine in one place, with the relations between them asserted.
#include <cstddef>
#include <cstdint>

namespace weave {

// SPEC §2: every integer field satisfies |v| <= 1,000,000,000.
inline constexpr int64_t qty_abs_max = 1'000'000'000;
// A line longer than this is rejected `line_too_long` without being parsed (docs/spec-notes.md).
inline constexpr size_t line_bytes_max = 1u << 20;
// Raw lines in rejects.ndjson are cut to this many bytes (SPEC §5).
inline constexpr size_t reject_line_bytes_max = 1024;
// SPEC §4: the last 8 values of expected per listing.
inline constexpr size_t history_entries_max = 8;
// Rejected movements of one SKU that the classifier looks back over (newest first).
inline constexpr size_t rejected_movements_scan_max = 64;
// Input chunk cut on line boundaries for the parallel parse stage.
inline constexpr size_t chunk_bytes_target = 1u << 20;
// Tokens in flight in the parse pipeline, per thread.
inline constexpr size_t pipeline_tokens_per_thread = 4;
// Records per shard queue (SPSC ring) and per drain.
inline constexpr size_t shard_queue_depth_max = 1u << 14;
inline constexpr size_t shard_drain_batch_max = 512;
inline constexpr unsigned shards_max = 256;
inline constexpr unsigned threads_max = 256;
// Deepest JSON nesting accepted in an event line (unknown fields may nest): simdjson's own
// default; a deeper line is `malformed_json` (docs/spec-notes.md).
inline constexpr size_t json_depth_max = 1024;
// Latency samples: one enqueue->apply measurement every this many shard records.
inline constexpr uint64_t latency_sample_every = 64;

static_assert((shard_queue_depth_max & (shard_queue_depth_max - 1)) == 0, "power of two");
static_assert(shard_queue_depth_max >= shard_drain_batch_max);
static_assert(reject_line_bytes_max <= line_bytes_max);
static_assert(rejected_movements_scan_max >= 1);

} // namespace weave
