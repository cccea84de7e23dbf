// `weave serve` (see server.h and docs/serve.md).
//
// Order of a batch: parse on the HTTP thread (parallel), then under the sequencer lock append it
// to the write-ahead log and apply it to the live engine (one order for both, so a replay of the
// log rebuilds exactly this state), then outside the lock wait for the group commit, then 202.
#include "http/server.h"

#include <httplib.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "http/divergence_hub.h"
#include "http/metrics.h"
#include "http/publisher.h"
#include "http/webhooks.h"
#include "ndjson/event_parser.h"
#include "wal/log.h"
#include "wal/snapshot.h"
#include "weave/live.h"
#include "weave/time.h"

namespace weave::http {
namespace {

constexpr uint8_t record_batch = 1;
constexpr uint8_t record_clock = 2;
constexpr uint8_t record_webhook = 3;  // a channel delivery as received (http/webhooks.h)

// A snapshot file holds the engine's state and the webhook adapters' state.
constexpr std::string_view snapshot_magic = "WVSRV1";

std::string pack_snapshot(std::string_view engine_state, std::string_view webhook_state) {
    std::string out(snapshot_magic);
    const uint64_t engine_bytes = engine_state.size();
    out.append(reinterpret_cast<const char*>(&engine_bytes), sizeof engine_bytes);
    out.append(engine_state);
    out.append(webhook_state);
    return out;
}

// A snapshot of an older weave holds the engine's state alone.
void unpack_snapshot(std::string_view bytes, std::string_view& engine_state,
                     std::string_view& webhook_state) {
    if (bytes.substr(0, snapshot_magic.size()) != snapshot_magic) {
        engine_state = bytes;
        webhook_state = {};
        return;
    }
    bytes.remove_prefix(snapshot_magic.size());
    uint64_t engine_bytes = 0;
    if (bytes.size() < sizeof engine_bytes) throw std::runtime_error("snapshot is truncated");
    std::memcpy(&engine_bytes, bytes.data(), sizeof engine_bytes);
    bytes.remove_prefix(sizeof engine_bytes);
    if (engine_bytes > bytes.size()) throw std::runtime_error("snapshot is truncated");
    engine_state = bytes.substr(0, engine_bytes);
    webhook_state = bytes.substr(engine_bytes);
}

int64_t wall_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}
int64_t steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void json_error(httplib::Response& response, int status, const std::string& message) {
    std::string body = "{\"error\":";
    body += '"';
    for (const char c : message) {
        if (c == '"' || c == '\\') body += '\\';
        body += c;
    }
    body += "\",\"status\":" + std::to_string(status) + "}\n";
    response.status = status;
    response.set_content(body, "application/json");
}

// Constant-time comparison: the token's bytes do not decide how long a refusal takes.
bool same_secret(const std::string& given, const std::string& expected) {
    unsigned char difference = given.size() == expected.size() ? 0 : 1;
    for (size_t i = 0; i < expected.size(); i++) {
        const char g = i < given.size() ? given[i] : 0;
        difference |= static_cast<unsigned char>(g ^ expected[i]);
    }
    return difference == 0;
}

bool ndjson_content_type(const std::string& type) {
    const std::string base = type.substr(0, type.find(';'));
    return base == "application/x-ndjson" || base == "application/ndjson" ||
           base == "application/jsonl" || base == "application/json" || base == "text/plain";
}

const std::vector<double> latency_bounds_s = {1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3,
                                              2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25,
                                              0.5, 1, 2.5, 5, 10};
const std::vector<double> lag_bounds_ms = {10, 50, 100, 250, 500, 1000, 2500, 5000,
                                           10000, 30000, 60000, 120000, 300000, 600000};

} // namespace

struct server::impl {
    serve_config config;
    httplib::Server http;
    divergence_hub hub;

    // The sequencer: the live engine and the order of the write-ahead log.
    std::mutex sequencer;
    std::unique_ptr<live_engine> engine;
    std::unique_ptr<wal::log> log;
    std::unique_ptr<webhook_gateway> webhooks;
    std::unique_ptr<publisher> outbox;  // null unless [publish] enabled
    std::map<std::string, uint64_t> publish_errors;  // "channel:reason"
    int64_t clock_base_watermark_us = INT64_MIN;  // event watermark when the wall clock started
    int64_t clock_base_wall_us = 0;               // ... and the wall time then
    int64_t clock_last_us = INT64_MIN;
    std::atomic<uint64_t> batches_since_snapshot{0};
    std::map<std::string, uint64_t> rejects_by_reason;
    std::map<std::string, uint64_t> payload_rejects;  // "source:reason" from the adapters
    std::map<std::pair<int, int>, uint64_t> divergences_by_cause;  // (layer, cause)

