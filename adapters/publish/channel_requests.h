#pragma once
// Per channel: which updates it can send, how they group into one request, and the request
// itself. Internal to publish.cpp; docs/adapters.md "Publishing" describes the shapes.
#include <string>
#include <string_view>
#include <vector>

#include "publish/publish.h"

namespace weave::publish::detail {

struct channel_rules;

// Listings of one channel that share one request, most urgent first.
struct batch {
    const channel_rules* rules = nullptr;
    std::string key; // what the listings must share (Shopify: compare or not; Woo: parent)
    std::vector<const listing_update*> items;
};

struct channel_rules {
    std::string_view name;
    // Why this update cannot be sent on this channel with these settings, or "".
    std::string_view (*problem)(const listing_update& update, const publish_settings& settings);
    std::string (*key)(const listing_update& update, const publish_settings& settings);
    size_t (*batch_max)(const publish_settings& settings);
    request (*render)(const batch& listings, const publish_settings& settings);
};

// nullptr for a channel nothing is published to.
const channel_rules* find_channel(std::string_view name);

} // namespace weave::publish::detail
