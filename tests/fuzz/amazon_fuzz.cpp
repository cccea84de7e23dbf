// libFuzzer target: any bytes, as each Amazon payload kind (and with none, recognised by shape),
// go through the Amazon adapter; every event line it writes must pass the engine's parse stage
// with no reject (valid JSON, every field SPEC §2 asks for), rejects must name a reason, and the
// adapter state must survive save/load. Bytes as saved state must never crash load_state.
// Input: byte 0 picks the kind, byte 1 the transport details, the rest is the payload.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "amazon/amazon_adapter.h"
#include "fuzz_support.h"
#include "ndjson/event_parser.h"
#include "weave/chunk.h"

namespace {

constexpr std::string_view kinds[] = {
    "",
    "getInventorySummaries",
    "FBA_INVENTORY_AVAILABILITY_CHANGES",
    "LISTINGS_ITEM_MFN_QUANTITY_CHANGE",
    "ORDER_CHANGE",
    "getListingsItem",
    "searchListingsItems",
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static void* parser = weave::ndjson::make_parser_state();
    if (size < 2) return 0;
    weave::channels::payload_context context;
    context.kind = kinds[data[0] % std::size(kinds)];
    context.delivery_id = (data[1] & 1) ? "delivery-1" : "";
    context.received_us = 1'795'773'600'000'000 + data[1];
    weave::channels::adapter_settings settings;
    if (data[1] & 2) settings.locations["AFN"] = "FBA";
    if (data[1] & 4) settings.locations["MFN"] = "W1";
    const std::string_view payload(reinterpret_cast<const char*>(data) + 2, size - 2);

    auto adapter = weave::channels::make_amazon_adapter(settings);
    // Twice: the second run sees the state the first one left (shipped order lines).
    fuzz_support::require_event_lines(parser, adapter->convert(payload, context));
    fuzz_support::require_event_lines(parser, adapter->convert(payload, context));
    const std::string saved = adapter->save_state();
    auto restored = weave::channels::make_amazon_adapter(settings);
    restored->load_state(saved);
    fuzz_support::require(restored->save_state() == saved);
    restored->load_state(payload);
    return 0;
}
