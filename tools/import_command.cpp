// weave import online-retail CSV... --out LOG: the UCI Online Retail day files as an event log.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "commands.h"
#include "ndjson/log_file.h"
#include "online_retail/online_retail.h"

namespace weave::tools {
namespace {

constexpr const char* import_usage =
    "usage: weave import online-retail CSV... --out LOG [--scale K] [--channel NAME]\n"
    "                    [--loc NAME] [--quiet]\n"
    "\n"
    "Turns UCI Online Retail day files (InvoiceNo,StockCode,Description,Quantity,InvoiceDate,\n"
    "UnitPrice,CustomerID,Country) into a weave NDJSON event log: per SKU a `sku`, an opening\n"
    "`receipt` and a `listing` at first use; per invoice line an `order` and a later `ship`;\n"
    "C invoices as `cancel` of an open line or `return` + later `restock`; stock write-offs and\n"
    "finds as `adjust`. Service codes (POST, DOT, M, ...) are skipped and counted. Rules: README.\n"
    "\n"
    "options:\n"
    "  --out LOG       the event log to write (`-` for stdout; required)\n"
    "  --scale K       replay only the busiest given day, K copies (1-1000) interleaved: copy c\n"
    "                  (0-based) is shifted by floor(c * 60 s / K), so K times the real rate\n"
    "  --channel NAME  channel of orders and listings (default: shop)\n"
    "  --loc NAME      location of stock, orders, ships, returns (default: UK1)\n"
    "  --quiet         no progress on stderr (the summary is still printed)\n"
    "  -h, --help      show this help\n"
    "\n"
    "exit status: 0 done (also with bad rows, which are counted on stderr), 1 an input cannot be\n"
    "read or the log cannot be written, 2 bad usage.\n";

struct import_arguments {
    std::vector<std::string> inputs;
    std::string out;
    online_retail::import_options options;
    bool quiet = false;
};

int64_t steady_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

int usage_error(const std::string& message) {
    std::fprintf(stderr, "weave import: %s\n\n%s", message.c_str(), import_usage);
    return 2;
}

bool parse_scale(std::string_view text, uint32_t& out) {
    if (text.empty() || text.size() > 4) return false;
    uint32_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<uint32_t>(c - '0');
    }
    if (value < 1 || value > online_retail::scale_max) return false;
    out = value;
    return true;
}

// The file name without its directory and a trailing `.csv`: the prefix of every event id.
std::string stem_of(const std::string& path) {
    std::string name = std::filesystem::path(path).filename().string();
    if (name.size() > 4 && name.substr(name.size() - 4) == ".csv") name.resize(name.size() - 4);
    return name;
}

// 0 on success, else the exit status (2 bad usage, or 0 after --help with `help` set).
int parse_arguments(int argc, char** argv, import_arguments& args, bool& help) {
    for (int i = 0; i < argc; i++) {
        const std::string_view arg = argv[i];
        std::string text;
        auto value = [&](std::string_view flag) {
            if (arg.size() > flag.size() && arg.substr(0, flag.size()) == flag &&
                arg[flag.size()] == '=') {
                text = std::string(arg.substr(flag.size() + 1));
                return true;
            }
            if (arg == flag && i + 1 < argc) {
                text = argv[++i];
                return true;
            }
            return false;
        };
        if (arg == "-h" || arg == "--help") {
            help = true;
            return 0;
        } else if (arg == "--quiet" || arg == "-q") {
            args.quiet = true;
        } else if (value("--out")) {
            args.out = text;
        } else if (value("--scale")) {
            if (!parse_scale(text, args.options.scale)) {
                return usage_error("--scale takes a number from 1 to 1000, not '" + text + "'");
            }
        } else if (value("--channel") || value("--loc")) {
            if (text.empty() || text.size() > online_retail::name_bytes_max) {
                return usage_error(std::string(arg) + " takes a name of 1 to 256 bytes");
            }
            (arg.substr(0, 5) == "--loc" ? args.options.loc : args.options.channel) = text;
        } else if (!arg.empty() && arg[0] == '-') {
            return usage_error("unknown or incomplete option '" + std::string(arg) + "'");
        } else {
            args.inputs.emplace_back(arg);
        }
    }
    if (args.inputs.empty()) return usage_error("missing CSV (one or more day files)");
    if (args.out.empty()) return usage_error("missing --out LOG");
    for (const std::string& input : args.inputs) {
        std::error_code error; // inputs are mapped: writing over one would pull the rug
        if (std::filesystem::equivalent(input, args.out, error)) {
            return usage_error("--out " + args.out + " is also an input");
        }
    }
    for (size_t i = 0; i < args.inputs.size(); i++) {
        for (size_t j = 0; j < i; j++) {
            if (stem_of(args.inputs[i]) == stem_of(args.inputs[j])) {
                return usage_error(args.inputs[j] + " and " + args.inputs[i] +
                                   " have the same name (event ids would repeat)");
            }
        }
    }
    return 0;
}

struct progress_view {
    int64_t started_ns = 0;
    int64_t last_print_ns = 0;
    bool printed = false;
};

// Progress on stderr once a run passes one second, at most twice a second.
void show_progress(void* context, uint64_t rows_done, uint64_t rows_total) {
    auto& view = *static_cast<progress_view*>(context);
    const int64_t now = steady_now_ns();
    if (now - view.started_ns < 1'000'000'000 || now - view.last_print_ns < 500'000'000) {
        return;
    }
    view.last_print_ns = now;
    view.printed = true;
    const double percent =
        rows_total ? 100.0 * static_cast<double>(rows_done) / static_cast<double>(rows_total)
                   : 100.0;
    std::fprintf(stderr, "\rweave import: %5.1f%% of %llu rows   ", percent,
                 static_cast<unsigned long long>(rows_total));
    std::fflush(stderr);
}

struct log_output {
    std::FILE* file = nullptr;
    uint64_t bytes = 0;
};

bool write_bytes(void* context, std::string_view bytes) {
    auto& output = *static_cast<log_output*>(context);
    output.bytes += bytes.size();
    return std::fwrite(bytes.data(), 1, bytes.size(), output.file) == bytes.size();
}

// Writes the log; false (with the message printed) when it cannot be written.
bool write_log(online_retail::importer& importer, const import_arguments& args,
               progress_view& progress, uint64_t& bytes) {
    const bool to_stdout = args.out == "-";
    log_output output{to_stdout ? stdout : std::fopen(args.out.c_str(), "wb"), 0};
    if (output.file == nullptr) {
        std::fprintf(stderr, "weave import: cannot write %s: %s\n", args.out.c_str(),
                     std::strerror(errno));
        return false;
    }
    bool ok = importer.run(args.options, write_bytes, &output,
                           args.quiet ? nullptr : show_progress, &progress);
    const int saved_errno = errno;
    ok = (to_stdout ? std::fflush(output.file) == 0 : std::fclose(output.file) == 0) && ok;
    if (progress.printed) std::fputc('\n', stderr);
    if (!ok) {
        std::fprintf(stderr, "weave import: cannot write %s: %s\n", args.out.c_str(),
                     std::strerror(saved_errno != 0 ? saved_errno : errno));
        if (!to_stdout) std::remove(args.out.c_str());
        return false;
    }
    bytes = output.bytes;
    return true;
}

} // namespace

