#pragma once
// A channel adapter turns one channel's own payloads (webhooks, REST/SP-API responses, CSV rows)
// into SPEC §2 events, and nothing else: the engine decides what they mean. Conventions shared by
// every adapter are in docs/adapters.md:
//  - event ids come from the payload's own identities (order id + line id, webhook id, the
//    payload's update time), so a redelivered payload gives the same ids and the engine counts
//    duplicates instead of applying twice;
//  - `ts` comes from the payload's own time; `payload_context::received_us` only when it has none;
//  - a part of a payload that cannot be mapped (no SKU, unknown location, null quantity that is
//    not "untracked") is rejected with a reason and counted, never guessed.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace weave::channels {

struct payload_context {
    // What the payload is, when the transport says so (a webhook topic such as "orders/create",
    // an SP-API notification type); empty: the adapter recognises it from its shape.
    std::string kind;
    std::string delivery_id; // the transport's id of this delivery (e.g. X-Shopify-Webhook-Id)
    int64_t received_us = 0; // when it arrived; the fallback `ts`
};

struct payload_reject {
    std::string where;  // e.g. "line_items[2]", "inventorySummaries[0]", "row 14"
    std::string reason; // snake_case, e.g. "missing_sku", "null_quantity", "unknown_location"
};

struct conversion {
    std::string events; // NDJSON: one SPEC event per line, in the order they must be applied
    uint64_t event_count = 0;
    std::vector<payload_reject> rejects;
    // Numbers a channel reports that no SPEC event carries (Amazon's inbound and reserved
    // buckets, ...), summed by name for the adapter's report.
    std::map<std::string, int64_t> extras;
    // The payload was recognised but says nothing to apply (e.g. an order update without a
    // quantity change). Not an error.
    bool ignored = false;
};

// Set by the user (config or flags), the same for every adapter.
struct adapter_settings {
    // The channel's location ids (Shopify location_id, eBay merchantLocationKey, ...) to weave
    // locations; a payload naming a location that is not here is rejected `unknown_location`
    // where it needs one.
    std::map<std::string, std::string> locations;
};

class channel_adapter {
public:
    virtual ~channel_adapter() = default;
    virtual std::string_view channel() const = 0; // the SPEC channel name: "shopify", ...
    // One payload (a JSON document, or CSV text for file sources). Never throws on bad input:
    // a payload that is not what the adapter reads at all gives one reject with `where` = "".
    virtual conversion convert(std::string_view payload, const payload_context& context) = 0;
    // State kept between payloads (e.g. Shopify's last level per location), for snapshots of
    // `weave serve`; empty when the adapter keeps none. load_state gets what save_state gave.
    virtual std::string save_state() const { return {}; }
    virtual void load_state(std::string_view) {}
};

// Builds one SPEC event line with JSON escaping: event_line(id, ts_us, "order").text("order", ...)
class event_line {
public:
    event_line(std::string_view id, int64_t ts_us, std::string_view type);
    event_line& text(std::string_view key, std::string_view value);
    event_line& integer(std::string_view key, int64_t value);
    event_line& boolean(std::string_view key, bool value);
    event_line& texts(std::string_view key, const std::vector<std::string>& values);
    // The line, with its '\n'; appends it to `out` and counts it.
    void append_to(conversion& out);

private:
    void key_(std::string_view key);
    std::string _line;
};

// A JSON string literal of `value` (quotes included): weave::append_json_string, the writer of
// the engine's own outputs.
std::string json_quote(std::string_view value);

} // namespace weave::channels
