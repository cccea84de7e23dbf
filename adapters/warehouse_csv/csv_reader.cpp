#include "warehouse_csv/csv_reader.h"

#include "weave/assert.h"

namespace weave::warehouse_csv {

std::string_view csv_status_name(csv_status status) {
    switch (status) {
    case csv_status::record:
        return "record";
    case csv_status::end:
        return "end";
    case csv_status::unterminated_quote:
        return "unterminated_quote";
    case csv_status::text_after_quote:
        return "text_after_quote";
    case csv_status::too_many_fields:
        return "too_many_fields";
    }
    WEAVE_ASSERT(false);
    return "";
}

csv_reader::csv_reader(std::string_view bytes) : _bytes(bytes) {
    constexpr std::string_view bom = "\xEF\xBB\xBF";
    if (_bytes.substr(0, bom.size()) == bom) _bytes.remove_prefix(bom.size());
}

csv_status csv_reader::skip_bad_record(size_t start, csv_status status) {
    const size_t newline = _bytes.find('\n', start);
    _pos = newline == std::string_view::npos ? _bytes.size() : newline + 1;
    return status;
}

size_t csv_reader::read_quoted(size_t pos, std::string& out) const {
    WEAVE_ASSERT(pos < _bytes.size() && _bytes[pos] == '"');
    size_t at = pos + 1;
    for (;;) {
        const size_t quote = _bytes.find('"', at);
        if (quote == std::string_view::npos) return quote;
        out.append(_bytes.substr(at, quote - at));
        if (quote + 1 < _bytes.size() && _bytes[quote + 1] == '"') {
            out += '"';
            at = quote + 2;
            continue;
        }
        return quote + 1;
    }
}

csv_status csv_reader::next(std::vector<std::string>& fields) {
    if (_pos >= _bytes.size()) return csv_status::end;
    _records++;
    const size_t start = _pos;
    size_t pos = start;
    size_t count = 0;
    for (;;) {
        if (count == record_fields_max) return skip_bad_record(start, csv_status::too_many_fields);
        if (count == fields.size()) fields.emplace_back();
        std::string& field = fields[count];
        field.clear();
        if (pos < _bytes.size() && _bytes[pos] == '"') {
            pos = read_quoted(pos, field);
            if (pos == std::string_view::npos) {
                return skip_bad_record(start, csv_status::unterminated_quote);
            }
            if (pos < _bytes.size() && _bytes[pos] == '\r' &&
                (pos + 1 == _bytes.size() || _bytes[pos + 1] == '\n')) {
                pos++; // CRLF, or a CR at the very end
            }
            if (pos < _bytes.size() && _bytes[pos] != ',' && _bytes[pos] != '\n') {
                return skip_bad_record(start, csv_status::text_after_quote);
            }
        } else {
            // An unquoted field is taken as written, a stray `"` inside included (`12" tile`).
            size_t end = pos;
            while (end < _bytes.size() && _bytes[end] != ',' && _bytes[end] != '\n')
                end++;
            std::string_view text = _bytes.substr(pos, end - pos);
            if (!text.empty() && text.back() == '\r' &&
                (end == _bytes.size() || _bytes[end] == '\n')) {
                text.remove_suffix(1);
            }
            field.assign(text);
            pos = end;
        }
        count++;
        if (pos < _bytes.size() && _bytes[pos] == ',') {
            pos++;
            continue;
        }
        break; // at a line end or the end of the bytes
    }
    if (pos < _bytes.size()) {
        WEAVE_ASSERT(_bytes[pos] == '\n');
        pos++;
    }
    WEAVE_ASSERT(pos > start);
    fields.resize(count);
    _pos = pos;
    return csv_status::record;
}

} // namespace weave::warehouse_csv
