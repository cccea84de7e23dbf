#pragma once
// Shared by the eBay adapter's files: the state kept between payloads and one payload's
// conversion.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "channels/channel_adapter.h"

namespace weave::channels::ebay {

inline constexpr std::string_view channel_name = "ebay";

// The last quantities seen per SKU, from any payload: a listing shows the smaller of the two,
// and each payload kind carries only one of them.
struct quantities {
    std::map<std::string, int64_t> item;  // availability.shipToLocationAvailability.quantity
    std::map<std::string, int64_t> offer; // the offer's availableQuantity

    // What the listing shows: the smaller of the known ones (nullopt: neither is known).
    std::optional<int64_t> shown(const std::string& sku) const;
};

struct batch {
    const adapter_settings& settings;
    const payload_context& context;
    conversion& out;
    quantities& state;
};

std::string event_id(std::string_view kind, std::string_view sku, std::string_view stamp);

// {"request": <bulkUpdatePriceQuantity request>, "response": <its response>} -> publish.ack.
void convert_bulk_update(batch& b, simdjson::dom::object document);

} // namespace weave::channels::ebay