    std::mutex lifecycle;  // start-up against stop()
    std::atomic<bool> ready{false};
    std::atomic<bool> stopping{false};
    std::atomic<unsigned> inflight{0};
    std::atomic<uint64_t> batches{0}, refused_busy{0}, snapshots{0};
    std::atomic<uint64_t> http_status[6] = {};  // by hundreds: 2xx..5xx
    histogram detection{latency_bounds_s};      // batch received -> divergence published
    histogram batch_seconds{latency_bounds_s};  // batch received -> 202
    int64_t started_ns = steady_ns();
    std::thread maintenance;
    std::mutex maintenance_mutex;
    std::condition_variable maintenance_wake;
    std::chrono::steady_clock::time_point last_snapshot = std::chrono::steady_clock::now();

    live_options engine_options() const {
        live_options options;
        options.shards = config.shards;
        options.parser = ndjson::event_parse_stage();
        options.track_expected_changes = config.publish.enabled;
        return options;
    }

    bool authorized(const httplib::Request& request) const {
        if (config.token.empty()) return true;
        const std::string header = request.get_header_value("Authorization");
        if (header.rfind("Bearer ", 0) == 0 && same_secret(header.substr(7), config.token)) {
            return true;
        }
        // EventSource cannot send headers: the stream and the page accept ?token=.
        return request.has_param("token") &&
               same_secret(request.get_param_value("token"), config.token);
    }

    // Shared checks of every /v1 and /metrics endpoint; false when the response is set.
    bool admit(const httplib::Request& request, httplib::Response& response) {
        if (!authorized(request)) {
            response.set_header("WWW-Authenticate", "Bearer");
            json_error(response, 401, "a valid bearer token is required");
            return false;
        }
        if (!ready.load() || stopping.load()) {
            json_error(response, 503, stopping ? "shutting down" : "recovering");
            response.set_header("Retry-After", "1");
            return false;
        }
        return true;
    }

    void note_divergences(std::vector<live_divergence> fresh, int64_t received_ns) {
        if (fresh.empty()) return;
        for (const live_divergence& d : fresh) {
            if (!d.is_close) {
                divergences_by_cause[{static_cast<int>(d.layer), static_cast<int>(d.cause)}]++;
            }
        }
        hub.publish(std::move(fresh));
        if (received_ns != 0) {
            detection.observe(static_cast<double>(steady_ns() - received_ns) / 1e9);
        }
    }

    // ---- recovery -----------------------------------------------------------------------
    void recover() {
        std::filesystem::create_directories(config.data_dir);
        uint64_t snapshot_lsn = 0;
        std::string snapshot_bytes, note;
        webhooks = std::make_unique<webhook_gateway>(config);
        if (wal::read_latest_snapshot(config.data_dir, snapshot_lsn, snapshot_bytes, note)) {
            std::string_view engine_state, webhook_state;
            unpack_snapshot(snapshot_bytes, engine_state, webhook_state);
            engine = std::make_unique<live_engine>(engine_options(), engine_state);
            if (!webhook_state.empty()) webhooks->load_state(webhook_state);
            std::fprintf(stderr, "weave serve: snapshot at lsn %llu loaded (%zu bytes)%s%s\n",
                         static_cast<unsigned long long>(snapshot_lsn), snapshot_bytes.size(),
                         note.empty() ? "" : "; ", note.c_str());
        } else {
            engine = std::make_unique<live_engine>(engine_options());
            if (!note.empty()) std::fprintf(stderr, "weave serve: %s\n", note.c_str());
        }
        snapshot_bytes = std::string();
        wal::options options;
        options.sync = config.sync;
        wal::recovery_report report;
        uint64_t replayed = 0;
        log = std::make_unique<wal::log>(
            config.data_dir, options, snapshot_lsn,
            [&](const wal::record& record) {
                replayed++;
                if (record.kind == record_batch) {
                    engine->apply(record.payload);
                } else if (record.kind == record_webhook) {
                    webhook_delivery delivery;
                    if (webhook_gateway::decode(record.payload, delivery)) {
                        engine->apply(webhooks->convert(delivery).events);
                    }
                } else if (record.kind == record_clock && record.payload.size() == 8) {
                    int64_t watermark = 0;
                    std::memcpy(&watermark, record.payload.data(), 8);
                    engine->advance_clock(watermark);
                    clock_last_us = watermark;
                }
            },
            report);
        engine->take_new_divergences();  // history, not news
        engine->take_expected_changes();  // published before the restart, or due again later
        if (config.publish.enabled) {
            outbox = std::make_unique<publisher>(config.publish, config.data_dir);
            std::fprintf(stderr, "weave serve: publishing requests to %s%s%s\n",
                         outbox->dir().c_str(), config.publish.url.empty() ? "" : " and ",
                         config.publish.url.c_str());
        }
        std::fprintf(stderr, "weave serve: %llu log records replayed after the snapshot",
                     static_cast<unsigned long long>(replayed));
        if (report.truncated_bytes > 0) {
            std::fprintf(stderr, "; torn tail: %llu bytes cut (%s)",
                         static_cast<unsigned long long>(report.truncated_bytes),
                         report.truncation_reason.c_str());
        }
        std::fprintf(stderr, "\n");
        restart_clock();
        const std::string policies = config_policy_events(
            config, engine->watermark_us().value_or(0), log->last_lsn() + 1);
        if (!policies.empty()) {
            const uint64_t lsn = log->append(record_batch, policies);
            const batch_result result = engine->apply(policies);
            publish_changes();
            log->wait_durable(lsn);
            std::fprintf(stderr, "weave serve: %llu policy events from the config applied\n",
                         static_cast<unsigned long long>(result.accepted));
        }
    }

