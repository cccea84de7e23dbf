#pragma once
// What the router sends to a shard: one fixed-size record per routed event or control step, with
// every reference already resolved to dense ids and every check already passed (the shard applies,
// it never rejects). Records of one shard arrive in log order.
#include <cstdint>
#include <type_traits>

namespace weave {

struct channel_policy;

enum class shard_op : uint8_t {
    // movements (applied)
    receipt, order, cancel, ship, return_, restock, transfer_out, transfer_in, adjust, count,
    // identity and policy
    sku_define, buffer_own, listing_attach, listing_detach, listing_retire,
    policy_channel,       // channel, channel_policy
    policy_class_buffer,  // sku_class, qty = units
    policy_grace,         // channel (no_channel: the default), qty = grace in us
    // channel side
    observe, ack_failed,
    // a movement the router rejected, remembered for the classifier; `movement` names its type
    rejected_movement,
    // live mode: event time passed on the wall clock (watermark_us) with no event: deadlines
    // d < watermark_us fire, whoever armed them (applied_seq = UINT64_MAX)
    clock,
    // live mode: changes nothing; its seq tells the router the shard has caught up
    sync,
    end,
};

inline constexpr uint32_t no_loc = UINT32_MAX;
inline constexpr uint32_t no_slot = UINT32_MAX;
inline constexpr uint32_t no_channel = UINT32_MAX;

enum shard_record_flags : uint8_t {
    record_is_ack = 1u << 0,        // observe: publish.ack ok=true (else channel.level)
    record_nothing_to_apply = 1u << 1,  // rejected_movement without effect
    record_has_qty = 1u << 2,           // rejected cancel/ship/transfer.in named its qty
};

struct alignas(64) shard_record {
    uint64_t seq = 0;
    int64_t ts_us = 0;
    int64_t watermark_us = 0;  // W after this event (SPEC §4); fires deadlines d < W first
    int64_t qty = 0;           // qty, delta, counted, units by op
    union {
        int64_t enqueue_ns = 0;         // latency sample stamp (0: not sampled)
        const channel_policy* policy;  // op == policy_channel
        uint64_t applied_seq;           // rejected_movement, end: seq of the last applied event
    };
    uint32_t sku_slot = no_slot;  // shard-local SKU slot
    uint32_t loc = no_loc;        // primary location: receipt/order/held reservation/from/...
    uint32_t loc2 = no_loc;       // ship: where on_hand leaves; transfer: destination
    uint32_t listing = 0;         // listing ops: the listing; order/cancel/ship and
                                  // transfer ops: the shard-local line or transfer slot
    uint32_t channel = 0;
    shard_op op = shard_op::end;
    shard_op movement = shard_op::end;  // rejected_movement: the type as it would apply
    uint8_t flags = 0;
    char sku_class = 'C';
};
static_assert(sizeof(shard_record) == 64);

// Whether the record's union holds a latency stamp (other ops use it for something else).
constexpr bool carries_latency_stamp(shard_op op) {
    return op != shard_op::policy_channel && op != shard_op::end &&
           op != shard_op::rejected_movement && op != shard_op::clock && op != shard_op::sync;
}
static_assert(std::is_trivially_copyable_v<shard_record>);

} // namespace weave
