#pragma once
// Warehouse CSV: a WMS export of stock movements (receipts, adjustments, cycle counts,
// transfers) replayed as SPEC §2 events. The column layout and every rule are in
// docs/adapters.md, "Warehouse CSV". One payload is one whole CSV file, header row first.
#include <memory>

#include "channels/channel_adapter.h"

namespace weave::channels {

// Longest text field (record id, SKU, location, reference, reason, owner) read from a row, so
// that every event line stays far below the engine's line_bytes_max.
inline constexpr size_t warehouse_text_bytes_max = 1024;

// channel() is "warehouse". `settings.locations` maps the WMS's location codes to weave
// locations; when it is empty, the codes are used as they are.
std::unique_ptr<channel_adapter> make_warehouse_csv_adapter(const adapter_settings& settings);

} // namespace weave::channels
