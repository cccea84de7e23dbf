#pragma once
// Divergence records (SPEC §4, §5): layers and causes in the order of the classification table.
#include <array>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace weave {

enum class divergence_layer : uint8_t { identity, publish, ledger, policy, unexplained };
inline constexpr size_t divergence_layer_count = 5;
inline constexpr std::array<std::string_view, divergence_layer_count> divergence_layer_names = {
    "identity", "publish", "ledger", "policy", "unexplained"};

// Causes in report order: per layer, in the order of SPEC §4's table (unmapped_listing first).
enum class divergence_cause : uint8_t {
    unmapped_listing,
    retired_listing,
    duplicate_listing,
    publish_failed,
    stale_value,
    rejected_movement,
    in_transit_counted,
    returns_counted,
    buffer_ignored,
    reservations_ignored,
    location_scope,
    share_ignored,
    channel_edit,
};
inline constexpr size_t divergence_cause_count = 13;
inline constexpr std::array<std::string_view, divergence_cause_count> divergence_cause_names = {
    "unmapped_listing", "retired_listing", "duplicate_listing", "publish_failed", "stale_value",
    "rejected_movement", "in_transit_counted", "returns_counted", "buffer_ignored",
    "reservations_ignored", "location_scope", "share_ignored", "channel_edit"};
inline constexpr std::array<divergence_layer, divergence_cause_count> divergence_cause_layer = {
    divergence_layer::identity, divergence_layer::identity, divergence_layer::identity,
    divergence_layer::publish,  divergence_layer::publish,  divergence_layer::ledger,
    divergence_layer::ledger,   divergence_layer::ledger,   divergence_layer::policy,
    divergence_layer::policy,   divergence_layer::policy,   divergence_layer::policy,
    divergence_layer::unexplained};

constexpr divergence_layer layer_of(divergence_cause cause) {
    return divergence_cause_layer[static_cast<size_t>(cause)];
}

inline constexpr uint32_t no_sku = UINT32_MAX;

// One line of divergences.ndjson. `produced_seq`/`produced_index` give the order in which the
// engine produced it, the last tie-breaker of SPEC §5's sort.
struct divergence_record {
    int64_t ts_us = 0;
    int64_t duration_us = 0;  // close only
    int64_t expected = 0;
    int64_t observed = 0;
    uint64_t seq = 0;  // 0: null (opened by a deadline)
    uint64_t produced_seq = 0;
    uint32_t produced_index = 0;
    uint32_t listing = 0;
    uint32_t channel = 0;
    uint32_t sku = no_sku;  // no_sku: null
    divergence_cause cause = divergence_cause::channel_edit;
    bool is_close = false;
    uint8_t padding[6] = {};  // zeroed: live snapshots hold these bytes as they are
};
static_assert(std::is_trivially_copyable_v<divergence_record>);

} // namespace weave
