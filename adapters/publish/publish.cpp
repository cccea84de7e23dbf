// prioritise, build_requests' grouping and checks, the `publish` event lines.
#include "publish/publish.h"

#include <simdjson.h>

#include <algorithm>
#include <set>
#include <utility>

#include "channels/channel_adapter.h"
#include "publish/channel_requests.h"
#include "weave/assert.h"
#include "weave/time.h"

namespace weave::publish {
namespace {

// 0: the channel shows more than it should (oversell risk); 1: never observed (it may);
// 2: it shows no more than it should.
int overshoot_class(const listing_update& update) {
    if (!update.observed) return 1;
    return *update.observed > update.expected ? 0 : 2;
}

bool more_urgent(const listing_update& a, const listing_update& b) {
    if (a.expected != b.expected) return a.expected < b.expected;
    const int class_a = overshoot_class(a);
    const int class_b = overshoot_class(b);
    if (class_a != class_b) return class_a < class_b;
    // Same expected: the bigger overshoot is the bigger observed (no subtraction to overflow).
    if (class_a == 0 && *a.observed != *b.observed) return *a.observed > *b.observed;
    if (a.on_hand_total != b.on_hand_total) return a.on_hand_total < b.on_hand_total;
    if (a.channel != b.channel) return a.channel < b.channel;
    return a.listing < b.listing;
}

bool is_utf8(std::string_view text) {
    return simdjson::validate_utf8(text.data(), text.size());
}

// Why no channel can be sent this update, or "".
std::string_view update_problem(const listing_update& update) {
    if (update.listing.empty()) return "missing_listing";
    if (!is_utf8(update.channel) || !is_utf8(update.listing)) return "invalid_utf8";
    if (update.expected < 0 || update.expected > quantity_max) return "bad_quantity";
    if (update.observed && (*update.observed < -quantity_max || *update.observed > quantity_max)) {
        return "bad_quantity";
    }
    return {};
}

} // namespace

std::vector<listing_update> prioritise(std::vector<listing_update> updates) {
    std::stable_sort(updates.begin(), updates.end(), more_urgent);
    return updates;
}

build_result build_requests(const std::vector<listing_update>& prioritised,
                            const publish_settings& settings) {
    build_result result;
    std::vector<detail::batch> batches;
    // (channel, key) -> the batch that still has room for listings with that key.
    std::map<std::pair<std::string_view, std::string>, size_t> open;
    std::set<std::pair<std::string_view, std::string_view>> seen;
    for (const listing_update& update : prioritised) {
        const detail::channel_rules* rules = detail::find_channel(update.channel);
        std::string_view problem = rules == nullptr ? "unknown_channel" : update_problem(update);
        if (problem.empty()) problem = rules->problem(update, settings);
        // The first (most urgent) occurrence is sent: two values in one request would fail
        // it on Shopify and race each other elsewhere.
        if (problem.empty() && !seen.emplace(update.channel, update.listing).second) {
            problem = "duplicate_listing";
        }
        if (!problem.empty()) {
            result.errors.push_back({update.channel, update.listing, std::string(problem)});
            continue;
        }
        auto slot = std::make_pair(rules->name, rules->key(update, settings));
        auto found = open.find(slot);
        if (found == open.end()) {
            batches.push_back({rules, slot.second, {}});
            found = open.emplace(std::move(slot), batches.size() - 1).first;
        }
        detail::batch& target = batches[found->second];
        target.items.push_back(&update);
        const size_t limit = rules->batch_max(settings);
        WEAVE_ASSERT(limit >= 1 && target.items.size() <= limit);
        if (target.items.size() == limit) open.erase(found);
    }
    result.requests.reserve(batches.size());
    for (const detail::batch& listings : batches) {
        result.requests.push_back(listings.rules->render(listings, settings));
    }
    return result;
}

std::string publish_events(const std::vector<listing_update>& updates, int64_t ts_us) {
    channels::conversion out;
    std::string ts;
    append_rfc3339_us(ts, ts_us);
    for (const listing_update& update : updates) {
        if (update.channel.empty() || !update_problem(update).empty()) continue;
        std::string id = "publish:";
        id += update.channel;
        id += ':';
        id += update.listing;
        id += ':';
        id += std::to_string(update.expected);
        id += ':';
        id += ts;
        channels::event_line(id, ts_us, "publish")
            .text("channel", update.channel)
            .text("listing", update.listing)
            .integer("qty", update.expected)
            .append_to(out);
    }
    return std::move(out.events);
}

std::string percent_encode(std::string_view text) {
    constexpr std::string_view hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved) {
            out += c;
        } else {
            out += '%';
            out += hex[byte >> 4];
            out += hex[byte & 0x0F];
        }
    }
    return out;
}

} // namespace weave::publish
