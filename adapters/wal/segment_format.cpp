#include "wal/segment_format.h"

#include <cstring>

#include "wal/crc32c.h"
#include "wal/file_io.h"
#include "wal/little_endian.h"
#include "weave/assert.h"

namespace weave::wal {

namespace {

constexpr size_t record_crc_offset = 20;
constexpr size_t segment_crc_offset = 28; // the last field: the CRC covers every other byte

std::string at(uint64_t offset, std::string_view file_name) {
    return " at offset " + std::to_string(offset) + " of " + std::string(file_name);
}

// Checks the 32-byte header; returns false with `scan` filled in when it is not usable.
bool check_header(std::string_view bytes, std::string_view file_name, uint64_t first_lsn,
                  segment_scan& scan) {
    if (bytes.size() < segment_header_bytes) {
        scan.end = scan_end::damaged;
        scan.reason = "torn segment header" + at(0, file_name) + ": " +
                      std::to_string(bytes.size()) + " of " + std::to_string(segment_header_bytes) +
                      " bytes";
        return false;
    }
    if (std::memcmp(bytes.data(), segment_magic, sizeof segment_magic) != 0) {
        scan.end = scan_end::damaged;
        scan.reason = "bad segment magic" + at(0, file_name);
        return false;
    }
    if (crc32c(bytes.substr(0, segment_crc_offset)) != get<uint32_t>(bytes, segment_crc_offset)) {
        scan.end = scan_end::damaged;
        scan.reason = "segment header checksum mismatch" + at(0, file_name);
        return false;
    }
    // From here the header is intact, so a surprise is not a torn write: never cut it.
    const auto version = get<uint32_t>(bytes, 8);
    if (version != segment_format_version) {
        scan.end = scan_end::inconsistent;
        scan.reason = "unsupported WAL format version " + std::to_string(version) +
                      at(0, file_name) + " (this build reads version " +
                      std::to_string(segment_format_version) + ")";
        return false;
    }
    const auto header_lsn = get<uint64_t>(bytes, 16);
    if (header_lsn != first_lsn) {
        scan.end = scan_end::inconsistent;
        scan.reason = "segment header says first lsn " + std::to_string(header_lsn) +
                      at(0, file_name) + ", its name says " + std::to_string(first_lsn);
        return false;
    }
    // Checksummed, so not torn: written by something else than this format's writer.
    std::string canonical;
    append_segment_header(canonical, first_lsn);
    if (bytes.substr(0, segment_header_bytes) != canonical) {
        scan.end = scan_end::inconsistent;
        scan.reason = "nonzero reserved bytes in the segment header" + at(0, file_name);
        return false;
    }
    return true;
}

// Checks the record at `offset`; returns its total size, or 0 with `scan` filled in.
size_t check_record(std::string_view bytes, uint64_t offset, std::string_view file_name,
                    uint64_t expected_lsn, segment_scan& scan) {
    const size_t left = bytes.size() - offset;
    if (left < record_header_bytes) {
        scan.end = scan_end::damaged;
        scan.reason = "torn record header" + at(offset, file_name) + ": " + std::to_string(left) +
                      " of " + std::to_string(record_header_bytes) + " bytes";
        return 0;
    }
    const std::string_view header = bytes.substr(offset, record_header_bytes);
    if (get<uint32_t>(header, 0) != record_magic) {
        scan.end = scan_end::damaged;
        scan.reason = "bad record magic" + at(offset, file_name);
        return 0;
    }
    const auto payload_bytes = get<uint32_t>(header, 4);
    if (payload_bytes > record_payload_bytes_max) {
        scan.end = scan_end::damaged;
        scan.reason = "record length " + std::to_string(payload_bytes) + " over the limit" +
                      at(offset, file_name);
        return 0;
    }
    const size_t total = record_bytes(payload_bytes);
    if (left < total) {
        scan.end = scan_end::damaged;
        scan.reason = "torn record" + at(offset, file_name) + ": needs " + std::to_string(total) +
                      " bytes, " + std::to_string(left) + " left";
        return 0;
    }
    const std::string_view payload = bytes.substr(offset + record_header_bytes, payload_bytes);
    uint32_t crc = crc32c(payload);
    crc = crc32c_extend(crc, header.data(), record_crc_offset);
    if (crc != get<uint32_t>(header, record_crc_offset)) {
        scan.end = scan_end::damaged;
        scan.reason = "checksum mismatch" + at(offset, file_name);
        return 0;
    }
    // Checksummed like the rest: nonzero is not a torn write but a writer of another format.
    if (get<uint8_t>(header, 17) != 0 || get<uint16_t>(header, 18) != 0) {
        scan.end = scan_end::inconsistent;
        scan.reason = "nonzero reserved bytes" + at(offset, file_name);
        return 0;
    }
    const auto lsn = get<uint64_t>(header, 8);
    if (lsn != expected_lsn) {
        scan.end = scan_end::inconsistent;
        scan.reason = "lsn " + std::to_string(lsn) + at(offset, file_name) + ", expected " +
                      std::to_string(expected_lsn);
        return 0;
    }
    return total;
}

} // namespace

std::string segment_name(uint64_t first_lsn) {
    return numbered_name("wal-", first_lsn, ".log");
}

bool parse_segment_name(std::string_view name, uint64_t& first_lsn) {
    return parse_numbered_name(name, "wal-", ".log", first_lsn);
}

void append_segment_header(std::string& out, uint64_t first_lsn) {
    const size_t start = out.size();
    out.append(segment_magic, sizeof segment_magic);
    out.append(3, '\0');
    put<uint32_t>(out, segment_format_version);
    put<uint32_t>(out, 0);
    put<uint64_t>(out, first_lsn);
    put<uint32_t>(out, 0);
    put<uint32_t>(out, crc32c(std::string_view(out).substr(start, segment_crc_offset)));
    WEAVE_ASSERT(out.size() - start == segment_header_bytes);
}

void append_record(std::string& out, uint64_t lsn, uint8_t kind, std::string_view payload,
                   uint32_t payload_crc) {
    WEAVE_ASSERT(payload.size() <= record_payload_bytes_max);
    WEAVE_DASSERT(payload_crc == crc32c(payload));
    const size_t start = out.size();
    put<uint32_t>(out, record_magic);
    put<uint32_t>(out, static_cast<uint32_t>(payload.size()));
    put<uint64_t>(out, lsn);
    put<uint8_t>(out, kind);
    out.append(3, '\0');
    put<uint32_t>(out, crc32c_extend(payload_crc, out.data() + start, record_crc_offset));
    WEAVE_ASSERT(out.size() - start == record_header_bytes);
    out.append(payload);
}

uint32_t framed_payload_bytes(std::string_view framed) {
    WEAVE_ASSERT(framed.size() >= record_header_bytes);
    WEAVE_DASSERT(get<uint32_t>(framed, 0) == record_magic);
    return get<uint32_t>(framed, 4);
}

segment_scan scan_segment(std::string_view bytes, std::string_view file_name, uint64_t first_lsn,
                          const std::function<void(const record&)>& visit) {
    segment_scan scan;
    scan.next_lsn = first_lsn;
    if (!check_header(bytes, file_name, first_lsn, scan)) {
        return scan;
    }
    scan.header_intact = true;
    uint64_t offset = segment_header_bytes;
    while (offset < bytes.size()) {
        const size_t size = check_record(bytes, offset, file_name, scan.next_lsn, scan);
        if (size == 0) {
            break;
        }
        const std::string_view header = bytes.substr(offset, record_header_bytes);
        const record found{scan.next_lsn, get<uint8_t>(header, 16),
                           bytes.substr(offset + record_header_bytes, size - record_header_bytes)};
        visit(found);
        offset += size;
        ++scan.records;
        ++scan.next_lsn;
    }
    scan.valid_bytes = offset;
    WEAVE_ASSERT(scan.valid_bytes <= bytes.size());
    WEAVE_ASSERT((scan.end == scan_end::clean) == (scan.valid_bytes == bytes.size()));
    return scan;
}

} // namespace weave::wal
