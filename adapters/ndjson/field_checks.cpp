#include "ndjson/field_checks.h"

#include <cstring>

#include "weave/hash.h"
#include "weave/limits.h"
#include "weave/time.h"

namespace weave::ndjson {

bool parse_bounded_integer(std::string_view token, int64_t& value) {
    size_t i = 0;
    const bool negative = !token.empty() && token[0] == '-';
    i += negative ? 1 : 0;
    if (i >= token.size() || token.size() - i > 10) {
        return false;
    }
    int64_t magnitude = 0;
    for (; i < token.size(); i++) {
        if (token[i] < '0' || token[i] > '9') {
            return false;
        }
        magnitude = magnitude * 10 + (token[i] - '0');
    }
    if (magnitude > qty_abs_max) {
        return false;
    }
    value = negative ? -magnitude : magnitude;
    return true;
}

namespace {

// The checker walks a type's fields in table order; the first failure is recorded and every
// later check becomes a no-op, so each rule reads as one line.
class checker {
public:
    checker(const field_table& fields, parsed_event& event, parsed_chunk& chunk)
        : _fields(fields), _event(event), _chunk(chunk) {}

    bool failed() const { return _event.reject != reject_reason::none; }

    void fail(reject_reason reason, field_name field = field_name::none) {
        if (!failed()) {
            _event.reject = reason;
            _event.reject_field = field;
        }
    }

    // A required string; `out` receives it.
    void text(field_name name, str_ref& out, uint16_t flag = 0) {
        if (failed()) return;
        const json_slot& slot = _fields.slot(name);
        if (slot.kind == slot_kind::absent) return fail(reject_reason::missing_field, name);
        if (slot.kind != slot_kind::string) return fail(reject_reason::bad_field, name);
        out = store(slot.text);
        _event.flags |= flag;
    }
    void optional_text(field_name name, str_ref& out, uint16_t flag) {
        if (failed() || _fields.slot(name).kind == slot_kind::absent) return;
        text(name, out, flag);
    }
    // A required integer in [min, max] (always within |v| <= 1e9).
    void integer(field_name name, int64_t min, int64_t max, int64_t& out, uint16_t flag = 0) {
        if (failed()) return;
        const json_slot& slot = _fields.slot(name);
        if (slot.kind == slot_kind::absent) return fail(reject_reason::missing_field, name);
        if (slot.kind != slot_kind::number || !slot.integer_ok || slot.integer < min ||
            slot.integer > max) {
            return fail(reject_reason::bad_field, name);
        }
        out = slot.integer;
        _event.flags |= flag;
    }
    void optional_integer(field_name name, int64_t min, int64_t max, int64_t& out,
                          uint16_t flag) {
        if (failed() || _fields.slot(name).kind == slot_kind::absent) return;
        integer(name, min, max, out, flag);
    }
    void positive_qty() { integer(field_name::qty, 1, qty_abs_max, _event.qty, has_qty); }
    void optional_positive_qty() {
        optional_integer(field_name::qty, 1, qty_abs_max, _event.qty, has_qty);
    }
    void any_qty() { integer(field_name::qty, -qty_abs_max, qty_abs_max, _event.qty, has_qty); }

