#pragma once
// Live mode (`weave serve`): the replay engine kept running. Batches of NDJSON lines are applied
// in the order of `apply` calls, which is the order of the write-ahead log; the same router and
// shards as replay, with persistent shard workers. After each call the shards have caught up, so
// queries see every divergence the batch caused.
//
// Threading: `parse` may run on any thread, concurrently. Everything else is called by one thread
// at a time (the caller holds its sequencer lock, the one that also orders the write-ahead log).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weave/chunk.h"
#include "weave/divergence.h"
#include "weave/reject_reason.h"

namespace weave {

struct live_options {
    unsigned shards = 2;
    parse_stage parser;
    // Keep the listings whose expected changed, for take_expected_changes (the publisher).
    bool track_expected_changes = false;
};

// A listing whose expected quantity changed: what the channel should now be told.
struct listing_change {
    std::string channel, listing, sku;
    int64_t expected = 0;
    std::optional<int64_t> observed; // what the channel last showed; none: never seen
    int64_t on_hand_total = 0;       // the SKU's on_hand over every location
    bool retired = false;
};

struct batch_reject {
    uint64_t line; // 1-based, within the batch
    reject_reason reason;
    field_name field;
};

struct batch_result {
    uint64_t lines = 0; // blank lines included
    uint64_t accepted = 0;
    uint64_t duplicates = 0;
    uint64_t rejected = 0;
    std::vector<batch_reject> rejects;
};

// A divergence record as it was produced, with its SPEC §5 line.
struct live_divergence {
    bool is_close = false;
    divergence_layer layer = divergence_layer::unexplained;
    divergence_cause cause = divergence_cause::channel_edit;
    std::string channel;
    std::string json; // one divergences.ndjson record, without the line end
};

struct live_counters {
    uint64_t lines = 0, events_read = 0, applied = 0, duplicates = 0, rejected = 0;
    uint64_t divergences_opened = 0, divergences_closed = 0;
};

class live_engine {
public:
    explicit live_engine(const live_options& options);
    // Restores the state a `snapshot()` wrote (its shard count wins over options.shards).
    // Throws std::runtime_error when the bytes are not a snapshot this weave reads.
    live_engine(const live_options& options, std::string_view snapshot);
    ~live_engine();
    live_engine(const live_engine&) = delete;
    live_engine& operator=(const live_engine&) = delete;

    // Parses a batch on the calling thread; thread-safe. The parsed chunk holds its own copy of
    // the strings, so the batch's bytes are not needed afterwards.
    void parse(std::string_view batch, parsed_chunk& out) const;
    batch_result apply(const parsed_chunk& parsed);
    batch_result apply(std::string_view batch); // parse + apply
    // Event time passed on the wall clock with no event: deadlines before `watermark_us` fire.
    void advance_clock(int64_t watermark_us);

    // Divergence records produced since the last call, in production order.
    std::vector<live_divergence> take_new_divergences();
    // The open divergences now (open records), sorted as in divergences.ndjson.
    std::vector<live_divergence> open_divergences() const;
    // How many are open, by (layer, channel), without formatting them (for metrics scrapes).
    std::map<std::pair<divergence_layer, std::string>, uint64_t> open_divergence_counts() const;

    std::string report_body() const; // report.json up to its timing object
    std::string state() const;       // state.ndjson
    // One SKU's stock, reservations, in-transit and listings as a JSON object; nullopt when the
    // SKU is not defined.
    std::optional<std::string> sku_json(std::string_view sku) const;
    live_counters counters() const;
    std::optional<int64_t> watermark_us() const;
    // Listings whose expected changed since the last call (each once, in listing-id order);
    // empty unless live_options::track_expected_changes.
    std::vector<listing_change> take_expected_changes();
    // Publish-lag samples (SPEC §4) counted into histogram buckets of upper bounds `bounds_ms`
    // (the last count is +Inf); returns the sum in milliseconds.
    double publish_lag_histogram(const std::vector<double>& bounds_ms,
                                 std::vector<uint64_t>& counts) const;
    unsigned shard_count() const;

    // The whole state as bytes for `live_engine(options, snapshot)`. append_snapshot puts them
    // after what `out` holds (a caller's header), with room for `room_after` bytes more, so a
    // large state is allocated once and never copied again.
    std::string snapshot() const;
    void append_snapshot(std::string& out, size_t room_after = 0) const;

private:
    struct impl;
    std::unique_ptr<impl> _impl;
};

} // namespace weave
