// `weave serve`: batches, channel webhooks and the publish side (server_impl.h).
#include <set>

#include "http/server_impl.h"
#include "publish/publish.h"

namespace weave::http {
namespace {

bool ndjson_content_type(const std::string& type) {
    const std::string base = type.substr(0, type.find(';'));
    return base == "application/x-ndjson" || base == "application/ndjson" ||
           base == "application/jsonl" || base == "application/json" || base == "text/plain";
}

} // namespace

// After a batch: every listing whose expected changed gets its channel's update request,
// in priority order; the attempts are logged and applied as `publish` events first.
void server::impl::publish_changes() {
    if (!outbox) return;
    std::vector<publish::listing_update> updates;
    for (listing_change& change : engine->take_expected_changes()) {
        if (change.retired) continue; // a retired alias is not sold through any more
        updates.push_back(publish::listing_update{
            std::move(change.channel), std::move(change.listing), std::move(change.sku),
            change.expected, change.observed, change.on_hand_total});
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
        for (const std::string& listing : request.listings)
            sent.insert({request.channel, listing});
    }
    std::vector<publish::listing_update> attempted;
    for (publish::listing_update& update : updates) {
        if (sent.count({update.channel, update.listing}) != 0)
            attempted.push_back(std::move(update));
    }
    const std::string events =
        publish::publish_events(attempted, engine->watermark_us().value_or(0));
    if (events.empty()) return;
    const uint64_t lsn = log->append(record_batch, events);
    engine->apply(events);
    outbox->submit(lsn, std::move(built.requests));
}

// `{"line":N,"reason":"…"}` per rejected line of the batch, comma-separated.
void server::impl::append_rejects(std::string& body, const batch_result& result) {
    for (size_t i = 0; i < result.rejects.size(); i++) {
        body += i == 0 ? "{\"line\":" : ",{\"line\":";
        body += std::to_string(result.rejects[i].line) + ",\"reason\":\"" +
                reject_text(result.rejects[i].reason, result.rejects[i].field) + "\"}";
    }
}

void server::impl::refuse_busy(httplib::Response& response) {
    refused_busy++;
    response.set_header("Retry-After", "1");
    json_error(response, 429, "too many batches in flight; retry");
}

void server::impl::post_events(const httplib::Request& request, httplib::Response& response) {
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
    if (!slot.taken()) return refuse_busy(response);

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
        result = engine->apply(parsed);
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
        json_error(response, 500,
                   std::string("the batch could not be made durable: ") + error.what());
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

void server::impl::post_webhook(const httplib::Request& request, httplib::Response& response) {
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
    if (!slot.taken()) return refuse_busy(response);
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

} // namespace weave::http
