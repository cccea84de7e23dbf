#pragma once
// UCI Online Retail day files (CSV, RFC 4180) -> a weave NDJSON event log (SPEC §2).
// The mapping rules are in README.md, "weave import online-retail". No I/O here: files come in
// as bytes, the log goes out through a flush callback.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace weave::online_retail {

// --scale K copies of the busiest day, 1..scale_max.
inline constexpr uint32_t scale_max = 1000;
// Fields per CSV record; a record with more is a bad row (the format has 8).
inline constexpr size_t record_fields_max = 64;
// Bad rows kept as samples for the summary (all of them are counted).
inline constexpr size_t bad_row_samples_max = 8;
// Distinct skipped service codes counted by name; beyond this they count as "(other)".
inline constexpr size_t service_codes_max = 4096;
// A ship follows its order by 1..30 minutes, a restock its return by 60..240 minutes.
inline constexpr int64_t ship_delay_minutes_min = 1;
inline constexpr int64_t ship_delay_minutes_max = 30;
inline constexpr int64_t restock_delay_minutes_min = 60;
inline constexpr int64_t restock_delay_minutes_max = 240;
// SPEC §2: |qty| <= 1e9; larger opening stock is written as several receipts.
inline constexpr int64_t event_qty_max = 1'000'000'000;
// Longest product code (5 digits + letters) and adjust reason (cut on a UTF-8 boundary), so
// that every event line stays far below the engine's line_bytes_max.
inline constexpr size_t product_code_bytes_max = 32;
inline constexpr size_t reason_bytes_max = 256;
// --channel and --loc names.
inline constexpr size_t name_bytes_max = 256;
// Output is handed to the flush callback in pieces of about this size.
inline constexpr size_t flush_bytes_target = 1u << 20;
static_assert(ship_delay_minutes_min >= 1 && ship_delay_minutes_min <= ship_delay_minutes_max);
static_assert(restock_delay_minutes_min >= 1);
static_assert(restock_delay_minutes_min <= restock_delay_minutes_max);

// ---- CSV (RFC 4180) ----

struct csv_field {
    std::string_view text;       // without the enclosing quotes
    bool doubled_quotes = false; // a quoted field holding `""` (see append_json_string)
};

enum class csv_status : uint8_t {
    record,
    end,
    unterminated_quote,
    text_after_quote,
    too_many_fields,
};

struct csv_cursor {
    std::string_view bytes;
    size_t pos = 0;
    uint32_t line = 1; // line number where the next record starts
};

// Reads the record at the cursor into `fields` and moves past its line end (LF or CRLF).
// Quoted fields may hold commas, line breaks and `""`. On a bad record the cursor moves to the
// line after the record's first line, so one stray quote costs one row, not the rest of the file.
[[nodiscard]] csv_status read_csv_record(csv_cursor& cursor, std::vector<csv_field>& fields);

// ---- rows ----

enum class row_problem : uint8_t {
    none,
    unterminated_quote,
    text_after_quote,
    field_count,
    bad_invoice,
    bad_quantity,
    bad_date,
    bad_price,
};
inline constexpr size_t row_problem_count = 8;
std::string_view row_problem_name(row_problem problem);

struct row {
    std::string_view invoice;     // trimmed, [A-Za-z0-9]+
    std::string_view stock_code;  // trimmed of spaces, otherwise exactly as written
    std::string_view description; // as written (raw field text)
    std::string_view customer;    // trimmed; empty when unknown
    int64_t quantity = 0;
    int64_t time_us = 0;          // InvoiceDate read as Europe/London local time, as UTC
    uint32_t line = 0;            // the record's first line in its file
    uint32_t invoice_line = 0;    // 1-based position among all rows of its invoice
    uint16_t file = 0;
    bool description_doubled_quotes = false;
    bool price_zero = false;
};

enum class row_kind : uint8_t {
    sale,                      // order + ship
    cancellation,              // cancel of an open line, else return + restock
    adjustment,                // adjust (delta = Quantity)
    service_code,              // skipped: not a product code
    zero_quantity,             // skipped
    cancellation_not_negative, // skipped: a C invoice row with Quantity >= 0
};

