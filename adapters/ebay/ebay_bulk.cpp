// bulkUpdatePriceQuantity -> publish.ack. The response says, per offer or per inventory item,
// whether the update took (statusCode 200); the quantities are only in the request. So the
// adapter reads one document holding both:
//   {"request": {"requests": [{sku, shipToLocationAvailability{quantity},
//                              offers[{offerId, availableQuantity}]}]},
//    "response": {"responses": [{sku, offerId?, statusCode, errors[]}]}}
// and writes one publish.ack per SKU: ok when every response for the SKU is 200, qty what the
// listing shows after the push: the smaller of the item's and the offer's quantity, each taken
// from the request, else (not pushed this time) the last one known.
#include <simdjson.h>

#include <algorithm>
#include <vector>

#include "ebay/ebay_internal.h"
#include "weave/assert.h"
#include "channels/json_values.h"

namespace weave::channels::ebay {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// What the request asked for.
struct request_index {
    std::map<std::string, int64_t> item_qty;      // sku -> shipToLocationAvailability.quantity
    std::map<std::string, int64_t> offer_qty;     // offerId -> availableQuantity
    std::map<std::string, std::string> offer_sku; // offerId -> the sku it was sent with
};

// A requested quantity: a count, or a reject (and the quantity is taken as not requested).
std::optional<int64_t> requested_count(batch& b, object o, std::string_view key,
                                       const std::string& where) {
    const quantity_read qty = read_quantity_field(o, key);
    if (qty.status == quantity_status::absent) return std::nullopt;
    if (qty.status == quantity_status::bad || qty.value < 0) {
        add_reject(b.out, where, "bad_quantity");
        return std::nullopt;
    }
    return qty.value;
}

void read_request_offers(batch& b, object entry, const std::string& sku, const std::string& where,
                         request_index& index) {
    array offers;
    if (entry["offers"].get(offers)) return;
    size_t k = 0;
    for (element value : offers) {
        const std::string at = where_index(where, "offers", k++);
        object offer;
        std::optional<std::string> offer_id;
        if (value.get(offer) || !(offer_id = id_field(offer, "offerId"))) {
            add_reject(b.out, at, "missing_id");
            continue;
        }
        if (!sku.empty()) index.offer_sku[*offer_id] = sku;
        if (auto qty = requested_count(b, offer, "availableQuantity", at)) {
            index.offer_qty[*offer_id] = *qty;
        }
    }
}

request_index read_request(batch& b, object request) {
    request_index index;
    array requests;
    if (request["requests"].get(requests)) {
        add_reject(b.out, "request", "unknown_payload");
        return index;
    }
    for_each_object(b.out, requests, "request", "requests",
                    [&](object entry, const std::string& where) {
                        // The SKU is optional when only offers are updated (they are named by
                        // offerId).
                        const std::string sku(text_field(entry, "sku"));
                        object ship_to;
                        if (!sku.empty() && !entry["shipToLocationAvailability"].get(ship_to)) {
                            const std::string at = where_key(where, "shipToLocationAvailability");
                            if (auto qty = requested_count(b, ship_to, "quantity", at)) {
                                index.item_qty[sku] = *qty;
                            }
                        }
                        read_request_offers(b, entry, sku, where, index);
                    });
    return index;
}

// The first error's message, else its errorId, else the status code.
std::string error_text(object response, int64_t status) {
    array errors;
    object first;
    if (!response["errors"].get(errors) && errors.size() > 0 && !errors.at(0).get(first)) {
        const std::string_view message = text_field(first, "message");
        if (!message.empty()) return std::string(message);
        if (const std::optional<std::string> id = id_field(first, "errorId")) {
            std::string text = "errorId ";
            text += *id;
            return text;
        }
    }
    std::string text = "statusCode ";
    text += std::to_string(status);
    return text;
}

struct sku_ack {
    std::string sku;
    std::string where; // its first response
    bool ok = true;
    std::string error;
    std::optional<int64_t> offer_qty; // requested for its offers (the last one read)
};

std::optional<int64_t> known(const std::map<std::string, int64_t>& map, const std::string& sku) {
    const auto found = map.find(sku);
    if (found == map.end()) return std::nullopt;
    return found->second;
}

sku_ack& ack_for(std::vector<sku_ack>& acks, const std::string& sku, const std::string& where) {
    const auto found = std::find_if(acks.begin(), acks.end(),
                                    [&sku](const sku_ack& ack) { return ack.sku == sku; });
    if (found != acks.end()) return *found;
    acks.push_back(sku_ack{sku, where, true, {}, std::nullopt});
    return acks.back();
}

// One response entry into its SKU's ack; false (and a reject) when it cannot be read.
bool read_response(batch& b, element value, const std::string& where, const request_index& index,
                   std::vector<sku_ack>& acks) {
    object response;
    if (value.get(response)) {
        add_reject(b.out, where, "unknown_payload");
        return false;
    }
    const std::optional<std::string> offer_id = id_field(response, "offerId");
    std::string sku(text_field(response, "sku"));
    if (sku.empty() && offer_id && index.offer_sku.count(*offer_id) != 0) {
        sku = index.offer_sku.at(*offer_id);
    }
    if (sku.empty()) {
        add_reject(b.out, where, "missing_sku");
        return false;
    }
    int64_t status = 0;
    if (response["statusCode"].get(status)) {
        add_reject(b.out, where, "bad_status_code");
        return false;
    }
    sku_ack& ack = ack_for(acks, sku, where);
    if (offer_id && index.offer_qty.count(*offer_id) != 0) {
        ack.offer_qty = index.offer_qty.at(*offer_id);
    }
    if (status != 200 && ack.ok) {
        ack.ok = false;
        ack.error = error_text(response, status);
    }
    return true;
}

void write_ack(batch& b, const sku_ack& ack, const request_index& index) {
    const auto item_found = index.item_qty.find(ack.sku);
    const std::optional<int64_t> item_qty =
        item_found == index.item_qty.end() ? std::nullopt : std::optional(item_found->second);
    if (!item_qty && !ack.offer_qty)
        return add_reject(b.out, ack.where, "missing_request_quantity");
    // A side not pushed this time keeps its last known value; the pushed sides replace theirs
    // only when the update took.
    const std::optional<int64_t> item_side = item_qty ? item_qty : known(b.state.item, ack.sku);
    const std::optional<int64_t> offer_side =
        ack.offer_qty ? ack.offer_qty : known(b.state.offer, ack.sku);
    WEAVE_ASSERT(item_side || offer_side);
    const int64_t shown = !item_side    ? *offer_side
                          : !offer_side ? *item_side
                                        : std::min(*item_side, *offer_side);
    if (ack.ok) {
        if (item_qty) b.state.item[ack.sku] = *item_qty;
        if (ack.offer_qty) b.state.offer[ack.sku] = *ack.offer_qty;
    }
    WEAVE_ASSERT(shown >= 0 && shown <= qty_abs_max);
    event_line line(event_id("ack", ack.sku, delivery_stamp(b.context)), b.context.received_us,
                    "publish.ack");
    line.text("channel", channel_name).text("listing", ack.sku).integer("qty", shown);
    line.boolean("ok", ack.ok);
    if (!ack.ok) line.text("error", ack.error);
    line.append_to(b.out);
}

} // namespace

void convert_bulk_update(batch& b, object document) {
    object request;
    object response;
    const bool has_request = !document["request"].get(request);
    const bool has_response = !document["response"].get(response);
    // A bare request or response document (not wrapped): the other half is missing.
    element ignored;
    const bool bare_request = !document["requests"].get(ignored);
    if (!has_request && !has_response) {
        return add_reject(b.out, "", bare_request ? "missing_response" : "missing_request");
    }
    if (!has_request) return add_reject(b.out, "", "missing_request");
    if (!has_response) return add_reject(b.out, "", "missing_response");
    const request_index index = read_request(b, request);
    array responses;
    if (response["responses"].get(responses)) {
        return add_reject(b.out, "response", "unknown_payload");
    }
    std::vector<sku_ack> acks;
    size_t i = 0;
    for (element value : responses) {
        read_response(b, value, where_index("response", "responses", i++), index, acks);
    }
    for (const sku_ack& ack : acks)
        write_ack(b, ack, index);
}

} // namespace weave::channels::ebay
