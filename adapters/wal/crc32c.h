#pragma once
// CRC32C (Castagnoli), the checksum of every WAL record and snapshot. The SSE4.2 `crc32`
// instruction does it at several GB/s; machines without it get a table-driven fallback that
// computes the same values, so files move freely between the two.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace weave::wal {

// Extends `crc` (the finished CRC32C of the bytes before, 0 for none) over `size` more bytes:
// crc32c_extend(crc32c(a), b) == crc32c(a + b).
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t size);

inline uint32_t crc32c(std::string_view bytes) {
    return crc32c_extend(0, bytes.data(), bytes.size());
}

// The two implementations behind crc32c_extend, exposed so that tests check both.
uint32_t crc32c_extend_software(uint32_t crc, const void* data, size_t size);
bool crc32c_hardware_available();
// Only when crc32c_hardware_available().
uint32_t crc32c_extend_hardware(uint32_t crc, const void* data, size_t size);

} // namespace weave::wal
