// The row -> events mapping of `weave import online-retail` (README.md has the rules): a
// schedule of rows (x K copies with --scale), a pre-pass for opening stock and ABC classes, then
// one pass that writes events in time order, with ships and restocks held back until due.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <queue>

#include "online_retail/online_retail.h"
#include "weave/assert.h"


namespace weave::online_retail {
namespace {

constexpr int64_t us_per_minute = 60'000'000;
constexpr uint32_t no_line = UINT32_MAX;
constexpr uint32_t progress_every_rows = 8192;
constexpr std::string_view adjust_owner = "online-retail-import";
constexpr std::string_view reason_unspecified = "unspecified";

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

uint64_t fnv1a(std::string_view text) {
    uint64_t hash = 14695981039346656037ull;
    for (const char c : text) {
        hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    }
    return hash;
}

// min..max minutes, chosen by hash.
int64_t delay_us(std::string_view key, int64_t minutes_min, int64_t minutes_max) {
    const auto span = static_cast<uint64_t>(minutes_max - minutes_min + 1);
    return (minutes_min + static_cast<int64_t>(fnv1a(key) % span)) * us_per_minute;
}

void append_uint(std::string& out, uint64_t value) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

struct sku_state {
    std::string_view code;
    int64_t outflow = 0; // units that leave: sale quantities and negative adjustments
    uint32_t lines_closed = 0; // closed lines still in the SKU's open list
    char abc = 'C';
    bool defined = false;
};

struct schedule_entry {
    int64_t time_us = 0;
    uint32_t row = 0;
    uint32_t copy = 0; // 0-based; ids say #1..#K with --scale
};

struct open_line {
    uint32_t entry = 0; // the sale's schedule entry
    uint32_t sku = 0;
    int64_t remaining = 0;
};

struct restock_item {
    uint32_t entry = 0; // the cancellation's schedule entry
    uint32_t sku = 0;
    int64_t qty = 0;
};

// A ship or a restock waiting for its time; ties keep the order they were made in.
struct delayed_event {
    int64_t time_us = 0;
    uint64_t seq = 0;
    uint32_t index = 0; // into lines (ship) or restocks
    bool restock = false;
    bool operator>(const delayed_event& other) const {
        return time_us != other.time_us ? time_us > other.time_us : seq > other.seq;
    }
};

class emitter {
public:
    emitter(const std::vector<row>& rows, const std::vector<std::string>& stems,
            const import_options& options, import_summary& summary)
        : _rows(rows), _stems(stems), _options(options), _summary(summary) {}

    void schedule(const std::vector<uint32_t>& rows_by_file);
    void plan_stock();
    bool write(flush_fn flush, void* flush_context, progress_fn progress, void* context);

private:
    const row& row_of(uint32_t entry) const { return _rows[_schedule[entry].row]; }
    uint32_t sku_index(std::string_view code);
    void convert(uint32_t entry);
    void count_service(std::string_view code);
    void define_sku(uint32_t entry, uint32_t sku);
    void emit_sale(uint32_t entry, uint32_t sku);
    void emit_cancellation(uint32_t entry, uint32_t sku);
    void emit_adjustment(uint32_t entry, uint32_t sku);
    uint32_t find_open_line(uint32_t entry, uint32_t sku) const;
    void close_line(uint32_t line);
    void drain(int64_t until_us);
    void fire_ship(uint32_t line, int64_t time_us);
    void fire_restock(uint32_t item, int64_t time_us);
    void order_id(std::string& out, uint32_t entry) const;

    void begin(event_type type, uint32_t entry, int64_t time_us, uint64_t part = 0);
    void text(std::string_view key, std::string_view value, bool doubled_quotes = false);
    void number(std::string_view key, int64_t value);
    void end() { _out += "}\n"; }

