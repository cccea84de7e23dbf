#pragma once
// Snapshots of the engine's whole state: `snapshot-<lsn, 20 digits>.wsnap` files in one
// directory, each the state after applying every log record up to and including `lsn`.
//
//   file := header (40 bytes) bytes
//   header := "WVSNAP" 0 0 | version u32 | 0 u32 | lsn u64 | length u64 | 0 u32 |
//             crc32c(bytes, then header bytes 0..35) u32
//
// A snapshot appears whole or not at all: it is written to `.snapshot-<lsn>.wsnap.tmp`,
// fsync'ed, renamed into place and the directory fsync'ed. Write a snapshot of lsn only after
// log::wait_durable(lsn); then log::drop_through(lsn) may delete the segments it covers.
#include <cstdint>
#include <string>
#include <string_view>

namespace weave::wal {

inline constexpr char snapshot_magic[8] = {'W', 'V', 'S', 'N', 'A', 'P', '\0', '\0'};
inline constexpr uint32_t snapshot_format_version = 1;
inline constexpr size_t snapshot_header_bytes = 40;
inline constexpr size_t snapshots_kept = 2; // the newest, and one to fall back on

std::string snapshot_name(uint64_t lsn);

// Writes `bytes` as the snapshot of `lsn` in `dir` (created if needed); then deletes older
// snapshot files, keeping the newest snapshots_kept, and temp files left by a crash. One
// writer per directory. Throws std::runtime_error on a disk error (no temp file is left).
void write_snapshot(const std::string& dir, uint64_t lsn, std::string_view bytes);

// The newest snapshot whose own checksum verifies; falls back to older ones when the newest is
// corrupt, and says so in `note` (empty when the newest was used). Returns false when there is
// none (then `note` lists the damaged files, if any).
bool read_latest_snapshot(const std::string& dir, uint64_t& lsn, std::string& bytes,
                          std::string& note);

} // namespace weave::wal