    // After a batch: every listing whose expected changed gets its channel's update request,
    // in priority order; the attempts are logged and applied as `publish` events first.
    void publish_changes() {
        if (!outbox) return;
        std::vector<publish::listing_update> updates;
        for (listing_change& change : engine->take_expected_changes()) {
            if (change.retired) continue;  // a retired alias is not sold through any more
            updates.push_back(publish::listing_update{std::move(change.channel),
                                                      std::move(change.listing),
                                                      std::move(change.sku), change.expected,
                                                      change.observed, change.on_hand_total});
        }
        if (updates.empty()) return;
        updates = publish::prioritise(std::move(updates));
        publish::publish_settings settings;
        settings.shopify_api_version = config.publish.shopify_api_version;
        settings.shopify_location_id = config.publish.shopify_location_id;
        settings.amazon_seller_id = config.publish.amazon_seller_id;
        settings.amazon_marketplace_id = config.publish.amazon_marketplace_id;
        publish::build_result built = publish::build_requests(updates, settings);
        for (const publish::publish_error& error : built.errors) {
            publish_errors[error.channel + ":" + error.reason]++;
        }
        std::set<std::pair<std::string, std::string>> sent;
        for (const publish::request& request : built.requests) {
            for (const std::string& listing : request.listings) sent.insert({request.channel, listing});
        }
        std::vector<publish::listing_update> attempted;
        for (publish::listing_update& update : updates) {
            if (sent.count({update.channel, update.listing}) != 0) attempted.push_back(std::move(update));
        }
        const std::string events =
            publish::publish_events(attempted, engine->watermark_us().value_or(0));
        if (events.empty()) return;
        const uint64_t lsn = log->append(record_batch, events);
        engine->apply(events);
        outbox->submit(lsn, std::move(built.requests));
    }

    void restart_clock() {
        clock_base_watermark_us = engine->watermark_us().value_or(INT64_MIN);
        clock_base_wall_us = wall_us();
    }

    // ---- the write path -----------------------------------------------------------------
    // One of the limits.inflight_batches_max places for a batch between arrival and answer:
    // beyond them the server answers 429 instead of queueing without bound.
    class inflight_slot {
    public:
        explicit inflight_slot(impl& server)
            : _count(server.inflight),
              _taken(_count.fetch_add(1) < server.config.inflight_batches_max) {}
        ~inflight_slot() { _count.fetch_sub(1); }
        bool taken() const { return _taken; }

    private:
        std::atomic<unsigned>& _count;
        bool _taken;
    };

    // `{"line":N,"reason":"…"}` per rejected line of the batch, comma-separated.
    static void append_rejects(std::string& body, const batch_result& result) {
        for (size_t i = 0; i < result.rejects.size(); i++) {
            body += i == 0 ? "{\"line\":" : ",{\"line\":";
            body += std::to_string(result.rejects[i].line) + ",\"reason\":\"" +
                    reject_text(result.rejects[i].reason, result.rejects[i].field) + "\"}";
        }
    }

