#pragma once
// Internals of the log generator (log_generator.cpp chooses the events, log_writer.cpp writes
// lines, with cosmetic variations and corruptions). Not for use outside tests/sim.
#include "log_generator.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace weave_sim::generator_detail {


constexpr i64 second_us = 1000000;

class split_mix {
public:
    explicit split_mix(std::uint64_t seed)
        : state_(seed * 0x9E3779B97F4A7C15ULL + 0x5DEECE66DULL) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    i64 below(i64 n) {
        return n <= 0 ? 0 : static_cast<i64>(next() % static_cast<std::uint64_t>(n));
    }
    i64 between(i64 lo, i64 hi) { return lo + below(hi - lo + 1); }
    bool chance(int percent) { return below(100) < percent; }
    bool per_mille(int n) { return below(1000) < n; }
    template <class T>
    const T& pick(const std::vector<T>& items) {
        return items[static_cast<std::size_t>(below(static_cast<i64>(items.size())))];
    }

private:
    std::uint64_t state_;
};

enum class field_kind {
    text, positive, non_negative, any_int, non_zero, share, boolean, locations, sku_class, reason
};

struct field_spec {
    std::string key;
    std::string raw;
    field_kind kind = field_kind::text;
    bool required = true;
    bool corruptible = true;
};

struct draft_line {
    std::vector<field_spec> fields;

    field_spec* find(const std::string& key) {
        for (auto& field : fields) {
            if (field.key == key) {
                return &field;
            }
        }
        return nullptr;
    }
    void put(const std::string& key, const std::string& raw, field_kind kind,
             bool required = true) {
        if (field_spec* field = find(key)) {
            field->raw = raw;
            field->kind = kind;
            field->required = required;
            return;
        }
        fields.push_back({key, raw, kind, required, true});
    }
    void text(const std::string& key, const std::string& value, bool required = true) {
        put(key, json_string(value), field_kind::text, required);
    }
    void number(const std::string& key, i64 value, field_kind kind, bool required = true) {
        put(key, std::to_string(value), kind, required);
    }
    void erase(const std::string& key) {
        fields.erase(std::remove_if(fields.begin(), fields.end(),
                                    [&](const field_spec& f) { return f.key == key; }),
                     fields.end());
    }
};

class log_builder {
public:
    explicit log_builder(std::uint64_t seed) : rng_(seed) {}

    generated_log run();

private:
    // ---- plumbing ----
    i64 next_ts();
    std::string format_ts(i64 micros);
    draft_line base(const std::string& type);
    std::string render(draft_line draft);
    void emit_line(const std::string& line);
    void emit(draft_line draft, bool allow_corruption = true);
    void corrupt_field(draft_line& draft, bool remove);
    std::string bad_value(field_kind kind);
    void emit_malformed(draft_line draft);
    void emit_special_line();
    void emit_huge_line();

    // ---- picks ----
    std::string pick_sku();
    std::string pick_loc() { return rng_.pick(locs_); }
    std::string pick_channel() { return rng_.pick(channels_); }
    std::pair<std::string, std::string> pick_pool_listing();
    const listing_state* pick_mapped_listing(const std::string& sku, bool allow_retired);
    void sku_ref(draft_line& draft, const std::string& sku, bool allow_retired);
    i64 observation_value(const listing_state& listing);

    // ---- events ----
    void gen_sku(bool fresh, const std::string& name);
    void gen_listing(const std::string& channel, const std::string& id, const std::string& sku);
    void gen_retire();
    void gen_receipt();
    void gen_order();
    void gen_cancel_or_ship(bool ship);
    void gen_return();
    void gen_restock();
    void gen_transfer_out();
    void gen_transfer_in();
    void gen_adjust();
    void gen_count();
    void gen_buffer();
    void gen_channel_policy(const std::string& channel);
    void gen_publish_policy(bool per_channel);
    void gen_channel_side(const std::string& type);
    void gen_random_event();

    split_mix rng_;
    reference_model model_;
    std::vector<std::string> lines_;
    std::vector<std::string> used_ids_;
    i64 now_ = civil_to_micros(2026, 11, 27, 10, 0, 0, 0);
    i64 next_id_ = 1;
    i64 next_order_ = 1;
    i64 next_transfer_ = 1;
    std::vector<std::string> sku_names_;
    std::string unknown_sku_ = "S9";
    bool unknown_defined_ = false;
    std::vector<std::string> locs_{"W1", "W2", "W3", "W4"};
    std::vector<std::string> channels_{"amazon", "shopify", "ebay", "woo"};
    std::vector<std::pair<std::string, std::string>> pool_;
    std::string pending_observation_sku_;
    std::map<std::pair<std::string, std::string>, std::string> home_sku_;
    i64 last_instant_at_ = -1;
};

}  // namespace weave_sim::generator_detail
