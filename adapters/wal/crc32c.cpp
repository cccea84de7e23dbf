#include "wal/crc32c.h"

#include <array>
#include <cstring>

#include "weave/assert.h"

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace weave::wal {

namespace {

// Reflected Castagnoli polynomial 0x1EDC6F41.
constexpr uint32_t polynomial_reflected = 0x82F63B78u;

constexpr std::array<uint32_t, 256> make_table() {
    std::array<uint32_t, 256> table{};
    for (uint32_t byte = 0; byte < 256; ++byte) {
        uint32_t crc = byte;
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc & 1u) != 0 ? (crc >> 1) ^ polynomial_reflected : crc >> 1;
        }
        table[byte] = crc;
    }
    return table;
}

constexpr std::array<uint32_t, 256> table = make_table();
// Byte 0x80 reaches the low bit after seven shifts, so its entry is the polynomial itself.
static_assert(table[128] == polynomial_reflected);

} // namespace

uint32_t crc32c_extend_software(uint32_t crc, const void* data, size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    uint32_t state = ~crc;
    for (size_t i = 0; i < size; ++i) {
        state = table[(state ^ bytes[i]) & 0xFFu] ^ (state >> 8);
    }
    return ~state;
}

#if defined(__x86_64__)

bool crc32c_hardware_available() {
    // Evaluated once; __builtin_cpu_init makes it safe even before main().
    static const bool available = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("sse4.2") != 0;
    }();
    return available;
}

__attribute__((target("sse4.2"))) uint32_t crc32c_extend_hardware(uint32_t crc, const void* data,
                                                                  size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    uint64_t state = ~crc;
    // Eight bytes per instruction; memcpy because `data` has no alignment guarantee.
    while (size >= 8) {
        uint64_t word;
        std::memcpy(&word, bytes, 8);
        state = _mm_crc32_u64(state, word);
        bytes += 8;
        size -= 8;
    }
    auto state32 = static_cast<uint32_t>(state);
    while (size > 0) {
        state32 = _mm_crc32_u8(state32, *bytes);
        ++bytes;
        --size;
    }
    return ~state32;
}

#else

bool crc32c_hardware_available() {
    return false;
}

uint32_t crc32c_extend_hardware(uint32_t, const void*, size_t) {
    WEAVE_ASSERT(false && "crc32c_extend_hardware without SSE4.2");
    return 0;
}

#endif

uint32_t crc32c_extend(uint32_t crc, const void* data, size_t size) {
    if (crc32c_hardware_available()) [[likely]] {
        return crc32c_extend_hardware(crc, data, size);
    }
    return crc32c_extend_software(crc, data, size);
}

} // namespace weave::wal
