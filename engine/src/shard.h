#pragma once
// One shard: the single writer of the ledger of the SKUs routed to it and of the listings mapped
// to them. It applies records in log order, recomputes expected for the touched SKU's listings,
// diffs against observed, fires grace deadlines from the watermark and appends divergence records
// to its own buffer. No locks: everything here is touched by the shard's worker only.
#include <cstdint>
#include <queue>
#include <vector>

#include "latency_histogram.h"
#include "listing_state.h"
#include "policy.h"
#include "shard_record.h"
#include "weave/divergence.h"

namespace weave {

struct stock_slot {
    int64_t on_hand = 0;
    int64_t reserved = 0;
    int64_t returns_pending = 0;
    int64_t inbound = 0;  // units in transit towards this location
    uint32_t loc = no_loc;
    uint32_t next = no_slot;  // next stock slot of the same SKU
    bool listed = false;      // an applied movement read or wrote it (SPEC §5 state)
    uint8_t padding[7] = {};  // zeroed: snapshots hold these bytes as they are
};

struct sku_state {
    int64_t unassigned = 0;
    int64_t in_transit = 0;
    int64_t own_buffer = -1;  // -1: the class buffer applies
    uint32_t sku = no_sku;
    uint32_t first_stock = no_slot;
    uint32_t first_listing = UINT32_MAX;
    uint32_t newest_rejected = UINT32_MAX;  // index into the shard's rejected movements
    char sku_class = 'C';
    uint8_t padding[7] = {};  // zeroed: snapshots hold these bytes as they are
};

// SPEC §4's "computed with": each flag changes one input of the formula of §3.
struct expected_variant {
    bool inbound_counted = false;
    bool returns_counted = false;
    bool buffer_zero = false;
    bool no_reservations = false;
    bool all_locations = false;
    bool share_full = false;
    const shard_record* rejected = nullptr;  // a rejected movement applied on top
};

struct shard_counters {
    uint64_t oversell_incidents = 0;
    uint64_t negative_on_hand_incidents = 0;
    uint64_t cycle_counts = 0;
    uint64_t counts_with_variance = 0;
    uint64_t records = 0;
};

class shard {
public:
    explicit shard(listing_store& listings);

    void process(const shard_record& record);

    const std::vector<divergence_record>& divergences() const { return _divergences; }
    const std::vector<int64_t>& lag_samples_us() const { return _lag_samples_us; }
    const shard_counters& counters() const { return _counters; }
    const std::vector<sku_state>& skus() const { return _skus; }
    const std::vector<stock_slot>& stock() const { return _stock; }
    latency_histogram& latency() { return _latency; }
    // Live mode's publisher: listings whose expected changed since the last take (off in replay,
    // where nothing would take them).
    void track_expected_changes(bool on) { _track_changes = on; }
    std::vector<uint32_t> take_expected_changes() {
        std::vector<uint32_t> out;
        out.swap(_expected_changed);
        return out;
    }
    latency_histogram& detection_latency() { return _detection_latency; }

private:
    friend struct snapshot_access;

    struct deadline {
        int64_t due_us;
        uint64_t armed_seq;  // the record that scheduled it
        uint32_t listing;
        uint32_t generation;
        bool operator>(const deadline& other) const {
            return due_us != other.due_us ? due_us > other.due_us : listing > other.listing;
        }
    };

    // ledger (availability.cpp)
    sku_state& sku_at(uint32_t slot);
    stock_slot& stock_at(sku_state& sku, uint32_t loc);
    void apply_movement(const shard_record& record);
    void add_on_hand(stock_slot& slot, int64_t delta);
    void release(sku_state& sku, uint32_t loc, int64_t qty);
    void close_line(uint32_t line, int64_t qty);
    int64_t expected_for(const sku_state& sku, uint32_t channel,
                         const expected_variant& variant = {}) const;
    bool rejected_pool_delta(const shard_record& rejected, const channel_policy& policy,
                             const sku_state& sku, int64_t& delta) const;

    // divergence (shard.cpp)
    void fire_deadlines(int64_t watermark_us, uint64_t armed_before);
    void refresh_sku(sku_state& sku, const shard_record& record);
    void refresh_all(const shard_record& record);
    void update_listing(uint32_t listing, int64_t expected, const shard_record& record);
    void observe(uint32_t listing, int64_t qty, const shard_record& record);
    void judge(uint32_t listing, bool was_mismatched, const shard_record& record,
               bool observation);
    void attach(const shard_record& record);
    void detach(uint32_t listing);
    void schedule_deadline(uint32_t listing);
    void rebuild_deadlines();
    void note_expected_changed(uint32_t listing) {
        if (_track_changes) _expected_changed.push_back(listing);
    }
    void open(uint32_t listing, int64_t ts_us, uint64_t seq);
    void close(uint32_t listing, int64_t ts_us, uint64_t seq);
    void emit(const listing_state& state, uint32_t listing, int64_t ts_us, uint64_t seq,
              bool is_close);

    // classification (classifier.cpp)
    divergence_cause classify(uint32_t listing, int64_t t_us) const;
    bool rejected_movement_explains(const sku_state& sku, const listing_state& state,
                                    int64_t t_us) const;

    listing_store& _listings;
    policy_state _policy;
    std::vector<sku_state> _skus;
    std::vector<stock_slot> _stock;
    std::vector<int64_t> _line_open;               // by order-line slot: units still open
    std::vector<int64_t> _transfer_remaining;      // by transfer slot: units not arrived
    std::vector<shard_record> _rejected;           // remembered rejected movements
    std::vector<uint32_t> _rejected_previous;      // per entry: the SKU's previous one
    std::priority_queue<deadline, std::vector<deadline>, std::greater<>> _deadlines;
    std::vector<divergence_record> _divergences;
    std::vector<int64_t> _lag_samples_us;
    shard_counters _counters;
    latency_histogram _latency;
    latency_histogram _detection_latency;
    std::vector<deadline> _deferred;  // due, but armed too late to fire at this record
    std::vector<uint32_t> _expected_changed;
    bool _track_changes = false;
    uint64_t _produced_seq = 0;
    uint32_t _produced_index = 0;
};

} // namespace weave
