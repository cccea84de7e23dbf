// libFuzzer target: any bytes as a Shopify payload, under every webhook topic and as a REST
// response (no topic), through one adapter so that products feed the variant map orders read.
// Only counted rejects or event lines may come out, and every line must parse as a SPEC event
// with no field reject; save_state / load_state must round-trip. Also the webhook signature
// check on the same bytes. Build: scripts/fuzz (clang, -fsanitize=fuzzer,address,undefined).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "ndjson/event_parser.h"
#include "shopify/shopify_adapter.h"
#include "shopify/webhook_signature.h"

namespace {

constexpr const char* kinds[] = {
    "",
    "products/update",
    "inventory_items/update",
    "inventory_levels/update",
    "orders/create",
    "orders/cancelled",
    "fulfillments/create",
    "refunds/create",
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static void* parser = weave::ndjson::make_parser_state();
    const std::string_view payload(reinterpret_cast<const char*>(data), size);
    weave::channels::adapter_settings settings;
    settings.locations["1"] = "W1";
    settings.locations["487838322"] = "NYC";
    auto adapter = weave::channels::make_shopify_adapter(settings);
    weave::channels::payload_context context;
    context.delivery_id = "fuzz-delivery";
    context.received_us = 1'795'773'600'000'000;
    for (const char* kind : kinds) {
        context.kind = kind;
        const weave::channels::conversion out = adapter->convert(payload, context);
        fuzz_support::require_event_lines(parser, out);
        if (out.ignored && (out.event_count != 0 || !out.rejects.empty())) std::abort();
    }
    const std::string saved = adapter->save_state();
    auto restored = weave::channels::make_shopify_adapter(settings);
    restored->load_state(saved);
    if (restored->save_state() != saved) std::abort();
    restored->load_state(payload); // arbitrary text: refused or read, never a crash
    (void)weave::channels::verify_shopify_hmac(payload, payload.substr(0, 44), "secret");
    return 0;
}