    void post_events(const httplib::Request& request, httplib::Response& response) {
        const int64_t received_ns = steady_ns();
        if (!admit(request, response)) return;
        if (!ndjson_content_type(request.get_header_value("Content-Type"))) {
            json_error(response, 415, "send NDJSON as application/x-ndjson");
            return;
        }
        if (request.body.empty()) {
            json_error(response, 400, "the body is empty: send one event per line");
            return;
        }
        const inflight_slot slot(*this);
        if (!slot.taken()) {
            refused_busy++;
            response.set_header("Retry-After", "1");
            json_error(response, 429, "too many batches in flight; retry");
            return;
        }

        parsed_chunk parsed;
        engine->parse(request.body, parsed);
        bool any_json = false;
        for (const parsed_event& event : parsed.events) {
            if (event.reject != reject_reason::malformed_json &&
                event.reject != reject_reason::line_too_long) {
                any_json = true;
                break;
            }
        }
        if (!any_json) {
            json_error(response, 400,
                       parsed.events.empty() ? "the body holds only blank lines"
                                             : "no line of the body is a JSON object");
            return;
        }
        uint64_t lsn = 0;
        batch_result result;
        {
            const std::lock_guard<std::mutex> lock(sequencer);
            if (stopping.load()) {
                json_error(response, 503, "shutting down");
                return;
            }
            lsn = log->append(record_batch, request.body);
            result = engine->apply(request.body, parsed);
            for (const batch_reject& reject : result.rejects) {
                rejects_by_reason[reject_text(reject.reason, reject.field)]++;
            }
            if (result.accepted > 0) restart_clock();
            batches_since_snapshot++;
            note_divergences(engine->take_new_divergences(), received_ns);
            publish_changes();
        }
        try {
            log->wait_durable(lsn);
        } catch (const std::exception& error) {
            json_error(response, 500, std::string("the batch could not be made durable: ") +
                                          error.what());
            return;
        }
        batches++;
        std::string body = "{\"accepted\":" + std::to_string(result.accepted) +
                           ",\"duplicates\":" + std::to_string(result.duplicates) +
                           ",\"rejected\":" + std::to_string(result.rejected) + ",\"rejects\":[";
        append_rejects(body, result);
        body += "],\"lsn\":" + std::to_string(lsn) + "}\n";
        response.status = 202;
        response.set_content(body, "application/json");
        batch_seconds.observe(static_cast<double>(steady_ns() - received_ns) / 1e9);
        if (config.snapshot_every_batches != 0 &&
            batches_since_snapshot >= config.snapshot_every_batches) {
            maintenance_wake.notify_one();
        }
    }

    // ---- channel webhooks ---------------------------------------------------------------
    void post_webhook(const httplib::Request& request, httplib::Response& response) {
        const int64_t received_ns = steady_ns();
        webhook_delivery delivery;
        delivery.source = request.matches[1];
        delivery.topic = request.matches.size() > 2 ? std::string(request.matches[2]) : "";
        if (!delivery.topic.empty() && delivery.topic.front() == '/') delivery.topic.erase(0, 1);
        if (!ready.load() || stopping.load()) {
            json_error(response, 503, stopping ? "shutting down" : "recovering");
            response.set_header("Retry-After", "1");
            return;
        }
        if (!webhooks->knows(delivery.source)) {
            json_error(response, 404, "no channel source '" + delivery.source + "'");
            return;
        }
        // Shopify proves itself with its signature; other sources with the bearer token.
        if (delivery.source == "shopify") {
            const std::string why = webhooks->authenticate(
                delivery.source, request.body, request.get_header_value("X-Shopify-Hmac-Sha256"));
            if (!why.empty()) {
                json_error(response, 401, why);
                return;
            }
            delivery.delivery_id = request.get_header_value("X-Shopify-Webhook-Id");
            if (delivery.topic.empty()) delivery.topic = request.get_header_value("X-Shopify-Topic");
        } else {
            if (!admit(request, response)) return;
            delivery.delivery_id = request.get_header_value("X-WC-Webhook-Delivery-ID");
            if (delivery.topic.empty()) delivery.topic = request.get_header_value("X-WC-Webhook-Topic");
        }
        const inflight_slot slot(*this);
        if (!slot.taken()) {
            refused_busy++;
            response.set_header("Retry-After", "1");
            json_error(response, 429, "too many batches in flight; retry");
            return;
        }
        delivery.received_us = wall_us();
        delivery.body = request.body;
        uint64_t lsn = 0;
        channels::conversion converted;
        batch_result result;
        {
            const std::lock_guard<std::mutex> lock(sequencer);
            if (webhooks->delivered_before(delivery)) {
                response.set_content("{\"duplicate_delivery\":true}\n", "application/json");
                return;
            }
            lsn = log->append(record_webhook, webhook_gateway::encode(delivery));
            converted = webhooks->convert(delivery);
            result = engine->apply(converted.events);
            for (const batch_reject& reject : result.rejects) {
                rejects_by_reason[reject_text(reject.reason, reject.field)]++;
            }
            for (const channels::payload_reject& reject : converted.rejects) {
                payload_rejects[delivery.source + ":" + reject.reason]++;
            }
            if (result.accepted > 0) restart_clock();
            batches_since_snapshot++;
            note_divergences(engine->take_new_divergences(), received_ns);
            publish_changes();
        }
        log->wait_durable(lsn);
        batches++;
        std::string body = "{\"events\":" + std::to_string(converted.event_count) +
                           ",\"accepted\":" + std::to_string(result.accepted) +
                           ",\"duplicates\":" + std::to_string(result.duplicates) +
                           ",\"rejected\":" + std::to_string(result.rejected) + ",\"rejects\":[";
        append_rejects(body, result);
        body += "],\"payload_rejects\":[";
        for (size_t i = 0; i < converted.rejects.size(); i++) {
            body += i == 0 ? "{\"where\":" : ",{\"where\":";
            body += channels::json_quote(converted.rejects[i].where) +
                    ",\"reason\":" + channels::json_quote(converted.rejects[i].reason) + "}";
        }
        body += "],\"lsn\":" + std::to_string(lsn) + "}\n";
        response.set_content(body, "application/json");
    }

