#pragma once
// Shopify -> SPEC §2 events: webhooks (`payload_context::kind` = the topic, the body = the bare
// object) and REST Admin API responses (kind empty, recognised by their wrapper key). The mapping,
// field by field, is in docs/adapters.md, "Shopify".
//
// Topics: inventory_levels/update (and /connect), products/create, products/update,
// inventory_items/create, inventory_items/update, orders/create, orders/cancelled,
// fulfillments/create, refunds/create.
//
// The adapter is stateful (last level per item and location, variant -> inventory item) and not
// thread-safe: one thread converts at a time, in delivery order.
#include <cstddef>
#include <memory>

#include "channels/channel_adapter.h"

namespace weave::channels {

// A larger payload is rejected `payload_too_large` (Shopify's webhook bodies are kilobytes; a
// REST page of 250 products is a few megabytes).
inline constexpr size_t shopify_payload_bytes_max = size_t{64} << 20;
// A longer SKU is rejected `bad_sku` (Shopify allows 255 characters), so that every event line
// stays far below the engine's line_bytes_max.
inline constexpr size_t shopify_sku_bytes_max = 1024;
// Longest `payload_context::delivery_id` quoted in an event id (it is only a fallback there).
inline constexpr size_t shopify_delivery_id_bytes_max = 128;

std::unique_ptr<channel_adapter> make_shopify_adapter(const adapter_settings& settings);

} // namespace weave::channels
