#pragma once
// The one serial stage (DESIGN.md): in log order it numbers lines, drops duplicate ids, resolves
// SKUs and listings, runs every check of SPEC §2/§6 that needs log-order state (so the shards
// never reject), keeps the watermark, applies identity and policy events, and sends each record
// to the shard that owns its SKU.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "intern_table.h"
#include "listing_state.h"
#include "policy.h"
#include "shard_record.h"
#include "weave/chunk.h"
#include "weave/divergence.h"
#include "weave/events.h"

namespace weave {

// How the router hands records to the shards: batches, never one call per event.
struct router_hooks {
    void* context = nullptr;
    void (*deliver)(void* context, unsigned shard, const shard_record* records, size_t count) =
        nullptr;
    // Returns once `shard` has processed every record up to `seq` (a listing changing shards).
    void (*wait_processed)(void* context, unsigned shard, uint64_t seq) = nullptr;
    // Returns once `shard` has processed the sync record numbered `sync_number` (live mode).
    void (*wait_synced)(void* context, unsigned shard, uint64_t sync_number) = nullptr;
    int64_t (*now_ns)() = nullptr;  // latency stamps; null: no sampling
    uint64_t sample_every = latency_sample_every;
    uint64_t pace_events_per_s = 0;  // benchmarks: hold the input to this rate
};

struct reject_entry {
    uint64_t seq;
    uint64_t line_offset;  // in the log
    uint32_t line_length;
    reject_reason reason;
    field_name field;
    uint8_t padding[2] = {};  // zeroed: snapshots hold these bytes (listing_entry below)
};

struct router_counters {
    uint64_t lines = 0;
    uint64_t blank_lines = 0;
    uint64_t events_read = 0;
    uint64_t applied = 0;
    uint64_t duplicates = 0;
    uint64_t rejected = 0;
    std::array<uint64_t, event_type_count> applied_by_type{};
};

class router {
public:
    router(unsigned shard_count, listing_store& listings, router_hooks hooks);

    void route(const parsed_chunk& chunk);
    // Replay: the whole log is `log_bytes` long, so the first chunk routed sizes the event-id
    // table for the whole log. Live mode, which cannot know, leaves it to grow.
    void expect_log_bytes(uint64_t log_bytes);
    void finish();  // sends `end` to every shard
    // Live mode. Wall-clock time passed without events: deadlines d < watermark_us fire.
    void advance_clock(int64_t watermark_us);
    // Returns once every shard has processed everything sent so far (their state may then be
    // read by this thread until the next record is sent).
    void sync();
    uint64_t lines_routed() const { return _line_base; }
    uint32_t shard_count() const { return _shard_count; }

    const router_counters& counters() const { return _counters; }
    const std::vector<reject_entry>& rejects() const { return _rejects; }
    const std::vector<divergence_record>& divergences() const { return _divergences; }
    bool has_watermark() const { return _watermark_us != INT64_MIN; }
    int64_t watermark_us() const { return _watermark_us; }

    // Names and identities for the outputs.
    const intern_table& sku_names() const { return _skus; }
    const intern_table& loc_names() const { return _locs; }
    const intern_table& channel_names() const { return _channels; }
    std::string_view listing_name(uint32_t listing) const;
    uint32_t listing_count() const { return _listings_by_key.size(); }
    uint32_t listing_sku(uint32_t listing) const { return _listing_entries[listing].sku; }
    uint32_t listing_channel(uint32_t listing) const { return _listing_entries[listing].channel; }
    bool sku_defined(uint32_t sku) const { return _sku_entries[sku].defined; }
    const std::vector<uint32_t>& shard_slot_skus(unsigned shard) const {
        return _slot_skus[shard];
    }

    // Where a defined SKU lives: false when `name` is not a defined SKU.
    bool find_sku(std::string_view name, unsigned& shard, uint32_t& slot, uint32_t& sku) const;

private:
    friend struct snapshot_access;

