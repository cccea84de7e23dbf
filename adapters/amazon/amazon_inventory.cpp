// FBA inventory: getInventorySummaries responses and the FBA_INVENTORY_AVAILABILITY_CHANGES
// notification; the seller-fulfilled LISTINGS_ITEM_MFN_QUANTITY_CHANGE notification. Each one is
// a `channel.level` of listing = seller SKU; the buckets no event carries go to extras.
#include <span>

#include "amazon/amazon_convert.h"

namespace weave::channels::amazon {

using simdjson::SUCCESS;
namespace dom = simdjson::dom;

namespace {

// A count Amazon reports that no SPEC event carries: `field` of the member `group` (or of the
// element itself when `group` is empty), summed into extras as `name`.
struct bucket {
    std::string_view group;
    std::string_view field;
    std::string_view name;
};

constexpr bucket summary_buckets[] = {
    {"", "inboundWorkingQuantity", "inbound_working"},
    {"", "inboundShippedQuantity", "inbound_shipped"},
    {"", "inboundReceivingQuantity", "inbound_receiving"},
    {"reservedQuantity", "totalReservedQuantity", "reserved_total"},
    {"reservedQuantity", "pendingCustomerOrderQuantity", "reserved_pending_customer_order"},
    {"reservedQuantity", "pendingTransshipmentQuantity", "reserved_pending_transshipment"},
    {"reservedQuantity", "fcProcessingQuantity", "reserved_fc_processing"},
    {"researchingQuantity", "totalResearchingQuantity", "researching_total"},
    {"unfulfillableQuantity", "totalUnfulfillableQuantity", "unfulfillable_total"},
    {"unfulfillableQuantity", "customerDamagedQuantity", "unfulfillable_customer_damaged"},
    {"unfulfillableQuantity", "warehouseDamagedQuantity", "unfulfillable_warehouse_damaged"},
    {"unfulfillableQuantity", "distributorDamagedQuantity", "unfulfillable_distributor_damaged"},
    {"unfulfillableQuantity", "carrierDamagedQuantity", "unfulfillable_carrier_damaged"},
    {"unfulfillableQuantity", "defectiveQuantity", "unfulfillable_defective"},
    {"unfulfillableQuantity", "expiredQuantity", "unfulfillable_expired"},
};

constexpr bucket notification_buckets[] = {
    {"InboundQuantityBreakdown", "Working", "inbound_working"},
    {"InboundQuantityBreakdown", "Shipped", "inbound_shipped"},
    {"InboundQuantityBreakdown", "Receiving", "inbound_receiving"},
    {"", "Unfulfillable", "unfulfillable_total"},
    {"", "Researching", "researching_total"},
    {"ReservedQuantityBreakdown", "WarehouseProcessing", "reserved_warehouse_processing"},
    {"ReservedQuantityBreakdown", "WarehouseTransfer", "reserved_warehouse_transfer"},
    {"ReservedQuantityBreakdown", "PendingCustomerOrder", "reserved_pending_customer_order"},
    {"", "FutureSupplyBuyable", "future_supply_buyable"},
    {"", "PendingCustomerOrderInTransit", "pending_customer_order_in_transit"},
};

// Absent buckets are skipped (the API leaves some out); a bucket that is there but not a count
// is rejected by its path and left out of the sums.
void add_buckets(dom::element parent, std::span<const bucket> buckets, std::string_view where,
                 const sink& out) {
    for (const bucket& entry : buckets) {
        dom::element holder = parent;
        std::string path(where);
        if (!entry.group.empty()) {
            const std::optional<dom::element> group = member(parent, entry.group);
            if (!group) continue;
            holder = *group;
            path = where_key(path, entry.group);
        }
        int64_t units = 0;
        const field_status status = read_quantity(holder, entry.field, units);
        if (status == field_status::missing || status == field_status::null) continue;
        if (status != field_status::ok || units < 0) {
            out.reject(where_key(path, entry.field), "bad_quantity");
            continue;
        }
        out.extra(entry.name, units);
    }
}

// researchingQuantity.researchingQuantityBreakdown[{name, quantity}]: by term.
void add_researching_terms(dom::element details, std::string_view where, const sink& out) {
    const std::optional<dom::element> researching = member(details, "researchingQuantity");
    if (!researching) return;
    const std::optional<dom::array> terms =
        array_member(*researching, "researchingQuantityBreakdown");
    if (!terms) return;
    size_t index = 0;
    for (const dom::element term : *terms) {
        const std::string path = where_index(
            where_key(where, "researchingQuantity.researchingQuantityBreakdown"), "", index++);
        std::string_view name;
        int64_t units = 0;
        const field_status status = read_quantity(term, "quantity", units);
        if (status == field_status::missing || status == field_status::null) continue;
        if (status != field_status::ok || units < 0) {
            out.reject(where_key(path, "quantity"), "bad_quantity");
            continue;
        }
        (void)read_text(term, "name", name);
        if (name == "researchingQuantityInShortTerm") {
            out.extra("researching_short_term", units);
        } else if (name == "researchingQuantityInMidTerm") {
            out.extra("researching_mid_term", units);
        } else if (name == "researchingQuantityInLongTerm") {
            out.extra("researching_long_term", units);
        } else {
            out.extra("researching_other_term", units);
        }
    }
}

void convert_summary(dom::element summary, const std::string& where, const sink& out) {
    std::string_view sku;
    const field_status sku_status = read_text(summary, "sellerSku", sku);
    if (sku_status != field_status::ok) {
        out.reject(where_key(where, "sellerSku"), identity_reason(sku_status, "sku"));
        return;
    }
    // lastUpdatedTime may be "" (Amazon's own sandbox example does it): the time it arrived.
    const std::optional<int64_t> updated_us = read_time(summary, "lastUpdatedTime");
    const int64_t ts_us = updated_us ? *updated_us : out.context.received_us;
    const std::string identity =
        updated_us ? time_text(*updated_us) : fallback_identity(out.context);
    append_listing_event(sku, ts_us, out);
    // Without details=true the API sends totalQuantity only, which counts inbound and reserved
    // units too: no level is better than a wrong one.
    const std::optional<dom::element> details = object_member(summary, "inventoryDetails");
    if (!details) {
        out.reject(where, "missing_details");
        return;
    }
    int64_t fulfillable = 0;
    const field_status status = read_quantity(*details, "fulfillableQuantity", fulfillable);
    if (status != field_status::ok || fulfillable < 0) {
        out.reject(where_key(where, "inventoryDetails.fulfillableQuantity"),
                   quantity_reason(status));
        return;
    }
    append_level_event(sku, identity, ts_us, fulfillable, out);
    const std::string details_where = where_key(where, "inventoryDetails");
    add_buckets(*details, summary_buckets, details_where, out);
    add_researching_terms(*details, details_where, out);
    constexpr bucket total[] = {{"", "totalQuantity", "total_quantity"}};
    add_buckets(summary, total, where, out);
}

} // namespace

bool read_envelope(dom::element root, const sink& out, notification_envelope& envelope) {
    const std::optional<dom::element> payload = object_member(root, "Payload");
    if (!payload) {
        out.reject("Payload", "unknown_payload");
        return false;
    }
    envelope.payload = *payload;
    const std::optional<dom::element> metadata = member(root, "NotificationMetadata");
    const std::optional<int64_t> event_us = read_time(root, "EventTime");
    const std::optional<int64_t> publish_us =
        metadata ? read_time(*metadata, "PublishTime") : std::nullopt;
    envelope.ts_us = event_us ? *event_us : publish_us ? *publish_us : out.context.received_us;
    std::string_view notification_id;
    if (metadata && read_text(*metadata, "NotificationId", notification_id) == field_status::ok) {
        envelope.identity = notification_id;
    } else if (event_us || publish_us) {
        envelope.identity = time_text(envelope.ts_us);
    } else {
        envelope.identity = fallback_identity(out.context);
    }
    return true;
}

void convert_inventory_summaries(dom::element root, const sink& out) {
    // pagination.nextToken is the poller's business: each page converts on its own.
    const std::optional<dom::element> payload = member(root, "payload");
    const std::optional<dom::array> summaries =
        payload ? array_member(*payload, "inventorySummaries") : std::nullopt;
    if (!summaries) {
        out.reject("payload.inventorySummaries", "unknown_payload");
        return;
    }
    size_t index = 0;
    for (const dom::element summary : *summaries) {
        convert_summary(summary, where_index("inventorySummaries", "", index++), out);
    }
}

// One level per notification: the listing is the seller SKU, which Amazon sells in every
// marketplace of the notification from the same units, so the marketplaces are not summed. The
// first marketplace gives the level; the others' Fulfillable go to extras.
void convert_fba_availability(dom::element root, const sink& out) {
    notification_envelope envelope;
    if (!read_envelope(root, out, envelope)) return;
    std::string_view sku;
    const field_status sku_status = read_text(envelope.payload, "SKU", sku);
    if (sku_status != field_status::ok) {
        out.reject("Payload.SKU", identity_reason(sku_status, "sku"));
        return;
    }
    constexpr std::string_view markets_where = "Payload.FulfillmentInventoryByMarketplace";
    const std::optional<dom::array> markets =
        array_member(envelope.payload, "FulfillmentInventoryByMarketplace");
    if (!markets || markets->begin() == markets->end()) {
        out.reject(std::string(markets_where), "missing_quantity");
        return;
    }
    size_t index = 0;
    for (const dom::element market : *markets) {
        const bool first = index == 0;
        const std::string where =
            where_key(where_index(markets_where, "", index++), "FulfillmentInventory");
        const std::optional<dom::element> inventory = object_member(market, "FulfillmentInventory");
        int64_t fulfillable = 0;
        const field_status status = inventory
                                        ? read_quantity(*inventory, "Fulfillable", fulfillable)
                                        : field_status::missing;
        if (status != field_status::ok || fulfillable < 0) {
            if (first || status != field_status::missing) {
                out.reject(inventory ? where_key(where, "Fulfillable") : where,
                           quantity_reason(status));
            }
            continue;
        }
        if (!first) {
            out.extra("fulfillable_other_marketplaces", fulfillable);
            continue;
        }
        append_level_event(sku, envelope.identity, envelope.ts_us, fulfillable, out);
        add_buckets(*inventory, notification_buckets, where, out);
    }
}

// Seller-fulfilled quantity: the DEFAULT channel is the seller's own stock, the one weave
// levels; another fulfillment channel's quantity goes to extras.
void convert_mfn_quantity(dom::element root, const sink& out) {
    notification_envelope envelope;
    if (!read_envelope(root, out, envelope)) return;
    std::string_view sku;
    const field_status sku_status = read_text(envelope.payload, "Sku", sku);
    if (sku_status != field_status::ok) {
        out.reject("Payload.Sku", identity_reason(sku_status, "sku"));
        return;
    }
    std::string_view code;
    const field_status code_status = read_text(envelope.payload, "FulfillmentChannelCode", code);
    if (code_status != field_status::ok) {
        out.reject("Payload.FulfillmentChannelCode",
                   identity_reason(code_status, "fulfillment_channel"));
        return;
    }
    int64_t units = 0;
    const field_status status = read_quantity(envelope.payload, "Quantity", units);
    if (status != field_status::ok || units < 0) {
        out.reject("Payload.Quantity", quantity_reason(status));
        return;
    }
    if (code != "DEFAULT") {
        out.extra(fulfillment_extra_name(code), units);
        return;
    }
    append_level_event(sku, envelope.identity, envelope.ts_us, units, out);
}

} // namespace weave::channels::amazon
