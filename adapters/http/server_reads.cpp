// `weave serve`: SKU, divergence, report and state queries, the stream and the metrics
// (server_impl.h).
#include <algorithm>
#include <cstdio>

#include "http/server_impl.h"

namespace weave::http {
namespace {

const std::vector<double> lag_bounds_ms = {10,   50,    100,   250,   500,    1000,   2500,
                                           5000, 10000, 30000, 60000, 120000, 300000, 600000};

} // namespace

void server::impl::get_sku(const httplib::Request& request, httplib::Response& response) {
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

bool server::impl::matches_filters(const live_divergence& d, const std::string& layer,
                                   const std::string& channel) {
    return (layer.empty() || divergence_layer_names[static_cast<size_t>(d.layer)] == layer) &&
           (channel.empty() || d.channel == channel);
}

void server::impl::get_divergences(const httplib::Request& request, httplib::Response& response) {
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
        for (hub_item& item : hub.recent())
            records.push_back(std::move(item.divergence));
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

void server::impl::get_stream(const httplib::Request& request, httplib::Response& response) {
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
                out += "id: " + std::to_string(item.id) +
                       "\nevent: divergence\ndata: " + item.divergence.json + "\n\n";
            }
            if (!out.empty() && !sink.write(out.data(), out.size())) return false;
            return sink.is_writable();
        });
}

void server::impl::get_report(const httplib::Request& request, httplib::Response& response) {
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

void server::impl::get_state(const httplib::Request& request, httplib::Response& response) {
    if (!admit(request, response)) return;
    std::string body;
    {
        const std::lock_guard<std::mutex> lock(sequencer);
        body = engine->state();
    }
    response.set_content(body, "application/x-ndjson");
}

void server::impl::get_metrics(const httplib::Request& request, httplib::Response& response) {
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
        for (const auto& [key, count] : engine->open_divergence_counts()) {
            open_by[{std::string(divergence_layer_names[static_cast<size_t>(key.first)]),
                     key.second}] += count;
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
    out +=
        "weave_events_total{outcome=\"duplicate\"} " + std::to_string(counters.duplicates) + "\n";
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
    counter("weave_divergences_opened_total",
            "Divergences opened since start-up, by layer and cause.");
    for (const auto& [key, count] : by_cause) {
        out += "weave_divergences_opened_total{layer=\"" +
               std::string(divergence_layer_names[static_cast<size_t>(key.first)]) + "\",cause=\"" +
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
        out += "weave_publish_requests_total{outcome=\"queued\"} " + std::to_string(sent.queued) +
               "\n";
        out += "weave_publish_requests_total{outcome=\"written\"} " + std::to_string(sent.written) +
               "\n";
        out += "weave_publish_requests_total{outcome=\"sent\"} " + std::to_string(sent.sent) + "\n";
        out += "weave_publish_requests_total{outcome=\"failed\"} " + std::to_string(sent.failed) +
               "\n";
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

} // namespace weave::http
