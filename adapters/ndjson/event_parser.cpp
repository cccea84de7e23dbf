#include "ndjson/event_parser.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "ndjson/field_checks.h"
#include "weave/assert.h"
#include "weave/limits.h"

namespace weave::ndjson {
namespace {

using namespace simdjson;

struct parser_state {
    ondemand::parser parser{line_bytes_max + SIMDJSON_PADDING};
    std::unique_ptr<char[]> padded{new char[line_bytes_max + SIMDJSON_PADDING]};
    field_table fields;
};

// Known keys by length first: one or two comparisons per key instead of a scan of all names.
struct field_index {
    std::array<std::array<field_name, 8>, 10> by_length{};  // at most 7 names share a length
    field_index() {
        for (auto& row : by_length) row.fill(field_name::none);
        for (size_t i = 1; i < field_name_count; i++) {
            auto& row = by_length[field_names[i].size()];
            size_t slot = 0;
            while (row[slot] != field_name::none) slot++;
            WEAVE_ASSERT(slot + 1 < row.size());
            row[slot] = static_cast<field_name>(i);
        }
    }
};
const field_index known_fields;

field_name field_of(std::string_view key) {
    if (key.size() >= known_fields.by_length.size()) {
        return field_name::none;
    }
    for (const field_name name : known_fields.by_length[key.size()]) {
        if (name == field_name::none) break;
        if (field_names[static_cast<size_t>(name)] == key) return name;
    }
    return field_name::none;
}

std::string_view trim_token(std::string_view token) {
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t' ||
                              token.back() == '\n' || token.back() == '\r')) {
        token.remove_suffix(1);
    }
    return token;
}

// JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view s, bool& is_integer) {
    size_t i = 0;
    if (i < s.size() && s[i] == '-') i++;
    if (i >= s.size()) return false;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') i++;
    } else {
        return false;
    }
    is_integer = true;
    if (i < s.size() && s[i] == '.') {
        is_integer = false;
        i++;
        const size_t digits = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') i++;
        if (i == digits) return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        is_integer = false;
        i++;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) i++;
        const size_t digits = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') i++;
        if (i == digits) return false;
    }
    return i == s.size();
}

// Reads a scalar into `slot` (when given), validating it. False: the JSON is malformed.
bool read_scalar(ondemand::value value, ondemand::json_type type, json_slot* slot) {
    if (type == ondemand::json_type::string) {
        std::string_view text;
        if (value.get_string().get(text)) return false;
        if (slot) { slot->kind = slot_kind::string; slot->text = text; }
        return true;
    }
    std::string_view token = trim_token(value.raw_json_token());
    if (type == ondemand::json_type::number) {
        bool is_integer = false;
        if (!is_json_number(token, is_integer)) return false;
        if (slot) {
            slot->kind = slot_kind::number;
            slot->integer_ok = is_integer && parse_bounded_integer(token, slot->integer);
        }
        return true;
    }
    if (type == ondemand::json_type::boolean) {
        if (token != "true" && token != "false") return false;
        if (slot) { slot->kind = slot_kind::boolean; slot->boolean = token == "true"; }
        return true;
    }
    if (type == ondemand::json_type::null) {
        if (token != "null") return false;
        if (slot) slot->kind = slot_kind::null;
        return true;
    }
    return false;
}

bool validate(ondemand::value value, size_t depth, json_slot* slot,
              std::vector<std::string_view>* strings);

bool validate_object(ondemand::object object, size_t depth) {
    for (auto field : object) {
        std::string_view key;
        if (field.unescaped_key().get(key)) return false;
        ondemand::value value;
        if (field.value().get(value)) return false;
        if (!validate(value, depth + 1, nullptr, nullptr)) return false;
    }
    return true;
}