// A product code is 5 ASCII digits followed by zero or more ASCII letters (85123A, 15056bl),
// at most product_code_bytes_max bytes.
bool is_product_code(std::string_view code) noexcept;
row_kind classify(const row& r) noexcept;

// `YYYY-MM-DD HH:MM:SS` as Europe/London local time (GMT, or BST from 01:00 UTC on the last
// Sunday of March to 01:00 UTC on the last Sunday of October) -> microseconds since the epoch.
std::optional<int64_t> london_local_to_utc_us(std::string_view text) noexcept;
// RFC 3339 in London local time: `2011-04-18T10:15:00+01:00`, or `...Z` in winter; a fraction
// of 6 digits only when the time has one.
void append_london_time(std::string& out, int64_t utc_us);

// JSON string body (no quotes): escapes `"`, `\` and controls, turns `""` into `"` when
// `doubled_quotes`, and writes invalid UTF-8 as U+FFFD.
void append_json_string(std::string& out, std::string_view text, bool doubled_quotes);

// ---- the import ----

struct import_options {
    std::string channel = "shop";
    std::string loc = "UK1";
    uint32_t scale = 0; // 0: every file in order; K: the busiest file, K copies
};

enum class event_type : uint8_t {
    sku,
    receipt,
    listing,
    order,
    ship,
    cancel,
    return_,
    restock,
    adjust,
};
inline constexpr size_t event_type_count = 9;
std::string_view event_type_name(event_type type);

struct bad_row_sample {
    uint16_t file = 0;
    uint32_t line = 0;
    row_problem problem = row_problem::none;
};

struct import_summary {
    uint64_t rows_read = 0; // data records, bad ones included
    uint64_t rows_bad = 0;
    std::array<uint64_t, row_problem_count> bad_by_problem{};
    std::vector<bad_row_sample> bad_samples;
    uint64_t rows_scheduled = 0; // rows converted (x K with --scale)
    uint64_t sales = 0;
    uint64_t free_lines = 0; // sales at UnitPrice 0 with a customer
    uint64_t cancellations = 0;
    uint64_t cancels_matched = 0;   // cancellations that cancelled an open line
    uint64_t returns = 0;           // cancellations (or their remainder) that became returns
    uint64_t adjustments_out = 0;   // adjust with delta < 0
    uint64_t adjustments_in = 0;    // adjust with delta > 0
    uint64_t reasons_unspecified = 0;
    uint64_t reasons_cut = 0; // longer than reason_bytes_max
    uint64_t zero_quantity = 0;
    uint64_t cancellation_not_negative = 0;
    uint64_t service_rows = 0;
    std::map<std::string, uint64_t, std::less<>> service_by_code;
    uint64_t skus = 0;
    std::array<uint64_t, event_type_count> events_by_type{};
    uint64_t events = 0;
    int busiest_file = -1; // with --scale
};

// Returns false to stop the run (the output could not be written).
using flush_fn = bool (*)(void* context, std::string_view bytes);
using progress_fn = void (*)(void* context, uint64_t rows_done, uint64_t rows_total);

class importer {
public:
    // Reads one day file; `bytes` must outlive the importer. Bad rows are counted, never fatal.
    // False with `error` set when the header lacks a needed column or `stem` was already added.
    bool add_file(const std::string& stem, std::string_view bytes, std::string& error);
    // Writes the whole event log through `flush`. False when a flush failed.
    bool run(const import_options& options, flush_fn flush, void* flush_context,
             progress_fn progress = nullptr, void* progress_context = nullptr);

    const import_summary& summary() const { return _summary; }
    const std::vector<std::string>& stems() const { return _stems; }
    // The summary as text for stderr: rows by kind, events by type, skips per code, bad rows.
    std::string summary_text(const import_options& options) const;

private:
    std::vector<std::string> _stems;
    std::vector<uint32_t> _rows_by_file;
    std::vector<row> _rows;
    std::unordered_map<std::string_view, uint32_t> _invoice_rows; // rows seen per invoice
    import_summary _summary;
};

} // namespace weave::online_retail
