#pragma once
// What the Shopify adapter remembers between payloads:
//  - the last level per (inventory_item_id, location_id), because SPEC's `channel.level` is the
//    listing's total over its locations while Shopify reports one location at a time;
//  - variant id -> inventory_item_id, because order line items name the variant and a listing
//    is keyed by the inventory item.
// Saved as text for `weave serve` snapshots (save / load).
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace weave::channels::shopify {

// Entries kept at most; past them a new key is refused (levels: rejected `state_full`).
inline constexpr size_t state_levels_max = size_t{1} << 22;
inline constexpr size_t state_variants_max = size_t{1} << 22;

struct location_level {
    // nullopt: the item is not tracked at this location (Shopify's `available: null`); the
    // entry stays, with its time, so that an older level delivered late cannot bring it back.
    std::optional<int64_t> available;
    int64_t updated_us = 0;
};

enum class level_update : uint8_t {
    applied,
    stale, // older than the level kept for that location (webhooks are not delivered in order)
    full,  // a new key with state_levels_max entries already kept
};

class shopify_state {
public:
    // A level of `item` at `location`; one as old as the kept one is applied (a redelivery, or a
    // second change within Shopify's one-second `updated_at`).
    [[nodiscard]] level_update set_level(uint64_t item, uint64_t location,
                                         std::optional<int64_t> available, int64_t updated_us);
    // The sum of the item's tracked levels; nullopt when no location tracks it.
    std::optional<int64_t> total(uint64_t item) const;

    // False when the map is full and `variant` is new (the mapping is then not remembered).
    bool remember_variant(uint64_t variant, uint64_t item);
    std::optional<uint64_t> item_of_variant(uint64_t variant) const;

    size_t level_count() const { return _levels.size(); }
    size_t variant_count() const { return _variants.size(); }

    // Text, one entry a line after a version line; "" when nothing is kept.
    std::string save() const;
    // Replaces the state with what `save` wrote. False, and the state unchanged, when `text` is
    // not such a text; "" clears it.
    bool load(std::string_view text);

private:
    std::map<std::pair<uint64_t, uint64_t>, location_level> _levels;
    std::map<uint64_t, uint64_t> _variants;
};

} // namespace weave::channels::shopify
