// Warehouse CSV rows -> SPEC §2 movements. One row is one event, in file order; a row that cannot
// be mapped is one reject `row N` and the rest of the file still converts.
#include "warehouse_csv/warehouse_csv.h"

#include <simdjson.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "channels/json_values.h"
#include "warehouse_csv/csv_reader.h"
#include "weave/assert.h"
#include "weave/limits.h"
#include "weave/time.h"

namespace weave::channels {
namespace {

using warehouse_csv::csv_reader;
using warehouse_csv::csv_status;

enum class column : uint8_t {
    record_id,
    time,
    type,
    sku,
    location,
    quantity,
    to_location,
    reference,
    reason,
    owner,
};
constexpr size_t column_count = 10;
constexpr std::array<std::string_view, column_count> column_names = {
    "record_id", "time",        "type",      "sku",    "location",
    "quantity",  "to_location", "reference", "reason", "owner"};
// Every type but transfer_in needs these, so a file without one of them is not a movements file.
constexpr std::array<bool, column_count> column_required = {true, true,  true,  true,  true,
                                                            true, false, false, false, false};
constexpr size_t no_column = SIZE_MAX;

enum class movement : uint8_t { receipt, adjust, count, transfer_out, transfer_in };

struct header_map {
    std::array<size_t, column_count> index;
    size_t fields = 0;
};

// One data row's fields by column; an absent optional column reads as empty.
struct row_view {
    const std::vector<std::string>* fields = nullptr;
    const header_map* header = nullptr;

    std::string_view get(column c) const {
        const size_t at = header->index[static_cast<size_t>(c)];
        if (at == no_column) return {};
        WEAVE_ASSERT(at < fields->size());
        return (*fields)[at];
    }
};

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

bool is_blank(std::string_view text) {
    return trim(text).empty();
}

char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); i++) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

std::optional<movement> parse_type(std::string_view text) {
    text = trim(text);
    constexpr std::array<std::string_view, 5> names = {"receipt", "adjust", "count", "transfer_out",
                                                       "transfer_in"};
    for (size_t i = 0; i < names.size(); i++) {
        if (equals_ignoring_case(text, names[i])) return static_cast<movement>(i);
    }
    return std::nullopt;
}

enum class cell_quantity : uint8_t { ok, missing, bad };

// The quantity rule every channel adapter shares (channels::read_quantity_text: digits, an
// optional '-' and an all-zero fraction such as spreadsheets write, `12.0`), after what a cell
// may add around it: spaces, and a leading '+'.
cell_quantity parse_quantity(std::string_view text, int64_t& value) {
    text = trim(text);
    if (text.empty()) return cell_quantity::missing;
    if (text.front() == '+') {
        text.remove_prefix(1);
        if (!text.empty() && text.front() == '-') return cell_quantity::bad; // "+-5"
    }
    const quantity_read read = read_quantity_text(text);
    if (read.status != quantity_status::ok) return cell_quantity::bad;
    value = read.value;
    return cell_quantity::ok;
}

// Why a text field cannot go into an event, or "" when it can.
std::string_view text_problem(std::string_view text) {
    if (text.size() > warehouse_text_bytes_max) return "too_long";
    if (!simdjson::validate_utf8(text.data(), text.size())) return "invalid_utf8";
    return {};
}

bool all_blank(const std::vector<std::string>& fields) {
    for (const std::string& field : fields) {
        if (!is_blank(field)) return false;
    }
    return true;
}

class warehouse_csv_adapter final : public channel_adapter {
public:
    explicit warehouse_csv_adapter(const adapter_settings& settings) : _settings(settings) {}

    std::string_view channel() const override { return "warehouse"; }
    conversion convert(std::string_view payload, const payload_context& context) override;

private:
    bool read_header(csv_reader& reader, std::vector<std::string>& fields, header_map& header,
                     conversion& out) const;
    std::string_view convert_row(const row_view& row, conversion& out) const;
    std::string_view locate(std::string_view code, std::string_view missing_reason,
                            std::string& loc) const;
    std::string_view stock_movement(movement type, const row_view& row, event_line& line) const;
    std::string_view transfer(movement type, const row_view& row, event_line& line) const;

