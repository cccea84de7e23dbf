// eBay adapter: which payload a document is, inventory items -> listing + channel.level, offers
// -> the offer cap kept in state, and the state's save/load. bulkUpdatePriceQuantity acks are
// in ebay_bulk.cpp.
#include "ebay/ebay.h"

#include <algorithm>
#include <vector>

#include "ebay/ebay_internal.h"
#include "weave/assert.h"
#include "channels/json_values.h"

namespace weave::channels {

namespace ebay {

std::optional<int64_t> quantities::shown(const std::string& sku) const {
    const auto item_found = item.find(sku);
    const auto offer_found = offer.find(sku);
    if (item_found == item.end() && offer_found == offer.end()) return std::nullopt;
    if (item_found == item.end()) return offer_found->second;
    if (offer_found == offer.end()) return item_found->second;
    return std::min(item_found->second, offer_found->second);
}

std::string event_id(std::string_view kind, std::string_view sku, std::string_view stamp) {
    std::string text(channel_name);
    text += ':';
    text += kind;
    text += ':';
    text += sku;
    if (!stamp.empty()) {
        text += ':';
        text += stamp;
    }
    return text;
}

} // namespace ebay

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

bool has(object o, std::string_view key) {
    element ignored;
    return !o.at_key(key).get(ignored);
}

// eBay's quantities are counts: negative ones are as wrong as fractions.
quantity_read count_field(object o, std::string_view key) {
    quantity_read read = read_quantity_field(o, key);
    if (read.status == quantity_status::ok && read.value < 0) read.status = quantity_status::bad;
    return read;
}

// A location's quantity is a figure, not an event: no movement needs the location, so an
// unmapped merchantLocationKey is kept under its own name rather than rejected.
void add_distributions(ebay::batch& b, object ship_to, const std::string& where) {
    array distributions;
    if (ship_to["availabilityDistributions"].get(distributions)) return;
    for_each_object(
        b.out, distributions, where, "availabilityDistributions",
        [&](object distribution, const std::string& at) {
            const quantity_read qty = count_field(distribution, "quantity");
            if (qty.status != quantity_status::ok) {
                add_reject(b.out, at,
                           qty.status == quantity_status::bad ? "bad_quantity" : "null_quantity");
                return;
            }
            const std::string key(text_field(distribution, "merchantLocationKey"));
            const auto mapped = b.settings.locations.find(key);
            std::string name;
            if (mapped != b.settings.locations.end()) {
                name = "ship_to_location:";
                name += mapped->second;
            } else {
                name = "ship_to_location_unmapped:";
                name += key;
            }
            b.out.extras[name] += qty.value;
        });
}

void emit_level(ebay::batch& b, const std::string& sku) {
    const std::optional<int64_t> shown = b.state.shown(sku);
    if (!shown) return;
    WEAVE_ASSERT(*shown >= 0 && *shown <= qty_abs_max);
    event_line(ebay::event_id("level", sku, delivery_stamp(b.context)), b.context.received_us,
               "channel.level")
        .text("channel", ebay::channel_name)
        .text("listing", sku)
        .integer("qty", *shown)
        .append_to(b.out);
}

// One inventory item: its listing (the SKU is both the listing id and the SKU), and the level
// its ship-to-location quantity gives, capped by the SKU's last offer quantity.
void convert_item(ebay::batch& b, object item, const std::string& where) {
    const std::string sku(text_field(item, "sku"));
    if (sku.empty()) return add_reject(b.out, where, "missing_sku");
    event_line(ebay::event_id("listing", sku, ""), b.context.received_us, "listing")
        .text("channel", ebay::channel_name)
        .text("listing", sku)
        .text("sku", sku)
        .append_to(b.out);
    object ship_to;
    if (item["availability"]["shipToLocationAvailability"].get(ship_to)) {
        return add_reject(b.out, where, "null_quantity");
    }
    const std::string ship_where = where_key(where, "availability.shipToLocationAvailability");
    add_distributions(b, ship_to, ship_where);
    const quantity_read qty = count_field(ship_to, "quantity");
    if (qty.status == quantity_status::absent) return add_reject(b.out, where, "null_quantity");
    if (qty.status == quantity_status::bad) return add_reject(b.out, where, "bad_quantity");
    b.state.item[sku] = qty.value;
    emit_level(b, sku);
}

// Offers update the cap kept per SKU (the last offer read wins: one SKU has one offer per
// marketplace and format). Returns the SKUs whose cap was read, in payload order.
std::vector<std::string> read_offers(ebay::batch& b, array offers, const std::string& where) {
    std::vector<std::string> skus;
    for_each_object(b.out, offers, where, "offers", [&](object offer, const std::string& at) {
        const std::string sku(text_field(offer, "sku"));
        if (sku.empty()) {
            add_reject(b.out, at, "missing_sku");
            return;
        }
        const quantity_read qty = count_field(offer, "availableQuantity");
        // No availableQuantity: the offer sets no cap of its own.
        if (qty.status == quantity_status::absent) return;
        if (qty.status == quantity_status::bad) {
            add_reject(b.out, at, "bad_quantity");
            return;
        }
        b.state.offer[sku] = qty.value;
        if (std::find(skus.begin(), skus.end(), sku) == skus.end()) skus.push_back(sku);
    });
    return skus;
}

enum class document_kind : uint8_t { item, items, offers, offer, bulk, unknown };

document_kind classify(object o) {
    if (has(o, "request") || has(o, "response") || has(o, "requests") || has(o, "responses")) {
        return document_kind::bulk;
    }
    if (has(o, "inventoryItems") || has(o, "inventoryItem")) return document_kind::items;
    if (has(o, "sku") && has(o, "offerId")) return document_kind::offer;
    if (has(o, "offers")) return document_kind::offers;
    if (has(o, "sku")) return document_kind::item;
    return document_kind::unknown;
}

class ebay_adapter final : public channel_adapter {
public:
    explicit ebay_adapter(const adapter_settings& settings) : _settings(settings) {}

