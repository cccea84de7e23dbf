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

void require(bool condition) {
    if (!condition) std::abort();
}

void check_events(const weave::channels::conversion& out, void* parser) {
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
        require(event.reject == weave::reject_reason::none);
    }
    for (const weave::channels::payload_reject& reject : out.rejects) {
        require(!reject.reason.empty());
    }
}

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
    check_events(adapter->convert(payload, context), parser);
    check_events(adapter->convert(payload, context), parser);
    const std::string saved = adapter->save_state();
    auto restored = weave::channels::make_amazon_adapter(settings);
    restored->load_state(saved);
    require(restored->save_state() == saved);
    restored->load_state(payload);
    return 0;
}