    const std::vector<row>& _rows;
    const std::vector<std::string>& _stems;
    const import_options& _options;
    import_summary& _summary;
    std::vector<schedule_entry> _schedule;
    std::unordered_map<std::string_view, uint32_t> _sku_by_code;
    std::vector<sku_state> _skus;
    std::vector<open_line> _lines;
    // Line indices per SKU, oldest first; closed ones (remaining 0) are dropped in batches.
    std::vector<std::vector<uint32_t>> _open_by_sku;
    std::vector<restock_item> _restocks;
    std::priority_queue<delayed_event, std::vector<delayed_event>, std::greater<>> _delayed;
    uint64_t _seq = 0;
    std::string _out;
    std::string _scratch;
};

// Without --scale: every row in file order. With --scale K: the busiest file's rows K times,
// copy c (0-based) shifted by floor(c * 60 s / K), sorted by time (stable: copy, then row).
void emitter::schedule(const std::vector<uint32_t>& rows_by_file) {
    const uint32_t scale = _options.scale;
    if (scale == 0) {
        _schedule.reserve(_rows.size());
        for (uint32_t r = 0; r < _rows.size(); r++) {
            _schedule.push_back({_rows[r].time_us, r, 0});
        }
        return;
    }
    WEAVE_ASSERT(scale <= scale_max);
    const auto busiest = static_cast<size_t>(
        std::max_element(rows_by_file.begin(), rows_by_file.end()) - rows_by_file.begin());
    _summary.busiest_file = busiest < rows_by_file.size() ? static_cast<int>(busiest) : -1;
    if (busiest >= rows_by_file.size()) return;
    uint32_t first = 0;
    for (size_t f = 0; f < busiest; f++) first += rows_by_file[f];
    const uint32_t count = rows_by_file[busiest];
    _schedule.reserve(size_t{count} * scale);
    for (uint32_t copy = 0; copy < scale; copy++) {
        const int64_t shift_us = int64_t{copy} * us_per_minute / scale;
        for (uint32_t r = first; r < first + count; r++) {
            WEAVE_ASSERT(_rows[r].file == busiest);
            _schedule.push_back({_rows[r].time_us + shift_us, r, copy});
        }
    }
    std::stable_sort(_schedule.begin(), _schedule.end(),
                     [](const schedule_entry& a, const schedule_entry& b) {
                         return a.time_us < b.time_us;
                     });
}

uint32_t emitter::sku_index(std::string_view code) {
    const auto [at, added] = _sku_by_code.try_emplace(code, static_cast<uint32_t>(_skus.size()));
    if (added) {
        _skus.push_back({code, 0, 0, 'C', false});
    }
    return at->second;
}

// Opening stock is every unit that will leave (so on_hand and availability never go below 0);
// classes: A while the SKUs before it (by units out, then code) hold < 80% of the units, B
// while < 95%, then C.
void emitter::plan_stock() {
    for (const schedule_entry& entry : _schedule) {
        const row& r = _rows[entry.row];
        const row_kind kind = classify(r);
        if (kind != row_kind::sale && kind != row_kind::cancellation &&
            kind != row_kind::adjustment) {
            continue;
        }
        sku_state& sku = _skus[sku_index(r.stock_code)];
        if (r.quantity > 0 && kind == row_kind::sale) sku.outflow += r.quantity;
        if (r.quantity < 0 && kind == row_kind::adjustment) sku.outflow -= r.quantity;
    }
    _open_by_sku.resize(_skus.size());
    std::vector<uint32_t> order(_skus.size());
    double total = 0;
    for (uint32_t i = 0; i < order.size(); i++) {
        order[i] = i;
        total += static_cast<double>(_skus[i].outflow);
    }
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        return _skus[a].outflow != _skus[b].outflow ? _skus[a].outflow > _skus[b].outflow
                                                    : _skus[a].code < _skus[b].code;
    });
    double before = 0;
    for (const uint32_t i : order) {
        _skus[i].abc = before < 0.80 * total ? 'A' : before < 0.95 * total ? 'B' : 'C';
        before += static_cast<double>(_skus[i].outflow);
    }
}

bool emitter::write(flush_fn flush, void* flush_context, progress_fn progress, void* context) {
    WEAVE_ASSERT(flush != nullptr);
    WEAVE_ASSERT(_schedule.size() < no_line);
    _summary.rows_scheduled = _schedule.size();
    const auto total = static_cast<uint32_t>(_schedule.size());
    for (uint32_t entry = 0; entry < total; entry++) {
        drain(_schedule[entry].time_us);
        convert(entry);
        if (_out.size() >= flush_bytes_target) {
            if (!flush(flush_context, _out)) return false;
            _out.clear();
        }
        if (progress != nullptr && entry % progress_every_rows == 0) {
            progress(context, entry, total);
        }
    }
    drain(INT64_MAX);
    WEAVE_ASSERT(_delayed.empty());
    if (progress != nullptr) progress(context, total, total);
    return _out.empty() || flush(flush_context, _out);
}

