// weave bench: the macro benchmark. For each catalogue size it generates a peak-day log in memory
// (weave gen), replays it flat out (events/s, processing latency), then again held to a
// sustained rate with every record timed (detection latency: a record entering its shard queue
// -> the divergence record it caused written). Medians over --runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "commands.h"
#include "gen/generator.h"
#include "ndjson/event_parser.h"
#include "wbin/wbin.h"
#include "weave/engine.h"

namespace weave::tools {
namespace {

constexpr const char* bench_usage =
    "usage: weave bench [--skus N,N,...] [--events M] [--rate R] [--threads T] [--shards S]\n"
    "                   [--runs K] [--seed S] [--format ndjson|wbin]\n"
    "\n"
    "For each catalogue size: generates a log of M events (weave gen, faults at 0.001), replays\n"
    "it K times flat out and reports the median events/s and processing latency (enqueued ->\n"
    "applied, 1 record in 64), then once held to R events/s with every record timed, and reports\n"
    "detection latency (enqueued -> divergence written) p50/p99/p99.9/max.\n"
    "\n"
    "defaults: --skus 10000,1000000 --events 1000000 --rate 1000000 --runs 3 --format ndjson\n";

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string generate_in_memory(const gen::options& options) {
    char* buffer = nullptr;
    size_t size = 0;
    std::FILE* memory = open_memstream(&buffer, &size);
    gen::generate(options, memory, nullptr, nullptr);
    std::fclose(memory);
    std::string log(buffer, size);
    std::free(buffer);
    return log;
}

std::string ns(const std::optional<uint64_t>& value) {
    return value ? std::to_string(*value) : "-";
}

bool parse_list(std::string_view text, std::vector<uint64_t>& out) {
    out.clear();
    size_t start = 0;
    while (start <= text.size()) {
        const size_t comma = std::min(text.find(',', start), text.size());
        const std::string item(text.substr(start, comma - start));
        if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos) {
            return false;
        }
        out.push_back(std::stoull(item));
        start = comma + 1;
    }
    return !out.empty();
}

} // namespace

int bench_command(int argc, char** argv) {
    std::vector<uint64_t> sku_counts = {10'000, 1'000'000};
    std::vector<uint64_t> value;
    uint64_t events = 1'000'000, rate = 1'000'000, runs = 3, seed = 1;
    unsigned threads = 0, shards = 0;
    bool binary = false;
    for (int i = 0; i < argc; i++) {
        const std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(bench_usage, stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            std::fprintf(stderr, "weave bench: incomplete option '%s'\n\n%s", argv[i], bench_usage);
            return 2;
        }
        const std::string_view text = argv[++i];
        if (arg == "--format" && (text == "ndjson" || text == "wbin")) {
            binary = text == "wbin";
            continue;
        }
        if (!parse_list(text, value) || (arg != "--skus" && value.size() != 1) || value[0] == 0) {
            std::fprintf(stderr, "weave bench: bad value for %s: '%s'\n\n%s", argv[i - 1], argv[i],
                         bench_usage);
            return 2;
        }
        if (arg == "--skus")
            sku_counts = value;
        else if (arg == "--events")
            events = value[0];
        else if (arg == "--rate")
            rate = value[0];
        else if (arg == "--runs")
            runs = value[0];
        else if (arg == "--seed")
            seed = value[0];
        else if (arg == "--threads")
            threads = static_cast<unsigned>(std::min<uint64_t>(value[0], 256));
        else if (arg == "--shards")
            shards = static_cast<unsigned>(std::min<uint64_t>(value[0], 256));
        else {
            std::fprintf(stderr, "weave bench: unknown option '%s'\n\n%s", argv[i - 1],
                         bench_usage);
            return 2;
        }
    }
    std::printf("%-10s %-8s %10s %12s %10s %10s | %10s %10s %10s %10s %8s\n", "skus", "format",
                "events", "events/s", "proc_p50", "proc_p99", "det_p50", "det_p99", "det_p99.9",
                "det_max", "det_n");
    for (const uint64_t skus : sku_counts) {
        gen::options options;
        options.seed = seed;
        options.skus = skus;
        options.events = events;
        options.fault_rate = 0.001;
        std::string log = generate_in_memory(options);
        if (binary) log = wbin::convert(log, nullptr);
        replay_options replay_with;
        replay_with.threads = threads;
        replay_with.shards = shards;
        replay_with.parser = binary ? wbin::wbin_parse_stage() : ndjson::event_parse_stage();
        replay_with.now_ns = now_ns;
        std::vector<double> rates;
        replay_timing flat;
        for (uint64_t r = 0; r < runs; r++) {
            flat = replay(log, replay_with).timing;
            rates.push_back(static_cast<double>(flat.events_read) / flat.wall_s);
        }
        std::sort(rates.begin(), rates.end());
        replay_with.pace_events_per_s = rate;
        replay_with.latency_sample_every = 1;
        replay_with.busy_poll = true;
        replay_with.parse_ahead = true;
        const replay_timing paced = replay(log, replay_with).timing;
        std::printf("%-10llu %-8s %10llu %12.0f %10s %10s | %10s %10s %10s %10s %8llu\n",
                    static_cast<unsigned long long>(skus), binary ? "wbin" : "ndjson",
                    static_cast<unsigned long long>(flat.events_read), rates[rates.size() / 2],
                    ns(flat.processing.p50).c_str(), ns(flat.processing.p99).c_str(),
                    ns(paced.detection.p50).c_str(), ns(paced.detection.p99).c_str(),
                    ns(paced.detection.p999).c_str(), ns(paced.detection.max).c_str(),
                    static_cast<unsigned long long>(paced.detection.samples));
        std::fflush(stdout);
    }
    return 0;
}

} // namespace weave::tools
