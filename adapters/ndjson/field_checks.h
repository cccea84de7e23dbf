#pragma once
// Pass 2 of parsing: SPEC §6's checks, in order, over the fields read from one JSON object.
// Independent of simdjson so that the rules are testable on their own.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "weave/chunk.h"

namespace weave::ndjson {

enum class slot_kind : uint8_t { absent, null, string, number, boolean, array, object };

struct json_slot {
    slot_kind kind = slot_kind::absent;
    bool boolean = false;
    bool integer_ok = false;  // number: an integer within |v| <= 1e9
    bool all_strings = false; // array: every element a string
    int64_t integer = 0;
    std::string_view text;
};

struct field_table {
    std::array<json_slot, field_name_count> slots{};
    std::vector<std::string_view> locations;  // elements of `locations`, when all strings

    json_slot& slot(field_name name) { return slots[static_cast<size_t>(name)]; }
    const json_slot& slot(field_name name) const { return slots[static_cast<size_t>(name)]; }
    void clear() {
        slots.fill(json_slot{});
        locations.clear();
    }
};

// Parses an integer token (no fraction, no exponent); false when |v| > 1e9.
bool parse_bounded_integer(std::string_view token, int64_t& value);

// Fills `event` (type, ts, fields, or the first failing check) and copies its strings into
// `chunk`'s arena.
void check_fields(const field_table& fields, parsed_event& event, parsed_chunk& chunk);

} // namespace weave::ndjson
