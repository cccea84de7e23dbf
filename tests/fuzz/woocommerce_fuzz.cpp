// libFuzzer target: any bytes as a WooCommerce payload (no topic, an order webhook topic, a
// product deletion) give events or counted rejects, never a crash or a sanitizer report; every
// event line the adapter writes is one SPEC event the engine's parser accepts as it is.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "ndjson/event_parser.h"
#include "woocommerce/woocommerce.h"

namespace {

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static void* const parser = weave::ndjson::make_parser_state();
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
        fuzz_support::require_event_lines(parser, with_location->convert(payload, context));
        fuzz_support::require_event_lines(parser, without_location->convert(payload, context));
    }
    return 0;
}
