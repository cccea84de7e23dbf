#pragma once
// Helpers shared by the channel adapters' tests.
#include <string>
#include <vector>

#include "channels/channel_adapter.h"
#include "ndjson/event_parser.h"
#include "test_support.h"
#include "weave/live.h"

namespace channel_test {

using weave_test::lines_of;

// "where:reason" per reject, in order.
inline std::vector<std::string> rejects_of(const weave::channels::conversion& out) {
    std::vector<std::string> texts;
    for (const weave::channels::payload_reject& r : out.rejects) {
        texts.push_back(r.where + ":" + r.reason);
    }
    return texts;
}

// A live engine's options with the NDJSON parser every adapter's output goes through.
inline weave::live_options engine_options(unsigned shards) {
    weave::live_options options;
    options.shards = shards;
    options.parser = weave::ndjson::event_parse_stage();
    return options;
}

// `sku` events defining `skus`, stamped `ts_us`, for an engine the adapters' events then go to.
inline std::string sku_lines(const std::vector<std::string>& skus, int64_t ts_us) {
    weave::channels::conversion out;
    int n = 0;
    for (const std::string& sku : skus) {
        weave::channels::event_line("test:sku:" + std::to_string(n++), ts_us, "sku")
            .text("sku", sku)
            .append_to(out);
    }
    return out.events;
}

} // namespace channel_test
