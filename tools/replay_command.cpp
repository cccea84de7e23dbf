// weave replay LOG --out DIR: SPEC §5.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>

#include "commands.h"
#include "flags.h"
#include "ndjson/event_parser.h"
#include "ndjson/log_file.h"
#include "wbin/wbin.h"
#include "weave/engine.h"
#include "weave/limits.h"

namespace weave::tools {
namespace {

constexpr const char* replay_usage =
    "usage: weave replay LOG --out DIR [--threads N] [--shards N] [--quiet]\n"
    "\n"
    "Applies every event of LOG (NDJSON, or a binary log made by `weave convert`) in log\n"
    "order and writes to DIR (created if\n"
    "needed): divergences.ndjson, state.ndjson, rejects.ndjson and report.json.\n"
    "The files are byte-identical for every --threads and --shards.\n"
    "\n"
    "options:\n"
    "  --out DIR      output directory (required)\n"
    "  --threads N    parse threads and shard workers, 1-256 (default: the hardware's)\n"
    "  --shards N     ledger shards, 1-256 (default: as many as threads)\n"
    "  --quiet        no progress on stderr (progress shows for runs over a second)\n"
    "  -h, --help     show this help\n"
    "\n"
    "exit status: 0 done (also with rejected lines), 1 the log cannot be read or the outputs\n"
    "cannot be written, 2 bad usage.\n";

int64_t steady_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

int usage_error(const std::string& message) {
    std::fprintf(stderr, "weave replay: %s\n\n%s", message.c_str(), replay_usage);
    return 2;
}

bool parse_count(std::string_view text, unsigned max, unsigned& out) {
    if (text.empty() || text.size() > 4) return false;
    unsigned value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value < 1 || value > max) return false;
    out = value;
    return true;
}

struct progress_view {
    uint64_t bytes_total = 0;
    int64_t started_ns = 0;
    int64_t last_print_ns = 0;
    bool printed = false;
};

// Progress on stderr once a run passes one second, at most twice a second.
void show_progress(void* context, uint64_t bytes_done, uint64_t events_read) {
    auto& view = *static_cast<progress_view*>(context);
    const int64_t now = steady_now_ns();
    const int64_t elapsed = now - view.started_ns;
    if (elapsed < 1'000'000'000 || now - view.last_print_ns < 500'000'000) {
        return;
    }
    view.last_print_ns = now;
    view.printed = true;
    const double percent = view.bytes_total ? 100.0 * static_cast<double>(bytes_done) /
                                                  static_cast<double>(view.bytes_total)
                                            : 100.0;
    const double rate = static_cast<double>(events_read) / (static_cast<double>(elapsed) / 1e9);
    std::fprintf(stderr, "\rweave replay: %5.1f%% of %.1f MB, %llu events, %.2f M events/s   ",
                 percent, static_cast<double>(view.bytes_total) / 1e6,
                 static_cast<unsigned long long>(events_read), rate / 1e6);
    std::fflush(stderr);
}

} // namespace

int replay_command(int argc, char** argv) {
    std::string log_path, out_dir;
    replay_options options;
    bool quiet = false;
    for (int i = 0; i < argc; i++) {
        const std::string_view arg = argv[i];
        auto value = [&](std::string_view flag, std::string& out) {
            return flag_value(argc, argv, i, flag, out);
        };
        std::string text;
        if (arg == "-h" || arg == "--help") {
            std::fputs(replay_usage, stdout);
            return 0;
        } else if (arg == "--quiet" || arg == "-q") {
            quiet = true;
        } else if (value("--out", text)) {
            out_dir = text;
        } else if (value("--threads", text)) {
            if (!parse_count(text, threads_max, options.threads)) {
                return usage_error("--threads takes a number from 1 to 256, not '" + text + "'");
            }
        } else if (value("--shards", text)) {
            if (!parse_count(text, shards_max, options.shards)) {
                return usage_error("--shards takes a number from 1 to 256, not '" + text + "'");
            }
        } else if (!arg.empty() && arg[0] == '-' && arg != "-") {
            return usage_error("unknown or incomplete option '" + std::string(arg) + "'");
        } else if (log_path.empty()) {
            log_path = arg;
        } else {
            return usage_error("unexpected argument '" + std::string(arg) + "'");
        }
    }
    if (log_path.empty()) return usage_error("missing LOG");
    if (out_dir.empty()) return usage_error("missing --out DIR");

    ndjson::log_file log;
    std::string error;
    if (!log.open(log_path == "-" ? "/dev/stdin" : log_path, error)) {
        std::fprintf(stderr, "weave replay: %s\n", error.c_str());
        return 1;
    }
    progress_view progress{log.bytes().size(), steady_now_ns(), 0, false};
    // The binary log (weave convert) is recognised by its magic and verified whole first.
    if (wbin::is_wbin(log.bytes())) {
        if (!wbin::verify(log.bytes(), error)) {
            std::fprintf(stderr, "weave replay: %s: %s\n", log_path.c_str(), error.c_str());
            return 1;
        }
        options.parser = wbin::wbin_parse_stage();
    } else {
        options.parser = ndjson::event_parse_stage();
    }
    options.now_ns = steady_now_ns;
    if (!quiet) {
        options.progress = show_progress;
        options.progress_context = &progress;
    }
    const replay_outputs outputs = replay(log.bytes(), options);
    if (progress.printed) {
        std::fputc('\n', stderr);
    }
    const std::pair<const char*, std::string> files[] = {
        {"divergences.ndjson", outputs.divergences},
        {"state.ndjson", outputs.state},
        {"rejects.ndjson", outputs.rejects},
        {"report.json", report_json(outputs)},
    };
    for (const auto& [name, bytes] : files) {
        if (!ndjson::write_output(out_dir, name, bytes, error)) {
            std::fprintf(stderr, "weave replay: %s\n", error.c_str());
            return 1;
        }
    }
    if (!quiet) {
        std::fprintf(stderr,
                     "weave replay: %llu events (%llu applied, %llu rejected) in %.3f s; "
                     "outputs in %s\n",
                     static_cast<unsigned long long>(outputs.timing.events_read),
                     static_cast<unsigned long long>(outputs.timing.applied),
                     static_cast<unsigned long long>(outputs.timing.rejected),
                     outputs.timing.wall_s, out_dir.c_str());
    }
    return 0;
}

} // namespace weave::tools
