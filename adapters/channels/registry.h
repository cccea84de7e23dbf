#pragma once
// The channel sources weave knows, by the name `weave import SOURCE` and
// `POST /v1/webhooks/SOURCE` use.
#include <memory>
#include <string_view>
#include <vector>

#include "channels/channel_adapter.h"

namespace weave::channels {

struct source_entry {
    std::string_view name; // shopify, amazon, ebay, woocommerce, warehouse
    std::string_view what; // one line for --help
    std::unique_ptr<channel_adapter> (*make)(const adapter_settings& settings);
};

const std::vector<source_entry>& sources();
// nullptr when `name` is not a source.
std::unique_ptr<channel_adapter> make_adapter(std::string_view name,
                                              const adapter_settings& settings);

} // namespace weave::channels
