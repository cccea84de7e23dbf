#pragma once
// The generator's model and state, shared by generator.cpp (traffic) and generator_faults.cpp
// (fault injection and repair). Internal to weave gen.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "gen/generator.h"
#include "gen/line_writer.h"
#include "weave/divergence.h"

namespace weave::gen::detail {

constexpr int loc_count = 4;
constexpr const char* loc_names[loc_count] = {"W1", "W2", "W3", "W4"};
constexpr int channel_count = 4;

struct channel_def {
    const char* name;
    const char* prefix;
    unsigned scope; // bit per location
    int64_t share;
    int64_t max; // -1: none
    int64_t grace_us;
};
constexpr channel_def channels[channel_count] = {
    {"amazon", "AM", 0b0011, 100, -1, 60'000'000},
    {"shopify", "SH", 0b1111, 100, -1, 60'000'000},
    {"ebay", "EB", 0b1111, 50, 40, 120'000'000},
    {"woo", "WO", 0b1111, 80, -1, 60'000'000},
};
constexpr int64_t class_buffer[3] = {2, 1, 0};

// SPEC §4's causes, as the engine names them; the generator injects them round robin.
using cause = divergence_cause;

// xoshiro256**: fast, good enough, seeded by splitmix64.
class random_source {
public:
    explicit random_source(uint64_t seed) {
        for (auto& word : _s) {
            seed += 0x9E3779B97F4A7C15ull;
            uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            word = z ^ (z >> 31);
        }
    }
    uint64_t next() {
        const uint64_t result = rotl(_s[1] * 5, 7) * 9;
        const uint64_t t = _s[1] << 17;
        _s[2] ^= _s[0];
        _s[3] ^= _s[1];
        _s[1] ^= _s[2];
        _s[0] ^= _s[3];
        _s[2] ^= t;
        _s[3] = rotl(_s[3], 45);
        return result;
    }
    uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    bool chance(double p) { return unit() < p; }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t _s[4];
};

struct variant {
    bool inbound = false, returns = false, buffer_zero = false, no_reservations = false,
         all_locations = false, share_full = false;
};

struct sku_model {
    int32_t on_hand[loc_count] = {};
    int32_t reserved[loc_count] = {};
    int32_t returns[loc_count] = {};
    int32_t inbound[loc_count] = {};
    int32_t unassigned = 0;
    uint8_t sku_class = 2;
    uint8_t listed = 0; // bit per channel
    bool defined = false;
};

struct listing_model {
    int32_t expected = 0;
    bool faulted = false;
    bool retired = false;
    bool level_pending = false;
};

struct open_order {
    uint64_t number;
    uint32_t sku;
    int8_t loc; // -1: unassigned
    int32_t qty;
};

struct timed {
    int64_t due_us;
    uint64_t key; // listing index, or repair index
    bool operator>(const timed& other) const {
        return due_us != other.due_us ? due_us > other.due_us : key > other.key;
    }
};

struct repair {
    uint32_t sku;
    uint8_t channel;
    cause kind;
    int32_t qty;
    int8_t loc;
    int8_t loc2;
    uint64_t ref; // transfer number / duplicate listing number
};

class generator {
public:
    generator(const options& opts, std::FILE* log, std::FILE* truth)
        : _opts(opts), _rng(opts.seed), _log(log, opts.seed), _truth(truth), _skus(opts.skus),
          _listings(opts.skus * channel_count) {
        const auto start = parse_rfc3339_us(opts.start);
        _t = start ? *start : 0;
        build_zipf();
        _log.set_limit(opts.events);
    }

    totals run(void (*progress)(uint64_t, uint64_t));

private:
    // --- model -----------------------------------------------------------------------------
    int64_t expected(uint32_t s, int c, const variant& v = {}) const {
        const sku_model& m = _skus[s];
        const channel_def& ch = channels[c];
        int64_t pool = 0;
        for (int l = 0; l < loc_count; l++) {
            if (!v.all_locations && !(ch.scope & (1u << l))) continue;
            pool += m.on_hand[l] + (v.inbound ? m.inbound[l] : 0) + (v.returns ? m.returns[l] : 0) -
                    (v.no_reservations ? 0 : m.reserved[l]);
        }
        pool -= v.no_reservations ? 0 : m.unassigned;
        pool -= v.buffer_zero ? 0 : class_buffer[m.sku_class];
        const int64_t share = v.share_full ? 100 : ch.share;
        int64_t value = pool * share;
        value = value >= 0 ? value / 100 : -((-value + 99) / 100);
        value = std::max<int64_t>(value, 0);
        return (!v.share_full && ch.max >= 0) ? std::min(value, ch.max) : value;
    }
    uint32_t listing_of(uint32_t s, int c) const { return s * channel_count + c; }

