#pragma once
// WooCommerce (channel `woo`): REST v3 products, variations, orders and refunds, order/product
// webhooks, and the wc-analytics stock and report rows -> SPEC §2 events. A payload may be
// wrapped in {"data": ...} (the WordPress.com proxy does that). The mapping, field by field, is
// in docs/adapters.md, "WooCommerce".
#include <memory>

#include "channels/channel_adapter.h"

namespace weave::channels {

// settings.locations["default"] names the weave location WooCommerce ships from and takes
// returns into (WooCommerce has one stock per product, no locations of its own).
std::unique_ptr<channel_adapter> make_woocommerce_adapter(const adapter_settings& settings);

} // namespace weave::channels
