#pragma once
// A piece of the log cut on line boundaries, and what the parse stage made of it.
#include <cstdint>
#include <string_view>
#include <vector>

#include "weave/events.h"

namespace weave {

struct parsed_chunk {
    uint64_t file_offset = 0;  // where the chunk starts in the log
    uint64_t byte_count = 0;
    uint64_t chunk_end = 0;    // end of the chunk in the log (for progress)
    uint32_t line_count = 0;   // every line, blank ones included
    uint32_t blank_lines = 0;
    std::vector<parsed_event> events;  // the non-blank lines, in order
    std::vector<char> arena;           // unescaped strings of the events
    std::vector<str_ref> locations;    // policy.channel location lists

    std::string_view text(str_ref ref) const { return {arena.data() + ref.offset, ref.length}; }
    void clear() {
        line_count = 0;
        blank_lines = 0;
        events.clear();
        arena.clear();
        locations.clear();
    }
};

struct chunk_span {
    size_t begin;
    size_t end;  // begin == end: no more chunks
};

// The input format, supplied by an adapter: how to cut the log into chunks (serial), and how to
// turn one chunk into events (parallel, with per-thread state). `parse` may move
// `out.file_offset` to where the chunk's raw lines are, which rejects.ndjson quotes.
struct parse_stage {
    chunk_span (*cut)(std::string_view log, size_t position) = nullptr;
    void* (*make_state)() = nullptr;
    void (*free_state)(void* state) = nullptr;
    void (*parse)(void* state, const char* begin, size_t length, parsed_chunk& out) = nullptr;
};

} // namespace weave