    // A movement's SKU: `sku`, or `channel` + `listing` (docs/spec-notes.md item 7).
    void sku_or_listing() {
        if (failed()) return;
        if (_fields.slot(field_name::sku).kind != slot_kind::absent) {
            return text(field_name::sku, _event.sku, has_sku);
        }
        const bool channel = _fields.slot(field_name::channel).kind != slot_kind::absent;
        const bool listing = _fields.slot(field_name::listing).kind != slot_kind::absent;
        if (!channel && !listing) return fail(reject_reason::missing_field, field_name::sku);
        text(field_name::channel, _event.channel, has_channel);
        text(field_name::listing, _event.listing, has_listing);
    }
    void sku_class(bool required) {
        if (failed()) return;
        const json_slot& slot = _fields.slot(field_name::class_);
        if (slot.kind == slot_kind::absent) {
            if (required) fail(reject_reason::missing_field, field_name::class_);
            return;
        }
        if (slot.kind != slot_kind::string || slot.text.size() != 1 || slot.text[0] < 'A' ||
            slot.text[0] > 'C') {
            return fail(reject_reason::bad_field, field_name::class_);
        }
        _event.sku_class = slot.text[0];
        _event.flags |= has_class;
    }
    // adjust's reason and owner: missing, null or "" is adjust_without_reason.
    void reasoned(field_name name) {
        if (failed()) return;
        const json_slot& slot = _fields.slot(name);
        if (slot.kind == slot_kind::absent || slot.kind == slot_kind::null ||
            (slot.kind == slot_kind::string && slot.text.empty())) {
            return fail(reject_reason::adjust_without_reason);
        }
        if (slot.kind != slot_kind::string) fail(reject_reason::bad_field, name);
    }
    void locations() {
        if (failed()) return;
        const json_slot& slot = _fields.slot(field_name::locations);
        if (slot.kind == slot_kind::absent) return;
        if (slot.kind != slot_kind::array || !slot.all_strings) {
            return fail(reject_reason::bad_field, field_name::locations);
        }
        _event.flags |= has_locations;
        _event.locations_first = static_cast<uint32_t>(_chunk.locations.size());
        _event.locations_count = static_cast<uint32_t>(_fields.locations.size());
        for (const std::string_view loc : _fields.locations) {
            _chunk.locations.push_back(store(loc));
        }
    }
    void ok_flag() {
        if (failed()) return;
        const json_slot& slot = _fields.slot(field_name::ok);
        if (slot.kind == slot_kind::absent) {
            _event.flags |= ack_ok;
            return;
        }
        if (slot.kind != slot_kind::boolean) return fail(reject_reason::bad_field, field_name::ok);
        _event.flags |= slot.boolean ? ack_ok : 0;
    }

    void store_listing_key() {
        // The channel and listing live in the arena this appends to: grow it first, then copy
        // by offset (views taken before a reallocation would point into freed memory).
        const str_ref channel = _event.channel;
        const str_ref listing = _event.listing;
        const uint32_t length = channel.length;
        const size_t at = _chunk.arena.size();
        const str_ref key{static_cast<uint32_t>(at),
                          static_cast<uint32_t>(sizeof length + channel.length + listing.length)};
        _chunk.arena.resize(at + key.length);
        char* out = _chunk.arena.data() + at;
        std::memcpy(out, &length, sizeof length);
        std::memcpy(out + sizeof length, _chunk.arena.data() + channel.offset, channel.length);
        std::memcpy(out + sizeof length + channel.length, _chunk.arena.data() + listing.offset,
                    listing.length);
        _event.listing_key = key;
    }

private:
    str_ref store(std::string_view text) {
        const str_ref ref{static_cast<uint32_t>(_chunk.arena.size()),
                          static_cast<uint32_t>(text.size())};
        _chunk.arena.insert(_chunk.arena.end(), text.begin(), text.end());
        return ref;
    }