    // ---- reads --------------------------------------------------------------------------
    void get_sku(const httplib::Request& request, httplib::Response& response) {
        if (!admit(request, response)) return;
        const std::string sku = request.matches[1];
        std::optional<std::string> body;
        {
            const std::lock_guard<std::mutex> lock(sequencer);
            body = engine->sku_json(sku);
        }
        if (!body) {
            json_error(response, 404, "no SKU '" + sku + "' is defined");
            return;
        }
        response.set_content(*body + "\n", "application/json");
    }

    static bool matches_filters(const live_divergence& d, const std::string& layer,
                                const std::string& channel) {
        return (layer.empty() || divergence_layer_names[static_cast<size_t>(d.layer)] == layer) &&
               (channel.empty() || d.channel == channel);
    }

    void get_divergences(const httplib::Request& request, httplib::Response& response) {
        if (!admit(request, response)) return;
        const std::string layer = request.get_param_value("layer");
        const std::string channel = request.get_param_value("channel");
        if (!layer.empty() && std::find(divergence_layer_names.begin(), divergence_layer_names.end(),
                                        layer) == divergence_layer_names.end()) {
            json_error(response, 400, "unknown layer '" + layer + "'");
            return;
        }
        const std::string open = request.has_param("open") ? request.get_param_value("open") : "true";
        if (open != "true" && open != "false") {
            json_error(response, 400, "open is true or false");
            return;
        }
        std::vector<live_divergence> records;
        if (open == "true") {
            const std::lock_guard<std::mutex> lock(sequencer);
            records = engine->open_divergences();
        } else {
            for (hub_item& item : hub.recent()) records.push_back(std::move(item.divergence));
        }
        std::string body = "{\"divergences\":[";
        bool first = true;
        for (const live_divergence& d : records) {
            if (!matches_filters(d, layer, channel)) continue;
            body += first ? "" : ",";
            first = false;
            body += d.json;
        }
        body += "]}\n";
        response.set_content(body, "application/json");
    }

    void get_stream(const httplib::Request& request, httplib::Response& response) {
        if (!admit(request, response)) return;
        const std::string layer = request.get_param_value("layer");
        const std::string channel = request.get_param_value("channel");
        auto after = std::make_shared<uint64_t>(hub.last_id());
        response.set_header("Cache-Control", "no-cache");
        response.set_chunked_content_provider(
            "text/event-stream", [this, after, layer, channel](size_t, httplib::DataSink& sink) {
                if (*after == hub.last_id() && !hub.closed()) {
                    // First call or idle: tell the client the stream is alive.
                    const std::string hello = ": weave divergences\n\n";
                    if (!sink.write(hello.data(), hello.size())) return false;
                }
                bool skipped = false;
                const auto items = hub.wait_after(*after, std::chrono::milliseconds(1000), skipped);
                if (stopping.load() || hub.closed()) {
                    sink.done();
                    return true;
                }
                std::string out;
                if (skipped) out += "event: skipped\ndata: {}\n\n";
                for (const hub_item& item : items) {
                    *after = item.id;
                    if (!matches_filters(item.divergence, layer, channel)) continue;
                    out += "id: " + std::to_string(item.id) + "\nevent: divergence\ndata: " +
                           item.divergence.json + "\n\n";
                }
                if (!out.empty() && !sink.write(out.data(), out.size())) return false;
                return sink.is_writable();
            });
    }

    void get_report(const httplib::Request& request, httplib::Response& response) {
        if (!admit(request, response)) return;
        std::string body;
        uint64_t events = 0;
        {
            const std::lock_guard<std::mutex> lock(sequencer);
            body = engine->report_body();
            events = engine->counters().events_read;
        }
        const double uptime = static_cast<double>(steady_ns() - started_ns) / 1e9;
        char timing[160];
        std::snprintf(timing, sizeof timing,
                      ",\"timing\":{\"wall_s\":%.3f,\"events_per_s\":%.0f,\"latency_ns_p50\":null,"
                      "\"latency_ns_p99\":null}}\n",
                      uptime, uptime > 0 ? static_cast<double>(events) / uptime : 0.0);
        response.set_content(body + timing, "application/json");
    }

