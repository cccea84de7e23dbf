// libFuzzer target: any bytes as an eBay payload (and as saved adapter state) give events or
// counted rejects, never a crash or a sanitizer report; every event line the adapter writes is
// one SPEC event the engine's parser accepts as it is; save_state/load_state round-trips.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ebay/ebay.h"
#include "ndjson/event_parser.h"

namespace {

// Each line is parsed on its own: one event per chunk, with no reject.
void check_events(const weave::channels::conversion& out) {
    static void* const parser = weave::ndjson::make_parser_state();
    uint64_t lines = 0;
    size_t start = 0;
    std::string line;
    while (start < out.events.size()) {
        const size_t end = out.events.find('\n', start);
        if (end == std::string::npos) std::abort(); // every event line ends with '\n'
        line.assign(out.events, start, end - start);
        weave::parsed_chunk chunk;
        weave::ndjson::parse_chunk(parser, line.data(), line.size(), chunk);
        if (chunk.events.size() != 1 || chunk.blank_lines != 0) std::abort();
        if (chunk.events[0].reject != weave::reject_reason::none) std::abort();
        lines++;
        start = end + 1;
    }
    if (lines != out.event_count) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace weave::channels;
    adapter_settings settings;
    settings.locations["wh-1"] = "W1";
    // A fresh adapter per input: the state a payload leaves must not leak into the next input,
    // or a crash would not reproduce from its input alone.
    auto adapter = make_ebay_adapter(settings);
    const std::string_view payload(reinterpret_cast<const char*>(data), size);
    payload_context context;
    context.delivery_id = size % 2 == 0 ? "fuzz-delivery" : "";
    context.received_us = 1'795'773'600'000'000;
    // Twice: the second conversion meets the state the first one left.
    check_events(adapter->convert(payload, context));
    check_events(adapter->convert(payload, context));
    const std::string state = adapter->save_state();
    auto restored = make_ebay_adapter(settings);
    restored->load_state(state);
    if (restored->save_state() != state) std::abort();
    // The input as state: bad state is ignored, never trusted.
    restored->load_state(payload);
    check_events(restored->convert(payload, context));
    return 0;
}
