#pragma once
// The bytes of a WAL segment file, `wal-<first lsn, 20 digits>.log`:
//
//   segment := segment_header record*
//   segment_header (32 bytes) := "WVWAL" 0 0 0 | version u32 | 0 u32 | first_lsn u64 | 0 u32 |
//                                crc32c(bytes 0..27) u32
//   record := record_header (24 bytes) payload
//   record_header := "WREC" | payload_bytes u32 | lsn u64 | kind u8 | 0 0 0 |
//                    crc32c(payload, then header bytes 0..19) u32
//
// Little-endian, no padding; reserved bytes are zero and checksummed like the others, so a
// nonzero one in an intact header is refused as another format, never cut as a torn write. The
// record CRC covers the payload first so that appenders can checksum their payload before taking
// the log's lock and only extend it over the 20 header bytes once the lsn is known. Lsns run 1, 2,
// 3, ... without gaps across segments.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace weave::wal {

static_assert(std::endian::native == std::endian::little, "the WAL format is little-endian");

// One record read back from the log.
struct record {
    uint64_t lsn;             // log sequence number, 1, 2, 3, ... without gaps across segments
    uint8_t kind;             // caller-defined (e.g. 1 = event batch, 2 = clock tick)
    std::string_view payload; // valid until the next call on the reader
};

inline constexpr char segment_magic[5] = {'W', 'V', 'W', 'A', 'L'};
inline constexpr uint32_t segment_format_version = 1;
inline constexpr size_t segment_header_bytes = 32;
inline constexpr uint32_t record_magic = 0x43455257; // "WREC" in file order
inline constexpr size_t record_header_bytes = 24;
// Bounds the allocation a length field can ask for, so garbage never allocates gigabytes.
inline constexpr uint32_t record_payload_bytes_max = 256u << 20;

std::string segment_name(uint64_t first_lsn);
// False when `name` is not a segment file name.
bool parse_segment_name(std::string_view name, uint64_t& first_lsn);

void append_segment_header(std::string& out, uint64_t first_lsn);
// Appends one framed record; `payload_crc` is crc32c(payload).
void append_record(std::string& out, uint64_t lsn, uint8_t kind, std::string_view payload,
                   uint32_t payload_crc);
inline size_t record_bytes(size_t payload_bytes) {
    return record_header_bytes + payload_bytes;
}
// The payload length of the framed record at the start of `framed` (written by append_record).
uint32_t framed_payload_bytes(std::string_view framed);

enum class scan_end : uint8_t {
    clean,        // every byte belongs to the header or an intact record
    damaged,      // torn or failing its checksum from `valid_bytes` on: a tail to cut
    inconsistent, // intact (checksummed) but wrong: lsn out of sequence, unknown version
};

struct segment_scan {
    scan_end end = scan_end::clean;
    bool header_intact = false;
    uint64_t valid_bytes = 0; // the header and the intact records before the first bad byte
    uint64_t records = 0;
    uint64_t next_lsn = 0; // the lsn after the last intact record
    std::string reason;    // empty when clean; names the offset and `file_name`
};

// Verifies `bytes` as the segment `file_name` whose records start at `first_lsn`, calling
// `visit` for every intact record in order until the first bad one. Never reads out of bounds
// and never allocates by a length field.
segment_scan scan_segment(std::string_view bytes, std::string_view file_name, uint64_t first_lsn,
                          const std::function<void(const record&)>& visit);

} // namespace weave::wal
