// Live mode: the replay engine with persistent shard workers (see weave/live.h).
#include "weave/live.h"

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "report.h"
#include "shard_lanes.h"
#include "snapshot.h"
#include "weave/time.h"

namespace weave {
namespace {

// The order in which the shards produced records (the stream's order).
bool produced_before(const divergence_record& a, const divergence_record& b) {
    if (a.produced_seq != b.produced_seq) {
        return a.produced_seq < b.produced_seq;
    }
    return a.produced_index < b.produced_index;
}

} // namespace

struct live_engine::impl {
    live_options options;
    listing_store listings;
    lanes shards;
    std::unique_ptr<router> route;
    std::vector<std::thread> workers;
    std::vector<size_t> taken; // per shard: divergence records already collected
    size_t router_taken = 0;
    std::vector<live_divergence> pending;
    std::vector<divergence_record> open; // by listing id; valid where is_open[listing]
    std::vector<bool> is_open;
    uint64_t opened = 0, closed = 0;
    // Parser states for concurrent `parse` calls: taken from the pool, returned after use.
    mutable std::mutex parser_mutex;
    mutable std::vector<void*> parsers;

    explicit impl(const live_options& given, unsigned shard_count) : options(given) {
        if (options.parser.parse == nullptr) {
            throw std::invalid_argument("live_engine needs a parse stage");
        }
        router_hooks hooks{
            &shards, deliver, wait_processed, wait_synced, nullptr, latency_sample_every, 0};
        route = std::make_unique<router>(shard_count, listings, hooks);
        for (unsigned s = 0; s < shard_count; s++) {
            shards.all.push_back(std::make_unique<shard_lane>(listings));
        }
        taken.assign(shard_count, 0);
        for (auto& lane : shards.all) {
            lane->engine.track_expected_changes(options.track_expected_changes);
        }
    }

    void start_workers() {
        // On a small machine one worker serves every shard; the HTTP threads parse.
        const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
        const auto count = static_cast<unsigned>(
            std::max<size_t>(1, std::min<size_t>(shards.all.size(), cores / 2)));
        for (unsigned w = 0; w < count; w++) {
            workers.emplace_back(run_worker, std::ref(shards), w, count);
        }
    }

    std::vector<shard*> engines() {
        std::vector<shard*> all;
        for (auto& lane : shards.all) {
            all.push_back(&lane->engine);
        }
        return all;
    }
    std::vector<uint32_t> expected_changed; // listing ids, possibly repeated
    std::vector<const shard*> const_engines() const {
        std::vector<const shard*> all;
        for (const auto& lane : shards.all) {
            all.push_back(&lane->engine);
        }
        return all;
    }

    // After router::sync: moves the records produced since the last call into `pending` and
    // the open set, in production order.
    void collect() {
        std::vector<divergence_record> fresh;
        const auto& from_router = route->divergences();
        fresh.insert(fresh.end(), from_router.begin() + static_cast<ptrdiff_t>(router_taken),
                     from_router.end());
        router_taken = from_router.size();
        for (size_t s = 0; s < shards.all.size(); s++) {
            const auto& produced = shards.all[s]->engine.divergences();
            fresh.insert(fresh.end(), produced.begin() + static_cast<ptrdiff_t>(taken[s]),
                         produced.end());
            taken[s] = produced.size();
        }
        std::stable_sort(fresh.begin(), fresh.end(), produced_before);
        for (const divergence_record& d : fresh) {
            track(d);
            pending.push_back(describe(d));
        }
        if (options.track_expected_changes) {
            for (auto& lane : shards.all) {
                const std::vector<uint32_t> changed = lane->engine.take_expected_changes();
                expected_changed.insert(expected_changed.end(), changed.begin(), changed.end());
            }
        }
    }

    void track(const divergence_record& d) {
        if (d.listing >= open.size()) {
            open.resize(static_cast<size_t>(d.listing) + 1);
            is_open.resize(static_cast<size_t>(d.listing) + 1, false);
        }
        open[d.listing] = d;
        is_open[d.listing] = !d.is_close;
        (d.is_close ? closed : opened)++;
    }

    live_divergence describe(const divergence_record& d) const {
        live_divergence out;
        out.is_close = d.is_close;
        out.layer = layer_of(d.cause);
        out.cause = d.cause;
        out.channel = std::string(route->channel_names().name(d.channel));
        out.json = format_divergence_line(*route, d);
        if (!out.json.empty() && out.json.back() == '\n') {
            out.json.pop_back();
        }
        return out;
    }

