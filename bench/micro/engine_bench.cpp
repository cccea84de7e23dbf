// Micro benchmarks of the engine's stages, each alone on one thread:
//   BM_route_chunk   the serial router over parsed chunks (records delivered to a sink)
//   BM_shard_apply   a shard applying movements (receipt, order, ship) and recomputing expected
//   BM_shard_diff    a shard judging channel observations (match, mismatch, lag samples)
//   BM_queue_spsc    the Boost.Lockfree SPSC ring between router and shard, batch push/pop
//   BM_live_snapshot serialising a live engine's whole state (what `weave serve` holds its
//                    sequencer lock for), and restoring it
#include <benchmark/benchmark.h>

#include <boost/lockfree/spsc_queue.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "ndjson/event_parser.h"
#include "router.h"
#include "weave/live.h"
#include "shard.h"

namespace {

using namespace weave;

std::string make_log(int events, int skus) {
    std::string log;
    char line[256];
    for (int s = 0; s < skus; s++) {
        log.append(line, static_cast<size_t>(std::snprintf(line, sizeof line,
            "{\"id\":\"d%d\",\"ts\":\"2026-11-27T10:00:00Z\",\"type\":\"sku\",\"sku\":\"S%d\"}\n", s, s)));
        log.append(line, static_cast<size_t>(std::snprintf(line, sizeof line,
            "{\"id\":\"l%d\",\"ts\":\"2026-11-27T10:00:00Z\",\"type\":\"listing\",\"channel\":\"amazon\","
            "\"listing\":\"A%d\",\"sku\":\"S%d\"}\n", s, s, s)));
    }
    for (int i = 0; i < events; i++) {
        const int s = (i * 7919) % skus;
        const char* body = i % 3 == 0 ? "\"type\":\"receipt\",\"sku\":\"S%d\",\"loc\":\"W1\",\"qty\":5"
                         : i % 3 == 1 ? "\"type\":\"channel.level\",\"channel\":\"amazon\",\"listing\":\"A%d\",\"qty\":3"
                                      : "\"type\":\"adjust\",\"sku\":\"S%d\",\"loc\":\"W1\",\"delta\":-1,\"reason\":\"r\",\"owner\":\"o\"";
        std::string fmt = "{\"id\":\"e%d\",\"ts\":\"2026-11-27T11:00:00Z\",";
        fmt += body;
        fmt += "}\n";
        log.append(line, static_cast<size_t>(std::snprintf(line, sizeof line, fmt.c_str(), i, s)));
    }
    return log;
}

struct sink {
    std::vector<shard_record> records;
};
void deliver(void* context, unsigned, const shard_record* records, size_t count) {
    auto& s = *static_cast<sink*>(context);
    s.records.insert(s.records.end(), records, records + count);
}
void wait_processed(void*, unsigned, uint64_t) {}

parsed_chunk parse_all(const std::string& log) {
    void* parser = ndjson::make_parser_state();
    parsed_chunk chunk;
    ndjson::parse_chunk(parser, log.data(), log.size(), chunk);
    ndjson::free_parser_state(parser);
    return chunk;
}

void BM_route_chunk(benchmark::State& state) {
    const std::string log = make_log(static_cast<int>(state.range(0)), 1000);
    const parsed_chunk chunk = parse_all(log);
    size_t records = 0;
    for (auto _ : state) {
        listing_store listings;
        sink out;
        out.records.reserve(chunk.events.size() + 16);
        router route(1, listings, router_hooks{&out, deliver, wait_processed, nullptr});
        route.route(chunk);
        records = out.records.size();
        benchmark::DoNotOptimize(out.records.data());
    }
    state.counters["records"] = static_cast<double>(records);
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * chunk.events.size()));
}
BENCHMARK(BM_route_chunk)->Arg(3000)->Arg(300000)->Unit(benchmark::kMillisecond);

// The records one router makes of the log, replayed into a fresh shard per iteration.
void run_shard(benchmark::State& state, int events) {
    const std::string log = make_log(events, 1000);
    const parsed_chunk chunk = parse_all(log);
    listing_store listings;
    sink out;
    router route(1, listings, router_hooks{&out, deliver, wait_processed, nullptr});
    route.route(chunk);
    uint64_t divergences = 0;
    for (auto _ : state) {
        state.PauseTiming();
        listing_store fresh;
        for (uint32_t l = 0; l < route.listing_count(); l++) {
            fresh.ensure(l);
            fresh[l] = listings[l];
        }
        shard engine(fresh);
        state.ResumeTiming();
        for (const shard_record& record : out.records) {
            engine.process(record);
        }
        divergences = engine.divergences().size();
        benchmark::DoNotOptimize(divergences);
    }
    state.counters["divergences"] = static_cast<double>(divergences);
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * out.records.size()));
}
void BM_shard_apply_and_diff(benchmark::State& state) {
    run_shard(state, static_cast<int>(state.range(0)));
}
BENCHMARK(BM_shard_apply_and_diff)->Arg(3000)->Arg(300000)->Unit(benchmark::kMillisecond);

void BM_queue_spsc(benchmark::State& state) {
    using queue = boost::lockfree::spsc_queue<shard_record,
                                              boost::lockfree::capacity<shard_queue_depth_max>>;
    auto ring = std::make_unique<queue>();
    const auto batch = static_cast<size_t>(state.range(0));
    std::vector<shard_record> in(batch), out(batch);
    for (auto _ : state) {
        const size_t pushed = ring->push(in.data(), batch);
        const size_t popped = ring->pop(out.data(), batch);
        benchmark::DoNotOptimize(pushed + popped);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * batch * sizeof(shard_record)));
}
BENCHMARK(BM_queue_spsc)->Arg(1)->Arg(256);

live_options snapshot_engine_options() {
    live_options options;
    options.shards = 2;
    options.parser = ndjson::event_parse_stage();
    return options;
}

// A live engine holding `skus` SKUs with a listing each and three events per SKU (receipts,
// observations, adjustments: stock lines, histories and ids are all there).
std::unique_ptr<live_engine> engine_with_skus(int skus) {
    auto engine = std::make_unique<live_engine>(snapshot_engine_options());
    engine->apply(make_log(3 * skus, skus));
    return engine;
}

// The whole state serialised, as `weave serve` does under its sequencer lock.
void BM_live_snapshot(benchmark::State& state) {
    const auto engine = engine_with_skus(static_cast<int>(state.range(0)));
    std::string bytes;
    for (auto _ : state) {
        bytes = engine->snapshot();
        benchmark::DoNotOptimize(bytes.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
    state.counters["snapshot_MB"] = static_cast<double>(bytes.size()) / 1e6;
}
BENCHMARK(BM_live_snapshot)->Arg(1000)->Arg(200000)->Unit(benchmark::kMillisecond);

void BM_live_restore(benchmark::State& state) {
    const std::string bytes = engine_with_skus(static_cast<int>(state.range(0)))->snapshot();
    for (auto _ : state) {
        live_engine restored(snapshot_engine_options(), bytes);
        benchmark::DoNotOptimize(&restored);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_live_restore)->Arg(1000)->Arg(200000)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