int import_command(int argc, char** argv) {
    if (argc < 1) {
        return usage_error("missing SOURCE (online-retail, or a channel: weave import SOURCE --help)");
    }
    const std::string_view source = argv[0];
    if (source == "-h" || source == "--help") {
        print_import_usage();
        return 0;
    }
    if (source != "online-retail") {
        return import_channel_command(argc, argv);  // the channel adapters
    }
    import_arguments args;
    bool help = false;
    if (const int status = parse_arguments(argc - 1, argv + 1, args, help); status != 0 || help) {
        if (help) std::fputs(import_usage, stdout);
        return status;
    }
    const int64_t started_ns = steady_now_ns();
    std::vector<std::unique_ptr<ndjson::log_file>> files;
    online_retail::importer importer;
    for (const std::string& path : args.inputs) {
        std::string error;
        files.push_back(std::make_unique<ndjson::log_file>());
        if (!files.back()->open(path, error) ||
            !importer.add_file(stem_of(path), files.back()->bytes(), error)) {
            std::fprintf(stderr, "weave import: %s%s\n",
                         error.find(path) == std::string::npos ? (path + ": ").c_str() : "",
                         error.c_str());
            return 1;
        }
    }
    progress_view progress{started_ns, 0, false};
    uint64_t bytes = 0;
    if (!write_log(importer, args, progress, bytes)) return 1;
    const double seconds = static_cast<double>(steady_now_ns() - started_ns) / 1e9;
    const auto& summary = importer.summary();
    std::fputs(importer.summary_text(args.options).c_str(), stderr);
    std::fprintf(stderr, "  wrote %s: %.1f MB in %.3f s (%.0f rows/s, %.0f events/s)\n",
                 args.out.c_str(), static_cast<double>(bytes) / 1e6, seconds,
                 static_cast<double>(summary.rows_scheduled) / seconds,
                 static_cast<double>(summary.events) / seconds);
    return 0;
}

} // namespace weave::tools