    adapter_settings _settings;
};

bool warehouse_csv_adapter::read_header(csv_reader& reader, std::vector<std::string>& fields,
                                        header_map& header, conversion& out) const {
    csv_status status = csv_status::end;
    do {
        status = reader.next(fields); // blank lines before the header are skipped
    } while (status == csv_status::record && all_blank(fields));
    if (status == csv_status::end) {
        out.rejects.push_back({"", "unknown_payload"});
        return false;
    }
    if (status != csv_status::record) {
        out.rejects.push_back({"header", std::string(warehouse_csv::csv_status_name(status))});
        return false;
    }
    header.index.fill(no_column);
    header.fields = fields.size();
    for (size_t at = 0; at < fields.size(); at++) {
        for (size_t c = 0; c < column_count; c++) {
            if (!equals_ignoring_case(trim(fields[at]), column_names[c])) continue;
            if (header.index[c] != no_column) {
                std::string reason = "duplicate_column:";
                reason += column_names[c];
                out.rejects.push_back({"header", std::move(reason)});
                return false;
            }
            header.index[c] = at;
        }
    }
    std::string missing;
    for (size_t c = 0; c < column_count; c++) {
        if (!column_required[c] || header.index[c] != no_column) continue;
        missing += missing.empty() ? "missing_column:" : ",";
        missing += column_names[c];
    }
    if (!missing.empty()) {
        out.rejects.push_back({"header", std::move(missing)});
        return false;
    }
    return true;
}

conversion warehouse_csv_adapter::convert(std::string_view payload, const payload_context&) {
    conversion out;
    csv_reader reader(payload);
    std::vector<std::string> fields;
    header_map header;
    if (!read_header(reader, fields, header, out)) return out;
    for (;;) {
        const csv_status status = reader.next(fields);
        if (status == csv_status::end) break;
        std::string where = "row ";
        where += std::to_string(reader.record_number());
        if (status != csv_status::record) {
            const std::string_view reason = status == csv_status::too_many_fields
                                                ? "field_count"
                                                : warehouse_csv::csv_status_name(status);
            out.rejects.push_back({std::move(where), std::string(reason)});
            continue;
        }
        if (all_blank(fields)) continue; // a blank line is not a row
        if (fields.size() != header.fields) {
            // A short or long row may have shifted its values into other columns: never guess.
            out.rejects.push_back({std::move(where), "field_count"});
            continue;
        }
        const std::string_view reason = convert_row(row_view{&fields, &header}, out);
        if (!reason.empty()) out.rejects.push_back({std::move(where), std::string(reason)});
    }
    out.ignored = out.event_count == 0 && out.rejects.empty();
    return out;
}

// The row's event, appended to `out`; or why not (nothing appended).
std::string_view warehouse_csv_adapter::convert_row(const row_view& row, conversion& out) const {
    const std::string_view record_id = row.get(column::record_id);
    if (is_blank(record_id)) return "missing_record_id";
    if (auto problem = text_problem(record_id); !problem.empty()) return problem;
    const std::string_view time = trim(row.get(column::time));
    if (time.empty()) return "missing_time";
    const std::optional<int64_t> ts_us = parse_rfc3339_us(time);
    if (!ts_us) return "bad_time";
    const std::optional<movement> type = parse_type(row.get(column::type));
    if (!type) return "unknown_type";
    const std::string_view sku = row.get(column::sku);
    if (is_blank(sku)) return "missing_sku";
    if (auto problem = text_problem(sku); !problem.empty()) return problem;

    constexpr std::array<std::string_view, 5> event_types = {"receipt", "adjust", "count",
                                                             "transfer.out", "transfer.in"};
    std::string id = "warehouse:";
    id += record_id;
    event_line line(id, *ts_us, event_types[static_cast<size_t>(*type)]);
    const bool is_transfer = *type == movement::transfer_out || *type == movement::transfer_in;
    const std::string_view problem =
        is_transfer ? transfer(*type, row, line) : stock_movement(*type, row, line);
    if (!problem.empty()) return problem;
    line.append_to(out);
    return {};
}

