#pragma once
// Reading the values channel payloads carry loosely typed (WooCommerce's stock_quantity as 12,
// "12", 12.0 or "12.5"; ids as numbers or strings) the one way docs/adapters.md allows: a
// quantity is taken only when it is an exact SPEC integer, never rounded. Used by the
// WooCommerce and eBay adapters (and the quantity reader by all of them); nothing here is
// specific to one channel.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "channels/channel_adapter.h"
#include "weave/limits.h"

namespace weave::channels {

enum class quantity_status : uint8_t {
    ok,
    absent, // no such field, or JSON null
    bad,    // not an exact integer within SPEC's range
};

struct quantity_read {
    quantity_status status = quantity_status::absent;
    int64_t value = 0;
};

// An integer, a whole double (12.0), or a string of an optional '-', digits and an optional
// all-zero fraction ("12", "-3", "12.00"); anything else (12.5, "12.5", " 12", "1e3", true, {})
// is `bad`. The one quantity reader of every channel adapter (Shopify and Amazon wrap it in
// their own field statuses), so that "12.0" means the same wherever it arrives.
quantity_read read_quantity(simdjson::dom::element value) noexcept;
// The string rule alone, `-?[0-9]+(\.0+)?` within SPEC's range: "12", "-3", "12.00"; no spaces,
// no '+', no exponent, no "12.", no "inf" or "nan".
quantity_read read_quantity_text(std::string_view text) noexcept;
// The field `key` of `object` read as above; `absent` when the field is missing or null.
quantity_read read_quantity_field(simdjson::dom::object object, std::string_view key) noexcept;

// The field when it is present and not null.
std::optional<simdjson::dom::element> field(simdjson::dom::object object, std::string_view key);

// A string field's text; empty when absent, null or not a string.
std::string_view text_field(simdjson::dom::object object, std::string_view key);

// An identity written as a non-negative integer (963) or a non-empty string ("963"): its
// decimal text. nullopt for anything else (absent, null, "", 9.5, negative, objects).
std::optional<std::string> id_text(simdjson::dom::element value);
std::optional<std::string> id_field(simdjson::dom::object object, std::string_view key);

// An RFC 3339 time field as microseconds. WooCommerce's `*_gmt` fields carry no offset
// ("2019-10-01T19:33:46"); they are UTC by definition, so a time without an offset is read as
// UTC. nullopt when absent or not a time.
std::optional<int64_t> time_field_us(simdjson::dom::object object, std::string_view key);

// Where a part of a payload is, for rejects, in every adapter: where_key("orders[0]", "id") is
// "orders[0].id" ("id" from the root); where_index("orders[0]", "line_items", 2) is
// "orders[0].line_items[2]", and where_index("", "", 3) (an element of a bare array) is "[3]".
std::string where_index(std::string_view base, std::string_view key, size_t index);
std::string where_key(std::string_view base, std::string_view key);

void add_reject(conversion& out, std::string where, std::string_view reason);

// Visits each element of `items` (the array at `base`.`key`) that is an object, with its `where`
// (`base.key[i]`); an element that is not an object is rejected `unknown_payload` there.
template <class Visit>
void for_each_object(conversion& out, simdjson::dom::array items, std::string_view base,
                     std::string_view key, Visit&& visit) {
    size_t index = 0;
    for (simdjson::dom::element value : items) {
        std::string where = where_index(base, key, index++);
        simdjson::dom::object object;
        if (value.get(object)) {
            add_reject(out, std::move(where), "unknown_payload");
            continue;
        }
        visit(object, where);
    }
}

// What tells two observations apart when a payload carries no time and no identity of its own
// (eBay inventory items, WooCommerce stock rows): the transport's delivery id, else the receive
// time ("r<microseconds>").
std::string delivery_stamp(const payload_context& context);

} // namespace weave::channels