    struct sku_entry {
        uint32_t slot;
        uint16_t shard;
        char sku_class;
        bool defined;
    };
    // Structures written to snapshots byte for byte spell their padding out as zeroed fields,
    // so a snapshot holds no stray heap bytes and the same state always writes the same bytes
    // (snapshot.cpp asserts std::has_unique_object_representations on everything it writes).
    struct listing_entry {
        uint32_t channel;
        uint32_t sku;  // no_sku while unmapped
        bool retired;
        uint8_t padding[3] = {};
    };
    struct order_line {
        uint32_t sku;
        uint32_t loc;   // no_loc: the unassigned pool
        uint32_t slot;  // in the SKU's shard
        uint32_t padding = 0;
        int64_t open;
    };
    struct transfer {
        uint32_t sku;
        uint32_t from;
        uint32_t to;
        uint32_t slot;  // in the SKU's shard
        int64_t remaining;
    };

    void reserve_from_sample(const parsed_chunk& chunk);
    void route_event(const parsed_chunk& chunk, const parsed_event& event, uint64_t seq);
    reject_reason apply(const parsed_chunk& chunk, const parsed_event& event, uint64_t seq);
    reject_reason apply_identity(const parsed_chunk& chunk, const parsed_event& event,
                                 uint64_t seq);
    reject_reason apply_policy(const parsed_chunk& chunk, const parsed_event& event,
                               uint64_t seq);
    reject_reason apply_channel_side(const parsed_chunk& chunk, const parsed_event& event,
                                     uint64_t seq);
    reject_reason apply_movement(const parsed_chunk& chunk, const parsed_event& event,
                                 uint64_t seq, uint32_t sku);
    reject_reason check_movement(const parsed_chunk& chunk, const parsed_event& event,
                                 uint32_t sku, shard_record& record);
    reject_reason resolve_sku(const parsed_chunk& chunk, const parsed_event& event,
                              uint32_t& sku);
    void remember_rejected(const parsed_chunk& chunk, const parsed_event& event, uint64_t seq,
                           reject_reason reason);
    void reject(const parsed_chunk& chunk, const parsed_event& event, uint64_t seq,
                reject_reason reason, field_name field);

    uint32_t intern_sku(std::string_view name);
    uint32_t find_listing(const parsed_chunk& chunk, const parsed_event& event) const;
    uint32_t intern_listing(const parsed_chunk& chunk, const parsed_event& event);
    uint32_t returns_key(uint32_t sku, uint32_t loc);
    void attach_listing(uint32_t listing, uint32_t sku, const parsed_event& event, uint64_t seq);
    void observe_unmapped(uint32_t listing, const parsed_event& event, uint64_t seq);
    void broadcast(shard_record record);

    shard_record make_record(shard_op op, const parsed_event& event, uint64_t seq) const;
    static constexpr int64_t sample_pending = -1;  // enqueue_ns of a sampled, unstamped record
    void send(unsigned shard, shard_record record);
    void flush(unsigned shard);
    void pace();
    unsigned shard_of(uint32_t sku) const { return _sku_entries[sku].shard; }

    unsigned _shard_count;
    listing_store& _listings;
    router_hooks _hooks;
    std::vector<std::vector<shard_record>> _staged;  // per shard
    uint64_t _records_sent = 0;
    int64_t _pace_start_ns = 0;
    uint64_t _paced_events = 0;

    intern_table _ids, _skus, _locs, _channels, _listings_by_key, _orders, _transfers;
    intern_table _returns_keys;
    std::vector<sku_entry> _sku_entries;
    std::vector<listing_entry> _listing_entries;
    std::vector<order_line> _order_lines;
    std::vector<transfer> _transfer_entries;
    std::vector<int64_t> _returns_pending;
    std::vector<uint32_t> _shard_slot_count;
    std::vector<uint32_t> _shard_line_count;      // order lines per shard
    std::vector<uint32_t> _shard_transfer_count;  // transfers per shard
    std::vector<std::vector<uint32_t>> _slot_skus;  // per shard: slot -> global SKU id
    // Every channel policy made (one per policy.channel event), alive until the run ends.
    std::vector<std::unique_ptr<channel_policy>> _channel_policies;

    // The order line or transfer the last check_movement of a cancel, ship or transfer.in found,
    // so that committing it needs no second lookup.
    uint32_t _checked_line = no_id;
    int64_t _watermark_us = INT64_MIN;
    uint64_t _last_applied_seq = 0;
    uint64_t _line_base = 0;
    uint64_t _log_bytes_expected = 0;
    uint64_t _syncs = 0;
    router_counters _counters;
    std::vector<reject_entry> _rejects;
    std::vector<divergence_record> _divergences;  // unmapped-listing opens
};

} // namespace weave
