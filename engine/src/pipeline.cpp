// The replay pipeline of DESIGN.md: chunker -> parallel parse (oneTBB) -> serial router ->
// per-shard SPSC queues (Boost.Lockfree) -> one worker thread per group of shards -> merge.
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "report.h"
#include "shard_lanes.h"
#include "router.h"
#include "shard.h"
#include "weave/engine.h"

namespace weave {

replay_outputs replay(std::string_view log, const replay_options& options) {
    WEAVE_ASSERT(options.parser.parse != nullptr);
    const int64_t started_ns = options.now_ns ? options.now_ns() : 0;
    unsigned threads = options.threads != 0 ? options.threads
                                            : std::max(1u, std::thread::hardware_concurrency());
    threads = std::min(threads, threads_max);
    const unsigned shard_count = std::min(options.shards != 0 ? options.shards : threads,
                                          shards_max);

    listing_store listings;
    lanes shards;
    shards.now_ns = options.now_ns;
    shards.busy_poll = options.busy_poll;
    router_hooks hooks{&shards, deliver, wait_processed, wait_synced, options.now_ns,
                       std::max<uint64_t>(1, options.latency_sample_every),
                       options.now_ns ? options.pace_events_per_s : 0};
    router route(shard_count, listings, hooks);
    route.expect_log_bytes(log.size());
    for (unsigned s = 0; s < shard_count; s++) {
        shards.all.push_back(std::make_unique<shard_lane>(listings));
    }
    // Shard workers take about a third of the work (perf, bench/README.md): half the threads
    // go to them, the parse stage and the router share the rest.
    const unsigned workers = std::max(1u, std::min(shard_count, threads / 2));
    std::vector<std::thread> worker_threads;
    auto start_workers = [&] {
        for (unsigned w = 0; w < workers; w++) {
            worker_threads.emplace_back(run_worker, std::ref(shards), w, workers);
        }
    };
    if (!options.parse_ahead) {
        start_workers();
    }

    // Allow as many TBB threads as asked for, even beyond the cores (tests run --threads 4 on 2).
    tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, threads);
    tbb::task_arena arena(static_cast<int>(threads));
    // oneTBB orders the stages, but Debian's libtbb is not built with ThreadSanitizer, so the
    // hand-offs between stages are also made with acquire/release atomics of our own: the
    // happens-before they state is the one TBB provides anyway, and now TSan sees it too.
    struct pipeline_chunk {
        parsed_chunk chunk;
        std::atomic<uint32_t> stage{0};
    };
    struct parser_slot {
        void* state = nullptr;
        std::atomic<uint64_t> uses{0};
    };
    tbb::enumerable_thread_specific<parser_slot> parser_states(
        [&] { return parser_slot{options.parser.make_state(), {}}; });
    std::atomic<uint64_t> input_turns{0}, route_turns{0};
    // Chunks are recycled: their buffers (~2 MiB each) keep their capacity and their pages, where
    // a new allocation per chunk cost a page fault per 4 KiB touched (10% of a replay, perf).
    std::mutex pool_mutex;
    std::vector<std::unique_ptr<pipeline_chunk>> chunk_pool;
    auto take_chunk = [&]() -> pipeline_chunk* {
        const std::lock_guard<std::mutex> lock(pool_mutex);
        if (chunk_pool.empty()) {
            return new pipeline_chunk();
        }
        pipeline_chunk* item = chunk_pool.back().release();
        chunk_pool.pop_back();
        return item;
    };
    auto give_back = [&](pipeline_chunk* item) {
        const std::lock_guard<std::mutex> lock(pool_mutex);
        chunk_pool.emplace_back(item);
    };
    size_t position = 0;
    if (options.parse_ahead) {
        std::vector<std::unique_ptr<parsed_chunk>> parsed;
        while (true) {
            const chunk_span span = options.parser.cut(log, position);
            if (span.begin >= span.end) {
                break;
            }
            auto chunk = std::make_unique<parsed_chunk>();
            chunk->file_offset = span.begin;
            chunk->byte_count = span.end - span.begin;
            chunk->chunk_end = span.end;
            position = span.end;
            parsed.push_back(std::move(chunk));
        }
        arena.execute([&] {
            tbb::parallel_for(size_t{0}, parsed.size(), [&](size_t i) {
                parser_slot& parser = parser_states.local();
                parsed_chunk& chunk = *parsed[i];
                options.parser.parse(parser.state, log.data() + chunk.file_offset,
                                     chunk.byte_count, chunk);
            });
        });
        start_workers();
        for (const auto& chunk : parsed) {
            route.route(*chunk);
        }
    }
    arena.execute([&] {
        if (options.parse_ahead) {
            return;
        }
        tbb::parallel_pipeline(
            threads * pipeline_tokens_per_thread,
            tbb::make_filter<void, pipeline_chunk*>(
                tbb::filter_mode::serial_in_order,
                [&](tbb::flow_control& control) -> pipeline_chunk* {
                    input_turns.load(std::memory_order_acquire);
                    const chunk_span span = options.parser.cut(log, position);
                    if (span.begin >= span.end) {
                        control.stop();
                        return nullptr;
                    }
                    WEAVE_ASSERT(span.begin >= position && span.end <= log.size());
                    pipeline_chunk* item = take_chunk();
                    item->chunk.file_offset = span.begin;
                    item->chunk.byte_count = span.end - span.begin;
                    item->chunk.chunk_end = span.end;
                    position = span.end;
                    item->stage.store(1, std::memory_order_release);
                    input_turns.fetch_add(1, std::memory_order_release);
                    return item;
                }) &
                tbb::make_filter<pipeline_chunk*, pipeline_chunk*>(
                    tbb::filter_mode::parallel,
                    [&](pipeline_chunk* item) {
                        WEAVE_ASSERT(item->stage.load(std::memory_order_acquire) == 1);
                        parser_slot& parser = parser_states.local();
                        parser.uses.load(std::memory_order_acquire);
                        parsed_chunk& chunk = item->chunk;
                        options.parser.parse(parser.state, log.data() + chunk.file_offset,
                                             chunk.byte_count, chunk);
                        parser.uses.fetch_add(1, std::memory_order_release);
                        item->stage.store(2, std::memory_order_release);
                        return item;
                    }) &
                tbb::make_filter<pipeline_chunk*, void>(
                    tbb::filter_mode::serial_in_order, [&](pipeline_chunk* item) {
                        WEAVE_ASSERT(item->stage.load(std::memory_order_acquire) == 2);
                        route_turns.load(std::memory_order_acquire);
                        route.route(item->chunk);
                        if (options.progress) {
                            options.progress(options.progress_context, item->chunk.chunk_end,
                                             route.counters().events_read);
                        }
                        give_back(item);
                        route_turns.fetch_add(1, std::memory_order_release);
                    }));
    });
    route_turns.load(std::memory_order_acquire);
    route.finish();
    for (auto& thread : worker_threads) {
        thread.join();
    }
    for (parser_slot& parser : parser_states) {
        parser.uses.load(std::memory_order_acquire);
        options.parser.free_state(parser.state);
    }

    std::vector<const shard*> engines;
    latency_histogram latency, detection;
    for (auto& lane : shards.all) {
        engines.push_back(&lane->engine);
        latency.merge(lane->engine.latency());
        detection.merge(lane->engine.detection_latency());
    }
    replay_outputs outputs = format_outputs(log, route, engines, listings);
    const int64_t finished_ns = options.now_ns ? options.now_ns() : 0;
    outputs.timing.wall_s = static_cast<double>(finished_ns - started_ns) / 1e9;
    outputs.timing.events_read = route.counters().events_read;
    outputs.timing.applied = route.counters().applied;
    outputs.timing.rejected = route.counters().rejected;
    outputs.timing.latency_ns_p50 = latency.percentile(50);
    outputs.timing.latency_ns_p99 = latency.percentile(99);
    auto summarize = [](const latency_histogram& histogram) {
        return latency_summary{histogram.total(), histogram.percentile(50),
                               histogram.percentile(99), histogram.percentile(99.9),
                               histogram.percentile(100)};
    };
    outputs.timing.processing = summarize(latency);
    outputs.timing.detection = summarize(detection);
    return outputs;
}

} // namespace weave
