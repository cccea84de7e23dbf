#pragma once
// Inside the Shopify adapter: one conversion in progress (`session`) and the converters of each
// payload kind. Each converter gets the payload's objects of its kind (`part`s) with where they
// are, so a webhook body and a REST list go through the same code.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "channels/channel_adapter.h"
#include "shopify/shopify_state.h"

namespace weave::channels::shopify {

inline constexpr std::string_view channel_name = "shopify";

struct part {
    simdjson::dom::element object;
    std::string path; // "" for a webhook body, "orders[0]", "order", "[2]" (a bare array)
};

// A payload's own time, and its text as the event ids quote it.
struct stamp {
    int64_t us = 0;
    std::string text;
};

// How a movement names its SKU: the line item's `sku`, else its variant's listing.
struct line_sku {
    std::string_view sku; // empty: use `listing`
    uint64_t listing = 0; // an inventory_item_id
};

struct session {
    const adapter_settings& settings;
    const payload_context& context;
    shopify_state& state;
    conversion& out;

    void reject(std::string where, std::string_view reason);
    void extra(const char* name);
    // The weave location of a Shopify location id; nullptr when the settings do not map it.
    const std::string* location(uint64_t shopify_location) const;
    // The field's time; when it is absent, received_us with the delivery id (or received_us) as
    // its text. nullopt, with a `bad_time` reject, when it is there but not RFC 3339.
    std::optional<stamp> read_stamp(simdjson::dom::element object, std::string_view key,
                                    std::string_view path);
    // The time the transport gives when the payload has none.
    stamp fallback_stamp() const;
    // A required id; rejects `missing_id` / `bad_id` at path.key when it cannot be read.
    bool require_id(simdjson::dom::element object, std::string_view key, std::string_view path,
                    uint64_t& out);
    // A required quantity > 0; rejects `null_quantity` / `bad_quantity` at `where`.
    bool require_positive_quantity(simdjson::dom::element object, std::string_view key,
                                   const std::string& where, int64_t& out);
    // A line item's SKU (`sku`, else its known `variant_id`'s listing); rejects `missing_sku` /
    // `bad_sku` at `where` when it has neither.
    std::optional<line_sku> resolve_sku(simdjson::dom::element line_item, const std::string& where);

    // An order's or a fulfillment's line item: its id, a quantity > 0 and its SKU, each
    // rejected as above when it cannot be read (nullopt then).
    struct line_item {
        uint64_t id = 0;
        int64_t qty = 0;
        line_sku sku;
    };
    std::optional<line_item> read_line_item(simdjson::dom::element line, const std::string& where);
};

// A SKU the adapter writes: not empty, not only blanks, at most shopify_sku_bytes_max bytes.
enum class sku_check : uint8_t { ok, missing, too_long };
sku_check check_sku(std::string_view sku);

// `"channel":"shopify"` and then `sku`, or `listing` for a SKU found through the variant.
void add_sku(event_line& event, const line_sku& sku);
// `shopify:<kind>:<a>:<b>` and the order line reference `shopify:<order id>:<line item id>`.
std::string event_id(std::string_view kind, uint64_t a, uint64_t b);
std::string order_ref(uint64_t order_id, uint64_t line_item_id);

void convert_levels(session& s, std::span<const part> parts);
void convert_products(session& s, std::span<const part> parts);
void convert_variants(session& s, std::span<const part> parts);
void convert_inventory_items(session& s, std::span<const part> parts);
void convert_orders_create(session& s, std::span<const part> parts);
void convert_orders_cancelled(session& s, std::span<const part> parts);
void convert_fulfillments(session& s, std::span<const part> parts);
void convert_refunds(session& s, std::span<const part> parts);

} // namespace weave::channels::shopify