    void get_state(const httplib::Request& request, httplib::Response& response) {
        if (!admit(request, response)) return;
        std::string body;
        {
            const std::lock_guard<std::mutex> lock(sequencer);
            body = engine->state();
        }
        response.set_content(body, "application/x-ndjson");
    }

    void get_metrics(const httplib::Request& request, httplib::Response& response) {
        if (!admit(request, response)) return;
        live_counters counters;
        std::map<std::string, uint64_t> rejects, source_rejects, publish_failures;
        std::map<std::pair<int, int>, uint64_t> by_cause;
        std::map<std::pair<std::string, std::string>, uint64_t> open_by;
        std::vector<uint64_t> lag_counts;
        double lag_sum = 0;
        {
            const std::lock_guard<std::mutex> lock(sequencer);
            counters = engine->counters();
            rejects = rejects_by_reason;
            source_rejects = payload_rejects;
            publish_failures = publish_errors;
            by_cause = divergences_by_cause;
            for (const live_divergence& d : engine->open_divergences()) {
                open_by[{std::string(divergence_layer_names[static_cast<size_t>(d.layer)]),
                         d.channel}]++;
            }
            lag_sum = engine->publish_lag_histogram(lag_bounds_ms, lag_counts);
        }
        const wal::log::stats wal_stats = log->counters();
        std::string out;
        auto counter = [&](const std::string& name, const std::string& help) {
            out += "# HELP " + name + " " + help + "\n# TYPE " + name + " counter\n";
        };
        auto gauge = [&](const std::string& name, const std::string& help) {
            out += "# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n";
        };
        counter("weave_events_total", "Event lines read, by outcome.");
        out += "weave_events_total{outcome=\"applied\"} " + std::to_string(counters.applied) + "\n";
        out += "weave_events_total{outcome=\"duplicate\"} " + std::to_string(counters.duplicates) + "\n";
        out += "weave_events_total{outcome=\"rejected\"} " + std::to_string(counters.rejected) + "\n";
        counter("weave_rejects_total", "Rejected lines since start-up, by reason.");
        for (const auto& [reason, count] : rejects) {
            out += "weave_rejects_total{reason=\"" + label_value(reason) + "\"} " +
                   std::to_string(count) + "\n";
        }
        counter("weave_payload_rejects_total",
                "Parts of channel payloads (webhooks) that could not be mapped, by source and reason.");
        for (const auto& [key, count] : source_rejects) {
            const size_t colon = key.find(':');
            out += "weave_payload_rejects_total{source=\"" + label_value(key.substr(0, colon)) +
                   "\",reason=\"" + label_value(key.substr(colon + 1)) + "\"} " +
                   std::to_string(count) + "\n";
        }
        counter("weave_divergences_opened_total", "Divergences opened since start-up, by layer and cause.");
        for (const auto& [key, count] : by_cause) {
            out += "weave_divergences_opened_total{layer=\"" +
                   std::string(divergence_layer_names[static_cast<size_t>(key.first)]) +
                   "\",cause=\"" +
                   std::string(divergence_cause_names[static_cast<size_t>(key.second)]) + "\"} " +
                   std::to_string(count) + "\n";
        }
        gauge("weave_divergences_open", "Open divergences now, by layer and channel.");
        for (const auto& [key, count] : open_by) {
            out += "weave_divergences_open{layer=\"" + key.first + "\",channel=\"" +
                   label_value(key.second) + "\"} " + std::to_string(count) + "\n";
        }
        gauge("weave_ingest_queue_depth", "Batches received and not yet acknowledged.");
        out += "weave_ingest_queue_depth " + std::to_string(inflight.load()) + "\n";
        counter("weave_ingest_refused_total", "Batches refused with 429 (back-pressure).");
        out += "weave_ingest_refused_total " + std::to_string(refused_busy.load()) + "\n";
        counter("weave_batches_total", "Batches acknowledged (202).");
        out += "weave_batches_total " + std::to_string(batches.load()) + "\n";
        counter("weave_http_responses_total", "HTTP responses by status class.");
        for (int c = 2; c <= 5; c++) {
            out += "weave_http_responses_total{class=\"" + std::to_string(c) + "xx\"} " +
                   std::to_string(http_status[c].load()) + "\n";
        }
        counter("weave_wal_syncs_total", "fdatasync calls of the write-ahead log (group commits).");
        out += "weave_wal_syncs_total " + std::to_string(wal_stats.syncs) + "\n";
        counter("weave_wal_bytes_total", "Bytes written to the write-ahead log.");
        out += "weave_wal_bytes_total " + std::to_string(wal_stats.bytes) + "\n";
        if (outbox) {
            const publisher::stats sent = outbox->counters();
            counter("weave_publish_requests_total", "Channel update requests, by outcome.");
            out += "weave_publish_requests_total{outcome=\"queued\"} " + std::to_string(sent.queued) + "\n";
            out += "weave_publish_requests_total{outcome=\"written\"} " + std::to_string(sent.written) + "\n";
            out += "weave_publish_requests_total{outcome=\"sent\"} " + std::to_string(sent.sent) + "\n";
            out += "weave_publish_requests_total{outcome=\"failed\"} " + std::to_string(sent.failed) + "\n";
            counter("weave_publish_errors_total", "Listings no request could be built for.");
            for (const auto& [key, count] : publish_failures) {
                const size_t colon = key.find(':');
                out += "weave_publish_errors_total{channel=\"" + label_value(key.substr(0, colon)) +
                       "\",reason=\"" + label_value(key.substr(colon + 1)) + "\"} " +
                       std::to_string(count) + "\n";
            }
        }
        counter("weave_snapshots_total", "Snapshots written.");
        out += "weave_snapshots_total " + std::to_string(snapshots.load()) + "\n";
        detection.write(out, "weave_detection_latency_seconds",
                        "From a batch's arrival to its divergence records' publication.");
        batch_seconds.write(out, "weave_batch_seconds", "From a batch's arrival to its 202.");
        histogram::write_histogram(out, "weave_publish_lag_milliseconds",
                                   "Publish lag (SPEC section 4): publish to matching observation.",
                                   lag_bounds_ms, lag_counts, lag_sum);
        response.set_content(out, "text/plain; version=0.0.4");
    }

