// libFuzzer target: any bytes as an eBay payload (and as saved adapter state) give events or
// counted rejects, never a crash or a sanitizer report; every event line the adapter writes is
// one SPEC event the engine's parser accepts as it is; save_state/load_state round-trips.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ebay/ebay.h"
#include "fuzz_support.h"
#include "ndjson/event_parser.h"

namespace {

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static void* const parser = weave::ndjson::make_parser_state();
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
    fuzz_support::require_event_lines(parser, adapter->convert(payload, context));
    fuzz_support::require_event_lines(parser, adapter->convert(payload, context));
    const std::string state = adapter->save_state();
    auto restored = make_ebay_adapter(settings);
    restored->load_state(state);
    if (restored->save_state() != state) std::abort();
    // The input as state: bad state is ignored, never trusted.
    restored->load_state(payload);
    fuzz_support::require_event_lines(parser, restored->convert(payload, context));
    return 0;
}
