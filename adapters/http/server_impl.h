#pragma once
// The inside of `weave serve` (server.h), shared by its files: server.cpp (start-up, recovery,
// the wall clock, snapshots, routes), server_ingest.cpp (batches, webhooks, publishing) and
// server_reads.cpp (queries, the stream, metrics).
//
// Order of a batch: parse on the HTTP thread (parallel), then under the sequencer lock append it
// to the write-ahead log and apply it to the live engine (one order for both, so a replay of the
// log rebuilds exactly this state), then outside the lock wait for the group commit, then 202.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/divergence_hub.h"
#include "http/metrics.h"
#include "http/publisher.h"
#include "http/server.h"
#include "http/webhooks.h"
#include "wal/log.h"
#include "weave/live.h"

namespace weave::http {

inline constexpr uint8_t record_batch = 1;
inline constexpr uint8_t record_clock = 2;
inline constexpr uint8_t record_webhook = 3; // a channel delivery as received (http/webhooks.h)

inline int64_t wall_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}
inline int64_t steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void json_error(httplib::Response& response, int status, const std::string& message);

inline const std::vector<double> latency_bounds_s = {
    1e-5,   2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2,
    2.5e-2, 5e-2,   0.1,  0.25, 0.5,    1,    2.5,  5,      10};

struct server::impl {
    serve_config config;
    httplib::Server http;
    divergence_hub hub;

    // The sequencer: the live engine and the order of the write-ahead log.
    std::mutex sequencer;
    std::unique_ptr<live_engine> engine;
    std::unique_ptr<wal::log> log;
    std::unique_ptr<webhook_gateway> webhooks;
    std::unique_ptr<publisher> outbox;              // null unless [publish] enabled
    std::map<std::string, uint64_t> publish_errors; // "channel:reason"
    int64_t clock_base_watermark_us = INT64_MIN;    // event watermark when the wall clock started
    int64_t clock_base_wall_us = 0;                 // ... and the wall time then
    int64_t clock_last_us = INT64_MIN;
    std::atomic<uint64_t> batches_since_snapshot{0};
    std::map<std::string, uint64_t> rejects_by_reason;
    std::map<std::string, uint64_t> payload_rejects; // "source:reason" from the adapters
    std::map<std::pair<int, int>, uint64_t> divergences_by_cause; // (layer, cause)

    std::mutex lifecycle; // start-up against stop()
    std::atomic<bool> ready{false};
    std::atomic<bool> stopping{false};
    std::atomic<unsigned> inflight{0};
    std::atomic<uint64_t> batches{0}, refused_busy{0}, snapshots{0};
    std::atomic<uint64_t> http_status[6] = {}; // by hundreds: 2xx..5xx
    histogram detection{latency_bounds_s};     // batch received -> divergence published
    histogram batch_seconds{latency_bounds_s}; // batch received -> 202
    int64_t started_ns = steady_ns();
    std::thread maintenance;
    std::mutex maintenance_mutex;
    std::condition_variable maintenance_wake;
    std::chrono::steady_clock::time_point last_snapshot = std::chrono::steady_clock::now();

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

    // ---- recovery, the wall clock, snapshots, routes (server.cpp) ------------------------
    live_options engine_options() const;
    bool authorized(const httplib::Request& request) const;
    // Shared checks of every /v1 and /metrics endpoint; false when the response is set.
    bool admit(const httplib::Request& request, httplib::Response& response);
    void note_divergences(std::vector<live_divergence> fresh, int64_t received_ns);
    void recover();
    void restart_clock();
    void tick_clock();
    void take_snapshot(const char* why);
    void maintain();
    void routes();

    // ---- the write path (server_ingest.cpp) ---------------------------------------------
    // After a batch: every listing whose expected changed gets its channel's update request,
    // in priority order; the attempts are logged and applied as `publish` events first.
    void publish_changes();
    // `{"line":N,"reason":"…"}` per rejected line of the batch, comma-separated.
    static void append_rejects(std::string& body, const batch_result& result);
    // 429 with Retry-After: every in-flight place is taken (back-pressure, never a queue).
    void refuse_busy(httplib::Response& response);
    void post_events(const httplib::Request& request, httplib::Response& response);
    void post_webhook(const httplib::Request& request, httplib::Response& response);

    // ---- reads (server_reads.cpp) -------------------------------------------------------
    void get_sku(const httplib::Request& request, httplib::Response& response);
    static bool matches_filters(const live_divergence& d, const std::string& layer,
                                const std::string& channel);
    void get_divergences(const httplib::Request& request, httplib::Response& response);
    void get_stream(const httplib::Request& request, httplib::Response& response);
    void get_report(const httplib::Request& request, httplib::Response& response);
    void get_state(const httplib::Request& request, httplib::Response& response);
    void get_metrics(const httplib::Request& request, httplib::Response& response);
};

} // namespace weave::http
