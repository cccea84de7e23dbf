#pragma once
// The small JSON model of the scenario runner: it reads the engine's outputs and the values of
// `expect` lines, and compares them (strings after unescaping, numbers by their literal, objects
// with their key order).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace weave_scenario {

struct json_value {
    enum class kind_t { null_v, boolean, number, string, array, object };
    kind_t kind = kind_t::null_v;
    std::string text;  // number: its literal; string: unescaped bytes; boolean: true/false
    std::vector<json_value> items;  // array: its items; object: its values, in order
    std::vector<std::string> keys;   // object: the key of each item

    const json_value* member(std::string_view key) const {
        for (size_t i = 0; i < keys.size(); i++) {
            if (keys[i] == key) {
                return &items[i];
            }
        }
        return nullptr;
    }
};

class json_parser {
public:
    explicit json_parser(std::string_view text) : _text(text) {}

    // The whole text as one JSON value (whitespace around allowed); nullopt on any error.
    std::optional<json_value> parse_document() {
        json_value value;
        skip_space();
        if (!parse_value(value, 0)) {
            return std::nullopt;
        }
        skip_space();
        if (_pos != _text.size()) {
            return std::nullopt;
        }
        return value;
    }

    // The length of the JSON value at the start of the text; nullopt when there is none.
    std::optional<size_t> value_extent() {
        json_value value;
        if (!parse_value(value, 0)) {
            return std::nullopt;
        }
        return _pos;
    }

private:
    static constexpr int depth_max = 128;

    void skip_space() {
        while (_pos < _text.size() && (_text[_pos] == ' ' || _text[_pos] == '\t' ||
                                       _text[_pos] == '\r' || _text[_pos] == '\n')) {
            _pos++;
        }
    }

    bool consume(std::string_view word) {
        if (_text.substr(_pos, word.size()) != word) {
            return false;
        }
        _pos += word.size();
        return true;
    }

    bool parse_value(json_value& out, int depth) {
        if (depth > depth_max || _pos >= _text.size()) {
            return false;
        }
        const char c = _text[_pos];
        if (c == '{') {
            return parse_object(out, depth);
        }
        if (c == '[') {
            return parse_array(out, depth);
        }
        if (c == '"') {
            out.kind = json_value::kind_t::string;
            return parse_string(out.text);
        }
        if (consume("true") || consume("false")) {
            out.kind = json_value::kind_t::boolean;
            out.text = c == 't' ? "true" : "false";
            return true;
        }
        if (consume("null")) {
            out.kind = json_value::kind_t::null_v;
            return true;
        }
        return parse_number(out);
    }

    bool parse_object(json_value& out, int depth) {
        out.kind = json_value::kind_t::object;
        _pos++;
        skip_space();
        if (consume("}")) {
            return true;
        }
        while (true) {
            skip_space();
            std::string key;
            if (_pos >= _text.size() || _text[_pos] != '"' || !parse_string(key)) {
                return false;
            }
            skip_space();
            if (!consume(":")) {
                return false;
            }
            skip_space();
            json_value value;
            if (!parse_value(value, depth + 1)) {
                return false;
            }
            out.keys.push_back(std::move(key));
            out.items.push_back(std::move(value));
            skip_space();
            if (consume("}")) {
                return true;
            }
            if (!consume(",")) {
                return false;
            }
        }
    }

    bool parse_array(json_value& out, int depth) {
        out.kind = json_value::kind_t::array;
        _pos++;
        skip_space();
        if (consume("]")) {
            return true;
        }
        while (true) {
            skip_space();
            json_value value;
            if (!parse_value(value, depth + 1)) {
                return false;
            }
            out.items.push_back(std::move(value));
            skip_space();
            if (consume("]")) {
                return true;
            }
            if (!consume(",")) {
                return false;
            }
        }
    }

    bool digits() {
        const size_t start = _pos;
        while (_pos < _text.size() && _text[_pos] >= '0' && _text[_pos] <= '9') {
            _pos++;
        }
        return _pos > start;
    }

    bool parse_number(json_value& out) {
        const size_t start = _pos;
        consume("-");
        if (consume("0")) {
            if (_pos < _text.size() && _text[_pos] >= '0' && _text[_pos] <= '9') {
                return false;
            }
        } else if (!digits()) {
            return false;
        }
        if (consume(".") && !digits()) {
            return false;
        }
        if (consume("e") || consume("E")) {
            if (!consume("+")) {
                consume("-");
            }
            if (!digits()) {
                return false;
            }
        }
        out.kind = json_value::kind_t::number;
        out.text = std::string(_text.substr(start, _pos - start));
        return true;
    }

