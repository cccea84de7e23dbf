// Shard queues and their workers (see shard_lanes.h).
#include "shard_lanes.h"

#include <chrono>
#include <thread>

namespace weave {
namespace {

// Waiting that stays polite on a shared 2-core machine: spin briefly, then yield, then sleep.
class backoff {
public:
    explicit backoff(bool never_sleep = false) : _never_sleep(never_sleep) {}
    void pause() {
        if (_rounds < 64) {
            _rounds++;
        } else if (_rounds < 256 || _never_sleep) {
            _rounds++;
            std::this_thread::yield();
        } else {
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
    }
    void reset() { _rounds = 0; }

private:
    unsigned _rounds = 0;
    bool _never_sleep;
};

} // namespace

void deliver(void* context, unsigned shard, const shard_record* records, size_t count) {
    auto& lane = *static_cast<lanes*>(context)->all[shard];
    backoff wait;
    while (count > 0) {
        const size_t pushed = lane.queue.push(records, count);
        records += pushed;
        count -= pushed;
        if (pushed == 0) {
            wait.pause(); // a full queue is back-pressure: the router waits for its shard
        } else {
            wait.reset();
        }
    }
}

void wait_processed(void* context, unsigned shard, uint64_t seq) {
    auto& lane = *static_cast<lanes*>(context)->all[shard];
    backoff wait;
    // acquire: pairs with the worker's release store, so its writes to listing state are seen.
    while (lane.processed_seq.load(std::memory_order_acquire) < seq) {
        wait.pause();
    }
}

void wait_synced(void* context, unsigned shard, uint64_t sync_number) {
    auto& lane = *static_cast<lanes*>(context)->all[shard];
    backoff wait;
    // acquire: pairs with the worker's release store at the sync record.
    while (lane.synced.load(std::memory_order_acquire) < sync_number) {
        wait.pause();
    }
}

void run_worker(lanes& shards, unsigned worker, unsigned workers) {
    std::vector<shard_record> batch(shard_drain_batch_max);
    std::vector<shard_lane*> mine;
    for (size_t s = worker; s < shards.all.size(); s += workers) {
        mine.push_back(shards.all[s].get());
    }
    size_t running = mine.size();
    backoff idle(shards.busy_poll);
    while (running > 0) {
        bool worked = false;
        for (shard_lane* lane : mine) {
            if (lane->done) {
                continue;
            }
            const size_t count = lane->queue.pop(batch.data(), batch.size());
            for (size_t i = 0; i < count; i++) {
                const shard_record& record = batch[i];
                const size_t divergences_before = lane->engine.divergences().size();
                lane->engine.process(record);
                if (carries_latency_stamp(record.op) && record.enqueue_ns > 0 &&
                    shards.now_ns != nullptr) {
                    const int64_t elapsed = shards.now_ns() - record.enqueue_ns;
                    const uint64_t ns = elapsed > 0 ? static_cast<uint64_t>(elapsed) : 0;
                    lane->engine.latency().record(ns);
                    if (lane->engine.divergences().size() > divergences_before) {
                        lane->engine.detection_latency().record(ns);
                    }
                }
                if (record.op == shard_op::sync) {
                    // release: everything before the sync record is applied and visible.
                    lane->synced.store(static_cast<uint64_t>(record.qty),
                                       std::memory_order_release);
                }
                if (record.op == shard_op::end) {
                    lane->done = true;
                    running--;
                }
            }
            if (count > 0) {
                worked = true;
                // release: publishes this batch's writes (listing state) to a waiting router.
                lane->processed_seq.store(batch[count - 1].seq, std::memory_order_release);
            }
        }
        if (worked) {
            idle.reset();
        } else {
            idle.pause();
        }
    }
}

} // namespace weave
