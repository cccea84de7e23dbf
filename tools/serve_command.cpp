// weave serve: the live divergence detector (docs/serve.md).
#include <csignal>
#include <cstdio>
#include <pthread.h>
#include <string>
#include <thread>

#include "commands.h"
#include "flags.h"
#include "http/server.h"

namespace weave::tools {
namespace {

constexpr const char* serve_usage =
    "usage: weave serve [--config weave.toml] [--listen HOST:PORT] [--data-dir DIR]\n"
    "                   [--shards N] [--token-file FILE] [--no-sync] [--no-clock]\n"
    "\n"
    "Runs the live divergence detector: POST NDJSON batches to /v1/events; divergences come\n"
    "out on /v1/divergences/stream (server-sent events) as they open and close. Every batch is\n"
    "in the write-ahead log in DIR and synced to disk before its 202; a restart loads the\n"
    "latest snapshot and replays the log tail. SIGINT or SIGTERM stops it cleanly.\n"
    "\n"
    "options (flags override the config file):\n"
    "  --config FILE      TOML settings (see docs/serve.md and data/serve/weave.toml)\n"
    "  --listen H:P       address (default 127.0.0.1:7070); beyond loopback needs a token\n"
    "  --data-dir DIR     write-ahead log and snapshots (default ./weave-data)\n"
    "  --shards N         ledger shards for a new data directory, 1-256 (default 2)\n"
    "  --token-file FILE  bearer token required on /v1 and /metrics\n"
    "  --no-sync          do not fdatasync (benchmarks only: a crash may lose acknowledged data)\n"
    "  --no-clock         grace deadlines fire on event time only, never on the wall clock\n"
    "  -h, --help         show this help\n"
    "\n"
    "exit status: 0 stopped cleanly, 1 cannot listen or recover, 2 bad usage or config.\n";

int usage_error(const std::string& message) {
    std::fprintf(stderr, "weave serve: %s\n\n%s", message.c_str(), serve_usage);
    return 2;
}

} // namespace

int serve_command(int argc, char** argv) {
    std::string config_file, listen, data_dir, shards, token_file;
    bool no_sync = false, no_clock = false;
    for (int i = 0; i < argc; i++) {
        const std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(serve_usage, stdout);
            return 0;
        }
        if (flag_value(argc, argv, i, "--config", config_file) ||
            flag_value(argc, argv, i, "--listen", listen) ||
            flag_value(argc, argv, i, "--data-dir", data_dir) ||
            flag_value(argc, argv, i, "--shards", shards) ||
            flag_value(argc, argv, i, "--token-file", token_file)) {
            continue;
        }
        if (arg == "--no-sync") {
            no_sync = true;
        } else if (arg == "--no-clock") {
            no_clock = true;
        } else {
            return usage_error("unknown argument '" + arg + "'");
        }
    }
    http::serve_config config;
    try {
        if (!config_file.empty()) http::load_config_file(config_file, config);
        if (!listen.empty()) http::parse_listen(listen, config);
        if (!data_dir.empty()) config.data_dir = data_dir;
        if (!shards.empty()) {
            char* end = nullptr;
            const long n = std::strtol(shards.c_str(), &end, 10);
            if (*end != '\0' || n < 1 || n > 256) return usage_error("--shards takes 1-256");
            config.shards = static_cast<unsigned>(n);
        }
        if (!token_file.empty()) config.token_file = token_file;
        if (no_sync) config.sync = false;
        if (no_clock) config.clock_enabled = false;
        http::finish_config(config);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "weave serve: %s\n", error.what());
        return 2;
    }

    // Signals are taken by one thread with sigwait, so stopping runs outside a signal handler.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    http::server server(config);
    std::thread waiter([&] {
        int signal = 0;
        sigwait(&signals, &signal);
        if (signal != 0) server.stop();
    });
    const int status = server.run();
    // Wake the waiter if run() ended on its own (a failed recovery).
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    return status;
}

} // namespace weave::tools
