// BM_parse_chunk: the parse stage alone on one thread. BM_replay: the whole engine in process
// (parse, route, shards, merge, format) on a log generated in memory. Both report items/s
// (events) and bytes/s.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>

#include "ndjson/event_parser.h"
#include "weave/engine.h"

namespace {

// A compact in-memory workload: receipts, orders, ships and channel levels over `skus` SKUs.
std::string make_log(int events, int skus) {
    std::mt19937_64 rng(42);
    std::string log;
    char line[256];
    int n = 0;
    auto emit = [&](const char* fmt, auto... args) {
        const int len = std::snprintf(line, sizeof line, fmt, args...);
        log.append(line, static_cast<size_t>(len));
    };
    for (int s = 0; s < skus; s++) {
        emit("{\"id\":\"e%d\",\"ts\":\"2026-11-27T10:00:00Z\",\"type\":\"sku\",\"sku\":\"S%d\"}\n",
             ++n, s);
        emit("{\"id\":\"e%d\",\"ts\":\"2026-11-27T10:00:00Z\",\"type\":\"listing\","
             "\"channel\":\"amazon\",\"listing\":\"A%d\",\"sku\":\"S%d\"}\n", ++n, s, s);
    }
    for (int i = 0; i < events; i++) {
        const int s = static_cast<int>(rng() % static_cast<uint64_t>(skus));
        const int sec = 1 + i / 1000;
        switch (rng() % 4) {
        case 0:
            emit("{\"id\":\"e%d\",\"ts\":\"2026-11-27T11:%02d:%02d.%06dZ\",\"type\":\"receipt\","
                 "\"sku\":\"S%d\",\"loc\":\"W1\",\"qty\":5}\n",
                 ++n, sec / 60 % 60, sec % 60, i % 1000000, s);
            break;
        case 1:
            emit("{\"id\":\"e%d\",\"ts\":\"2026-11-27T11:%02d:%02d.%06dZ\",\"type\":\"order\","
                 "\"order\":\"o%d\",\"sku\":\"S%d\",\"channel\":\"amazon\",\"qty\":1,"
                 "\"loc\":\"W1\"}\n",
                 ++n, sec / 60 % 60, sec % 60, i % 1000000, i, s);
            break;
        default:
            emit("{\"id\":\"e%d\",\"ts\":\"2026-11-27T11:%02d:%02d.%06dZ\",\"type\":\"channel.level\","
                 "\"channel\":\"amazon\",\"listing\":\"A%d\",\"qty\":%d}\n",
                 ++n, sec / 60 % 60, sec % 60, i % 1000000, s, static_cast<int>(rng() % 20));
            break;
        }
    }
    return log;
}

void BM_parse_chunk(benchmark::State& state) {
    const std::string log = make_log(static_cast<int>(state.range(0)), 1000);
    void* parser = weave::ndjson::make_parser_state();
    weave::parsed_chunk chunk;
    for (auto _ : state) {
        weave::ndjson::parse_chunk(parser, log.data(), log.size(), chunk);
        benchmark::DoNotOptimize(chunk.events.data());
    }
    weave::ndjson::free_parser_state(parser);
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                            static_cast<int64_t>(chunk.events.size()));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * log.size()));
}
BENCHMARK(BM_parse_chunk)->Arg(2000)->Arg(200000);

void BM_replay(benchmark::State& state) {
    const std::string log = make_log(static_cast<int>(state.range(0)), 1000);
    weave::replay_options options;
    options.threads = 2;
    options.parser = weave::ndjson::event_parse_stage();
    size_t checksum = 0;
    for (auto _ : state) {
        const weave::replay_outputs outputs = weave::replay(log, options);
        checksum = outputs.divergences.size() + outputs.state.size();
        benchmark::DoNotOptimize(checksum);
    }
    state.counters["output_bytes"] = static_cast<double>(checksum);
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * log.size()));
}
BENCHMARK(BM_replay)->Arg(2000)->Arg(1000000)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