    // After any change of SKU s: follow the truth on every listing whose expected moved.
    void refresh(uint32_t s) {
        for (int c = 0; c < channel_count; c++) {
            if (!(_skus[s].listed & (1u << c))) continue;
            listing_model& l = _listings[listing_of(s, c)];
            const auto value = static_cast<int32_t>(expected(s, c));
            if (value != l.expected) {
                l.expected = value;
                if (!l.level_pending && !l.faulted && !l.retired) {
                    l.level_pending = true;
                    const int64_t lag =
                        200'000 + static_cast<int64_t>(
                                      _rng.below(static_cast<uint64_t>(channels[c].grace_us / 2)));
                    _levels.push(timed{_t + lag, listing_of(s, c)});
                }
            }
        }
    }

    void build_zipf() {
        _zipf.resize(_opts.skus);
        double total = 0;
        for (uint64_t i = 0; i < _opts.skus; i++) {
            total += 1.0 / std::pow(static_cast<double>(i + 1), 1.05);
            _zipf[i] = total;
        }
        for (double& v : _zipf)
            v /= total;
    }
    uint32_t draw_sku() {
        const double u = _rng.unit();
        const auto it = std::lower_bound(_zipf.begin(), _zipf.end(), u);
        const auto index = static_cast<uint32_t>(
            std::min<size_t>(static_cast<size_t>(it - _zipf.begin()), _opts.skus - 1));
        // Spread popularity over the id space so that popular SKUs are not all neighbours.
        const auto s = static_cast<uint32_t>((index * 2654435761ull) % _opts.skus);
        define(s);
        return s;
    }

    // --- emission ----------------------------------------------------------------------------
    void define(uint32_t s);
    void traffic();
    void emit_order(uint32_t s);
    void emit_ship_or_cancel();
    void emit_level(uint32_t listing, int64_t qty, int64_t at_us, bool as_ack = false);
    void due_levels(int64_t until_us);
    void due_repairs(int64_t until_us);
    void bad_line();
    void advance_time();

    // --- faults ------------------------------------------------------------------------------
    void inject();
    bool inject(cause kind, uint32_t s, int c);
    bool inject_variant(cause kind, uint32_t s, int c);
    void record_truth(int64_t at_us, int c, std::string_view listing, const uint32_t* sku,
                      cause kind);
    void schedule_repair(int64_t at_us, repair r) {
        _repairs.push_back(r);
        _repair_queue.push(timed{at_us, _repairs.size() - 1});
    }
    void apply_repair(const repair& r);

    const options& _opts;
    random_source _rng;
    line_writer _log;
    std::FILE* _truth;
    std::vector<sku_model> _skus;
    std::vector<listing_model> _listings;
    std::vector<double> _zipf;
    std::priority_queue<timed, std::vector<timed>, std::greater<>> _levels;
    std::priority_queue<timed, std::vector<timed>, std::greater<>> _repair_queue;
    std::vector<repair> _repairs;
    std::vector<open_order> _orders; // FIFO window of open order lines
    size_t _orders_head = 0;
    struct pending_transfer {
        uint64_t number;
        uint32_t sku;
        int8_t to;
        int32_t qty;
    };
    std::vector<pending_transfer> _transfers;
    size_t _transfers_head = 0;
    struct pending_return {
        uint32_t sku;
        int8_t loc;
        int32_t qty;
    };
    std::vector<pending_return> _returns;
    size_t _returns_head = 0;
    int64_t _t = 0;
    uint64_t _order_number = 0, _transfer_number = 0, _extra_listing = 0;
    unsigned _next_cause = 0;
    totals _totals;
};

// Names: SKUs "S00000042", listings "AM-S00000042"; extra listings get U (unmapped) or D.
struct name_buffer {
    char data[40];
    size_t size = 0;
    std::string_view view() const { return {data, size}; }
};

inline name_buffer sku_name(uint32_t s) {
    name_buffer name;
    name.size = static_cast<size_t>(std::snprintf(name.data, sizeof name.data, "S%08u", s));
    return name;
}

// Order and transfer ids: "O42", "T7".
inline name_buffer ref_name(char kind, uint64_t number) {
    name_buffer name;
    name.size = static_cast<size_t>(std::snprintf(name.data, sizeof name.data, "%c%llu", kind,
                                                  static_cast<unsigned long long>(number)));
    return name;
}

inline name_buffer listing_name(int c, char kind, uint64_t number) {
    name_buffer name;
    name.size = static_cast<size_t>(std::snprintf(name.data, sizeof name.data, "%s-%c%08llu",
                                                  channels[c].prefix, kind,
                                                  static_cast<unsigned long long>(number)));
    return name;
}

} // namespace weave::gen::detail