    // Open records rebuilt from the store after a restore (the open set is not in snapshots:
    // it follows from every record produced so far).
    void rebuild_open() {
        std::vector<divergence_record> all(route->divergences());
        for (const auto& lane : shards.all) {
            all.insert(all.end(), lane->engine.divergences().begin(),
                       lane->engine.divergences().end());
        }
        std::stable_sort(all.begin(), all.end(), produced_before);
        for (const divergence_record& d : all) {
            track(d);
        }
        router_taken = route->divergences().size();
        for (size_t s = 0; s < shards.all.size(); s++) {
            taken[s] = shards.all[s]->engine.divergences().size();
        }
    }
};

live_engine::live_engine(const live_options& options)
    : _impl(std::make_unique<impl>(options, std::clamp(options.shards, 1u, shards_max))) {
    _impl->start_workers();
}

live_engine::live_engine(const live_options& options, std::string_view snapshot)
    : _impl(std::make_unique<impl>(options, engine_snapshot_shards(snapshot))) {
    read_engine_snapshot(snapshot, *_impl->route, _impl->engines(), _impl->listings);
    _impl->rebuild_open();
    _impl->start_workers();
}

live_engine::~live_engine() {
    _impl->route->finish();
    for (auto& worker : _impl->workers) {
        worker.join();
    }
    for (void* parser : _impl->parsers) {
        _impl->options.parser.free_state(parser);
    }
}

void live_engine::parse(std::string_view batch, parsed_chunk& out) const {
    void* parser = nullptr;
    {
        const std::lock_guard<std::mutex> lock(_impl->parser_mutex);
        if (!_impl->parsers.empty()) {
            parser = _impl->parsers.back();
            _impl->parsers.pop_back();
        }
    }
    if (parser == nullptr) {
        parser = _impl->options.parser.make_state();
    }
    out.clear();
    out.file_offset = 0;
    out.byte_count = batch.size();
    out.chunk_end = batch.size();
    _impl->options.parser.parse(parser, batch.data(), batch.size(), out);
    const std::lock_guard<std::mutex> lock(_impl->parser_mutex);
    _impl->parsers.push_back(parser);
}

batch_result live_engine::apply(std::string_view batch) {
    parsed_chunk parsed;
    parse(batch, parsed);
    return apply(parsed);
}

batch_result live_engine::apply(const parsed_chunk& parsed) {
    router& route = *_impl->route;
    const router_counters before = route.counters();
    const uint64_t base = route.lines_routed();
    const size_t rejects_before = route.rejects().size();
    route.route(parsed);
    route.sync();
    _impl->collect();
    const router_counters& after = route.counters();
    batch_result result;
    result.lines = after.lines - before.lines;
    result.accepted = after.applied - before.applied;
    result.duplicates = after.duplicates - before.duplicates;
    result.rejected = after.rejected - before.rejected;
    for (size_t i = rejects_before; i < route.rejects().size(); i++) {
        const reject_entry& entry = route.rejects()[i];
        result.rejects.push_back(batch_reject{entry.seq - base, entry.reason, entry.field});
    }
    return result;
}

void live_engine::advance_clock(int64_t watermark_us) {
    _impl->route->advance_clock(watermark_us);
    _impl->route->sync();
    _impl->collect();
}

std::vector<live_divergence> live_engine::take_new_divergences() {
    std::vector<live_divergence> out;
    out.swap(_impl->pending);
    return out;
}

std::vector<live_divergence> live_engine::open_divergences() const {
    const router& route = *_impl->route;
    std::vector<divergence_record> open;
    for (size_t l = 0; l < _impl->open.size(); l++) {
        if (_impl->is_open[l]) {
            open.push_back(_impl->open[l]);
        }
    }
    // As divergences.ndjson: by ts, then channel and listing names.
    std::sort(open.begin(), open.end(),
              [&](const divergence_record& a, const divergence_record& b) {
                  if (a.ts_us != b.ts_us) return a.ts_us < b.ts_us;
                  const auto channel_a = route.channel_names().name(a.channel);
                  const auto channel_b = route.channel_names().name(b.channel);
                  if (channel_a != channel_b) return channel_a < channel_b;
                  return route.listing_name(a.listing) < route.listing_name(b.listing);
              });
    std::vector<live_divergence> out;
    for (const divergence_record& d : open) {
        out.push_back(_impl->describe(d));
    }
    return out;
}

std::map<std::pair<divergence_layer, std::string>, uint64_t>
live_engine::open_divergence_counts() const {
    std::map<std::pair<divergence_layer, std::string>, uint64_t> counts;
    for (size_t l = 0; l < _impl->open.size(); l++) {
        if (!_impl->is_open[l]) continue;
        const divergence_record& d = _impl->open[l];
        counts[{layer_of(d.cause), std::string(_impl->route->channel_names().name(d.channel))}]++;
    }
    return counts;
}

std::string live_engine::report_body() const {
    return format_report_body(*_impl->route, _impl->const_engines());
}

std::string live_engine::state() const {
    return format_state_lines(*_impl->route, _impl->const_engines(), _impl->listings);
}

std::optional<std::string> live_engine::sku_json(std::string_view name) const {
    const router& route = *_impl->route;
    unsigned shard_index = 0;
    uint32_t slot = 0, sku_id = 0;
    if (!route.find_sku(name, shard_index, slot, sku_id)) {
        return std::nullopt;
    }
    const shard& owner = _impl->shards.all[shard_index]->engine;
    std::string out = "{\"sku\":";
    append_json_string(out, name);
    if (slot >= owner.skus().size()) { // defined, but nothing reached its shard yet
        out += ",\"stock\":[],\"reserved_unassigned\":0,\"in_transit\":0,\"listings\":[]}";
        return out;
    }
    const sku_state& sku = owner.skus()[slot];
    out += ",\"class\":\"";
    out += sku.sku_class;
    out += "\",\"stock\":[";
    struct line {
        std::string_view loc;
        const stock_slot* slot;
    };
    std::vector<line> lines;
    for (uint32_t s = sku.first_stock; s != no_slot; s = owner.stock()[s].next) {
        lines.push_back({route.loc_names().name(owner.stock()[s].loc), &owner.stock()[s]});
    }
    std::sort(lines.begin(), lines.end(),
              [](const line& a, const line& b) { return a.loc < b.loc; });
    bool first = true;
    for (const line& l : lines) {
        out += first ? "{\"loc\":" : ",{\"loc\":";
        first = false;
        append_json_string(out, l.loc);
        out += ",\"on_hand\":" + std::to_string(l.slot->on_hand);
        out += ",\"reserved\":" + std::to_string(l.slot->reserved);
        out += ",\"returns_pending\":" + std::to_string(l.slot->returns_pending);
        out += ",\"inbound\":" + std::to_string(l.slot->inbound) + "}";
    }
    out += "],\"reserved_unassigned\":" + std::to_string(sku.unassigned);
    out += ",\"in_transit\":" + std::to_string(sku.in_transit);
    out += ",\"listings\":[";
    first = true;
    for (uint32_t l = sku.first_listing; l != UINT32_MAX; l = _impl->listings[l].next_in_sku) {
        const listing_state& state = _impl->listings[l];
        out += first ? "{\"channel\":" : ",{\"channel\":";
        first = false;
        append_json_string(out, route.channel_names().name(route.listing_channel(l)));
        out += ",\"listing\":";
        append_json_string(out, route.listing_name(l));
        out += ",\"expected\":" + std::to_string(state.expected);
        out += ",\"observed\":";
        out += state.observed_known ? std::to_string(state.observed) : std::string("null");
        out += state.mismatched ? ",\"mismatched\":true" : ",\"mismatched\":false";
        out += state.open ? ",\"open_divergence\":true" : ",\"open_divergence\":false";
        out += state.retired ? ",\"retired\":true}" : ",\"retired\":false}";
    }
    out += "]}";
    return out;
}

live_counters live_engine::counters() const {
    const router_counters& counters = _impl->route->counters();
    live_counters out;
    out.lines = counters.lines;
    out.events_read = counters.events_read;
    out.applied = counters.applied;
    out.duplicates = counters.duplicates;
    out.rejected = counters.rejected;
    out.divergences_opened = _impl->opened;
    out.divergences_closed = _impl->closed;
    return out;
}

std::optional<int64_t> live_engine::watermark_us() const {
    if (!_impl->route->has_watermark()) {
        return std::nullopt;
    }
    return _impl->route->watermark_us();
}

double live_engine::publish_lag_histogram(const std::vector<double>& bounds_ms,
                                          std::vector<uint64_t>& counts) const {
    counts.assign(bounds_ms.size() + 1, 0);
    double sum_ms = 0;
    for (const auto& lane : _impl->shards.all) {
        for (const int64_t lag_us : lane->engine.lag_samples_us()) {
            const double ms = static_cast<double>(lag_us) / 1000.0;
            sum_ms += ms;
            const auto bucket = std::lower_bound(bounds_ms.begin(), bounds_ms.end(), ms);
            counts[static_cast<size_t>(bucket - bounds_ms.begin())]++;
        }
    }
    return sum_ms;
}

std::vector<listing_change> live_engine::take_expected_changes() {
    std::vector<uint32_t> ids;
    ids.swap(_impl->expected_changed);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    const router& route = *_impl->route;
    std::vector<listing_change> out;
    for (const uint32_t l : ids) {
        const uint32_t sku_id = route.listing_sku(l);
        if (sku_id == no_sku) continue; // unmapped again since: nothing to publish
        const listing_state& state = _impl->listings[l];
        listing_change change;
        change.channel = std::string(route.channel_names().name(route.listing_channel(l)));
        change.listing = std::string(route.listing_name(l));
        change.sku = std::string(route.sku_names().name(sku_id));
        change.expected = state.expected;
        if (state.observed_known) change.observed = state.observed;
        change.retired = state.retired;
        unsigned shard_index = 0;
        uint32_t slot = 0, found = 0;
        if (route.find_sku(change.sku, shard_index, slot, found)) {
            const shard& owner = _impl->shards.all[shard_index]->engine;
            if (slot < owner.skus().size()) {
                for (uint32_t s = owner.skus()[slot].first_stock; s != no_slot;
                     s = owner.stock()[s].next) {
                    change.on_hand_total += owner.stock()[s].on_hand;
                }
            }
        }
        out.push_back(std::move(change));
    }
    return out;
}

unsigned live_engine::shard_count() const {
    return _impl->route->shard_count();
}

std::string live_engine::snapshot() const {
    std::string out;
    append_snapshot(out);
    return out;
}

void live_engine::append_snapshot(std::string& out, size_t room_after) const {
    append_engine_snapshot(out, *_impl->route, _impl->engines(), _impl->listings, room_after);
}

} // namespace weave
