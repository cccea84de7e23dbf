// Random logs for the reference-model comparison: every event type, policies with small graces,
// observations near the truth, out-of-order times, duplicate ids and bad lines of each kind.
// This file chooses the events from the model's state; log_writer.cpp writes them.
#include "log_generator_internal.h"

#include <algorithm>

namespace weave_sim {
namespace generator_detail {

// ---------------------------------------------------------------------------------------
// picks

std::string log_builder::pick_sku() {
    if (rng_.chance(4)) {
        return unknown_sku_;
    }
    return rng_.pick(sku_names_);
}

std::pair<std::string, std::string> log_builder::pick_pool_listing() {
    return rng_.pick(pool_);
}

const listing_state* log_builder::pick_mapped_listing(const std::string& sku, bool allow_retired) {
    std::vector<const listing_state*> found;
    for (const auto& [key, listing] : model_.listings) {
        if (listing.mapped && (sku.empty() || listing.sku == sku) &&
            (allow_retired || !listing.retired)) {
            found.push_back(&listing);
        }
    }
    if (found.empty()) {
        return nullptr;
    }
    return rng_.pick(found);
}

// `sku`, or `channel` + `listing` that name it (sometimes both, sometimes an unmapped listing).
void log_builder::sku_ref(draft_line& draft, const std::string& sku, bool allow_retired) {
    if (rng_.chance(3) && allow_retired) {
        const auto listing = pick_pool_listing();
        draft.text("channel", listing.first);
        draft.text("listing", listing.second);
        return;
    }
    if (rng_.chance(18)) {
        if (const listing_state* listing = pick_mapped_listing(sku, allow_retired)) {
            draft.text("channel", listing->channel);
            draft.text("listing", listing->id);
            if (rng_.chance(20)) {
                draft.text("sku", sku);
                draft.find("channel")->corruptible = false;
                draft.find("listing")->corruptible = false;
            }
            return;
        }
    }
    draft.text("sku", sku);
}

i64 log_builder::observation_value(const listing_state& listing) {
    const i64 roll = rng_.below(100);
    if (roll < 48) {
        return listing.expected;
    }
    if (roll < 60 && !listing.history.empty()) {
        return listing.history[static_cast<std::size_t>(
                                   rng_.below(static_cast<i64>(listing.history.size())))]
            .value;
    }
    if (roll < 67 && listing.observed.has_value()) {
        return *listing.observed;
    }
    if (roll < 84) {
        formula_variant variant;
        switch (rng_.below(6)) {
        case 0: variant.transit = true; break;
        case 1: variant.returns = true; break;
        case 2: variant.no_buffer = true; break;
        case 3: variant.no_reservations = true; break;
        case 4: variant.all_locations = true; break;
        default: variant.share_100 = true; break;
        }
        return model_.expected_for(listing.channel, listing.sku, model_.skus.at(listing.sku),
                                   variant);
    }
    if (roll < 90) {
        const auto it = model_.rejected_moves.find(listing.sku);
        if (it != model_.rejected_moves.end() && !it->second.empty()) {
            return model_.expected_after(listing.channel, listing.sku, it->second.back())
                .value_or(listing.expected);
        }
    }
    if (rng_.chance(70)) {
        return listing.expected + rng_.between(-3, 3);
    }
    return rng_.between(0, 40);
}

// ---------------------------------------------------------------------------------------
// events

void log_builder::gen_sku(bool fresh, const std::string& name) {
    draft_line draft = base("sku");
    draft.text("sku", name);
    if (rng_.chance(fresh ? 70 : 80)) {
        static const std::vector<std::string> classes = {"A", "B", "C"};
        draft.put("class", json_string(rng_.pick(classes)), field_kind::sku_class, false);
    }
    if (rng_.chance(30)) {
        draft.text("barcode", "00" + std::to_string(rng_.between(10000000, 99999999)), false);
    }
    emit(draft, !fresh);
}

void log_builder::gen_listing(const std::string& channel, const std::string& id,
                            const std::string& sku) {
    draft_line draft = base("listing");
    draft.text("channel", channel);
    draft.text("listing", id);
    draft.text("sku", sku);
    emit(draft);
}

void log_builder::gen_retire() {
    draft_line draft = base("listing.retire");
    const listing_state* listing = rng_.chance(80) ? pick_mapped_listing("", true) : nullptr;
    if (listing != nullptr) {
        draft.text("channel", listing->channel);
        draft.text("listing", listing->id);
    } else {
        const auto pooled = pick_pool_listing();
        draft.text("channel", pooled.first);
        draft.text("listing", pooled.second);
    }
    emit(draft);
}

void log_builder::gen_receipt() {
    draft_line draft = base("receipt");
    sku_ref(draft, pick_sku(), true);
    draft.text("loc", pick_loc());
    draft.number("qty", rng_.chance(10) ? rng_.between(20, 80) : rng_.between(1, 12),
                 field_kind::positive);
    if (rng_.chance(1)) {
        draft.number("qty", 1000000000, field_kind::positive);  // the bound: sums need 64 bits
    }
    emit(draft);
}

void log_builder::gen_order() {
    draft_line draft = base("order");
    std::string id = "o" + std::to_string(next_order_++);
    if (rng_.chance(6) && !model_.orders.empty()) {
        id = std::next(model_.orders.begin(),
                       static_cast<long>(rng_.below(static_cast<i64>(model_.orders.size()))))
                 ->first;
    }
    draft.text("order", id);
    std::string sku = pick_sku();
    std::string channel = pick_channel();
    const listing_state* via = nullptr;
    if (rng_.chance(15)) {
        via = pick_mapped_listing("", true);
    }
    if (via != nullptr) {
        channel = via->channel;
        draft.text("channel", channel);
        draft.text("listing", via->id);
        if (rng_.chance(20)) {
            draft.text("sku", sku);
            draft.find("listing")->corruptible = false;
        }
    } else if (rng_.chance(3)) {
        const auto pooled = pick_pool_listing();
        channel = pooled.first;
        draft.text("channel", channel);
        draft.text("listing", pooled.second);
    } else {
        draft.text("sku", sku);
        draft.text("channel", channel);
    }
    draft.number("qty", rng_.chance(12) ? rng_.between(10, 40) : rng_.between(1, 6),
                 field_kind::positive);
    if (rng_.chance(60)) {
        draft.put("loc", json_string(pick_loc()), field_kind::text, false);
    }
    emit(draft);
}

void log_builder::gen_cancel_or_ship(bool ship) {
    draft_line draft = base(ship ? "ship" : "cancel");
    std::vector<const std::pair<const std::string, order_line>*> open;
    std::vector<const std::pair<const std::string, order_line>*> all;
    for (const auto& entry : model_.orders) {
        all.push_back(&entry);
        if (entry.second.open > 0) {
            open.push_back(&entry);
        }
    }
    std::string id = "o-missing-" + std::to_string(rng_.below(5));
    std::string sku = pick_sku();
    const order_line* line = nullptr;
    if (!all.empty() && !rng_.chance(8)) {
        const auto* entry = (!open.empty() && rng_.chance(80)) ? rng_.pick(open) : rng_.pick(all);
        id = entry->first;
        line = &entry->second;
        sku = rng_.chance(7) ? rng_.pick(sku_names_) : line->sku;
    }
    draft.text("order", id);
    if (line != nullptr && sku == unknown_sku_ && !unknown_defined_) {
        sku = line->sku;
    }
    sku_ref(draft, sku, true);
    const i64 open_qty = line != nullptr ? line->open : 3;
    if (ship) {
        const bool has_loc = line != nullptr && line->loc.has_value();
        if (rng_.chance(has_loc ? 40 : 85)) {
            draft.put("loc", json_string(pick_loc()), field_kind::text, false);
        }
    }
    if (rng_.chance(50)) {
        draft.number("qty", rng_.between(1, open_qty + (ship ? 1 : 2)), field_kind::positive,
                     false);
    }
    emit(draft);
}

void log_builder::gen_return() {
    draft_line draft = base("return");
    sku_ref(draft, pick_sku(), true);
    draft.text("loc", pick_loc());
    draft.number("qty", rng_.between(1, 4), field_kind::positive);
    emit(draft);
}

void log_builder::gen_restock() {
    draft_line draft = base("restock");
    std::vector<std::pair<std::string, std::string>> pending;
    for (const auto& [sku, state] : model_.skus) {
        for (const auto& [loc, line] : state.stock) {
            if (line.returns_pending > 0) {
                pending.emplace_back(sku, loc);
            }
        }
    }
    if (!pending.empty() && rng_.chance(80)) {
        const auto& [sku, loc] = rng_.pick(pending);
        const i64 have = model_.skus.at(sku).stock.at(loc).returns_pending;
        sku_ref(draft, sku, true);
        draft.text("loc", loc);
        draft.number("qty", rng_.between(1, have + (rng_.chance(15) ? 2 : 0)),
                     field_kind::positive);
    } else {
        sku_ref(draft, pick_sku(), true);
        draft.text("loc", pick_loc());
        draft.number("qty", rng_.between(1, 3), field_kind::positive);
    }
    emit(draft);
}

void log_builder::gen_transfer_out() {
    draft_line draft = base("transfer.out");
    std::string id = "T" + std::to_string(next_transfer_++);
    if (rng_.chance(6) && !model_.transfers.empty()) {
        id = std::next(model_.transfers.begin(),
                       static_cast<long>(rng_.below(static_cast<i64>(model_.transfers.size()))))
                 ->first;
    }
    draft.text("transfer", id);
    sku_ref(draft, pick_sku(), true);
    const std::string from = pick_loc();
    std::string to = pick_loc();
    while (to == from && !rng_.chance(3)) {
        to = pick_loc();
    }
    draft.text("from", from);
    draft.text("to", to);
    draft.number("qty", rng_.between(1, 8), field_kind::positive);
    emit(draft);
}

void log_builder::gen_transfer_in() {
    draft_line draft = base("transfer.in");
    std::vector<const std::pair<const std::string, transfer_state>*> live;
    std::vector<const std::pair<const std::string, transfer_state>*> all;
    for (const auto& entry : model_.transfers) {
        all.push_back(&entry);
        if (entry.second.remaining > 0) {
            live.push_back(&entry);
        }
    }
    std::string id = "T-missing-" + std::to_string(rng_.below(4));
    std::string sku = pick_sku();
    const transfer_state* transfer = nullptr;
    if (!all.empty() && !rng_.chance(10)) {
        const auto* entry = (!live.empty() && rng_.chance(85)) ? rng_.pick(live) : rng_.pick(all);
        id = entry->first;
        transfer = &entry->second;
        sku = rng_.chance(6) ? rng_.pick(sku_names_) : transfer->sku;
    }
    draft.text("transfer", id);
    if (transfer != nullptr && sku == unknown_sku_ && !unknown_defined_) {
        sku = transfer->sku;
    }
    sku_ref(draft, sku, true);
    if (rng_.chance(50)) {
        const i64 remaining = transfer != nullptr ? transfer->remaining : 3;
        draft.number("qty", rng_.between(1, remaining + 1), field_kind::positive, false);
    }
    emit(draft);
}

void log_builder::gen_adjust() {
    draft_line draft = base("adjust");
    const std::string sku = pick_sku();
    const bool unreasoned = rng_.chance(15);
    sku_ref(draft, sku, true);
    draft.text("loc", pick_loc());
    i64 delta = rng_.between(-5, 5);
    if (delta == 0) {
        delta = 1;
    }
    if (rng_.chance(2)) {
        delta = rng_.chance(50) ? -1000000000 : 1000000000;
    }
    draft.number("delta", delta, field_kind::non_zero);
    draft.put("reason", json_string(rng_.chance(50) ? "damaged" : "found"), field_kind::reason);
    draft.put("owner", json_string(rng_.chance(50) ? "ops-ana" : "wms-sync"), field_kind::reason);
    draft.find("reason")->required = false;
    draft.find("owner")->required = false;
    if (unreasoned) {
        switch (rng_.below(5)) {
        case 0: draft.erase("reason"); break;
        case 1: draft.erase("owner"); break;
        case 2: draft.find("reason")->raw = "null"; break;
        case 3: draft.find("reason")->raw = "\"\""; break;
        default: draft.find("owner")->raw = "\"\""; break;
        }
        for (auto& field : draft.fields) {
            if (field.key == "reason" || field.key == "owner") {
                field.corruptible = false;
            }
        }
    }
    emit(draft);
}

void log_builder::gen_count() {
    draft_line draft = base("count");
    const std::string sku = pick_sku();
    const std::string loc = pick_loc();
    sku_ref(draft, sku, true);
    draft.text("loc", loc);
    i64 on_hand = 0;
    if (const auto it = model_.skus.find(sku); it != model_.skus.end()) {
        if (const auto jt = it->second.stock.find(loc); jt != it->second.stock.end()) {
            on_hand = jt->second.on_hand;
        }
    }
    i64 counted = on_hand;
    if (rng_.chance(55)) {
        counted = on_hand + rng_.between(-3, 3);
    }
    counted = std::max<i64>(counted, 0);
    draft.number("counted", counted, field_kind::non_negative);
    draft.text("owner", rng_.chance(10) ? "" : "counter-" + std::to_string(rng_.below(3)));
    emit(draft);
}

void log_builder::gen_buffer() {
    draft_line draft = base("policy.buffer");
    draft.number("units", rng_.between(0, 4), field_kind::non_negative);
    static const std::vector<std::string> classes = {"A", "B", "C"};
    const i64 roll = rng_.below(100);
    if (roll < 45) {
        draft.put("sku", json_string(rng_.chance(10) ? "S7" : pick_sku()), field_kind::text, false);
    } else if (roll < 92) {
        draft.put("class", json_string(rng_.pick(classes)), field_kind::sku_class, false);
    } else {
        draft.put("sku", json_string(pick_sku()), field_kind::text, false);
        draft.put("class", json_string(rng_.pick(classes)), field_kind::sku_class, false);
        draft.find("sku")->corruptible = false;
    }
    emit(draft);
}

void log_builder::gen_channel_policy(const std::string& channel) {
    draft_line draft = base("policy.channel");
    draft.text("channel", channel);
    if (rng_.chance(55)) {
        std::string raw = "[";
        bool first = true;
        for (const auto& loc : locs_) {
            if (rng_.chance(45)) {
                raw += (first ? "" : ",") + json_string(loc);
                first = false;
            }
        }
        if (!first && rng_.chance(5)) {
            raw += ",\"W1\"";
        }
        raw += "]";
        draft.put("locations", raw, field_kind::locations, false);
    }
    if (rng_.chance(40)) {
        static const std::vector<i64> shares = {25, 33, 50, 75, 100, 1, 99, 60};
        draft.number("share", rng_.chance(70) ? rng_.pick(shares) : rng_.between(1, 100),
                     field_kind::share, false);
    }
    if (rng_.chance(25)) {
        draft.number("max", rng_.between(0, 15), field_kind::non_negative, false);
    }
    emit(draft);
}

void log_builder::gen_publish_policy(bool per_channel) {
    draft_line draft = base("policy.publish");
    static const std::vector<i64> graces = {0, 200, 1000, 3000, 5000, 10000, 20000, 30000,
                                            120000};
    draft.number("grace_ms", rng_.pick(graces), field_kind::non_negative);
    if (per_channel) {
        draft.put("channel", json_string(pick_channel()), field_kind::text, false);
    }
    emit(draft);
}

void log_builder::gen_channel_side(const std::string& type) {
    draft_line draft = base(type);
    const listing_state* listing = rng_.chance(85) ? pick_mapped_listing("", true) : nullptr;
    bool targeted = false;
    if (!pending_observation_sku_.empty()) {
        if (const listing_state* wanted = pick_mapped_listing(pending_observation_sku_, true)) {
            listing = wanted;
            targeted = true;
        }
        pending_observation_sku_.clear();
    }
    i64 qty = 0;
    if (listing != nullptr) {
        draft.text("channel", listing->channel);
        draft.text("listing", listing->id);
        qty = type == "publish" && rng_.chance(80) ? listing->expected
                                                  : observation_value(*listing);
        const auto moves = model_.rejected_moves.find(listing->sku);
        if (targeted && moves != model_.rejected_moves.end() && rng_.chance(70)) {
            qty = model_.expected_after(listing->channel, listing->sku, moves->second.back())
                      .value_or(qty);
        }
    } else {
        const auto pooled = pick_pool_listing();
        draft.text("channel", pooled.first);
        draft.text("listing", pooled.second);
        const auto it = model_.listings.find(pooled);
        qty = it != model_.listings.end() && it->second.observed.has_value() && rng_.chance(40)
                  ? *it->second.observed
                  : rng_.between(0, 30);
    }
    if (rng_.per_mille(5)) {
        qty = rng_.chance(50) ? -1000000000 : 1000000000;
    }
    draft.number("qty", qty, field_kind::any_int);
    if (type == "publish.ack") {
        if (rng_.chance(18)) {
            draft.put("ok", "false", field_kind::boolean, false);
            if (rng_.chance(70)) {
                draft.text("error", rng_.chance(50) ? "503" : "throttled", false);
            }
        } else if (rng_.chance(30)) {
            draft.put("ok", "true", field_kind::boolean, false);
        }
    }
    emit(draft);
}

void log_builder::gen_random_event() {
    struct weighted_choice {
        int weight;
        int kind;
    };
    static const weighted_choice choices[] = {
        {14, 0}, {6, 1}, {3, 2}, {7, 3}, {8, 4}, {4, 5}, {5, 6}, {2, 7}, {2, 8},
        {2, 9}, {3, 10}, {3, 11}, {2, 12}, {1, 13}, {1, 14}, {1, 15}, {1, 16}, {1, 17},
        {1, 18}, {2, 19}};
    int total = 0;
    for (const auto& choice : choices) {
        total += choice.weight;
    }
    i64 roll = rng_.below(total);
    int kind = 0;
    if (!pending_observation_sku_.empty()) {
        roll = 0;  // the first choice: channel.level
    }
    for (const auto& choice : choices) {
        if (roll < choice.weight) {
            kind = choice.kind;
            break;
        }
        roll -= choice.weight;
    }
    switch (kind) {
    case 0: gen_channel_side("channel.level"); break;
    case 1: gen_channel_side("publish.ack"); break;
    case 2: gen_channel_side("publish"); break;
    case 3: gen_receipt(); break;
    case 4: gen_order(); break;
    case 5: gen_cancel_or_ship(false); break;
    case 6: gen_cancel_or_ship(true); break;
    case 7: gen_return(); break;
    case 8: gen_restock(); break;
    case 9: gen_transfer_out(); break;
    case 10: gen_transfer_in(); break;
    case 11: gen_adjust(); break;
    case 12: gen_count(); break;
    case 13: {
        if (!unknown_defined_ && rng_.chance(10)) {
            unknown_defined_ = true;
            gen_sku(false, unknown_sku_);
            sku_names_.push_back(unknown_sku_);
        } else {
            gen_sku(false, rng_.pick(sku_names_));
        }
        break;
    }
    case 14: {
        auto pooled = pick_pool_listing();
        const listing_state* retired = nullptr;
        for (const auto& [key, listing] : model_.listings) {
            if (listing.mapped && listing.retired) {
                retired = &listing;
            }
        }
        if (retired != nullptr && rng_.chance(40)) {
            pooled = {retired->channel, retired->id};
        }
        std::string sku = rng_.chance(75) ? home_sku_[pooled] : pick_sku();
        gen_listing(pooled.first, pooled.second, rng_.chance(4) ? "S8" : sku);
        break;
    }
    case 15:
        if (rng_.chance(40)) {
            gen_retire();
        } else {
            gen_receipt();
        }
        break;
    case 16: gen_buffer(); break;
    case 17: gen_channel_policy(pick_channel()); break;
    case 18: gen_publish_policy(rng_.chance(50)); break;
    default: emit_special_line(); break;
    }
    // After a rejected movement, often look at the channel right away (rejected_movement).
    const std::string& sku = model_.last_rejected_move_sku;
    if (!sku.empty() && model_.skus.count(sku) > 0 && rng_.chance(40)) {
        pending_observation_sku_ = sku;
    }
}

generated_log log_builder::run() {
    const int sku_count = static_cast<int>(rng_.chance(10) ? rng_.between(8, 14)
                                                           : rng_.between(2, 6));
    for (int k = 1; k <= sku_count; ++k) {
        sku_names_.push_back("S" + std::to_string(k));
    }
    if (rng_.chance(10)) {
        sku_names_.push_back("S\xC3\xA9");  // a non-ASCII SKU: outputs sort by bytes
    }
    static const std::vector<std::pair<std::string, std::string>> prefixes = {
        {"amazon", "A"}, {"shopify", "SH"}, {"ebay", "E"}, {"woo", "WO"}};
    for (const auto& [channel, prefix] : prefixes) {
        const i64 count = rng_.between(1, 4);
        for (i64 k = 1; k <= count; ++k) {
            pool_.emplace_back(channel, prefix + std::to_string(k));
        }
    }
    if (rng_.chance(40)) {
        for (const auto& channel : channels_) {
            pool_.emplace_back(channel, "X1");  // the same listing id on every channel
        }
    }
    if (rng_.chance(10)) {
        channels_.push_back("etsy");
        pool_.emplace_back("etsy", "ET1");
    }

    // Set-up: graces, SKUs, buffers, channel policies, listings, first receipts.
    if (rng_.chance(85)) {
        gen_publish_policy(false);
    }
    for (const auto& channel : channels_) {
        if (rng_.chance(25)) {
            draft_line draft = base("policy.publish");
            draft.number("grace_ms", rng_.between(0, 30) * 1000, field_kind::non_negative);
            draft.text("channel", channel, false);
            emit(draft, false);
        }
    }
    for (const auto& sku : sku_names_) {
        gen_sku(true, sku);
    }
    for (const char* cls : {"A", "B", "C"}) {
        if (rng_.chance(35)) {
            draft_line draft = base("policy.buffer");
            draft.number("units", rng_.between(0, 3), field_kind::non_negative);
            draft.put("class", json_string(cls), field_kind::sku_class, false);
            emit(draft, false);
        }
    }
    for (const auto& channel : channels_) {
        if (rng_.chance(50)) {
            gen_channel_policy(channel);
        }
    }
    // Listing k of a channel lists its own SKU most of the time (few duplicate listings).
    std::map<std::string, std::size_t> next_home;
    for (const auto& [channel, id] : pool_) {
        const std::size_t home =
            (next_home[channel]++ + static_cast<std::size_t>(channel.size())) % sku_names_.size();
        home_sku_[{channel, id}] = sku_names_[home];
        if (rng_.chance(75)) {
            gen_listing(channel, id, rng_.chance(85) ? sku_names_[home] : rng_.pick(sku_names_));
        }
    }
    for (const auto& sku : sku_names_) {
        const i64 receipts = rng_.between(1, 3);
        for (i64 k = 0; k < receipts; ++k) {
            draft_line draft = base("receipt");
            draft.text("sku", sku);
            draft.text("loc", pick_loc());
            draft.number("qty", rng_.between(1, 30), field_kind::positive);
            emit(draft, false);
        }
    }

    const std::size_t target = static_cast<std::size_t>(rng_.between(300, 2000));
    if (rng_.chance(5)) {
        last_instant_at_ = next_id_ + rng_.between(0, static_cast<i64>(target));
    }
    // A few seeds hold one line of exactly 1 MiB (accepted) or 1 MiB + 1 byte (line_too_long).
    const std::size_t huge_at =
        rng_.chance(3) ? static_cast<std::size_t>(rng_.between(0, static_cast<i64>(target)))
                       : target + 1;
    while (lines_.size() < target) {
        if (lines_.size() == huge_at) {
            emit_huge_line();
        }
        gen_random_event();
    }

    generated_log result;
    for (std::size_t k = 0; k < lines_.size(); ++k) {
        result.text += lines_[k];
        const bool last = k + 1 == lines_.size();
        if (!last || lines_[k].empty() || !rng_.chance(15)) {
            result.text += "\n";
        }
    }
    result.lines = lines_.size();
    model_.finish();
    result.outputs = model_.outputs();
    return result;
}

}  // namespace generator_detail

generated_log generate_log(std::uint64_t seed) {
    generator_detail::log_builder generator(seed);
    return generator.run();
}

}  // namespace weave_sim
