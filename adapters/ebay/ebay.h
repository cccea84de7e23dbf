#pragma once
// eBay (channel `ebay`): Sell Inventory API payloads -> SPEC §2 events. Inventory items
// (getInventoryItem, getInventoryItems) give `listing` and `channel.level`; offers (getOffer,
// getOffers) cap the level (a listing shows the smaller of the item's ship-to-location quantity
// and the offer's availableQuantity); a bulkUpdatePriceQuantity request with its response gives
// `publish.ack`. The mapping, field by field, is in docs/adapters.md, "eBay".
#include <memory>

#include "channels/channel_adapter.h"

namespace weave::channels {

// settings.locations maps merchantLocationKey -> weave location; it only names the per-location
// figures (extras), since no eBay payload read here moves stock at a location.
std::unique_ptr<channel_adapter> make_ebay_adapter(const adapter_settings& settings);

} // namespace weave::channels
