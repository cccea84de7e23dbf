#pragma once
// The compact binary log (.wbin): the parse stage's output stored once, so that a replay skips
// JSON entirely and gives the same outputs as the NDJSON log it came from.
//
//   file   := header block*
//   header := magic "WEAVEWB1", version, parsed_event size, block count, source bytes, checksum
//   block  := block_header events[] locations[] arena raw_lines   (each part padded to 8 bytes)
//
// Each block is one parsed chunk: its fixed-size parsed_event records (strings as offsets into
// the block's arena), and the chunk's raw NDJSON text, which rejects.ndjson quotes. Every block
// carries a 64-bit checksum of its payload; the header one of itself. The layout of
// parsed_event is part of the format: the version changes whenever it does.
#include <cstdint>
#include <string>
#include <string_view>

#include "weave/chunk.h"

namespace weave::wbin {

inline constexpr char magic[8] = {'W', 'E', 'A', 'V', 'E', 'W', 'B', '1'};
inline constexpr uint32_t format_version = 4;  // 3: parsed_event key hashes; 4: ref_hash
inline constexpr uint32_t block_magic = 0x4B4C4257;  // "WBLK"

struct file_header {
    char magic[8];
    uint32_t version;
    uint32_t event_bytes;  // sizeof(parsed_event) when written
    uint64_t block_count;
    uint64_t source_bytes;
    uint64_t checksum;  // of the fields above
};
static_assert(sizeof(file_header) == 40);

struct block_header {
    uint32_t magic;
    uint32_t event_count;
    uint32_t line_count;
    uint32_t blank_lines;
    uint32_t locations_count;
    uint32_t arena_bytes;
    uint64_t raw_bytes;
    uint64_t payload_bytes;     // everything after this header, padding included
    uint64_t payload_checksum;
};
static_assert(sizeof(block_header) == 48);

bool is_wbin(std::string_view bytes);

// NDJSON -> wbin. Progress (bytes done) through the callback when given.
std::string convert(std::string_view ndjson, void (*progress)(uint64_t done, uint64_t total));

// Checks the header and every block's checksum; false with `error` (one line) when corrupt.
bool verify(std::string_view bytes, std::string& error);

// The parse stage that reads a verified wbin file.
parse_stage wbin_parse_stage();

} // namespace weave::wbin
