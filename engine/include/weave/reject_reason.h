#pragma once
// Rejections are data (SPEC §2, §6): a reason code, plus the field for missing_field/bad_field.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace weave {

enum class reject_reason : uint8_t {
    none = 0,
    malformed_json,
    line_too_long,
    unknown_type,
    missing_field,
    bad_field,
    adjust_without_reason,
    unknown_sku,
    unmapped_listing,
    retired_listing,
    order_exists,
    unknown_order,
    ship_without_location,
    ship_exceeds_order,
    restock_exceeds_pending,
    transfer_exists,
    unknown_transfer,
    transfer_exceeds_remaining,
};
inline constexpr size_t reject_reason_count = 18;

inline constexpr std::array<std::string_view, reject_reason_count> reject_reason_names = {
    "none", "malformed_json", "line_too_long", "unknown_type", "missing_field", "bad_field",
    "adjust_without_reason", "unknown_sku", "unmapped_listing", "retired_listing",
    "order_exists", "unknown_order", "ship_without_location", "ship_exceeds_order",
    "restock_exceeds_pending", "transfer_exists", "unknown_transfer",
    "transfer_exceeds_remaining",
};

// Every field name SPEC §2 knows; the parser reads these and skips the rest.
enum class field_name : uint8_t {
    none = 0, id, ts, type, sku, class_, barcode, channel, listing, loc, qty, order, transfer,
    from, to, delta, reason, owner, counted, units, locations, share, max, grace_ms, ok, error,
};
inline constexpr size_t field_name_count = 26;
inline constexpr std::array<std::string_view, field_name_count> field_names = {
    "", "id", "ts", "type", "sku", "class", "barcode", "channel", "listing", "loc", "qty",
    "order", "transfer", "from", "to", "delta", "reason", "owner", "counted", "units",
    "locations", "share", "max", "grace_ms", "ok", "error",
};

// The reason as written in rejects.ndjson and report.json ("bad_field:qty").
inline std::string reject_text(reject_reason reason, field_name field) {
    std::string text(reject_reason_names[static_cast<size_t>(reason)]);
    if (reason == reject_reason::missing_field || reason == reject_reason::bad_field) {
        text += ':';
        text += field_names[static_cast<size_t>(field)];
    }
    return text;
}

// Rejected movements whose reason is not a field check are remembered for the classifier's
// `rejected_movement` row (SPEC §4).
constexpr bool counts_as_rejected_movement(reject_reason reason) {
    return reason >= reject_reason::adjust_without_reason;
}

} // namespace weave
