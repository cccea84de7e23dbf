// weave gen --seed S --skus N --events M --out LOG [--truth FAULTS.ndjson] [--fault-rate R]
//           [--bad-rate R]: seeded peak-day workloads (tools/gen/generator.h).
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "commands.h"
#include "gen/generator.h"

namespace weave::tools {
namespace {

constexpr const char* gen_usage =
    "usage: weave gen --out LOG [--seed S] [--skus N] [--events M] [--truth FAULTS.ndjson]\n"
    "                 [--fault-rate R] [--bad-rate R] [--start TS] [--quiet]\n"
    "\n"
    "Writes a realistic peak-day event log: SKUs in classes A/B/C listed on amazon, shopify,\n"
    "ebay and woo under different policies, Zipf-skewed popularity, a peak-day arrival curve,\n"
    "every movement type, publishes, acks, and channel levels that follow the truth after a\n"
    "lag inside the grace window. The same options give the same bytes.\n"
    "\n"
    "options:\n"
    "  --out LOG          the log to write (required)\n"
    "  --seed S           random seed (default 1)\n"
    "  --skus N           catalogue size (default 1000)\n"
    "  --events M         lines to write (default 100000)\n"
    "  --truth FILE       write every injected fault (ts, channel, listing, sku, layer, cause)\n"
    "  --fault-rate R     injected faults per event, round robin over SPEC §4's causes\n"
    "                     (default 0.001 with --truth, else 0)\n"
    "  --bad-rate R       bad lines per event (default 0)\n"
    "  --start TS         RFC 3339 start of the day (default 2026-11-27T00:00:00Z)\n"
    "  --quiet            no progress on stderr\n";

int usage_error(const std::string& message) {
    std::fprintf(stderr, "weave gen: %s\n\n%s", message.c_str(), gen_usage);
    return 2;
}

void show_progress(uint64_t done, uint64_t total) {
    std::fprintf(stderr, "\rweave gen: %llu of %llu lines", static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total));
}

bool parse_number(const std::string& text, double& out) {
    try {
        size_t used = 0;
        out = std::stod(text, &used);
        return used == text.size() && out >= 0;
    } catch (...) {
        return false;
    }
}

} // namespace

int gen_command(int argc, char** argv) {
    gen::options options;
    std::string out_path, truth_path;
    bool quiet = false, fault_rate_given = false;
    for (int i = 0; i < argc; i++) {
        const std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(gen_usage, stdout);
            return 0;
        }
        if (arg == "--quiet" || arg == "-q") {
            quiet = true;
            continue;
        }
        if (i + 1 >= argc || arg.substr(0, 2) != "--") {
            return usage_error("unknown or incomplete argument '" + std::string(arg) + "'");
        }
        const std::string value = argv[++i];
        double number = 0;
        const bool numeric = parse_number(value, number);
        if (arg == "--out") {
            out_path = value;
        } else if (arg == "--truth") {
            truth_path = value;
        } else if (arg == "--start") {
            options.start = value;
        } else if (!numeric) {
            return usage_error(std::string(arg) + " takes a number, not '" + value + "'");
        } else if (arg == "--seed") {
            options.seed = static_cast<uint64_t>(number);
        } else if (arg == "--skus" && number >= 1 && number <= 100'000'000) {
            options.skus = static_cast<uint64_t>(number);
        } else if (arg == "--events") {
            options.events = static_cast<uint64_t>(number);
        } else if (arg == "--fault-rate" && number <= 1) {
            options.fault_rate = number;
            fault_rate_given = true;
        } else if (arg == "--bad-rate" && number <= 1) {
            options.bad_rate = number;
        } else {
            return usage_error("unknown option or value out of range: " + std::string(arg) +
                               " " + value);
        }
    }
    if (out_path.empty()) return usage_error("missing --out LOG");
    if (!truth_path.empty() && !fault_rate_given) options.fault_rate = 0.001;
    std::FILE* log = std::fopen(out_path.c_str(), "wb");
    if (log == nullptr) {
        std::fprintf(stderr, "weave gen: cannot write %s\n", out_path.c_str());
        return 1;
    }
    std::FILE* truth = nullptr;
    if (!truth_path.empty() && (truth = std::fopen(truth_path.c_str(), "wb")) == nullptr) {
        std::fprintf(stderr, "weave gen: cannot write %s\n", truth_path.c_str());
        std::fclose(log);
        return 1;
    }
    const auto started = std::chrono::steady_clock::now();
    const gen::totals totals = gen::generate(options, log, truth, quiet ? nullptr : show_progress);
    const bool failed = std::fclose(log) != 0 || (truth && std::fclose(truth) != 0);
    if (failed) {
        std::fprintf(stderr, "weave gen: writing the outputs failed\n");
        return 1;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!quiet) {
        std::fprintf(stderr, "\rweave gen: %llu lines (%llu bad, %llu faults) in %.2f s, "
                             "%.2f M lines/s -> %s\n",
                     static_cast<unsigned long long>(totals.lines),
                     static_cast<unsigned long long>(totals.bad_lines),
                     static_cast<unsigned long long>(totals.faults), seconds,
                     static_cast<double>(totals.lines) / seconds / 1e6, out_path.c_str());
    }
    return 0;
}

} // namespace weave::tools
