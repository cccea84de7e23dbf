// weave convert LOG.ndjson --out LOG.wbin: the compact binary log (adapters/wbin/wbin.h).
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "commands.h"
#include "flags.h"
#include "ndjson/log_file.h"
#include "wbin/wbin.h"

namespace weave::tools {
namespace {

constexpr const char* convert_usage =
    "usage: weave convert LOG.ndjson --out LOG.wbin [--quiet]\n"
    "\n"
    "Parses the NDJSON log once and writes it as a binary log: a versioned header and\n"
    "checksummed blocks of pre-parsed events with their raw lines. `weave replay` reads\n"
    "either format and writes the same outputs; it refuses a corrupt or truncated binary log.\n"
    "\n"
    "options:\n"
    "  --out FILE     the binary log to write (required)\n"
    "  --quiet        no progress on stderr\n"
    "  -h, --help     show this help\n";

int usage_error(const std::string& message) {
    std::fprintf(stderr, "weave convert: %s\n\n%s", message.c_str(), convert_usage);
    return 2;
}

void show_progress(uint64_t done, uint64_t total) {
    static auto last = std::chrono::steady_clock::now();
    const auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::milliseconds(500) && done != total) return;
    last = now;
    std::fprintf(stderr, "\rweave convert: %5.1f%%", total ? 100.0 * static_cast<double>(done) /
                                                               static_cast<double>(total)
                                                         : 100.0);
}

} // namespace

int convert_command(int argc, char** argv) {
    std::string in_path, out_path;
    bool quiet = false;
    for (int i = 0; i < argc; i++) {
        const std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(convert_usage, stdout);
            return 0;
        } else if (arg == "--quiet" || arg == "-q") {
            quiet = true;
        } else if (flag_value(argc, argv, i, "--out", out_path)) {
            continue;
        } else if (!arg.empty() && arg[0] == '-') {
            return usage_error("unknown or incomplete option '" + std::string(arg) + "'");
        } else if (in_path.empty()) {
            in_path = arg;
        } else {
            return usage_error("unexpected argument '" + std::string(arg) + "'");
        }
    }
    if (in_path.empty()) return usage_error("missing LOG.ndjson");
    if (out_path.empty()) return usage_error("missing --out LOG.wbin");
    ndjson::log_file log;
    std::string error;
    if (!log.open(in_path, error)) {
        std::fprintf(stderr, "weave convert: %s\n", error.c_str());
        return 1;
    }
    if (wbin::is_wbin(log.bytes())) {
        std::fprintf(stderr, "weave convert: %s is already a binary log\n", in_path.c_str());
        return 1;
    }
    const std::string binary = wbin::convert(log.bytes(), quiet ? nullptr : show_progress);
    if (!quiet) std::fputc('\n', stderr);
    const auto slash = out_path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? "." : out_path.substr(0, slash);
    const std::string name = slash == std::string::npos ? out_path : out_path.substr(slash + 1);
    if (!ndjson::write_output(dir, name, binary, error)) {
        std::fprintf(stderr, "weave convert: %s\n", error.c_str());
        return 1;
    }
    if (!quiet) {
        std::fprintf(stderr, "weave convert: %s (%zu bytes) -> %s (%zu bytes)\n",
                     in_path.c_str(), log.bytes().size(), out_path.c_str(), binary.size());
    }
    return 0;
}

} // namespace weave::tools
