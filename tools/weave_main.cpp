// weave: the single source of truth for multichannel inventory.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "commands.h"

namespace {

constexpr const char* usage =
    "usage: weave <command> [options]\n"
    "\n"
    "commands:\n"
    "  replay LOG --out DIR   apply an NDJSON event log and write divergences, state, rejects\n"
    "                         and report to DIR (see `weave replay --help`)\n"
    "  convert LOG --out BIN  write LOG as a checksummed binary log that replays faster\n"
    "  gen --out LOG          generate a seeded peak-day log (optionally with injected faults)\n"
    "  bench                  macro benchmark: events/s and detection latency by catalogue size\n"
    "  score --truth FAULTS --divergences FILE\n"
    "                         precision and recall of divergences against injected faults\n"
    "                         (see `weave score --help`)\n"
    "  serve                  the live divergence detector over HTTP, with a write-ahead log\n"
    "                         (see `weave serve --help`)\n"
    "  import online-retail CSV... --out LOG"
    "                         turn UCI Online Retail day files into an event log\n"
    "                         (see `weave import --help`)\n"
    "\n"
    "options:\n"
    "  -h, --help             show this help\n";

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fputs(usage, stderr);
        return 2;
    }
    const std::string_view command = argv[1];
    if (command == "-h" || command == "--help" || command == "help") {
        std::fputs(usage, stdout);
        return 0;
    }
    if (command == "replay") {
        return weave::tools::replay_command(argc - 2, argv + 2);
    }
    if (command == "bench") {
        return weave::tools::bench_command(argc - 2, argv + 2);
    }
    if (command == "gen") {
        return weave::tools::gen_command(argc - 2, argv + 2);
    }
    if (command == "convert") {
        return weave::tools::convert_command(argc - 2, argv + 2);
    }
    if (command == "score") {
        return weave::tools::score_command(argc - 2, argv + 2);
    }
    if (command == "serve") {
        return weave::tools::serve_command(argc - 2, argv + 2);
    }
    if (command == "import") {
        return weave::tools::import_command(argc - 2, argv + 2);
    }
    std::fprintf(stderr, "weave: unknown command '%s'\n\n%s", argv[1], usage);
    return 2;
}
