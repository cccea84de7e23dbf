#pragma once
// Amazon Selling Partner API payloads -> SPEC §2 events (docs/adapters.md, "Amazon"):
// getInventorySummaries and Listings Items responses, and the FBA_INVENTORY_AVAILABILITY_CHANGES,
// LISTINGS_ITEM_MFN_QUANTITY_CHANGE and ORDER_CHANGE notifications. `payload_context::kind` is the
// operation or notification type; empty, the payload is recognised by its shape.
#include <memory>

#include "channels/channel_adapter.h"

namespace weave::channels {

// settings.locations maps an order item's SupplySourceId, or the order's FulfillmentType (`AFN`
// for Amazon's warehouses, `MFN` for the seller's), to the weave location its units ship from.
// State: the units of partly shipped order lines already written (save_state/load_state).
std::unique_ptr<channel_adapter> make_amazon_adapter(const adapter_settings& settings);

} // namespace weave::channels
