// `weave serve`: start-up, recovery, the wall clock, snapshots and the routes (server_impl.h).
#include <sys/stat.h>

#include <cstring>
#include <filesystem>

#include "http/server_impl.h"
#include "ndjson/event_parser.h"
#include "wal/snapshot.h"
#include "weave/time.h"

namespace weave::http {
namespace {

// A snapshot file holds the engine's state and the webhook adapters' state.
constexpr std::string_view snapshot_magic = "WVSRV1";

// [magic][engine bytes, u64][engine state][webhook state]: the engine's part is written in place
// after the header, so the largest part of the state is copied once.
std::string pack_snapshot(const live_engine& engine, std::string_view webhook_state) {
    std::string out(snapshot_magic);
    const size_t size_at = out.size();
    out.append(sizeof(uint64_t), '\0');
    engine.append_snapshot(out, webhook_state.size());
    const uint64_t engine_bytes = out.size() - size_at - sizeof(uint64_t);
    std::memcpy(out.data() + size_at, &engine_bytes, sizeof engine_bytes);
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

// Constant-time comparison: the token's bytes do not decide how long a refusal takes.
bool same_secret(const std::string& given, const std::string& expected) {
    unsigned char difference = given.size() == expected.size() ? 0 : 1;
    for (size_t i = 0; i < expected.size(); i++) {
        const char g = i < given.size() ? given[i] : 0;
        difference |= static_cast<unsigned char>(g ^ expected[i]);
    }
    return difference == 0;
}

} // namespace

void json_error(httplib::Response& response, int status, const std::string& message) {
    // The message may quote the request (a SKU, a layer): json_quote escapes control bytes too.
    std::string body = "{\"error\":";
    body += channels::json_quote(message);
    body += ",\"status\":" + std::to_string(status) + "}\n";
    response.status = status;
    response.set_content(body, "application/json");
}

live_options server::impl::engine_options() const {
    live_options options;
    options.shards = config.shards;
    options.parser = ndjson::event_parse_stage();
    options.track_expected_changes = config.publish.enabled;
    return options;
}

bool server::impl::authorized(const httplib::Request& request) const {
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
bool server::impl::admit(const httplib::Request& request, httplib::Response& response) {
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

void server::impl::note_divergences(std::vector<live_divergence> fresh, int64_t received_ns) {
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

void server::impl::recover() {
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
    engine->take_expected_changes(); // published before the restart, or due again later
    if (config.publish.enabled) {
        outbox = std::make_unique<publisher>(config.publish, config.data_dir);
        std::fprintf(stderr, "weave serve: publishing requests to %s%s%s\n", outbox->dir().c_str(),
                     config.publish.url.empty() ? "" : " and ", config.publish.url.c_str());
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
    const std::string policies =
        config_policy_events(config, engine->watermark_us().value_or(0), log->last_lsn() + 1);
    if (!policies.empty()) {
        const uint64_t lsn = log->append(record_batch, policies);
        const batch_result result = engine->apply(policies);
        publish_changes();
        log->wait_durable(lsn);
        std::fprintf(stderr, "weave serve: %llu policy events from the config applied\n",
                     static_cast<unsigned long long>(result.accepted));
    }
}

void server::impl::restart_clock() {
    clock_base_watermark_us = engine->watermark_us().value_or(INT64_MIN);
    clock_base_wall_us = wall_us();
}

void server::impl::tick_clock() {
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
    engine->take_expected_changes(); // time passing changes no expected quantity
}

void server::impl::take_snapshot(const char* why) {
    std::string bytes;
    uint64_t lsn = 0;
    const int64_t started_ns = steady_ns();
    {
        // Ingest waits while the state is serialised: the time is in the log line below.
        const std::lock_guard<std::mutex> lock(sequencer);
        if (batches_since_snapshot.load() == 0) return;
        bytes = pack_snapshot(*engine, webhooks->save_state());
        lsn = log->last_lsn();
        batches_since_snapshot = 0;
    }
    const int64_t serialised_ns = steady_ns();
    // Only what is durable in the log may be covered by a snapshot.
    log->wait_durable(lsn);
    wal::write_snapshot(config.data_dir, lsn, bytes);
    log->drop_through(lsn);
    snapshots++;
    last_snapshot = std::chrono::steady_clock::now();
    std::fprintf(stderr,
                 "weave serve: snapshot at lsn %llu (%zu bytes, %s; serialised in %.1f ms under "
                 "the lock, written in %.1f ms)\n",
                 static_cast<unsigned long long>(lsn), bytes.size(), why,
                 static_cast<double>(serialised_ns - started_ns) / 1e6,
                 static_cast<double>(steady_ns() - serialised_ns) / 1e6);
}

void server::impl::maintain() {
    while (!stopping.load()) {
        {
            std::unique_lock<std::mutex> lock(maintenance_mutex);
            maintenance_wake.wait_for(
                lock, std::chrono::milliseconds(std::min<uint64_t>(config.clock_tick_ms, 250)));
        }
        if (stopping.load()) break;
        try {
            tick_clock();
            const bool by_count = config.snapshot_every_batches != 0 &&
                                  batches_since_snapshot >= config.snapshot_every_batches;
            const bool by_time = config.snapshot_interval_s != 0 &&
                                 std::chrono::steady_clock::now() - last_snapshot >=
                                     std::chrono::seconds(config.snapshot_interval_s);
            if (by_count || by_time) take_snapshot(by_count ? "batch count" : "interval");
        } catch (const std::exception& error) {
            std::fprintf(stderr, "weave serve: maintenance failed: %s\n", error.what());
        }
    }
}

void server::impl::routes() {
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
        response.set_content(reinterpret_cast<const char*>(dashboard_html), dashboard_html_size,
                             "text/html; charset=utf-8");
    });
    http.Post("/v1/events", [this](const httplib::Request& request, httplib::Response& response) {
        post_events(request, response);
    });
    http.Post(R"(/v1/webhooks/([a-z_]+)(/.*)?)",
              [this](const httplib::Request& request, httplib::Response& response) {
                  post_webhook(request, response);
              });
    http.Get(R"(/v1/skus/(.+))",
             [this](const httplib::Request& request, httplib::Response& response) {
                 get_sku(request, response);
             });
    http.Get("/v1/divergences/stream",
             [this](const httplib::Request& request, httplib::Response& response) {
                 get_stream(request, response);
             });
    http.Get("/v1/divergences",
             [this](const httplib::Request& request, httplib::Response& response) {
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
            std::fprintf(stderr, "weave serve: cannot listen on %s:%d: %s\n", s.config.host.c_str(),
                         s.config.port, std::strerror(errno));
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
    s.outbox.reset(); // sends what is queued
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
