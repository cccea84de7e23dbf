#include "weave/json_text.h"

#include <cstdio>

namespace weave {
namespace {

// Length of the valid UTF-8 character at `s[i]`, or 0 with `bad` = bytes of its maximal invalid
// subpart (Unicode's "substitution of maximal subparts").
size_t utf8_char(std::string_view s, size_t i, size_t& bad) {
    const auto b = static_cast<unsigned char>(s[i]);
    bad = 1;
    if (b < 0x80) {
        return 1;
    }
    size_t need = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
        need = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 3;
        low = b == 0xE0 ? 0xA0 : 0x80;
        high = b == 0xED ? 0x9F : 0xBF;
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 4;
        low = b == 0xF0 ? 0x90 : 0x80;
        high = b == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    for (size_t k = 1; k < need; k++) {
        if (i + k >= s.size()) {
            bad = k;
            return 0;
        }
        const auto c = static_cast<unsigned char>(s[i + k]);
        if (c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xBF)) {
            bad = k;
            return 0;
        }
    }
    return need;
}

} // namespace

void append_json_string(std::string& out, std::string_view bytes, size_t bytes_max) {
    out += '"';
    size_t i = 0;
    while (i < bytes.size()) {
        size_t bad = 0;
        const size_t length = utf8_char(bytes, i, bad);
        const size_t step = length != 0 ? length : bad;
        if (i + step > bytes_max) {
            break;
        }
        if (length == 0) {
            out += "\xEF\xBF\xBD";
        } else if (length > 1) {
            out.append(bytes.data() + i, length);
        } else {
            const char c = bytes[i];
            switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
                    out += escaped;
                } else {
                    out += c;
                }
            }
        }
        i += step;
    }
    out += '"';
}

} // namespace weave
