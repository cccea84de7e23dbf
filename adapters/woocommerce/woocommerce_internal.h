#pragma once
// Shared by the WooCommerce adapter's files: one payload's conversion state, and the
// converters for each kind of object a payload holds.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "channels/channel_adapter.h"

namespace weave::channels::woo {

inline constexpr std::string_view channel_name = "woo";
// The settings.locations key WooCommerce's single stock maps through.
inline constexpr std::string_view default_location_key = "default";

struct batch {
    const adapter_settings& settings;
    const payload_context& context;
    conversion& out;
    // Ids of the products/variations in this payload whose stock is managed (manage_stock
    // true): a variation with manage_stock "parent" is covered when its parent is one of them.
    std::set<std::string> managed_ids;
};


// A product, a variation or a wc-analytics stock row (`item` holds everything), or a report
// row (`identity` holds product_id, `item` is its extended_info).
void convert_product(batch& b, simdjson::dom::object identity, simdjson::dom::object item,
                     std::string_view id_key, const std::string& where);
// True when `item` manages its own stock (manage_stock true, or absent with a quantity).
bool manages_own_stock(simdjson::dom::object item);

void convert_order(batch& b, simdjson::dom::object order, const std::string& where);
void convert_refund(batch& b, simdjson::dom::object refund, const std::string& where);

} // namespace weave::channels::woo