void emitter::convert(uint32_t entry) {
    const row& r = row_of(entry);
    const row_kind kind = classify(r);
    switch (kind) {
    case row_kind::service_code: count_service(r.stock_code); return;
    case row_kind::zero_quantity: _summary.zero_quantity++; return;
    case row_kind::cancellation_not_negative: _summary.cancellation_not_negative++; return;
    case row_kind::sale:
    case row_kind::cancellation:
    case row_kind::adjustment: break;
    }
    const auto at = _sku_by_code.find(r.stock_code);
    WEAVE_ASSERT(at != _sku_by_code.end()); // plan_stock saw every row
    const uint32_t sku = at->second;
    if (!_skus[sku].defined) define_sku(entry, sku);
    switch (kind) {
    case row_kind::sale: emit_sale(entry, sku); break;
    case row_kind::cancellation: emit_cancellation(entry, sku); break;
    case row_kind::adjustment: emit_adjustment(entry, sku); break;
    default: WEAVE_ASSERT(false);
    }
}

void emitter::count_service(std::string_view code) {
    _summary.service_rows++;
    if (code.empty()) code = "(empty)";
    auto& by_code = _summary.service_by_code;
    auto at = by_code.find(code);
    if (at == by_code.end()) {
        at = by_code.emplace(by_code.size() < service_codes_max ? code : "(other)", 0).first;
    }
    at->second++;
}

// First use of a SKU: `sku` (with its class), the opening `receipt`, the channel `listing`.
void emitter::define_sku(uint32_t entry, uint32_t sku_at) {
    sku_state& sku = _skus[sku_at];
    const int64_t time_us = _schedule[entry].time_us;
    begin(event_type::sku, entry, time_us);
    text("sku", sku.code);
    text("class", std::string_view(&sku.abc, 1));
    end();
    int64_t left = std::max<int64_t>(1, sku.outflow);
    for (uint64_t part = 1; left > 0; part++) {
        const int64_t qty = std::min(left, event_qty_max);
        begin(event_type::receipt, entry, time_us, part);
        text("sku", sku.code);
        text("loc", _options.loc);
        number("qty", qty);
        end();
        left -= qty;
    }
    begin(event_type::listing, entry, time_us);
    text("channel", _options.channel);
    text("listing", sku.code);
    text("sku", sku.code);
    end();
    sku.defined = true;
    _summary.skus++;
}

void emitter::emit_sale(uint32_t entry, uint32_t sku) {
    const row& r = row_of(entry);
    const int64_t time_us = _schedule[entry].time_us;
    WEAVE_ASSERT(r.quantity > 0);
    _scratch.clear();
    order_id(_scratch, entry);
    begin(event_type::order, entry, time_us);
    text("order", _scratch);
    text("channel", _options.channel);
    text("listing", r.stock_code);
    number("qty", r.quantity);
    text("loc", _options.loc);
    end();
    const auto line = static_cast<uint32_t>(_lines.size());
    _lines.push_back({entry, sku, r.quantity});
    _open_by_sku[sku].push_back(line);
    const int64_t due_us =
        time_us + delay_us(_scratch, ship_delay_minutes_min, ship_delay_minutes_max);
    _delayed.push({due_us, _seq++, line, false});
    _summary.sales++;
    _summary.free_lines += r.price_zero ? 1 : 0;
}

// Cancels the newest open line of the same SKU (and copy) bought by the same customer, or by
// anyone when the customer is unknown; what that does not cover becomes a return + restock.
void emitter::emit_cancellation(uint32_t entry, uint32_t sku) {
    const row& r = row_of(entry);
    const int64_t time_us = _schedule[entry].time_us;
    WEAVE_ASSERT(r.quantity < 0);
    int64_t qty = -r.quantity;
    _summary.cancellations++;
    const uint32_t line = find_open_line(entry, sku);
    if (line != no_line) {
        open_line& open = _lines[line];
        const int64_t cancelled = std::min(qty, open.remaining);
        _scratch.clear();
        order_id(_scratch, open.entry);
        begin(event_type::cancel, entry, time_us);
        text("order", _scratch);
        text("sku", r.stock_code);
        number("qty", cancelled);
        end();
        open.remaining -= cancelled;
        qty -= cancelled;
        if (open.remaining == 0) close_line(line);
        _summary.cancels_matched++;
    }
    if (qty == 0) return;
    begin(event_type::return_, entry, time_us);
    text("sku", r.stock_code);
    text("loc", _options.loc);
    number("qty", qty);
    end();
    const auto item = static_cast<uint32_t>(_restocks.size());
    _restocks.push_back({entry, sku, qty});
    _scratch.clear();
    order_id(_scratch, entry);
    const int64_t due_us =
        time_us + delay_us(_scratch, restock_delay_minutes_min, restock_delay_minutes_max);
    _delayed.push({due_us, _seq++, item, true});
    _summary.returns++;
}