// Validates any value; an array's string elements are collected into `strings` when given.
bool validate(ondemand::value value, size_t depth, json_slot* slot,
              std::vector<std::string_view>* strings) {
    if (depth > json_depth_max) return false;
    ondemand::json_type type;
    if (value.type().get(type)) return false;
    if (type == ondemand::json_type::object) {
        ondemand::object object;
        if (value.get_object().get(object)) return false;
        if (slot) slot->kind = slot_kind::object;
        return validate_object(object, depth);
    }
    if (type == ondemand::json_type::array) {
        ondemand::array array;
        if (value.get_array().get(array)) return false;
        if (slot) { slot->kind = slot_kind::array; slot->all_strings = true; }
        if (strings) strings->clear();
        for (auto element : array) {
            ondemand::value item;
            if (element.get(item)) return false;
            ondemand::json_type item_type;
            if (item.type().get(item_type)) return false;
            if (strings && item_type == ondemand::json_type::string) {
                std::string_view text;
                if (item.get_string().get(text)) return false;
                strings->push_back(text);
                continue;
            }
            if (slot) slot->all_strings = false;
            if (!validate(item, depth + 1, nullptr, nullptr)) return false;
        }
        return true;
    }
    return read_scalar(value, type, slot);
}

// Pass 1: the whole line as one JSON object, every known field into the table.
bool read_object(parser_state& state, std::string_view line) {
    std::memcpy(state.padded.get(), line.data(), line.size());
    std::memset(state.padded.get() + line.size(), 0, SIMDJSON_PADDING);
    state.fields.clear();
    ondemand::document doc;
    if (state.parser.iterate(state.padded.get(), line.size(), line.size() + SIMDJSON_PADDING)
            .get(doc)) {
        return false;
    }
    ondemand::object object;
    if (doc.get_object().get(object)) return false;
    for (auto field : object) {
        std::string_view key;
        if (field.unescaped_key().get(key)) return false;
        ondemand::value value;
        if (field.value().get(value)) return false;
        const field_name name = field_of(key);
        json_slot* slot = name == field_name::none ? nullptr : &state.fields.slot(name);
        if (slot) *slot = json_slot{};
        std::vector<std::string_view>* strings =
            name == field_name::locations ? &state.fields.locations : nullptr;
        if (!validate(value, 1, slot, strings)) return false;
    }
    // Trailing content after the object (`{} x`) leaves the iterator on a token.
    const char* trailing = nullptr;
    return doc.current_location().get(trailing) != SUCCESS;
}

bool is_blank(std::string_view line) {
    for (const char c : line) {
        if (c != ' ' && c != '\t' && c != '\r') return false;
    }
    return true;
}

} // namespace

void* make_parser_state() { return new parser_state(); }
void free_parser_state(void* state) { delete static_cast<parser_state*>(state); }

void parse_chunk(void* opaque, const char* begin, size_t length, parsed_chunk& out) {
    auto& state = *static_cast<parser_state*>(opaque);
    out.clear();
    out.arena.reserve(std::min(length, 2 * chunk_bytes_target));
    size_t position = 0;
    while (position < length) {
        const void* newline = std::memchr(begin + position, '\n', length - position);
        const size_t end = newline ? static_cast<size_t>(static_cast<const char*>(newline) - begin)
                                   : length;
        std::string_view line(begin + position, end - position);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);  // SPEC §6: one trailing CR is dropped
        }
        const uint32_t line_index = out.line_count++;
        if (is_blank(line)) {
            out.blank_lines++;
        } else {
            parsed_event event;
            event.line_index = line_index;
            event.line_offset = static_cast<uint32_t>(position);
            // rejects.ndjson quotes at most 1024 bytes, so a longer length needs no exactness.
            event.line_length = static_cast<uint32_t>(std::min(line.size(), line_bytes_max + 1));
            const bool bom = line.size() >= 3 && std::memcmp(line.data(), "\xEF\xBB\xBF", 3) == 0;
            if (line.size() > line_bytes_max) {
                event.reject = reject_reason::line_too_long;
            } else if (bom || !read_object(state, line)) {
                event.reject = reject_reason::malformed_json;
            } else {
                check_fields(state.fields, event, out);
            }
            out.events.push_back(event);
        }
        position = end + 1;
    }
}

chunk_span cut_chunk(std::string_view log, size_t position) {
    if (position >= log.size()) {
        return {position, position};
    }
    // After the first line end at or past the target size; a longer line extends the chunk.
    size_t end = std::min(position + chunk_bytes_target, log.size());
    if (end < log.size()) {
        const void* newline = std::memchr(log.data() + end - 1, '\n', log.size() - end + 1);
        end = newline ? static_cast<size_t>(static_cast<const char*>(newline) - log.data()) + 1
                      : log.size();
    }
    return {position, end};
}

parse_stage event_parse_stage() {
    return parse_stage{cut_chunk, make_parser_state, free_parser_state, parse_chunk};
}

} // namespace weave::ndjson
