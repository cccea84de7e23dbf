// Listings Items API responses (getListingsItem, searchListingsItems): per item a `listing` event
// and a `channel.level` from fulfillmentAvailability's DEFAULT entry, the seller-fulfilled
// quantity. Other fulfillment channels (AMAZON_NA, ...) go to extras.
#include "amazon/amazon_convert.h"

namespace weave::channels::amazon {

using simdjson::SUCCESS;
namespace dom = simdjson::dom;

namespace {

// The DEFAULT entry's quantity; nullopt (after a reject) when there is none to level from.
std::optional<int64_t> default_quantity(dom::array entries, const std::string& where,
                                        const sink& out) {
    std::optional<int64_t> level;
    bool default_seen = false;
    size_t index = 0;
    for (const dom::element entry : entries) {
        const std::string entry_where = where_index(where, "", index++);
        std::string_view code;
        const field_status code_status = read_text(entry, "fulfillmentChannelCode", code);
        if (code_status != field_status::ok) {
            out.reject(where_key(entry_where, "fulfillmentChannelCode"),
                       identity_reason(code_status, "fulfillment_channel"));
            continue;
        }
        int64_t units = 0;
        const field_status status = read_quantity(entry, "quantity", units);
        const bool usable = status == field_status::ok && units >= 0;
        if (code != "DEFAULT") {
            if (usable) {
                out.extra(fulfillment_extra_name(code), units);
            } else if (status != field_status::missing) {
                out.reject(where_key(entry_where, "quantity"), quantity_reason(status));
            }
            continue;
        }
        if (default_seen) {
            out.reject(entry_where, "duplicate_channel_code"); // the first one stands
            continue;
        }
        default_seen = true;
        if (!usable) {
            out.reject(where_key(entry_where, "quantity"), quantity_reason(status));
            continue;
        }
        level = units;
    }
    if (!default_seen) {
        out.reject(where, "missing_quantity"); // e.g. an FBA-only listing: its level is FBA's
    }
    return level;
}

// The Listings Items API gives no time for the quantity (summaries' lastUpdatedDate is the
// listing's, per marketplace): the response is an observation at the time it arrived.
void convert_item(dom::element item, std::string_view where, const sink& out) {
    std::string_view sku;
    const field_status sku_status = read_text(item, "sku", sku);
    if (sku_status != field_status::ok) {
        out.reject(where_key(where, "sku"), identity_reason(sku_status, "sku"));
        return;
    }
    const int64_t ts_us = out.context.received_us;
    append_listing_event(sku, ts_us, out);
    const std::string availability_where = where_key(where, "fulfillmentAvailability");
    const std::optional<dom::element> availability = member(item, "fulfillmentAvailability");
    if (!availability || availability->is_null()) {
        // includedData without fulfillmentAvailability: nothing says what the channel shows.
        out.reject(availability_where, "missing_quantity");
        return;
    }
    dom::array entries;
    if (availability->get(entries) != SUCCESS) {
        out.reject(availability_where, "bad_quantity");
        return;
    }
    const std::optional<int64_t> units = default_quantity(entries, availability_where, out);
    if (units) {
        append_level_event(sku, fallback_identity(out.context), ts_us, *units, out);
    }
}

} // namespace

void convert_listings_item(dom::element root, const sink& out) {
    convert_item(root, "", out);
}

void convert_listings_search(dom::element root, const sink& out) {
    // numberOfResults and pagination are the poller's business: each page converts on its own.
    const std::optional<dom::array> items = array_member(root, "items");
    if (!items) {
        out.reject("items", "unknown_payload");
        return;
    }
    size_t index = 0;
    for (const dom::element item : *items) {
        convert_item(item, where_index("items", "", index++), out);
    }
}

} // namespace weave::channels::amazon
