#pragma once
// The 64-bit string hash of the interning tables, public so that parse stages can compute it in
// parallel and hand it to the serial router.
#include <cstdint>
#include <cstring>
#include <string_view>

namespace weave {

inline uint64_t hash_bytes(std::string_view bytes) noexcept {
    // A small multiply-xorshift hash over 8-byte words; good spread, no allocation.
    constexpr uint64_t k = 0x9E3779B97F4A7C15ull;
    uint64_t h = 0x243F6A8885A308D3ull ^ (bytes.size() * k);
    size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
        uint64_t word;
        std::memcpy(&word, bytes.data() + i, 8);
        h = (h ^ word) * k;
        h ^= h >> 29;
    }
    if (i < bytes.size()) {
        uint64_t word = 0;
        std::memcpy(&word, bytes.data() + i, bytes.size() - i);
        h = (h ^ word) * k;
        h ^= h >> 29;
    }
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 32);
}

} // namespace weave
