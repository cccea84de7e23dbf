#pragma once
// NDJSON event lines -> parsed_event records (SPEC §2, §6), with simdjson ondemand. Every byte of
// a line is validated, unknown fields included, so that any invalid JSON is `malformed_json`
// before any field check speaks.
#include <string_view>

#include "weave/chunk.h"

namespace weave::ndjson {

// The parse stage for the replay pipeline (one simdjson parser per thread).
parse_stage event_parse_stage();

// Parses one chunk of whole lines into `out` (used by the stage; public for tests and benches).
void parse_chunk(void* state, const char* begin, size_t length, parsed_chunk& out);
chunk_span cut_chunk(std::string_view log, size_t position);
void* make_parser_state();
void free_parser_state(void* state);

} // namespace weave::ndjson
