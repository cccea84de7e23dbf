#include "wbin/wbin.h"

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "ndjson/event_parser.h"
#include "weave/assert.h"

namespace weave::wbin {
namespace {

constexpr size_t pad8(size_t n) {
    return (n + 7) & ~size_t{7};
}

// 64-bit multiply-xorshift over 8-byte words: fast, and enough to catch torn or flipped bytes.
uint64_t checksum(const char* data, size_t length) {
    constexpr uint64_t k = 0x9E3779B97F4A7C15ull;
    uint64_t h = 0x5851F42D4C957F2Dull ^ (length * k);
    size_t i = 0;
    for (; i + 8 <= length; i += 8) {
        uint64_t word;
        std::memcpy(&word, data + i, 8);
        h = (h ^ word) * k;
        h ^= h >> 31;
    }
    uint64_t tail = 0;
    std::memcpy(&tail, data + i, length - i);
    h = (h ^ tail) * k;
    return h ^ (h >> 29);
}

uint64_t header_checksum(const file_header& header) {
    return checksum(reinterpret_cast<const char*>(&header), offsetof(file_header, checksum));
}

void append(std::string& out, const void* data, size_t length) {
    out.append(static_cast<const char*>(data), length);
    out.append(pad8(length) - length, '\0');
}

struct block_view {
    const block_header* header;
    const char* payload;
    size_t end; // offset past the block in the file
};

// The block at `position`, or nullptr header when it does not fit in `bytes`.
block_view block_at(std::string_view bytes, size_t position) {
    if (position + sizeof(block_header) > bytes.size()) {
        return {nullptr, nullptr, position};
    }
    const auto* header = reinterpret_cast<const block_header*>(bytes.data() + position);
    const size_t payload = position + sizeof(block_header);
    if (header->magic != block_magic || header->payload_bytes > bytes.size() - payload) {
        return {nullptr, nullptr, position};
    }
    return {header, bytes.data() + payload, payload + header->payload_bytes};
}

} // namespace

bool is_wbin(std::string_view bytes) {
    return bytes.size() >= sizeof(magic) && std::memcmp(bytes.data(), magic, sizeof magic) == 0;
}

std::string convert(std::string_view ndjson, void (*progress)(uint64_t, uint64_t)) {
    std::string out(sizeof(file_header), '\0');
    void* parser = ndjson::make_parser_state();
    parsed_chunk chunk;
    uint64_t blocks = 0;
    for (size_t position = 0; position < ndjson.size();) {
        const chunk_span span = ndjson::cut_chunk(ndjson, position);
        ndjson::parse_chunk(parser, ndjson.data() + span.begin, span.end - span.begin, chunk);
        block_header header{};
        header.magic = block_magic;
        header.event_count = static_cast<uint32_t>(chunk.events.size());
        header.line_count = chunk.line_count;
        header.blank_lines = chunk.blank_lines;
        header.locations_count = static_cast<uint32_t>(chunk.locations.size());
        header.arena_bytes = static_cast<uint32_t>(chunk.arena.size());
        header.raw_bytes = span.end - span.begin;
        std::string payload;
        append(payload, chunk.events.data(), chunk.events.size() * sizeof(parsed_event));
        append(payload, chunk.locations.data(), chunk.locations.size() * sizeof(str_ref));
        append(payload, chunk.arena.data(), chunk.arena.size());
        append(payload, ndjson.data() + span.begin, span.end - span.begin);
        header.payload_bytes = payload.size();
        header.payload_checksum = checksum(payload.data(), payload.size());
        out.append(reinterpret_cast<const char*>(&header), sizeof header);
        out += payload;
        blocks++;
        position = span.end;
        if (progress) progress(position, ndjson.size());
    }
    ndjson::free_parser_state(parser);
    file_header header{};
    std::memcpy(header.magic, magic, sizeof magic);
    header.version = format_version;
    header.event_bytes = sizeof(parsed_event);
    header.block_count = blocks;
    header.source_bytes = ndjson.size();
    header.checksum = header_checksum(header);
    std::memcpy(out.data(), &header, sizeof header);
    return out;
}

bool verify(std::string_view bytes, std::string& error) {
    if (!is_wbin(bytes) || bytes.size() < sizeof(file_header)) {
        error = "not a weave binary log (bad magic)";
        return false;
    }
    file_header header;
    std::memcpy(&header, bytes.data(), sizeof header);
    if (header.checksum != header_checksum(header)) {
        error = "binary log header is corrupt (checksum mismatch)";
        return false;
    }
    if (header.version != format_version || header.event_bytes != sizeof(parsed_event)) {
        error = "binary log version " + std::to_string(header.version) +
                " is not the one this weave reads (" + std::to_string(format_version) +
                "): convert the NDJSON log again";
        return false;
    }
    size_t position = sizeof(file_header);
    for (uint64_t b = 0; b < header.block_count; b++) {
        const block_view block = block_at(bytes, position);
        if (block.header == nullptr) {
            error = "binary log truncated or corrupt at block " + std::to_string(b) + " (offset " +
                    std::to_string(position) + ")";
            return false;
        }
        const block_header& h = *block.header;
        const size_t needed = pad8(h.event_count * sizeof(parsed_event)) +
                              pad8(h.locations_count * sizeof(str_ref)) + pad8(h.arena_bytes) +
                              pad8(h.raw_bytes);
        if (needed != h.payload_bytes ||
            checksum(block.payload, h.payload_bytes) != h.payload_checksum) {
            error = "binary log block " + std::to_string(b) + " at offset " +
                    std::to_string(position) + " is corrupt (checksum mismatch)";
            return false;
        }
        position = block.end;
    }
    if (position != bytes.size()) {
        error = "binary log has " + std::to_string(bytes.size() - position) +
                " trailing bytes after its last block";
        return false;
    }
    return true;
}

namespace {

chunk_span cut_block(std::string_view bytes, size_t position) {
    if (position == 0) {
        position = sizeof(file_header);
    }
    const block_view block = block_at(bytes, position);
    return block.header == nullptr ? chunk_span{position, position}
                                   : chunk_span{position, block.end};
}

void* make_state() {
    return nullptr;
}
void free_state(void*) {}

// Copies one verified block into the chunk; file_offset moves to its raw lines.
void parse_block(void*, const char* begin, size_t length, parsed_chunk& out) {
    out.clear();
    const auto* header = reinterpret_cast<const block_header*>(begin);
    WEAVE_ASSERT(length >= sizeof(block_header) + header->payload_bytes); // verify() ran
    const char* part = begin + sizeof(block_header);
    const auto* events = reinterpret_cast<const parsed_event*>(part);
    out.events.assign(events, events + header->event_count);
    part += pad8(header->event_count * sizeof(parsed_event));
    const auto* locations = reinterpret_cast<const str_ref*>(part);
    out.locations.assign(locations, locations + header->locations_count);
    part += pad8(header->locations_count * sizeof(str_ref));
    out.arena.assign(part, part + header->arena_bytes);
    part += pad8(header->arena_bytes);
    out.line_count = header->line_count;
    out.blank_lines = header->blank_lines;
    out.file_offset += static_cast<uint64_t>(part - begin);
}

} // namespace

parse_stage wbin_parse_stage() {
    return parse_stage{cut_block, make_state, free_state, parse_block};
}

} // namespace weave::wbin
