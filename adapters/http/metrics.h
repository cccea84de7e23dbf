#pragma once
// Prometheus text exposition (version 0.0.4) pieces: cumulative histograms with fixed buckets
// and counters keyed by label values.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace weave::http {

// Thread-safe histogram with fixed upper bounds (seconds or milliseconds, as named).
class histogram {
public:
    explicit histogram(std::vector<double> bounds)
        : _bounds(std::move(bounds)), _counts(_bounds.size() + 1) {}

    void observe(double value) {
        const std::lock_guard<std::mutex> lock(_mutex);
        size_t i = 0;
        while (i < _bounds.size() && value > _bounds[i])
            i++;
        _counts[i]++;
        _sum += value;
    }
    // Appends `name_bucket{le=...}`, `name_sum` and `name_count` lines.
    void write(std::string& out, const std::string& name, const std::string& help) const {
        std::vector<uint64_t> counts;
        double sum = 0;
        {
            const std::lock_guard<std::mutex> lock(_mutex);
            counts = _counts;
            sum = _sum;
        }
        write_histogram(out, name, help, _bounds, counts, sum);
    }
    const std::vector<double>& bounds() const { return _bounds; }

    static void write_histogram(std::string& out, const std::string& name, const std::string& help,
                                const std::vector<double>& bounds,
                                const std::vector<uint64_t>& counts, double sum) {
        out += "# HELP " + name + " " + help + "\n# TYPE " + name + " histogram\n";
        uint64_t cumulative = 0;
        char line[160];
        for (size_t i = 0; i < counts.size(); i++) {
            cumulative += counts[i];
            if (i < bounds.size()) {
                std::snprintf(line, sizeof line, "%s_bucket{le=\"%g\"} %llu\n", name.c_str(),
                              bounds[i], static_cast<unsigned long long>(cumulative));
            } else {
                std::snprintf(line, sizeof line, "%s_bucket{le=\"+Inf\"} %llu\n", name.c_str(),
                              static_cast<unsigned long long>(cumulative));
            }
            out += line;
        }
        std::snprintf(line, sizeof line, "%s_sum %.9g\n%s_count %llu\n", name.c_str(), sum,
                      name.c_str(), static_cast<unsigned long long>(cumulative));
        out += line;
    }

private:
    std::vector<double> _bounds;
    mutable std::mutex _mutex;
    std::vector<uint64_t> _counts;
    double _sum = 0;
};

// Escapes a label value (backslash, quote, newline).
inline std::string label_value(const std::string& value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace weave::http
