#pragma once
// The shard side of the engine, shared by replay and live mode: one SPSC queue per shard filled
// by the router, worker threads that drain them (one writer per shard), and the router's hooks
// that push into the queues and wait for a shard's progress.
#include <atomic>
#include <boost/lockfree/spsc_queue.hpp>
#include <memory>
#include <vector>

#include "router.h"
#include "shard.h"
#include "weave/limits.h"

namespace weave {

using shard_queue =
    boost::lockfree::spsc_queue<shard_record, boost::lockfree::capacity<shard_queue_depth_max>>;

// Everything one shard needs, with the queue indices and the progress counter on their own
// cache lines (the router writes one side, the worker the other).
struct alignas(64) shard_lane {
    explicit shard_lane(listing_store& listings) : engine(listings) {}
    shard_queue queue;
    alignas(64) std::atomic<uint64_t> processed_seq{0};
    std::atomic<uint64_t> synced{0}; // the last sync record's number (live mode)
    alignas(64) shard engine;
    bool done = false;
};

struct lanes {
    std::vector<std::unique_ptr<shard_lane>> all;
    int64_t (*now_ns)() = nullptr;
    bool busy_poll = false;
};

// router_hooks functions; `context` is a `lanes*`.
void deliver(void* context, unsigned shard, const shard_record* records, size_t count);
void wait_processed(void* context, unsigned shard, uint64_t seq);
void wait_synced(void* context, unsigned shard, uint64_t sync_number);

// Drains the lanes worker, worker + workers, ... until each has processed its `end` record.
void run_worker(lanes& shards, unsigned worker, unsigned workers);

} // namespace weave