    bool hex4(unsigned& value) {
        if (_pos + 4 > _text.size()) {
            return false;
        }
        value = 0;
        for (size_t i = 0; i < 4; i++) {
            const char c = _text[_pos + i];
            unsigned digit = 0;
            if (c >= '0' && c <= '9') {
                digit = static_cast<unsigned>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                digit = static_cast<unsigned>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                digit = static_cast<unsigned>(c - 'A' + 10);
            } else {
                return false;
            }
            value = value * 16 + digit;
        }
        _pos += 4;
        return true;
    }

    static void append_utf8(std::string& out, unsigned code) {
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        }
    }

    bool parse_escape(std::string& out) {
        if (_pos >= _text.size()) {
            return false;
        }
        const char c = _text[_pos++];
        switch (c) {
        case '"': out += '"'; return true;
        case '\\': out += '\\'; return true;
        case '/': out += '/'; return true;
        case 'b': out += '\b'; return true;
        case 'f': out += '\f'; return true;
        case 'n': out += '\n'; return true;
        case 'r': out += '\r'; return true;
        case 't': out += '\t'; return true;
        case 'u': break;
        default: return false;
        }
        unsigned code = 0;
        if (!hex4(code)) {
            return false;
        }
        if (code >= 0xD800 && code < 0xDC00 && consume("\\u")) {
            unsigned low = 0;
            if (!hex4(low) || low < 0xDC00 || low >= 0xE000) {
                return false;
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(out, code);
        return true;
    }

    bool parse_string(std::string& out) {
        _pos++;  // the opening quote
        while (_pos < _text.size()) {
            const char c = _text[_pos++];
            if (c == '"') {
                return true;
            }
            if (c == '\\') {
                if (!parse_escape(out)) {
                    return false;
                }
            } else if (static_cast<unsigned char>(c) < 0x20) {
                return false;
            } else {
                out += c;
            }
        }
        return false;
    }

    std::string_view _text;
    size_t _pos = 0;
};

inline std::optional<json_value> parse_json(std::string_view text) {
    return json_parser(text).parse_document();
}

inline void serialize(const json_value& value, std::string& out) {
    using kind_t = json_value::kind_t;
    switch (value.kind) {
    case kind_t::null_v: out += "null"; return;
    case kind_t::boolean:
    case kind_t::number: out += value.text; return;
    case kind_t::string:
        out += '"';
        for (const char c : value.text) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += c;
            } else if (static_cast<unsigned char>(c) < 0x20) {
                static constexpr char hex[] = "0123456789abcdef";
                out += "\\u00";
                out += hex[(c >> 4) & 0xF];
                out += hex[c & 0xF];
            } else {
                out += c;
            }
        }
        out += '"';
        return;
    case kind_t::array:
        out += '[';
        for (size_t i = 0; i < value.items.size(); i++) {
            out += i == 0 ? "" : ",";
            serialize(value.items[i], out);
        }
        out += ']';
        return;
    case kind_t::object:
        out += '{';
        for (size_t i = 0; i < value.keys.size(); i++) {
            out += i == 0 ? "" : ",";
            serialize(json_value{json_value::kind_t::string, value.keys[i], {}, {}}, out);
            out += ':';
            serialize(value.items[i], out);
        }
        out += '}';
        return;
    }
}

inline std::string to_text(const json_value* value) {
    if (value == nullptr) {
        return "(absent)";
    }
    std::string out;
    serialize(*value, out);
    return out;
}

inline bool json_equal(const json_value& a, const json_value& b) {
    if (a.kind != b.kind || a.text != b.text || a.keys != b.keys ||
        a.items.size() != b.items.size()) {
        return false;
    }
    for (size_t i = 0; i < a.items.size(); i++) {
        if (!json_equal(a.items[i], b.items[i])) {
            return false;
        }
    }
    return true;
}

inline bool is_json_start(std::string_view text) {
    return !text.empty() && (text[0] == '"' || text[0] == '{' || text[0] == '[');
}

// Does the output value `actual` (nullptr: absent) match the expectation value `want`?
inline bool value_matches(const json_value* actual, const std::string& want) {
    if (actual == nullptr) {
        return false;
    }
    if (is_json_start(want)) {
        const auto parsed = parse_json(want);
        return parsed && json_equal(*actual, *parsed);
    }
    if (actual->kind == json_value::kind_t::string) {
        return actual->text == want;
    }
    return to_text(actual) == want;
}

// `a/b/c` inside nested objects.
inline const json_value* lookup(const json_value& root, std::string_view path) {
    const json_value* at = &root;
    while (at != nullptr) {
        const size_t slash = path.find('/');
        at = at->member(path.substr(0, slash));
        if (slash == std::string_view::npos) {
            return at;
        }
        path.remove_prefix(slash + 1);
    }
    return nullptr;
}

} // namespace weave_scenario