    const field_table& _fields;
    parsed_event& _event;
    parsed_chunk& _chunk;
};

bool type_of(std::string_view name, event_type& type) {
    for (size_t i = 0; i < event_type_count; i++) {
        if (event_type_names[i] == name) {
            type = static_cast<event_type>(i);
            return true;
        }
    }
    return false;
}

void check_type_fields(checker& check, parsed_event& e) {
    using f = field_name;
    str_ref ignored;
    switch (e.type) {
    case event_type::sku:
        check.text(f::sku, e.sku, has_sku);
        check.sku_class(false);
        check.optional_text(f::barcode, e.barcode, has_barcode);
        break;
    case event_type::listing:
        check.text(f::channel, e.channel, has_channel);
        check.text(f::listing, e.listing, has_listing);
        check.text(f::sku, e.sku, has_sku);
        break;
    case event_type::listing_retire:
        check.text(f::channel, e.channel, has_channel);
        check.text(f::listing, e.listing, has_listing);
        break;
    case event_type::receipt:
    case event_type::return_:
    case event_type::restock:
        check.sku_or_listing();
        check.text(f::loc, e.loc, has_loc);
        check.positive_qty();
        break;
    case event_type::order:
        check.text(f::order, e.ref);
        check.sku_or_listing();
        check.text(f::channel, e.channel, has_channel);
        check.positive_qty();
        check.optional_text(f::loc, e.loc, has_loc);
        break;
    case event_type::cancel:
        check.text(f::order, e.ref);
        check.sku_or_listing();
        check.optional_positive_qty();
        break;
    case event_type::ship:
        check.text(f::order, e.ref);
        check.sku_or_listing();
        check.optional_text(f::loc, e.loc, has_loc);
        check.optional_positive_qty();
        break;
    case event_type::transfer_out:
        check.text(f::transfer, e.ref);
        check.sku_or_listing();
        check.text(f::from, e.from);
        check.text(f::to, e.to);
        check.positive_qty();
        break;
    case event_type::transfer_in:
        check.text(f::transfer, e.ref);
        check.sku_or_listing();
        check.optional_positive_qty();
        break;
    case event_type::adjust:
        check.sku_or_listing();
        check.text(f::loc, e.loc, has_loc);
        check.integer(f::delta, -qty_abs_max, qty_abs_max, e.qty);
        if (!check.failed() && e.qty == 0) check.fail(reject_reason::bad_field, f::delta);
        check.reasoned(f::reason);
        check.reasoned(f::owner);
        break;
    case event_type::count:
        check.sku_or_listing();
        check.text(f::loc, e.loc, has_loc);
        check.integer(f::counted, 0, qty_abs_max, e.qty);
        check.text(f::owner, ignored);
        break;
    case event_type::policy_buffer:
        check.integer(f::units, 0, qty_abs_max, e.qty);
        check.optional_text(f::sku, e.sku, has_sku);
        check.sku_class(false);
        if (!check.failed() && !e.has(has_sku) && !e.has(has_class)) {
            check.fail(reject_reason::missing_field, f::sku);
        }
        break;
    case event_type::policy_channel:
        check.text(f::channel, e.channel, has_channel);
        check.locations();
        check.optional_integer(f::share, 1, 100, e.share, has_share);
        check.optional_integer(f::max, 0, qty_abs_max, e.max, has_max);
        break;
    case event_type::policy_publish:
        check.integer(f::grace_ms, 0, qty_abs_max, e.qty);
        check.optional_text(f::channel, e.channel, has_channel);
        break;
    case event_type::publish:
    case event_type::channel_level:
        check.text(f::channel, e.channel, has_channel);
        check.text(f::listing, e.listing, has_listing);
        check.any_qty();
        break;
    case event_type::publish_ack:
        check.text(f::channel, e.channel, has_channel);
        check.text(f::listing, e.listing, has_listing);
        check.any_qty();
        check.ok_flag();
        check.optional_text(f::error, ignored, 0);
        break;
    }
}

} // namespace

void check_fields(const field_table& fields, parsed_event& event, parsed_chunk& chunk) {
    checker check(fields, event, chunk);
    check.text(field_name::id, event.id);
    if (check.failed()) return;
    event.id_hash = hash_bytes(chunk.text(event.id));
    // From here on a failure still lets the router count a duplicate id first (SPEC §6).
    str_ref ts;
    check.text(field_name::ts, ts);
    if (check.failed()) return;
    const auto time_us = parse_rfc3339_us(chunk.text(ts));
    if (!time_us) return check.fail(reject_reason::bad_field, field_name::ts);
    event.ts_us = *time_us;
    str_ref type;
    check.text(field_name::type, type);
    if (check.failed()) return;
    if (!type_of(chunk.text(type), event.type)) return check.fail(reject_reason::unknown_type);
    check_type_fields(check, event);
    // Also for a line rejected later in its fields (an unreasoned adjust): the router still
    // resolves its SKU to remember it as a rejected movement.
    if (event.has(has_sku)) {
        event.sku_hash = hash_bytes(chunk.text(event.sku));
    }
    if (event.has(has_channel) && event.has(has_listing)) {
        check.store_listing_key();
        event.listing_hash = hash_bytes(chunk.text(event.listing_key));
    }
    if (event.type == event_type::order || event.type == event_type::cancel ||
        event.type == event_type::ship || event.type == event_type::transfer_out ||
        event.type == event_type::transfer_in) {
        event.ref_hash = hash_bytes(chunk.text(event.ref));
    }
}

} // namespace weave::ndjson
