#include "http/serve_config.h"

#include <arpa/inet.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <toml++/toml.h>

#include "channels/channel_adapter.h"
#include "weave/time.h"

namespace weave::http {
namespace {

[[noreturn]] void bad(const std::string& path, const std::string& key, const std::string& what) {
    throw std::runtime_error(path + ": " + key + ": " + what);
}

int64_t integer_at(const toml::node_view<toml::node>& node, const std::string& path,
                   const std::string& key, int64_t low, int64_t high) {
    const auto value = node.value<int64_t>();
    if (!value || !node.is_integer()) bad(path, key, "must be an integer");
    if (*value < low || *value > high) {
        bad(path, key, "must be between " + std::to_string(low) + " and " + std::to_string(high));
    }
    return *value;
}

bool bool_at(const toml::node_view<toml::node>& node, const std::string& path,
             const std::string& key) {
    if (!node.is_boolean()) bad(path, key, "must be true or false");
    return *node.value<bool>();
}

std::string string_at(const toml::node_view<toml::node>& node, const std::string& path,
                      const std::string& key) {
    if (!node.is_string()) bad(path, key, "must be a string");
    return *node.value<std::string>();
}

void load_sources(const toml::table& root, const std::string& path, serve_config& config) {
    const toml::table* sources = root["sources"].as_table();
    if (sources == nullptr) bad(path, "sources", "must be a table of source tables");
    for (const auto& [key, value] : *sources) {
        const std::string name(key.str());
        const std::string prefix = "sources." + name;
        const toml::table* table = value.as_table();
        if (table == nullptr) bad(path, prefix, "must be a table");
        source_settings settings;
        for (const auto& [field, field_value] : *table) {
            const std::string field_name(field.str());
            if (field_name == "secret_file") {
                if (!field_value.is_string())
                    bad(path, prefix + ".secret_file", "must be a string");
                settings.secret_file = *field_value.value<std::string>();
            } else if (field_name == "locations") {
                const toml::table* locations = field_value.as_table();
                if (locations == nullptr) {
                    bad(path, prefix + ".locations", "must be a table of id = \"location\"");
                }
                for (const auto& [id, loc] : *locations) {
                    if (!loc.is_string()) {
                        bad(path, prefix + ".locations." + std::string(id.str()),
                            "must be a string");
                    }
                    settings.locations[std::string(id.str())] = *loc.value<std::string>();
                }
            } else {
                bad(path, prefix + "." + field_name, "unknown setting");
            }
        }
        config.sources[name] = settings;
    }
}

} // namespace

bool is_loopback(const std::string& host) {
    if (host == "localhost" || host == "::1") return true;
    in_addr address{};
    return inet_pton(AF_INET, host.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
}

void parse_listen(const std::string& listen, serve_config& config) {
    const size_t colon = listen.rfind(':');
    if (colon == std::string::npos) {
        throw std::runtime_error("--listen: expected HOST:PORT, got '" + listen + "'");
    }
    const std::string host = listen.substr(0, colon);
    const std::string port = listen.substr(colon + 1);
    char* end = nullptr;
    const long number = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || number < 0 || number > 65535) {
        throw std::runtime_error("--listen: bad port '" + port + "'");
    }
    if (!host.empty()) config.host = host;
    config.port = static_cast<int>(number);
}

void load_config_file(const std::string& path, serve_config& config) {
    toml::table root;
    try {
        root = toml::parse_file(path);
    } catch (const toml::parse_error& error) {
        std::ostringstream where;
        where << error.source().begin;
        throw std::runtime_error(path + ": " + std::string(error.description()) + " at " +
                                 where.str());
    }
    static const std::vector<std::string> known = {"listen",  "data_dir",   "shards",  "token_file",
                                                   "limits",  "durability", "clock",   "grace_ms",
                                                   "buffers", "channels",   "sources", "publish"};
    for (const auto& [key, value] : root) {
        if (std::find(known.begin(), known.end(), std::string(key.str())) == known.end()) {
            bad(path, std::string(key.str()), "unknown setting");
        }
    }
    if (root.contains("listen")) parse_listen(string_at(root["listen"], path, "listen"), config);
    if (root.contains("data_dir")) config.data_dir = string_at(root["data_dir"], path, "data_dir");
    if (root.contains("shards")) {
        config.shards = static_cast<unsigned>(integer_at(root["shards"], path, "shards", 1, 256));
    }
    if (root.contains("token_file")) {
        config.token_file = string_at(root["token_file"], path, "token_file");
    }
    if (root.contains("limits")) {
        const auto limits = root["limits"];
        if (limits["body_max_bytes"]) {
            config.body_max_bytes = static_cast<uint64_t>(integer_at(
                limits["body_max_bytes"], path, "limits.body_max_bytes", 1024, 1ll << 32));
        }
        if (limits["inflight_batches_max"]) {
            config.inflight_batches_max = static_cast<unsigned>(integer_at(
                limits["inflight_batches_max"], path, "limits.inflight_batches_max", 1, 100000));
        }
        if (limits["http_threads"]) {
            config.http_threads = static_cast<unsigned>(
                integer_at(limits["http_threads"], path, "limits.http_threads", 2, 1024));
        }
    }
    if (root.contains("durability")) {
        const auto durability = root["durability"];
        if (durability["sync"]) config.sync = bool_at(durability["sync"], path, "durability.sync");
        if (durability["snapshot_interval_s"]) {
            config.snapshot_interval_s =
                static_cast<uint64_t>(integer_at(durability["snapshot_interval_s"], path,
                                                 "durability.snapshot_interval_s", 0, 86400 * 365));
        }
        if (durability["snapshot_every_batches"]) {
            config.snapshot_every_batches = static_cast<uint64_t>(
                integer_at(durability["snapshot_every_batches"], path,
                           "durability.snapshot_every_batches", 0, INT64_MAX));
        }
    }
    if (root.contains("clock")) {
        const auto clock = root["clock"];
        if (clock["enabled"])
            config.clock_enabled = bool_at(clock["enabled"], path, "clock.enabled");
        if (clock["tick_ms"]) {
            config.clock_tick_ms = static_cast<uint64_t>(
                integer_at(clock["tick_ms"], path, "clock.tick_ms", 10, 3'600'000));
        }
    }
    if (root.contains("grace_ms")) {
        config.grace_default_ms =
            integer_at(root["grace_ms"], path, "grace_ms", 0, INT64_MAX / 1000);
    }
    if (root.contains("buffers")) {
        const toml::table* buffers = root["buffers"].as_table();
        if (buffers == nullptr) bad(path, "buffers", "must be a table of class = units");
        for (const auto& [key, value] : *buffers) {
            const std::string name(key.str());
            if (name != "A" && name != "B" && name != "C") {
                bad(path, "buffers." + name, "classes are A, B and C");
            }
            config.class_buffers[name] =
                integer_at(root["buffers"][name], path, "buffers." + name, 0, INT64_MAX / 4);
        }
    }
    if (root.contains("sources")) load_sources(root, path, config);
    if (root.contains("publish")) {
        const toml::table* publish = root["publish"].as_table();
        if (publish == nullptr) bad(path, "publish", "must be a table");
        for (const auto& [key, value] : *publish) {
            const std::string name(key.str());
            const std::string where = "publish." + name;
            if (name == "enabled") {
                config.publish.enabled = bool_at(root["publish"]["enabled"], path, where);
                continue;
            }
            if (!value.is_string()) bad(path, where, "must be a string");
            const std::string text = *value.value<std::string>();
            if (name == "dir")
                config.publish.dir = text;
            else if (name == "url")
                config.publish.url = text;
            else if (name == "shopify_api_version")
                config.publish.shopify_api_version = text;
            else if (name == "shopify_location_id")
                config.publish.shopify_location_id = text;
            else if (name == "amazon_seller_id")
                config.publish.amazon_seller_id = text;
            else if (name == "amazon_marketplace_id")
                config.publish.amazon_marketplace_id = text;
            else
                bad(path, where, "unknown setting");
        }
    }
    if (root.contains("channels")) {
        const toml::table* channels = root["channels"].as_table();
        if (channels == nullptr) bad(path, "channels", "must be a table of channel tables");
        for (const auto& [key, value] : *channels) {
            const std::string name(key.str());
            const std::string prefix = "channels." + name;
            const auto channel = root["channels"][name];
            if (!channel.is_table()) bad(path, prefix, "must be a table");
            channel_settings settings;
            for (const auto& [field, field_value] : *channel.as_table()) {
                const std::string field_name(field.str());
                if (field_name == "locations") {
                    const toml::array* list = channel["locations"].as_array();
                    if (list == nullptr) bad(path, prefix + ".locations", "must be an array");
                    settings.locations.emplace();
                    for (const auto& item : *list) {
                        if (!item.is_string()) {
                            bad(path, prefix + ".locations", "must hold strings");
                        }
                        settings.locations->push_back(*item.value<std::string>());
                    }
                } else if (field_name == "share") {
                    settings.share = integer_at(channel["share"], path, prefix + ".share", 1, 100);
                } else if (field_name == "max") {
                    settings.max =
                        integer_at(channel["max"], path, prefix + ".max", 0, INT64_MAX / 4);
                } else if (field_name == "grace_ms") {
                    settings.grace_ms = integer_at(channel["grace_ms"], path, prefix + ".grace_ms",
                                                   0, INT64_MAX / 1000);
                } else {
                    bad(path, prefix + "." + field_name, "unknown setting");
                }
            }
            config.channels[name] = settings;
        }
    }
}

void finish_config(serve_config& config) {
    for (auto& [name, source] : config.sources) {
        if (source.secret_file.empty()) continue;
        std::ifstream in(source.secret_file);
        if (!in)
            throw std::runtime_error(source.secret_file + ": cannot read the " + name + " secret");
        std::getline(in, source.secret);
        while (!source.secret.empty() &&
               (source.secret.back() == '\r' || source.secret.back() == ' ')) {
            source.secret.pop_back();
        }
        if (source.secret.empty())
            throw std::runtime_error(source.secret_file + ": the secret is empty");
    }
    if (!config.token_file.empty()) {
        std::ifstream in(config.token_file);
        if (!in) throw std::runtime_error(config.token_file + ": cannot read the token file");
        std::getline(in, config.token);
        while (!config.token.empty() &&
               (config.token.back() == '\r' || config.token.back() == ' ')) {
            config.token.pop_back();
        }
        if (config.token.size() < 16) {
            throw std::runtime_error(config.token_file +
                                     ": the token must be at least 16 characters");
        }
    }
    if (!is_loopback(config.host) && config.token.empty()) {
        throw std::runtime_error("listening on " + config.host +
                                 " needs a bearer token: give --token-file");
    }
}

std::string config_policy_events(const serve_config& config, int64_t ts_us, uint64_t start_lsn) {
    std::string ts;
    append_rfc3339_us(ts, ts_us);
    std::vector<std::string> bodies;
    if (config.grace_default_ms) {
        bodies.push_back("\"type\":\"policy.publish\",\"grace_ms\":" +
                         std::to_string(*config.grace_default_ms));
    }
    for (const auto& [name, units] : config.class_buffers) {
        bodies.push_back("\"type\":\"policy.buffer\",\"class\":\"" + name +
                         "\",\"units\":" + std::to_string(units));
    }
    for (const auto& [name, settings] : config.channels) {
        const std::string channel = channels::json_quote(name);
        if (settings.locations || settings.share || settings.max) {
            std::string body = "\"type\":\"policy.channel\",\"channel\":" + channel;
            if (settings.locations) {
                body += ",\"locations\":[";
                for (size_t i = 0; i < settings.locations->size(); i++) {
                    if (i > 0) body += ',';
                    body += channels::json_quote((*settings.locations)[i]);
                }
                body += ']';
            }
            if (settings.share) body += ",\"share\":" + std::to_string(*settings.share);
            if (settings.max) body += ",\"max\":" + std::to_string(*settings.max);
            bodies.push_back(body);
        }
        if (settings.grace_ms) {
            bodies.push_back("\"type\":\"policy.publish\",\"grace_ms\":" +
                             std::to_string(*settings.grace_ms) + ",\"channel\":" + channel);
        }
    }
    std::string out;
    for (size_t i = 0; i < bodies.size(); i++) {
        out += "{\"id\":\"weave-config-" + std::to_string(start_lsn) + "-" + std::to_string(i + 1) +
               "\",\"ts\":\"" + ts + "\"," + bodies[i] + "}\n";
    }
    return out;
}

} // namespace weave::http
