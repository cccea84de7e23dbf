#pragma once
// Fast NDJSON line building for the generator: one reused buffer, integers by to_chars, the
// RFC 3339 second cached. Keys and values are plain ASCII names: nothing needs escaping.
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "weave/time.h"

namespace weave::gen {

class line_writer {
public:
    line_writer(std::FILE* out, uint64_t seed) : _out(out) {
        char prefix[32];
        const int length = std::snprintf(prefix, sizeof prefix, "g%llu-",
                                         static_cast<unsigned long long>(seed));
        _id_prefix.assign(prefix, static_cast<size_t>(length));
        _buffer.reserve(buffer_bytes + 4096);
    }
    ~line_writer() { flush(); }

    // Lines past the limit are dropped whole, so a log has exactly the lines asked for.
    void set_limit(uint64_t lines) { _limit = lines; }
    bool full() const { return _lines >= _limit; }

    void begin(int64_t ts_us, std::string_view type) {
        _line_start = _buffer.size();
        _buffer += "{\"id\":\"";
        _buffer += _id_prefix;
        append_number(++_events);
        _buffer += "\",\"ts\":\"";
        append_time(ts_us);
        _buffer += "\",\"type\":\"";
        _buffer += type;
        _buffer += '"';
    }
    void text(std::string_view key, std::string_view value) {
        key_prefix(key);
        _buffer += '"';
        _buffer += value;
        _buffer += '"';
    }
    void number(std::string_view key, int64_t value) {
        key_prefix(key);
        append_number(value);
    }
    void json(std::string_view key, std::string_view value) {
        key_prefix(key);
        _buffer += value;
    }
    void end() {
        if (full()) {
            _buffer.resize(_line_start);
            return;
        }
        _buffer += "}\n";
        _lines++;
        if (_buffer.size() >= buffer_bytes) flush();
    }
    void raw_line(std::string_view line) {
        if (full()) return;
        _buffer += line;
        _buffer += '\n';
        _lines++;
    }
    void flush() {
        if (!_buffer.empty()) {
            std::fwrite(_buffer.data(), 1, _buffer.size(), _out);
            _buffer.clear();
        }
    }
    uint64_t lines() const { return _lines; }
    void append_number(int64_t value) {
        char digits[24];
        const auto result = std::to_chars(digits, digits + sizeof digits, value);
        _buffer.append(digits, result.ptr);
    }
    void append_time(int64_t ts_us) {
        const int64_t second = ts_us >= 0 ? ts_us / 1'000'000 : (ts_us - 999'999) / 1'000'000;
        if (second != _cached_second) {
            std::string text;
            append_rfc3339_us(text, second * 1'000'000);
            _cached_prefix = text.substr(0, 20);  // "YYYY-MM-DDTHH:MM:SS."
            _cached_second = second;
        }
        _buffer += _cached_prefix;
        const auto micros = static_cast<uint32_t>(ts_us - second * 1'000'000);
        char fraction[7] = {0, 0, 0, 0, 0, 0, 'Z'};
        uint32_t rest = micros;
        for (int i = 5; i >= 0; i--) {
            fraction[i] = static_cast<char>('0' + rest % 10);
            rest /= 10;
        }
        _buffer.append(fraction, 7);
    }

private:
    static constexpr size_t buffer_bytes = 1 << 20;
    void key_prefix(std::string_view key) {
        _buffer += ",\"";
        _buffer += key;
        _buffer += "\":";
    }

    std::FILE* _out;
    std::string _buffer;
    std::string _id_prefix;
    std::string _cached_prefix;
    int64_t _cached_second = INT64_MIN;
    int64_t _events = 0;
    uint64_t _lines = 0;
    uint64_t _limit = UINT64_MAX;
    size_t _line_start = 0;
};

} // namespace weave::gen