    std::string_view channel() const override { return ebay::channel_name; }

    conversion convert(std::string_view payload, const payload_context& context) override {
        conversion out;
        const simdjson::padded_string padded(payload);
        element root;
        if (_parser.parse(padded).get(root)) {
            add_reject(out, "", "not_json");
            return out;
        }
        object document;
        if (root.get(document)) {
            add_reject(out, "", "unknown_payload");
            return out;
        }
        ebay::batch b{_settings, context, out, _state};
        convert_document(b, document);
        if (out.event_count == 0 && out.rejects.empty()) out.ignored = true;
        return out;
    }

    std::string save_state() const override;
    void load_state(std::string_view state) override;

private:
    void convert_document(ebay::batch& b, object document) {
        switch (classify(document)) {
        case document_kind::bulk:
            return ebay::convert_bulk_update(b, document);
        case document_kind::item:
            return convert_item(b, document, "");
        case document_kind::offer:
            return convert_offers_alone(b, document);
        case document_kind::offers:
        case document_kind::items:
            return convert_items_and_offers(b, document);
        case document_kind::unknown:
            return add_reject(b.out, "", "unknown_payload");
        }
    }

    // getOffer: a single offer. Its SKU's level is emitted when the item's quantity is known.
    void convert_offers_alone(ebay::batch& b, object offer) {
        const std::string sku(text_field(offer, "sku"));
        if (sku.empty()) return add_reject(b.out, "", "missing_sku");
        const quantity_read qty = count_field(offer, "availableQuantity");
        if (qty.status == quantity_status::absent) return;
        if (qty.status == quantity_status::bad) return add_reject(b.out, "", "bad_quantity");
        b.state.offer[sku] = qty.value;
        level_after_offers(b, {sku});
    }

    // getOffers ({"offers": [...]}), getInventoryItems ({"inventoryItems": [...]}), or both in
    // one document, with {"inventoryItem": {...}} for a single item: offers are read first, so
    // that the items' levels are capped by them.
    void convert_items_and_offers(ebay::batch& b, object document) {
        array offers;
        std::vector<std::string> offer_skus;
        if (!document["offers"].get(offers)) offer_skus = read_offers(b, offers, "");
        array items;
        object single;
        const bool has_items = !document["inventoryItems"].get(items);
        const bool has_single = !document["inventoryItem"].get(single);
        if (!has_items && !has_single) return level_after_offers(b, offer_skus);
        if (has_single) convert_item(b, single, "inventoryItem");
        if (!has_items) return;
        for_each_object(b.out, items, "", "inventoryItems",
                        [&](object item, const std::string& at) { convert_item(b, item, at); });
    }

    // Offers alone: a level for each SKU whose item quantity an earlier payload gave; the
    // others wait for their item (the cap is kept).
    static void level_after_offers(ebay::batch& b, const std::vector<std::string>& skus) {
        for (const std::string& sku : skus) {
            if (b.state.item.count(sku) == 0) {
                b.out.extras["offers_awaiting_item_quantity"]++;
                continue;
            }
            emit_level(b, sku);
        }
    }

    adapter_settings _settings;
    simdjson::dom::parser _parser;
    ebay::quantities _state;
};

// {"item":{"SKU":7,...},"offer":{"SKU":5,...}}: JSON, so that any SKU text survives.
std::string ebay_adapter::save_state() const {
    if (_state.item.empty() && _state.offer.empty()) return {};
    std::string text = "{";
    const auto write = [&text](std::string_view name, const std::map<std::string, int64_t>& map) {
        text += json_quote(name);
        text += ":{";
        bool first = true;
        for (const auto& [sku, qty] : map) {
            if (!first) text += ',';
            first = false;
            text += json_quote(sku);
            text += ':';
            text += std::to_string(qty);
        }
        text += '}';
    };
    write("item", _state.item);
    text += ',';
    write("offer", _state.offer);
    text += '}';
    return text;
}

// What save_state wrote; anything else leaves the state empty (it is a cache of the last
// quantities, rebuilt by the next payloads).
void ebay_adapter::load_state(std::string_view state) {
    _state = {};
    if (state.empty()) return;
    const simdjson::padded_string padded(state);
    object root;
    if (_parser.parse(padded).get(root)) return;
    ebay::quantities loaded;
    using named_map = std::pair<std::string_view, std::map<std::string, int64_t>*>;
    for (const auto& [name, map] : {named_map{"item", &loaded.item}, {"offer", &loaded.offer}}) {
        object entries;
        if (root[name].get(entries)) return;
        for (const auto field : entries) {
            const quantity_read qty = read_quantity(field.value);
            if (qty.status != quantity_status::ok) return;
            (*map)[std::string(field.key)] = qty.value;
        }
    }
    _state = std::move(loaded);
}

} // namespace

std::unique_ptr<channel_adapter> make_ebay_adapter(const adapter_settings& settings) {
    return std::make_unique<ebay_adapter>(settings);
}

} // namespace weave::channels
