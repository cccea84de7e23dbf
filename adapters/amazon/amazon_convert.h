#pragma once
// One converter per SP-API payload kind (the mapping is in docs/adapters.md, "Amazon"). Each one
// gets the parsed document and writes its events, rejects and extras into the sink.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "amazon/amazon_json.h"

namespace weave::channels::amazon {

// The envelope every SP-API notification shares (NotificationType, EventTime, Payload,
// NotificationMetadata{PublishTime, NotificationId}).
struct notification_envelope {
    simdjson::dom::element payload;
    int64_t ts_us = 0;    // EventTime, else PublishTime, else the time it was received
    std::string identity; // NotificationId, else the time above, else the delivery id
};
// Reads the envelope; false (after one reject) when there is no `Payload` object.
bool read_envelope(simdjson::dom::element root, const sink& out, notification_envelope& envelope);

// getInventorySummaries responses: `payload.inventorySummaries[]`.
void convert_inventory_summaries(simdjson::dom::element root, const sink& out);
// FBA_INVENTORY_AVAILABILITY_CHANGES and LISTINGS_ITEM_MFN_QUANTITY_CHANGE notifications.
void convert_fba_availability(simdjson::dom::element root, const sink& out);
void convert_mfn_quantity(simdjson::dom::element root, const sink& out);
// getListingsItem (one item at the top level) and searchListingsItems (`items[]`) responses.
void convert_listings_item(simdjson::dom::element root, const sink& out);
void convert_listings_search(simdjson::dom::element root, const sink& out);

// What the ORDER_CHANGE converter remembers between notifications: the units of each order line
// already written as shipped, so that a later, larger QuantityShipped ships only the difference.
// A line is forgotten once it is fully shipped or cancelled (a redelivery then repeats ids the
// engine already holds).
class shipped_lines {
public:
    static constexpr size_t lines_max = 1u << 20;

    int64_t shipped(const std::string& line) const;
    // False when the table is full and `line` is not in it.
    [[nodiscard]] bool set(const std::string& line, int64_t units);
    void forget(const std::string& line);
    size_t size() const { return _units.size(); }

    std::string save() const;          // {"shipped":[["line",units],...]}
    void load(std::string_view saved); // what save() gave; anything else leaves it empty

private:
    std::map<std::string, int64_t> _units;
};

// ORDER_CHANGE notifications.
void convert_order_change(simdjson::dom::element root, const sink& out, shipped_lines& lines);

} // namespace weave::channels::amazon
