#pragma once
// The pieces every Amazon SP-API payload kind shares: reading fields with simdjson's DOM API and
// error codes (nothing here throws), the fallbacks for `ts` and ids (docs/adapters.md), and the
// rejects and extras of a conversion.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "channels/channel_adapter.h"
#include "channels/json_values.h"
#include "weave/limits.h"

namespace weave::channels::amazon {

inline constexpr std::string_view channel_name = "amazon";
// Identity strings (SKUs, order ids, notification ids) longer than this are refused, so that an
// event line stays far below the engine's line_bytes_max (Amazon's own SKUs are <= 40 bytes).
inline constexpr size_t text_bytes_max = 1024;

enum class field_status : uint8_t {
    ok,
    missing, // not there at all
    null,    // JSON null
    bad,     // there, but not what was asked (type, range, length)
};

// The member `key` of `parent` (null included); nullopt when absent or `parent` is no object.
std::optional<simdjson::dom::element> member(simdjson::dom::element parent, std::string_view key);
// A member that is an object (as an element, which the readers take) / an array; nullopt
// otherwise.
std::optional<simdjson::dom::element> object_member(simdjson::dom::element parent,
                                                    std::string_view key);
std::optional<simdjson::dom::array> array_member(simdjson::dom::element parent,
                                                 std::string_view key);

// A SPEC quantity: an exact integer with |q| <= 1e9 from a JSON integer, a double with no
// fraction (`12.0`) or a string of an optional `-`, digits and an optional all-zero fraction
// (`"12"`, `"12.0"`). The sign is the caller's business.
field_status quantity_of(simdjson::dom::element value, int64_t& out);
field_status read_quantity(simdjson::dom::element parent, std::string_view key, int64_t& out);

// A non-empty string of at most text_bytes_max bytes (empty counts as missing).
field_status read_text(simdjson::dom::element parent, std::string_view key, std::string_view& out);

// An RFC 3339 time; nullopt when missing, null, empty or unreadable.
std::optional<int64_t> read_time(simdjson::dom::element parent, std::string_view key);

// The reject reason for an identity field: `missing_<what>` or `bad_<what>`.
std::string identity_reason(field_status status, std::string_view what);
// The reject reason for a quantity field (ok with a negative value included): `missing_quantity`,
// `null_quantity` or `bad_quantity`.
std::string_view quantity_reason(field_status status);

// The extras name of a quantity offered through another fulfillment channel than the seller's
// own (`DEFAULT`): `fulfillment_quantity:<code>` (e.g. `AMAZON_NA`), or `...:other` for a code
// that is not 1-32 letters, digits and `_` (extras names stay few and printable).
std::string fulfillment_extra_name(std::string_view code);

// `time_us` as RFC 3339 UTC with 6 fraction digits, the form ids quote times in.
std::string time_text(int64_t time_us);
// When a payload has no identity or time of its own: the transport's delivery id, else the time
// it was received (docs/adapters.md).
std::string fallback_identity(const payload_context& context);

// One conversion in progress: the output plus the context every payload kind needs.
struct sink {
    conversion& out;
    const payload_context& context;
    const adapter_settings& settings;

    void reject(std::string where, std::string_view reason) const;
    void extra(std::string_view name, int64_t value) const;
};

// `listing` amazon/<sku> -> <sku>: the seller SKU is the seller's own SKU code (docs/adapters.md).
// Its id is the same every time, so the engine applies the first and counts the rest as
// duplicates.
void append_listing_event(std::string_view sku, int64_t ts_us, const sink& out);
// `channel.level` amazon/<sku> = units, id `amazon:level:<sku>:<identity>`.
void append_level_event(std::string_view sku, std::string_view identity, int64_t ts_us,
                        int64_t units, const sink& out);

} // namespace weave::channels::amazon
