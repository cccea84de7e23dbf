#include "channels/registry.h"

#include "amazon/amazon_adapter.h"
#include "ebay/ebay.h"
#include "shopify/shopify_adapter.h"
#include "woocommerce/woocommerce.h"
#include "warehouse_csv/warehouse_csv.h"

namespace weave::channels {

const std::vector<source_entry>& sources() {
    static const std::vector<source_entry> all = {
        {"shopify", "Shopify levels, products, orders, fulfillments, refunds",
         make_shopify_adapter},
        {"amazon", "SP-API inventory summaries, listings items, notifications",
         make_amazon_adapter},
        {"ebay", "Inventory API items and offers, bulk quantity updates", make_ebay_adapter},
        {"woocommerce", "products, variations, stock rows, orders, refunds",
         make_woocommerce_adapter},
        {"warehouse", "WMS CSV: receipts, adjustments, counts, transfers",
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
