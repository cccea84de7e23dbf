#pragma once
// RFC 4180 CSV records, unescaped: quoted fields with doubled quotes, commas and line breaks
// inside, LF or CRLF line ends, a UTF-8 BOM before the first record. No I/O: the text comes in
// as bytes and must outlive the reader.
//
// Not shared with online_retail's reader on purpose: that one keeps fields as views with `""`
// still in them (it writes them straight into JSON) and caps records at its format's 8 fields;
// a WMS export can carry many more columns than the ones this adapter reads.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weave::warehouse_csv {

// Fields per record; a record with more is one bad row (WMS exports run to a few hundred).
inline constexpr size_t record_fields_max = 1024;

enum class csv_status : uint8_t {
    record,
    end,
    unterminated_quote, // a quoted field that never closes
    text_after_quote,   // `"abc"x,` : something between a closing quote and the separator
    too_many_fields,
};
std::string_view csv_status_name(csv_status status);

class csv_reader {
public:
    explicit csv_reader(std::string_view bytes);

    // Reads the next record into `fields` (resized to its field count; the strings' capacity
    // is reused). A bad record costs its first line only: the reader goes on at the line after
    // it, so one stray quote does not swallow the rest of the file.
    [[nodiscard]] csv_status next(std::vector<std::string>& fields);

    // 1-based number of the record `next` last returned (bad ones included): the row number a
    // spreadsheet shows, equal to the line number while no field holds a line break.
    uint64_t record_number() const { return _records; }

private:
    csv_status skip_bad_record(size_t start, csv_status status);
    // One quoted field at _bytes[pos] == '"' appended to `out`; the position after its closing
    // quote, or npos when it never closes.
    size_t read_quoted(size_t pos, std::string& out) const;

    std::string_view _bytes;
    size_t _pos = 0;
    uint64_t _records = 0;
};

} // namespace weave::warehouse_csv
