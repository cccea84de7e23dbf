#pragma once
// A deliberately plain, single-threaded model of SPEC.md (plus docs/spec-notes.md), written
// from the contract alone and sharing no code with the engine. It is fed one log line at a time
// and renders the four outputs of SPEC section 5. The log generator reads its public state to
// write observations that follow (or deliberately miss) the truth.
#include "reference_json.h"

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace weave_sim {

// ---- The model ----

struct stock_line {
    i64 on_hand = 0;
    i64 reserved = 0;
    i64 returns_pending = 0;
};

struct sku_state {
    char cls = 'C';
    std::string barcode;
    std::map<std::string, stock_line> stock;     // lines touched by an applied movement
    i64 unassigned = 0;                         // reserved_unassigned
    std::map<std::string, i64> transit_to;      // in-transit units per destination
};

struct order_line {
    std::string sku;
    std::optional<std::string> loc;  // where it was held; none: the unassigned pool
    i64 open = 0;
};

struct transfer_state {
    std::string sku;
    std::string from;
    std::string to;
    i64 remaining = 0;
};

struct channel_policy {
    std::optional<std::set<std::string>> locations;  // none: every location
    i64 share = 100;
    std::optional<i64> max;
};

struct history_entry {
    i64 value = 0;
    i64 stop = 0;
};

struct listing_state {
    std::string channel;
    std::string id;
    bool mapped = false;
    std::string sku;
    bool retired = false;
    i64 expected = 0;
    std::deque<history_entry> history;  // newest last, at most 8
    i64 t1 = 0;
    bool confirmed = false;
    std::optional<i64> observed;
    std::optional<bool> last_ack_ok;
    i64 t0 = 0;                         // start of the current mismatch
    bool open = false;
    std::string layer;
    std::string cause;
    i64 open_ts = 0;
};

// What a rejected movement would do if it alone were applied (spec-notes 15). cancel, ship and
// transfer.in rejected at SKU resolution (unknown_sku, retired_listing) act on their line as it
// is when the divergence is classified; with no open line / remainder they apply nothing.
struct rejected_move {
    enum class effect_kind {
        nothing, add_on_hand, set_on_hand, reserve, ship_excess, cancel_line, ship_line,
        transfer_in_line
    };
    effect_kind effect = effect_kind::nothing;
    i64 ts = 0;
    std::string loc;                     // on_hand location (or reservation loc for `reserve`)
    std::optional<std::string> held;     // reserve / ship_excess: none = unassigned pool
    i64 qty = 0;
    std::string line_id;                 // *_line: the order or transfer id
    std::optional<i64> line_qty;         // *_line: the line's own `qty`, if given
    std::optional<std::string> line_loc; // ship_line: the ship's own `loc`, if given
};

struct formula_variant {
    bool transit = false;
    bool returns = false;
    bool no_buffer = false;
    bool no_reservations = false;
    bool all_locations = false;
    bool share_100 = false;
};

struct model_outputs {
    std::string divergences;
    std::string state;
    std::string rejects;
    std::string report;  // report.json up to (excluding) `,"timing":`
};

inline const char* const event_types[] = {
    "sku", "listing", "listing.retire", "receipt", "order", "cancel", "ship", "return",
    "restock", "transfer.out", "transfer.in", "adjust", "count", "policy.buffer",
    "policy.channel", "policy.publish", "publish", "publish.ack", "channel.level"};
constexpr int event_type_count = 19;

class reference_model {
public:
    // One line of the log, without its LF (a trailing CR is dropped here).
    void feed(const std::string& line);
    // End of log: deadlines below the final watermark were due before the last applied event
    // and fire (spec-notes 19); nothing at or after it does (no flush).
    void finish();
    model_outputs outputs() const;

    // Read-only helpers for the generator.
    i64 expected_for(const std::string& channel, const std::string& sku, const sku_state& state,
                     const formula_variant& variant) const;
    i64 grace_ms(const std::string& channel) const;
    // Expected of `channel` for `sku` if `move` alone were applied to the current state;
    // nothing when the move has nothing to apply.
    std::optional<i64> expected_after(const std::string& channel, const std::string& sku,
                                      const rejected_move& move) const;
    bool mismatched(const listing_state& listing) const;

    // ---- state (public so that the generator can look) ----
    std::map<std::string, sku_state> skus;  // defined SKUs only
    std::map<std::string, i64> sku_buffer;
    std::map<char, i64> class_buffer;
    std::map<std::string, channel_policy> channel_policies;
    i64 default_grace_ms = 120000;
    std::map<std::string, i64> channel_grace_ms;
    std::map<std::pair<std::string, std::string>, listing_state> listings;
    std::map<std::string, order_line> orders;
    std::map<std::string, transfer_state> transfers;
    std::set<std::string> ids;
    std::map<std::string, std::vector<rejected_move>> rejected_moves;  // by SKU name
    std::optional<i64> watermark;
    i64 seq = 0;
    i64 last_applied_ts = 0;
    bool last_line_applied = false;
    std::string last_reject_reason;
    std::string last_rejected_move_sku;  // SKU of a movement remembered by the last line

private:
    struct divergence_record {
        i64 ts = 0;
        std::string channel;
        std::string listing;
        bool is_open = true;
        std::string json;
    };
    struct event_view {
        const json_value& doc;
        const std::string& raw;
        i64 ts;
        std::string type;
    };

    std::string handle(const event_view& ev);
    std::string handle_sku(const event_view& ev);
    std::string handle_listing(const event_view& ev);
    std::string handle_retire(const event_view& ev);
    std::string handle_movement(const event_view& ev);
    std::string handle_policy(const event_view& ev);
    std::string handle_channel_side(const event_view& ev);

    void begin_apply(i64 ts);
    void fire_deadlines();
    void recompute_all(i64 ts, i64 line);
    void observe(listing_state& listing, i64 qty, i64 ts, i64 line);
    void open_divergence(listing_state& listing, i64 ts, std::optional<i64> line);
    void close_divergence(listing_state& listing, i64 ts, i64 line);
    std::pair<std::string, std::string> classify(const listing_state& listing, i64 t) const;
    bool rejected_move_explains(const listing_state& listing, i64 t) const;
    i64 buffer_of(const std::string& sku, const sku_state& state) const;
    void add_reject(const std::string& reason, const std::string& raw);
    void touch(const std::string& sku, const std::string& loc);
    void lower_on_hand(stock_line& line, i64 by);

    std::vector<divergence_record> records;
    std::vector<std::pair<i64, std::string>> reject_lines;
    std::map<std::string, i64> rejects_by_reason;
    i64 applied_by_type[event_type_count] = {};
    i64 lines = 0;
    i64 blank_lines = 0;
    i64 events_read = 0;
    i64 applied = 0;
    i64 duplicates = 0;
    i64 rejected = 0;
    i64 oversells = 0;
    i64 negative_on_hand = 0;
    std::map<std::string, std::map<std::string, i64>> opened_by_cause;
    i64 opened = 0;
    i64 closed = 0;
    std::vector<i64> closure_micros;
    std::vector<i64> lag_micros;
    i64 cycle_counts = 0;
    i64 counts_with_variance = 0;
};

// Splits a log into lines (LF ends a line; a last line without LF is a line).
std::vector<std::string> split_lines(const std::string& text);
model_outputs run_model(const std::string& log_text);

}  // namespace weave_sim
