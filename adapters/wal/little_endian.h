#pragma once
// Fixed-width fields in the WAL's and snapshots' headers (little-endian, as the host: see the
// static_assert in segment_format.h).
#include <cstring>
#include <string>
#include <string_view>

#include "weave/assert.h"

namespace weave::wal {

template <typename T> void put(std::string& out, T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.append(bytes, sizeof(T));
}

template <typename T> T get(std::string_view bytes, size_t offset) {
    WEAVE_ASSERT(offset + sizeof(T) <= bytes.size());
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof(T));
    return value;
}

} // namespace weave::wal
