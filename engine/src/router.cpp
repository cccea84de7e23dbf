#include "router.h"

#include <algorithm>
#include <cstring>

namespace weave {
namespace {

constexpr size_t staged_records_max = 256;

uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

} // namespace

router::router(unsigned shard_count, listing_store& listings, router_hooks hooks)
    : _shard_count(shard_count), _listings(listings), _hooks(hooks), _staged(shard_count),
      _shard_slot_count(shard_count, 0), _shard_line_count(shard_count, 0),
      _shard_transfer_count(shard_count, 0), _slot_skus(shard_count) {
    WEAVE_ASSERT(shard_count >= 1 && shard_count <= shards_max);
    WEAVE_ASSERT(hooks.deliver != nullptr && hooks.wait_processed != nullptr);
    for (auto& staged : _staged) {
        staged.reserve(staged_records_max);
    }
}

void router::expect_log_bytes(uint64_t log_bytes) {
    _log_bytes_expected = log_bytes;
}

void router::reserve_from_sample(const parsed_chunk& chunk) {
    // Every accepted line interns one event id, so the id table ends near the first chunk's
    // events per byte scaled to the whole log. Growing it by doubling instead cost a fifth of the
    // replay's page faults and copies (bench/README.md). The order and transfer tables, reserved
    // the same way, measured no faster, so they still grow. A guess only: a wrong one costs
    // memory or growth, never output.
    uint64_t id_bytes = 0;
    for (const parsed_event& event : chunk.events) {
        id_bytes += event.id.length;
    }
    const double scale = static_cast<double>(_log_bytes_expected) /
                         static_cast<double>(chunk.byte_count);
    // No event line is shorter than this, so an odd first chunk cannot blow the guess up.
    constexpr uint64_t event_bytes_min = 32;
    const auto events = std::min<double>(static_cast<double>(chunk.events.size()) * scale,
                                         static_cast<double>(_log_bytes_expected / event_bytes_min));
    const auto bytes = std::min<double>(static_cast<double>(id_bytes) * scale,
                                        static_cast<double>(_log_bytes_expected));
    _ids.reserve(static_cast<size_t>(events), static_cast<size_t>(bytes));
}

void router::route(const parsed_chunk& chunk) {
    // The id table is the one large random-access structure of the router: load the slots of
    // a few events ahead while this one is routed.
    constexpr size_t prefetch_distance = 8;
    const auto& events = chunk.events;
    if (_log_bytes_expected != 0 && _line_base == 0 && chunk.byte_count != 0) {
        reserve_from_sample(chunk);
    }
    uint32_t next_line = 0;
    for (size_t i = 0; i < events.size(); i++) {
        if (i + prefetch_distance < events.size()) {
            const parsed_event& ahead = events[i + prefetch_distance];
            _ids.prefetch(ahead.id_hash);
            if (ahead.has(has_sku)) {
                _skus.prefetch(ahead.sku_hash);
            } else if (ahead.has(has_listing)) {
                _listings_by_key.prefetch(ahead.listing_hash);
            }
            if (ahead.type == event_type::order || ahead.type == event_type::cancel ||
                ahead.type == event_type::ship) {
                _orders.prefetch(ahead.ref_hash);
            } else if (ahead.type == event_type::transfer_out ||
                       ahead.type == event_type::transfer_in) {
                _transfers.prefetch(ahead.ref_hash);
            }
        }
        if (_hooks.pace_events_per_s != 0) {
            pace();
        }
        WEAVE_ASSERT(events[i].line_index >= next_line);
        next_line = events[i].line_index + 1;
        route_event(chunk, events[i], _line_base + events[i].line_index + 1);
    }
    _counters.lines += chunk.line_count;
    _counters.blank_lines += chunk.blank_lines;
    _line_base += chunk.line_count;
    for (unsigned s = 0; s < _shard_count; s++) {
        flush(s);
    }
}

void router::finish() {
    for (unsigned s = 0; s < _shard_count; s++) {
        shard_record record;
        record.op = shard_op::end;
        record.seq = _line_base + 1;
        record.watermark_us = _watermark_us;
        record.applied_seq = _last_applied_seq;
        send(s, record);
        flush(s);
    }
}

bool router::find_sku(std::string_view name, unsigned& shard, uint32_t& slot,
                      uint32_t& sku) const {
    sku = _skus.find(name);
    if (sku == no_id || !_sku_entries[sku].defined) {
        return false;
    }
    shard = _sku_entries[sku].shard;
    slot = _sku_entries[sku].slot;
    return true;
}

void router::advance_clock(int64_t watermark_us) {
    if (has_watermark() && watermark_us <= _watermark_us) {
        return;
    }
    shard_record record;
    record.op = shard_op::clock;
    record.seq = _line_base;
    record.watermark_us = watermark_us;
    record.applied_seq = UINT64_MAX;
    broadcast(record);
    for (unsigned s = 0; s < _shard_count; s++) {
        flush(s);
    }
}

void router::sync() {
    shard_record record;
    record.op = shard_op::sync;
    record.seq = _line_base;
    record.qty = static_cast<int64_t>(++_syncs);
    broadcast(record);
    for (unsigned s = 0; s < _shard_count; s++) {
        flush(s);
    }
    WEAVE_ASSERT(_hooks.wait_synced != nullptr);
    for (unsigned s = 0; s < _shard_count; s++) {
        _hooks.wait_synced(_hooks.context, s, _syncs);
    }
}

void router::route_event(const parsed_chunk& chunk, const parsed_event& event, uint64_t seq) {
    _counters.events_read++;
    const bool id_failed = (event.reject == reject_reason::missing_field ||
                            event.reject == reject_reason::bad_field) &&
                           event.reject_field == field_name::id;
    if (event.reject == reject_reason::malformed_json ||
        event.reject == reject_reason::line_too_long || id_failed) {
        reject(chunk, event, seq, event.reject, event.reject_field);
        return;
    }
    // SPEC §6: the duplicate check comes right after `id`; a rejected line's id is not kept.
    const std::string_view id = chunk.text(event.id);
    const uint64_t id_hash = event.id_hash;
    WEAVE_DASSERT(id_hash == hash_bytes(id));
    if (_ids.find(id, id_hash) != no_id) {
        _counters.duplicates++;
        return;
    }
    if (event.reject != reject_reason::none) {
        reject(chunk, event, seq, event.reject, event.reject_field);
        remember_rejected(chunk, event, seq, event.reject);
        return;
    }
    const reject_reason reason = apply(chunk, event, seq);
    if (reason != reject_reason::none) {
        reject(chunk, event, seq, reason, field_name::none);
        remember_rejected(chunk, event, seq, reason);
        return;
    }
    bool inserted = false;
    _ids.intern(id, id_hash, inserted);
    WEAVE_ASSERT(inserted);
    _last_applied_seq = seq;
    _counters.applied++;
    _counters.applied_by_type[static_cast<size_t>(event.type)]++;
}

void router::reject(const parsed_chunk& chunk, const parsed_event& event, uint64_t seq,
                    reject_reason reason, field_name field) {
    WEAVE_ASSERT(reason != reject_reason::none);
    _counters.rejected++;
    _rejects.push_back(
        reject_entry{.seq = seq,
                     .line_offset = chunk.file_offset + event.line_offset,
                     .line_length = event.line_length,
                     .reason = reason,
                     .field = field});
}

reject_reason router::apply(const parsed_chunk& chunk, const parsed_event& event, uint64_t seq) {
    switch (event.type) {
    case event_type::sku:
    case event_type::listing:
    case event_type::listing_retire:
        return apply_identity(chunk, event, seq);
    case event_type::policy_buffer:
    case event_type::policy_channel:
    case event_type::policy_publish:
        return apply_policy(chunk, event, seq);
    case event_type::publish:
    case event_type::publish_ack:
    case event_type::channel_level:
        return apply_channel_side(chunk, event, seq);
    default:
        break;
    }
    WEAVE_ASSERT(is_movement(event.type));
    uint32_t sku = no_sku;
    if (const reject_reason reason = resolve_sku(chunk, event, sku);
        reason != reject_reason::none) {
        return reason;
    }
    return apply_movement(chunk, event, seq, sku);
}

uint32_t router::intern_sku(std::string_view name) {
    bool inserted = false;
    const uint32_t sku = _skus.intern(name, hash_bytes(name), inserted);
    if (inserted) {
        const auto shard = static_cast<unsigned>(mix(sku) % _shard_count);
        _sku_entries.push_back(
            sku_entry{_shard_slot_count[shard]++, static_cast<uint16_t>(shard), 'C', false});
        _slot_skus[shard].push_back(sku);
    }
    return sku;
}

uint32_t router::find_listing(const parsed_chunk& chunk, const parsed_event& event) const {
    WEAVE_DASSERT(event.has(has_channel) && event.has(has_listing));
    return _listings_by_key.find(chunk.text(event.listing_key), event.listing_hash);
}

uint32_t router::intern_listing(const parsed_chunk& chunk, const parsed_event& event) {
    bool inserted = false;
    const uint32_t listing =
        _listings_by_key.intern(chunk.text(event.listing_key), event.listing_hash, inserted);
    if (inserted) {
        const uint32_t channel = _channels.intern(chunk.text(event.channel));
        _listing_entries.push_back(listing_entry{.channel = channel, .sku = no_sku, .retired = false});
        _listings.ensure(listing);
        _listings[listing].channel = channel;
    }
    return listing;
}

std::string_view router::listing_name(uint32_t listing) const {
    const std::string_view key = _listings_by_key.name(listing);
    uint32_t channel_length = 0;
    std::memcpy(&channel_length, key.data(), sizeof channel_length);
    return key.substr(sizeof channel_length + channel_length);
}

uint32_t router::returns_key(uint32_t sku, uint32_t loc) {
    const uint64_t key = (static_cast<uint64_t>(sku) << 32) | loc;
    const std::string_view bytes(reinterpret_cast<const char*>(&key), sizeof key);
    bool inserted = false;
    const uint32_t index = _returns_keys.intern(bytes, hash_bytes(bytes), inserted);
    if (inserted) {
        _returns_pending.push_back(0);
    }
    return index;
}

reject_reason router::resolve_sku(const parsed_chunk& chunk, const parsed_event& event,
                                  uint32_t& sku) {
    if (event.has(has_sku)) {
        sku = _skus.find(chunk.text(event.sku), event.sku_hash);
        return sku != no_id && _sku_entries[sku].defined ? reject_reason::none
                                                         : reject_reason::unknown_sku;
    }
    const uint32_t listing = find_listing(chunk, event);
    if (listing == no_id || _listing_entries[listing].sku == no_sku) {
        return reject_reason::unmapped_listing;
    }
    if (_listing_entries[listing].retired) {
        return reject_reason::retired_listing;
    }
    sku = _listing_entries[listing].sku;
    return reject_reason::none;
}

shard_record router::make_record(shard_op op, const parsed_event& event, uint64_t seq) const {
    shard_record record;
    record.op = op;
    record.seq = seq;
    record.ts_us = event.ts_us;
    record.watermark_us = _watermark_us;
    record.enqueue_ns = 0;
    return record;
}

void router::send(unsigned shard, shard_record record) {
    if (_hooks.now_ns != nullptr && carries_latency_stamp(record.op) &&
        ++_records_sent % _hooks.sample_every == 0) {
        record.enqueue_ns = sample_pending;  // stamped when it enters the shard queue (flush)
    }
    _staged[shard].push_back(record);
    if (_staged[shard].size() >= staged_records_max) {
        flush(shard);
    }
}

void router::pace() {
    // Sustained-load benchmarks: event n may not leave before start + n / rate. When the router
    // is ahead it flushes what it holds, so that queued records are not timed while staged.
    const int64_t now = _hooks.now_ns();
    if (_paced_events == 0) {
        _pace_start_ns = now;
    }
    const auto due = _pace_start_ns + static_cast<int64_t>(_paced_events * 1'000'000'000ull /
                                                           _hooks.pace_events_per_s);
    _paced_events++;
    if (now >= due) {
        return;
    }
    for (unsigned s = 0; s < _shard_count; s++) {
        flush(s);
    }
    while (_hooks.now_ns() < due) {
    }
}

void router::flush(unsigned shard) {
    auto& staged = _staged[shard];
    if (!staged.empty()) {
        // Latency is timed from the shard queue on (bench/README.md), not from the router's
        // staging buffer: sampled records get their stamp now.
        if (_hooks.now_ns != nullptr) {
            const int64_t now = _hooks.now_ns();
            for (shard_record& record : staged) {
                if (carries_latency_stamp(record.op) && record.enqueue_ns == sample_pending) {
                    record.enqueue_ns = now;
                }
            }
        }
        _hooks.deliver(_hooks.context, shard, staged.data(), staged.size());
        staged.clear();
    }
}

} // namespace weave