    // ---- maintenance: the wall clock and snapshots -------------------------------------------
    void tick_clock() {
        if (!config.clock_enabled) return;
        const std::lock_guard<std::mutex> lock(sequencer);
        if (clock_base_watermark_us == INT64_MIN || stopping.load()) return;
        const int64_t idle_us = wall_us() - clock_base_wall_us;
        if (idle_us < static_cast<int64_t>(config.clock_tick_ms) * 1000) return;
        const int64_t watermark = clock_base_watermark_us + idle_us;
        if (watermark <= clock_last_us) return;
        clock_last_us = watermark;
        char payload[8];
        std::memcpy(payload, &watermark, 8);
        log->append(record_clock, std::string_view(payload, 8));
        engine->advance_clock(watermark);
        note_divergences(engine->take_new_divergences(), 0);
        engine->take_expected_changes();  // time passing changes no expected quantity
    }

    void take_snapshot(const char* why) {
        std::string bytes;
        uint64_t lsn = 0;
        {
            const std::lock_guard<std::mutex> lock(sequencer);
            if (batches_since_snapshot.load() == 0) return;
            bytes = pack_snapshot(engine->snapshot(), webhooks->save_state());
            lsn = log->last_lsn();
            batches_since_snapshot = 0;
        }
        // Only what is durable in the log may be covered by a snapshot.
        log->wait_durable(lsn);
        wal::write_snapshot(config.data_dir, lsn, bytes);
        log->drop_through(lsn);
        snapshots++;
        last_snapshot = std::chrono::steady_clock::now();
        std::fprintf(stderr, "weave serve: snapshot at lsn %llu (%zu bytes, %s)\n",
                     static_cast<unsigned long long>(lsn), bytes.size(), why);
    }

    void maintain() {
        while (!stopping.load()) {
            {
                std::unique_lock<std::mutex> lock(maintenance_mutex);
                maintenance_wake.wait_for(lock, std::chrono::milliseconds(
                                                    std::min<uint64_t>(config.clock_tick_ms, 250)));
            }
            if (stopping.load()) break;
            try {
                tick_clock();
                const bool by_count = config.snapshot_every_batches != 0 &&
                                      batches_since_snapshot >= config.snapshot_every_batches;
                const bool by_time =
                    config.snapshot_interval_s != 0 &&
                    std::chrono::steady_clock::now() - last_snapshot >=
                        std::chrono::seconds(config.snapshot_interval_s);
                if (by_count || by_time) take_snapshot(by_count ? "batch count" : "interval");
            } catch (const std::exception& error) {
                std::fprintf(stderr, "weave serve: maintenance failed: %s\n", error.what());
            }
        }
    }

