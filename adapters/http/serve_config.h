#pragma once
// `weave serve` settings: defaults, then the TOML file, then command-line flags.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace weave::http {

// A channel's availability policy and grace, turned into policy events at start-up.
struct channel_settings {
    std::optional<std::vector<std::string>> locations; // none: every location
    std::optional<int64_t> share;                      // percent
    std::optional<int64_t> max;
    std::optional<int64_t> grace_ms;
};

// A channel source's webhook settings ([sources.NAME] in the config file).
struct source_settings {
    std::string secret_file; // Shopify: the app's secret, to verify X-Shopify-Hmac-Sha256
    std::string secret;      // read from secret_file
    std::map<std::string, std::string> locations; // the channel's location ids -> weave's
};

// The publish side ([publish] in the config file): each listing whose expected changed gets its
// channel's native update request, in priority order (adapters/publish).
struct publish_config {
    bool enabled = false;
    std::string dir; // requests are written here as files (default: DATA_DIR/publish)
    std::string url; // and/or POSTed here, one JSON envelope each, to a relay holding the keys
    std::string shopify_api_version = "2025-10";
    std::string shopify_location_id;
    std::string amazon_seller_id;
    std::string amazon_marketplace_id;
};

struct serve_config {
    std::string host = "127.0.0.1";
    int port = 7070;
    std::string data_dir = "weave-data";
    unsigned shards = 2;
    std::string token_file; // required to listen beyond loopback
    std::string token;      // read from token_file

    // limits
    uint64_t body_max_bytes = 16ull << 20;
    unsigned inflight_batches_max = 64; // beyond: 429
    unsigned http_threads = 32;

    // durability
    bool sync = true; // fdatasync before 202 (false only for benchmarks)
    uint64_t snapshot_interval_s = 60;
    uint64_t snapshot_every_batches = 10000;

    // deadlines on the wall clock: when no event arrives for tick_ms, event time is taken to
    // pass as fast as the wall clock from the last event, and due grace deadlines fire.
    bool clock_enabled = true;
    uint64_t clock_tick_ms = 1000;

    // policy from the config file
    std::optional<int64_t> grace_default_ms;
    std::map<std::string, int64_t> class_buffers; // "A" -> units
    std::map<std::string, channel_settings> channels;
    std::map<std::string, source_settings> sources; // webhook sources by name
    publish_config publish;
};

// Loads `path` over `config`; throws std::runtime_error naming the file, key and problem.
void load_config_file(const std::string& path, serve_config& config);
// "host:port" or ":port"; throws std::runtime_error.
void parse_listen(const std::string& listen, serve_config& config);
// Reads the token file if any, and refuses a non-loopback address without one.
void finish_config(serve_config& config);
bool is_loopback(const std::string& host);

// The policy events the config stands for, as NDJSON lines, applied through the write-ahead log
// at every start (`start_lsn` makes their ids unique): re-applying an unchanged policy changes
// nothing, and a changed one takes effect from that point of the log on.
std::string config_policy_events(const serve_config& config, int64_t ts_us, uint64_t start_lsn);

} // namespace weave::http
