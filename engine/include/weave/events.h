#pragma once
// The event model of SPEC §2: types in the order of the spec's tables, and the fixed-size parsed
// record that the adapters hand to the router (strings by offset into the chunk's arena).
#include <array>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "weave/reject_reason.h"

namespace weave {

enum class event_type : uint8_t {
    sku,
    listing,
    listing_retire,
    receipt,
    order,
    cancel,
    ship,
    return_,
    restock,
    transfer_out,
    transfer_in,
    adjust,
    count,
    policy_buffer,
    policy_channel,
    policy_publish,
    publish,
    publish_ack,
    channel_level,
};
inline constexpr size_t event_type_count = 19;

inline constexpr std::array<std::string_view, event_type_count> event_type_names = {
    "sku", "listing", "listing.retire", "receipt", "order", "cancel", "ship", "return",
    "restock", "transfer.out", "transfer.in", "adjust", "count", "policy.buffer",
    "policy.channel", "policy.publish", "publish", "publish.ack", "channel.level",
};

constexpr std::string_view name_of(event_type type) {
    return event_type_names[static_cast<size_t>(type)];
}

constexpr bool is_movement(event_type type) {
    return type >= event_type::receipt && type <= event_type::count;
}

// A string of a parsed line, as [offset, offset + length) of its chunk's string arena.
struct str_ref {
    uint32_t offset = 0;
    uint32_t length = 0;
    constexpr bool empty() const { return length == 0; }
};

enum parsed_flags : uint16_t {
    has_sku = 1u << 0,
    has_channel = 1u << 1,
    has_listing = 1u << 2,
    has_loc = 1u << 3,
    has_qty = 1u << 4,
    has_share = 1u << 5,
    has_max = 1u << 6,
    has_locations = 1u << 7,
    has_class = 1u << 8,
    has_barcode = 1u << 9,
    ack_ok = 1u << 10,
    is_blank = 1u << 11,
};

// One non-blank line after parsing and field checks (SPEC §6 up to, not including, the duplicate
// id and SKU resolution, which need the router's log-order state).
struct parsed_event {
    uint32_t line_index = 0;   // 0-based line number inside the chunk
    uint32_t line_offset = 0;  // raw line, relative to the chunk start, without its line end
    uint32_t line_length = 0;
    event_type type = event_type::sku;
    reject_reason reject = reject_reason::none;  // the first failing check after `id`
    field_name reject_field = field_name::none;
    char sku_class = 'C';
    uint16_t flags = 0;
    int64_t ts_us = 0;
    // Hashes computed in the parallel stage, so that the serial router neither hashes nor
    // waits for the memory of its tables: it prefetches their slots a few events ahead.
    uint64_t id_hash = 0;
    uint64_t sku_hash = 0;      // of `sku`, when present
    uint64_t listing_hash = 0;  // of `listing_key`, when channel and listing are present
    uint64_t ref_hash = 0;      // of `ref` (the order or transfer id), when present
    int64_t qty = 0;  // qty, delta, counted, units or grace_ms, by type
    int64_t share = 100;
    int64_t max = 0;
    str_ref id, sku, channel, listing, loc, ref, from, to, barcode;
    // A listing's identity across channels: [channel length, 4 bytes][channel][listing].
    str_ref listing_key;
    // policy.channel locations: `locations_count` str_refs stored from `locations_first` in the
    // chunk's location list.
    uint32_t locations_first = 0;
    uint32_t locations_count = 0;

    constexpr bool has(parsed_flags flag) const { return (flags & flag) != 0; }
};
static_assert(std::is_trivially_copyable_v<parsed_event>);

} // namespace weave
