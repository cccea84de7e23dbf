#pragma once
// Fixed-memory log-linear histogram of nanoseconds (HdrHistogram's idea, 16 sub-buckets per power
// of two, about 6% resolution): recording never allocates.
#include <array>
#include <bit>
#include <cstdint>
#include <optional>

namespace weave {

class latency_histogram {
public:
    void record(uint64_t ns) {
        _counts[bucket_of(ns)]++;
        _total++;
    }
    void merge(const latency_histogram& other) {
        for (size_t i = 0; i < bucket_count; i++) {
            _counts[i] += other._counts[i];
        }
        _total += other._total;
    }
    uint64_t total() const { return _total; }
    // Nearest-rank percentile, reported as the upper bound of its bucket.
    std::optional<uint64_t> percentile(double p) const {
        if (_total == 0) {
            return std::nullopt;
        }
        auto rank = static_cast<uint64_t>(p * static_cast<double>(_total) / 100.0 + 0.999999);
        rank = rank == 0 ? 1 : rank;
        uint64_t seen = 0;
        for (size_t i = 0; i < bucket_count; i++) {
            seen += _counts[i];
            if (seen >= rank) {
                return upper_of(i);
            }
        }
        return upper_of(bucket_count - 1);
    }

private:
    static constexpr size_t sub_bits = 4;
    static constexpr size_t bucket_count = 64 << sub_bits;

    static size_t bucket_of(uint64_t ns) {
        if (ns < (1u << sub_bits)) {
            return static_cast<size_t>(ns);
        }
        const size_t exponent = static_cast<size_t>(std::bit_width(ns)) - 1;
        const size_t sub =
            static_cast<size_t>(ns >> (exponent - sub_bits)) & ((1u << sub_bits) - 1);
        return ((exponent - sub_bits + 1) << sub_bits) + sub;
    }
    static uint64_t upper_of(size_t bucket) {
        if (bucket < (1u << sub_bits)) {
            return bucket;
        }
        const size_t exponent = (bucket >> sub_bits) + sub_bits - 1;
        const uint64_t sub = bucket & ((1u << sub_bits) - 1);
        return ((uint64_t{1} << sub_bits | sub) << (exponent - sub_bits)) +
               (uint64_t{1} << (exponent - sub_bits)) - 1;
    }

    std::array<uint64_t, bucket_count> _counts{};
    uint64_t _total = 0;
};

} // namespace weave