    void routes() {
        http.new_task_queue = [threads = config.http_threads] {
            return new httplib::ThreadPool(threads);
        };
        http.set_payload_max_length(config.body_max_bytes);
        http.set_read_timeout(30, 0);
        http.set_write_timeout(30, 0);
        http.set_tcp_nodelay(true);
        http.set_logger([this](const httplib::Request&, const httplib::Response& response) {
            const int c = response.status / 100;
            if (c >= 2 && c <= 5) http_status[c]++;
        });
        http.set_error_handler([](const httplib::Request&, httplib::Response& response) {
            if (!response.body.empty()) return;
            const int status = response.status;
            json_error(response, status,
                       status == 413   ? "the body is larger than the limit"
                       : status == 404 ? "no such endpoint"
                       : status == 405 ? "method not allowed"
                                       : "bad request");
        });
        http.set_exception_handler(
            [](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
                std::string what = "internal error";
                try {
                    if (error) std::rethrow_exception(error);
                } catch (const std::exception& e) {
                    what = e.what();
                } catch (...) {
                }
                json_error(response, 500, what);
            });
        http.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
            response.set_content("{\"status\":\"ok\"}\n", "application/json");
        });
        http.Get("/readyz", [this](const httplib::Request&, httplib::Response& response) {
            if (ready.load() && !stopping.load()) {
                response.set_content("{\"status\":\"ready\"}\n", "application/json");
            } else {
                json_error(response, 503, stopping ? "shutting down" : "recovering");
            }
        });
        http.Get("/", [](const httplib::Request&, httplib::Response& response) {
            response.set_content(reinterpret_cast<const char*>(dashboard_html), dashboard_html_size, "text/html; charset=utf-8");
        });
        http.Post("/v1/events", [this](const httplib::Request& request, httplib::Response& response) {
            post_events(request, response);
        });
        http.Post(R"(/v1/webhooks/([a-z_]+)(/.*)?)",
                  [this](const httplib::Request& request, httplib::Response& response) {
                      post_webhook(request, response);
                  });
        http.Get(R"(/v1/skus/(.+))", [this](const httplib::Request& request,
                                            httplib::Response& response) { get_sku(request, response); });
        http.Get("/v1/divergences/stream", [this](const httplib::Request& request,
                                                  httplib::Response& response) {
            get_stream(request, response);
        });
        http.Get("/v1/divergences", [this](const httplib::Request& request,
                                           httplib::Response& response) {
            get_divergences(request, response);
        });
        http.Get("/v1/report", [this](const httplib::Request& request, httplib::Response& response) {
            get_report(request, response);
        });
        http.Get("/v1/state", [this](const httplib::Request& request, httplib::Response& response) {
            get_state(request, response);
        });
        http.Get("/metrics", [this](const httplib::Request& request, httplib::Response& response) {
            get_metrics(request, response);
        });
    }
};

server::server(serve_config config) : _impl(std::make_unique<impl>()) {
    _impl->config = std::move(config);
}

server::~server() {
    stop();
    if (_impl->maintenance.joinable()) _impl->maintenance.join();
}

int server::run() {
    impl& s = *_impl;
    std::thread listener;
    {
        // stop() may come from another thread at any moment: until the listener runs, it waits
        // here, so a stop during start-up is never lost and never races the socket's creation.
        const std::lock_guard<std::mutex> lock(s.lifecycle);
        if (s.stopping.load()) return 0;
        s.routes();
        if (!s.http.bind_to_port(s.config.host, s.config.port)) {
            std::fprintf(stderr, "weave serve: cannot listen on %s:%d: %s\n",
                         s.config.host.c_str(), s.config.port, std::strerror(errno));
            return 1;
        }
        listener = std::thread([&] { s.http.listen_after_bind(); });
        while (!s.http.is_running()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    std::fprintf(stderr, "weave serve: listening on http://%s:%d/ (data in %s)\n",
                 s.config.host.c_str(), s.config.port, s.config.data_dir.c_str());
    int status = 0;
    try {
        s.recover();
        s.ready = true;
        std::fprintf(stderr, "weave serve: ready\n");
        s.maintenance = std::thread([&] { s.maintain(); });
    } catch (const std::exception& error) {
        std::fprintf(stderr, "weave serve: recovery failed: %s\n", error.what());
        status = 1;
        stop();
    }
    listener.join();
    s.hub.close();
    if (s.maintenance.joinable()) {
        s.maintenance_wake.notify_all();
        s.maintenance.join();
    }
    if (status == 0) {
        try {
            s.take_snapshot("shutdown");
        } catch (const std::exception& error) {
            std::fprintf(stderr, "weave serve: final snapshot failed: %s\n", error.what());
            status = 1;
        }
    }
    s.outbox.reset();  // sends what is queued
    s.log.reset();
    s.engine.reset();
    std::fprintf(stderr, "weave serve: stopped\n");
    return status;
}

void server::stop() {
    const std::lock_guard<std::mutex> lock(_impl->lifecycle);
    _impl->stopping = true;
    _impl->hub.close();
    _impl->maintenance_wake.notify_all();
    _impl->http.stop();
}

} // namespace weave::http
