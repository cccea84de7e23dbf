// libFuzzer target: any bytes as a WooCommerce payload (no topic, an order webhook topic, a
// product deletion) give events or counted rejects, never a crash or a sanitizer report; every
// event line the adapter writes is one SPEC event the engine's parser accepts as it is.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ndjson/event_parser.h"
#include "woocommerce/woocommerce.h"

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
    static adapter_settings settings = [] {
        adapter_settings s;
        s.locations["default"] = "W1";
        return s;
    }();
    static auto with_location = make_woocommerce_adapter(settings);
    static auto without_location = make_woocommerce_adapter({});
    const std::string_view payload(reinterpret_cast<const char*>(data), size);
    for (const char* kind : {"", "order.updated", "product.deleted"}) {
        payload_context context;
        context.kind = kind;
        context.delivery_id = size % 2 == 0 ? "fuzz-delivery" : "";
        context.received_us = 1'795'773'600'000'000;
        check_events(with_location->convert(payload, context));
        check_events(without_location->convert(payload, context));
    }
    return 0;
}