// `loc` = the weave location of the WMS code: mapped when the settings map locations, the code
// itself when they map none.
std::string_view warehouse_csv_adapter::locate(std::string_view code,
                                               std::string_view missing_reason,
                                               std::string& loc) const {
    if (is_blank(code)) return missing_reason;
    if (_settings.locations.empty()) {
        loc.assign(code);
    } else {
        const auto found = _settings.locations.find(std::string(code));
        if (found == _settings.locations.end()) return "unknown_location";
        loc = found->second;
    }
    return text_problem(loc);
}

// receipt, adjust, count: sku, loc and a quantity.
std::string_view warehouse_csv_adapter::stock_movement(movement type, const row_view& row,
                                                       event_line& line) const {
    std::string loc;
    if (auto problem = locate(row.get(column::location), "missing_location", loc);
        !problem.empty()) {
        return problem;
    }
    int64_t quantity = 0;
    const cell_quantity read = parse_quantity(row.get(column::quantity), quantity);
    if (read == cell_quantity::missing) return "missing_quantity";
    if (read == cell_quantity::bad) return "bad_quantity";
    const std::string_view reason = row.get(column::reason);
    const std::string_view owner = row.get(column::owner);
    line.text("sku", row.get(column::sku)).text("loc", loc);
    switch (type) {
    case movement::receipt:
        if (quantity <= 0) return "bad_quantity";
        line.integer("qty", quantity);
        return {};
    case movement::adjust:
        if (quantity == 0) return "bad_quantity";
        // Written even without reason or owner: the engine rejects it `adjust_without_reason`
        // and counts it, which is what an unreasoned edit in the WMS should cost.
        if (auto problem = text_problem(reason); !problem.empty()) return problem;
        if (auto problem = text_problem(owner); !problem.empty()) return problem;
        line.integer("delta", quantity);
        if (!is_blank(reason)) line.text("reason", reason);
        if (!is_blank(owner)) line.text("owner", owner);
        return {};
    case movement::count:
        if (quantity < 0) return "bad_quantity";
        if (auto problem = text_problem(owner); !problem.empty()) return problem;
        // SPEC needs `owner` present; a count nobody signed is still the stock's truth.
        line.integer("counted", quantity).text("owner", is_blank(owner) ? "" : owner);
        return {};
    case movement::transfer_out:
    case movement::transfer_in:
        break;
    }
    WEAVE_ASSERT(false);
    return "unknown_type";
}

// transfer_out (transfer, from, to, qty) and transfer_in (transfer, qty optional).
std::string_view warehouse_csv_adapter::transfer(movement type, const row_view& row,
                                                 event_line& line) const {
    WEAVE_ASSERT(type == movement::transfer_out || type == movement::transfer_in);
    const std::string_view reference = row.get(column::reference);
    if (is_blank(reference)) return "missing_reference";
    if (auto problem = text_problem(reference); !problem.empty()) return problem;
    std::string from, to;
    if (type == movement::transfer_out) {
        if (auto problem = locate(row.get(column::location), "missing_location", from);
            !problem.empty()) {
            return problem;
        }
        if (auto problem = locate(row.get(column::to_location), "missing_to_location", to);
            !problem.empty()) {
            return problem;
        }
    }
    int64_t quantity = 0;
    const cell_quantity read = parse_quantity(row.get(column::quantity), quantity);
    if (read == cell_quantity::bad) return "bad_quantity";
    if (read == cell_quantity::ok && quantity <= 0) return "bad_quantity";
    // transfer_in without a quantity: everything still in transit arrives (SPEC's default).
    if (read == cell_quantity::missing && type == movement::transfer_out) return "missing_quantity";
    line.text("transfer", reference).text("sku", row.get(column::sku));
    if (type == movement::transfer_out) line.text("from", from).text("to", to);
    if (read == cell_quantity::ok) line.integer("qty", quantity);
    return {};
}

} // namespace

std::unique_ptr<channel_adapter> make_warehouse_csv_adapter(const adapter_settings& settings) {
    return std::make_unique<warehouse_csv_adapter>(settings);
}

} // namespace weave::channels
