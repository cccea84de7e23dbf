// weave import SOURCE FILE... --out LOG: channel payloads (Shopify, Amazon SP-API, eBay,
// WooCommerce, warehouse CSV) as an event log, through the same adapters as `weave serve`'s
// webhooks (docs/adapters.md).
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "channels/registry.h"
#include "commands.h"
#include "flags.h"

namespace weave::tools {
namespace {

std::string channel_usage() {
    std::string out =
        "usage: weave import SOURCE FILE... --out LOG [--kind KIND] [--location ID=LOC]...\n"
        "\n"
        "Turns channel payloads into a weave NDJSON event log (docs/adapters.md). Each FILE is\n"
        "one payload: a webhook body, an API response, or (warehouse) a CSV export. Parts that\n"
        "cannot be mapped are rejected with a reason on stderr and counted, never guessed.\n"
        "\n"
        "sources:\n";
    for (const channels::source_entry& source : channels::sources()) {
        out += "  ";
        out += source.name;
        out += std::string(source.name.size() < 14 ? 14 - source.name.size() : 1, ' ');
        out += source.what;
        out += '\n';
    }
    out +=
        "  online-retail UCI Online Retail day files (see `weave import online-retail --help`)\n"
        "\n"
        "options:\n"
        "  --out LOG          the event log to write (`-` for stdout; required)\n"
        "  --kind KIND        what every FILE is (a webhook topic such as orders/create, an\n"
        "                     SP-API notification type); default: recognised from its shape\n"
        "  --location ID=LOC  the channel's location ID is weave location LOC (repeatable)\n"
        "  -h, --help         show this help\n"
        "\n"
        "exit status: 0 done (also with rejects), 1 a FILE cannot be read or LOG written, 2 bad\n"
        "usage.\n";
    return out;
}

int usage_error(const std::string& message) {
    std::fprintf(stderr, "weave import: %s\n\n%s", message.c_str(), channel_usage().c_str());
    return 2;
}

bool read_whole(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    out = bytes.str();
    return !in.bad();
}

// `-` is stdout; a file that cannot be written whole is removed.
bool write_log(const std::string& out, const std::string& events) {
    const bool to_stdout = out == "-";
    std::FILE* file = to_stdout ? stdout : std::fopen(out.c_str(), "wb");
    if (file == nullptr) return false;
    bool ok = std::fwrite(events.data(), 1, events.size(), file) == events.size();
    ok = (to_stdout ? std::fflush(file) == 0 : std::fclose(file) == 0) && ok;
    if (!ok && !to_stdout) std::remove(out.c_str());
    return ok;
}

int64_t modified_us(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return 0;
    return static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000 + info.st_mtim.tv_nsec / 1000;
}

} // namespace

void print_import_usage() {
    std::fputs(channel_usage().c_str(), stdout);
}

int import_channel_command(int argc, char** argv) {
    const std::string source = argv[0];
    std::vector<std::string> inputs;
    std::string out, kind, location;
    channels::adapter_settings settings;
    for (int i = 1; i < argc; i++) {
        const std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(channel_usage().c_str(), stdout);
            return 0;
        }
        if (flag_value(argc, argv, i, "--out", out) || flag_value(argc, argv, i, "--kind", kind)) {
            continue;
        }
        if (flag_value(argc, argv, i, "--location", location)) {
            const size_t equals = location.find('=');
            if (equals == std::string::npos || equals == 0 || equals + 1 == location.size()) {
                return usage_error("--location takes ID=LOC, got '" + location + "'");
            }
            settings.locations[location.substr(0, equals)] = location.substr(equals + 1);
            continue;
        }
        if (arg.size() > 1 && arg[0] == '-') return usage_error("unknown option '" + arg + "'");
        inputs.push_back(arg);
    }
    std::unique_ptr<channels::channel_adapter> adapter = channels::make_adapter(source, settings);
    if (!adapter) return usage_error("unknown source '" + source + "'");
    if (out.empty()) return usage_error("missing --out LOG");
    if (inputs.empty()) return usage_error("missing FILE");

    std::string events;
    uint64_t event_count = 0, reject_count = 0;
    std::map<std::string, uint64_t> rejects_by_reason;
    std::map<std::string, int64_t> extras;
    for (const std::string& path : inputs) {
        std::string payload;
        if (!read_whole(path, payload)) {
            std::fprintf(stderr, "weave import: cannot read %s\n", path.c_str());
            return 1;
        }
        channels::payload_context context;
        context.kind = kind;
        context.delivery_id = std::filesystem::path(path).filename().string();
        context.received_us = modified_us(path);
        const channels::conversion result = adapter->convert(payload, context);
        events += result.events;
        event_count += result.event_count;
        for (const channels::payload_reject& reject : result.rejects) {
            std::fprintf(stderr, "%s: %s%s%s\n", path.c_str(), reject.where.c_str(),
                         reject.where.empty() ? "" : ": ", reject.reason.c_str());
            rejects_by_reason[reject.reason]++;
            reject_count++;
        }
        for (const auto& [name, value] : result.extras)
            extras[name] += value;
    }
    if (!write_log(out, events)) {
        std::fprintf(stderr, "weave import: cannot write %s\n", out.c_str());
        return 1;
    }
    std::fprintf(stderr, "weave import %s: %zu files, %llu events, %llu rejects", source.c_str(),
                 inputs.size(), static_cast<unsigned long long>(event_count),
                 static_cast<unsigned long long>(reject_count));
    for (const auto& [reason, count] : rejects_by_reason) {
        std::fprintf(stderr, ", %s %llu", reason.c_str(), static_cast<unsigned long long>(count));
    }
    std::fprintf(stderr, "\n");
    if (!extras.empty()) {
        std::fprintf(stderr, "channel figures no event carries:");
        for (const auto& [name, value] : extras) {
            std::fprintf(stderr, " %s=%lld", name.c_str(), static_cast<long long>(value));
        }
        std::fprintf(stderr, "\n");
    }
    return 0;
}

} // namespace weave::tools
