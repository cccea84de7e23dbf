#include "channels/registry.h"

#include "amazon/amazon_adapter.h"
#include "shopify/shopify_adapter.h"
#include "warehouse_csv/warehouse_csv.h"

namespace weave::channels {

const std::vector<source_entry>& sources() {
    static const std::vector<source_entry> all = {
        {"shopify", "Shopify webhooks and REST responses (levels, products, orders, "
                    "fulfillments, refunds)",
         make_shopify_adapter},
        {"amazon", "Amazon SP-API inventory summaries, listings items and notifications "
                   "(FBA availability, MFN quantity, order changes)",
         make_amazon_adapter},
        {"warehouse", "a WMS export as CSV (receipts, adjustments, counts, transfers)",
         make_warehouse_csv_adapter},
    };
    return all;
}

std::unique_ptr<channel_adapter> make_adapter(std::string_view name,
                                              const adapter_settings& settings) {
    for (const source_entry& entry : sources()) {
        if (entry.name == name) return entry.make(settings);
    }
    return nullptr;
}

} // namespace weave::channels
