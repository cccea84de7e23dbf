#pragma once
// Channel webhooks for `weave serve` (POST /v1/webhooks/SOURCE[/TOPIC]): which source, whether
// the delivery is genuine (Shopify's HMAC), whether it was delivered before, and its payload
// converted by the source's adapter. Not thread-safe: the server calls everything but
// `authenticate` under its sequencer lock, in write-ahead-log order, so a recovery that replays
// the logged deliveries rebuilds the adapters' state and the delivery ids exactly.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "channels/channel_adapter.h"
#include "http/serve_config.h"

namespace weave::http {

struct webhook_delivery {
    std::string source;      // shopify, amazon, ...
    std::string topic;       // the URL's rest, or the source's topic header; may be empty
    std::string delivery_id; // X-Shopify-Webhook-Id, X-WC-Webhook-Delivery-ID; may be empty
    int64_t received_us = 0;
    std::string body;
};

class webhook_gateway {
public:
    explicit webhook_gateway(const serve_config& config);
    ~webhook_gateway();

    bool knows(std::string_view source) const;
    // Empty when the delivery may be processed, else why not (the server answers 401). Shopify
    // deliveries need the configured secret and a matching X-Shopify-Hmac-Sha256.
    std::string authenticate(std::string_view source, std::string_view body,
                             std::string_view shopify_hmac) const;

    // A delivery id seen before (kept for the last `deliveries_kept` deliveries).
    bool delivered_before(const webhook_delivery& delivery) const;
    // Converts and remembers the delivery id.
    channels::conversion convert(const webhook_delivery& delivery);

    // The write-ahead log's record of a delivery, and back (false: not a delivery record).
    static std::string encode(const webhook_delivery& delivery);
    static bool decode(std::string_view bytes, webhook_delivery& delivery);

    // Adapters' state and the delivery ids, for snapshots.
    std::string save_state() const;
    void load_state(std::string_view bytes);

    static constexpr size_t deliveries_kept = 100000;

private:
    std::map<std::string, std::unique_ptr<channels::channel_adapter>, std::less<>> _adapters;
    std::map<std::string, std::string, std::less<>> _secrets;
    std::unordered_set<std::string> _seen;
    std::deque<std::string> _seen_order;
};

} // namespace weave::http
