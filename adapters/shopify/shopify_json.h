#pragma once
// Reading Shopify's JSON fields with simdjson's DOM API and error codes: nothing here throws, and
// every reader says whether the field was there, absent (missing or null) or unusable.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "channels/json_values.h"

namespace weave::channels::shopify {

enum class field_status : uint8_t {
    ok,
    absent, // missing, or JSON null
    bad,    // present with a value that cannot be read as asked
};

// The member `key` of `parent` when it is there and not null (an `parent` that is not an object
// has no members).
std::optional<simdjson::dom::element> member(simdjson::dom::element parent, std::string_view key);
// True when `key` is a member of `parent`, null included.
bool has_member(simdjson::dom::element parent, std::string_view key);

// Shopify ids are positive 64-bit integers. Read from a JSON integer (up to 2^64 - 1: simdjson
// keeps integers above INT64_MAX as uint64, so no digit is lost), a string of decimal digits
// (which may hold the same range), or a double that is an exact integer below 2^53 (from
// there on a double may already have lost digits, so it is refused rather than rounded).
field_status read_id(simdjson::dom::element parent, std::string_view key, uint64_t& out);

// A SPEC quantity: an exact integer with |q| <= 1e9, from a JSON integer, a double with no
// fraction (`12.0`), or a string of an optional `-` and digits (`"12"`).
field_status read_quantity(simdjson::dom::element parent, std::string_view key, int64_t& out);

field_status read_text(simdjson::dom::element parent, std::string_view key, std::string_view& out);

// An RFC 3339 time (Shopify writes `2018-05-07T15:33:38-04:00`): `out_us` and the text as
// written, which event ids quote so that they stay what the payload said.
field_status read_time(simdjson::dom::element parent, std::string_view key, int64_t& out_us,
                       std::string_view& out_text);

} // namespace weave::channels::shopify