uint32_t emitter::find_open_line(uint32_t entry, uint32_t sku) const {
    const std::vector<uint32_t>& open = _open_by_sku[sku];
    const uint32_t copy = _schedule[entry].copy;
    const std::string_view customer = row_of(entry).customer;
    for (size_t i = open.size(); i-- > 0;) {
        const schedule_entry& sale = _schedule[_lines[open[i]].entry];
        if (_lines[open[i]].remaining == 0 || sale.copy != copy) continue;
        if (!customer.empty() && _rows[sale.row].customer != customer) continue;
        return open[i];
    }
    return no_line;
}

// Called once per line, when its remaining reaches 0. Compaction is amortised O(1) per line.
void emitter::close_line(uint32_t line) {
    WEAVE_ASSERT(_lines[line].remaining == 0);
    sku_state& sku = _skus[_lines[line].sku];
    std::vector<uint32_t>& open = _open_by_sku[_lines[line].sku];
    sku.lines_closed++;
    WEAVE_ASSERT(sku.lines_closed <= open.size());
    if (sku.lines_closed * 2 <= open.size()) return;
    open.erase(std::remove_if(open.begin(), open.end(),
                              [&](uint32_t at) { return _lines[at].remaining == 0; }),
               open.end());
    sku.lines_closed = 0;
}

void emitter::emit_adjustment(uint32_t entry, uint32_t sku) {
    const row& r = row_of(entry);
    WEAVE_ASSERT(r.quantity != 0);
    std::string_view reason = trim(r.description);
    if (reason.size() > reason_bytes_max) {
        size_t cut = reason_bytes_max; // not inside a UTF-8 sequence
        while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) cut--;
        reason = reason.substr(0, cut);
        _summary.reasons_cut++;
    }
    begin(event_type::adjust, entry, _schedule[entry].time_us);
    text("sku", _skus[sku].code);
    text("loc", _options.loc);
    number("delta", r.quantity);
    if (reason.empty()) {
        text("reason", reason_unspecified);
        _summary.reasons_unspecified++;
    } else {
        text("reason", reason, r.description_doubled_quotes);
    }
    text("owner", adjust_owner);
    end();
    (r.quantity < 0 ? _summary.adjustments_out : _summary.adjustments_in)++;
}

void emitter::drain(int64_t until_us) {
    while (!_delayed.empty() && _delayed.top().time_us <= until_us) {
        const delayed_event due = _delayed.top();
        _delayed.pop();
        if (due.restock) {
            fire_restock(due.index, due.time_us);
        } else {
            fire_ship(due.index, due.time_us);
        }
    }
}

void emitter::fire_ship(uint32_t line, int64_t time_us) {
    open_line& open = _lines[line];
    if (open.remaining == 0) return; // cancelled in full (and closed then)
    _scratch.clear();
    order_id(_scratch, open.entry);
    begin(event_type::ship, open.entry, time_us);
    text("order", _scratch);
    text("sku", _skus[open.sku].code);
    text("loc", _options.loc);
    number("qty", open.remaining);
    end();
    open.remaining = 0;
    close_line(line);
}

void emitter::fire_restock(uint32_t item, int64_t time_us) {
    const restock_item& restock = _restocks[item];
    WEAVE_ASSERT(restock.qty > 0);
    begin(event_type::restock, restock.entry, time_us);
    text("sku", _skus[restock.sku].code);
    text("loc", _options.loc);
    number("qty", restock.qty);
    end();
}

// InvoiceNo-line (line = the row's 1-based position in its invoice), `#copy` with --scale.
void emitter::order_id(std::string& out, uint32_t entry) const {
    const row& r = row_of(entry);
    out.append(r.invoice);
    out += '-';
    append_uint(out, r.invoice_line);
    if (_options.scale > 0) {
        out += '#';
        append_uint(out, _schedule[entry].copy + 1);
    }
}

// `{"id":"STEM[#COPY]:LINE:TYPE[PART]","ts":...,"type":...`: unique per row, copy and type.
void emitter::begin(event_type type, uint32_t entry, int64_t time_us, uint64_t part) {
    const row& r = row_of(entry);
    const std::string_view name = event_type_name(type);
    _out += "{\"id\":\"";
    append_json_string(_out, _stems[r.file], false);
    if (_options.scale > 0) {
        _out += '#';
        append_uint(_out, _schedule[entry].copy + 1);
    }
    _out += ':';
    append_uint(_out, r.line);
    _out += ':';
    _out += name;
    if (part > 1) append_uint(_out, part);
    _out += "\",\"ts\":\"";
    append_london_time(_out, time_us);
    _out += "\",\"type\":\"";
    _out += name;
    _out += '"';
    _summary.events_by_type[static_cast<size_t>(type)]++;
    _summary.events++;
}

