#pragma once
// Shared by the channel adapters' fuzz targets: what every conversion must satisfy.
#include <cstdlib>

#include "channels/channel_adapter.h"
#include "ndjson/event_parser.h"

namespace fuzz_support {

inline void require(bool condition) {
    if (!condition) std::abort();
}

// Every line the adapter wrote is one SPEC event the engine's parser accepts with no field
// reject (`allowed`: one engine reject the source may write on purpose, e.g. an unreasoned
// adjust the warehouse CSV passes on), the count matches, and every reject has a reason.
inline void require_event_lines(void* parser, const weave::channels::conversion& out,
                                weave::reject_reason allowed = weave::reject_reason::none) {
    size_t newlines = 0;
    for (const char c : out.events)
        newlines += c == '\n' ? 1 : 0;
    require(newlines == out.event_count);
    require(out.events.empty() || out.events.back() == '\n');
    weave::parsed_chunk chunk;
    weave::ndjson::parse_chunk(parser, out.events.data(), out.events.size(), chunk);
    require(chunk.blank_lines == 0);
    require(chunk.events.size() == out.event_count);
    for (const weave::parsed_event& event : chunk.events) {
        require(event.reject == weave::reject_reason::none || event.reject == allowed);
    }
    for (const weave::channels::payload_reject& reject : out.rejects) {
        require(!reject.reason.empty());
    }
}

} // namespace fuzz_support