void emitter::text(std::string_view key, std::string_view value, bool doubled_quotes) {
    _out += ",\"";
    _out += key;
    _out += "\":\"";
    append_json_string(_out, value, doubled_quotes);
    _out += '"';
}

void emitter::number(std::string_view key, int64_t value) {
    WEAVE_ASSERT(value >= -event_qty_max && value <= event_qty_max);
    _out += ",\"";
    _out += key;
    _out += "\":";
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    _out.append(buffer, result.ptr);
}

void append_count(std::string& out, std::string_view label, uint64_t value, bool first = false) {
    out += first ? "" : ", ";
    append_uint(out, value);
    out += ' ';
    out += label;
}

} // namespace

bool importer::run(const import_options& options, flush_fn flush, void* flush_context,
                   progress_fn progress, void* progress_context) {
    import_summary fresh; // what add_file counted stays, what a run counts starts at zero
    fresh.rows_read = _summary.rows_read;
    fresh.rows_bad = _summary.rows_bad;
    fresh.bad_by_problem = _summary.bad_by_problem;
    fresh.bad_samples = _summary.bad_samples;
    _summary = fresh;
    emitter out(_rows, _stems, options, _summary);
    out.schedule(_rows_by_file);
    out.plan_stock();
    return out.write(flush, flush_context, progress, progress_context);
}

std::string importer::summary_text(const import_options& options) const {
    const import_summary& s = _summary;
    std::string out = "weave import online-retail: ";
    append_count(out, "files", _stems.size(), true);
    append_count(out, "rows read", s.rows_read);
    append_count(out, "bad rows", s.rows_bad);
    if (options.scale > 0 && s.busiest_file >= 0) {
        out += "\n  --scale ";
        append_uint(out, options.scale);
        out += ": busiest day " + _stems[static_cast<size_t>(s.busiest_file)] + " (";
        append_uint(out, _rows_by_file[static_cast<size_t>(s.busiest_file)]);
        out += " rows) x ";
        append_uint(out, options.scale);
        out += " copies";
    }
    out += "\n  rows converted: ";
    append_uint(out, s.rows_scheduled);
    out += " (";
    append_count(out, "sales", s.sales, true);
    append_count(out, "free lines", s.free_lines);
    append_count(out, "cancellations", s.cancellations);
    append_count(out, "cancelled an open line", s.cancels_matched);
    append_count(out, "returned", s.returns);
    append_count(out, "adjustments out", s.adjustments_out);
    append_count(out, "adjustments in", s.adjustments_in);
    append_count(out, "with reason \"unspecified\"", s.reasons_unspecified);
    if (s.reasons_cut > 0) append_count(out, "reasons cut to 256 bytes", s.reasons_cut);
    out += ")\n  rows skipped: ";
    append_count(out, "service code", s.service_rows, true);
    append_count(out, "zero quantity", s.zero_quantity);
    append_count(out, "cancellation with quantity >= 0", s.cancellation_not_negative);
    if (!s.service_by_code.empty()) {
        out += "\n  service codes skipped:";
        for (const auto& [code, count] : s.service_by_code) {
            out += ' ' + code + '=';
            append_uint(out, count);
        }
    }
    out += "\n  events: ";
    append_uint(out, s.events);
    out += " (";
    for (size_t t = 0; t < event_type_count; t++) {
        append_count(out, event_type_name(static_cast<event_type>(t)), s.events_by_type[t],
                     t == 0);
    }
    out += ")";
    for (size_t p = 1; p < row_problem_count; p++) {
        if (s.bad_by_problem[p] == 0) continue;
        out += "\n  bad rows ";
        out += row_problem_name(static_cast<row_problem>(p));
        out += ": ";
        append_uint(out, s.bad_by_problem[p]);
    }
    for (const bad_row_sample& sample : s.bad_samples) {
        out += "\n    " + _stems[sample.file] + ".csv:" + std::to_string(sample.line) + ": ";
        out += row_problem_name(sample.problem);
    }
    out += '\n';
    return out;
}

} // namespace weave::online_retail
