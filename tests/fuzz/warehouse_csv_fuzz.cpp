// libFuzzer target: any bytes as a warehouse CSV file go through the warehouse adapter, once with
// no location map (codes used as they are) and once with one (unknown codes rejected). It must
// never crash; every line it writes must parse as a SPEC event (the one reject allowed is the
// engine's own `adjust_without_reason` for an unreasoned adjust); every reject names the file,
// the header or a row. Build: scripts/fuzz (clang, -fsanitize=fuzzer,address,undefined).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "fuzz_support.h"
#include "ndjson/event_parser.h"
#include "warehouse_csv/warehouse_csv.h"
#include "weave/chunk.h"

namespace {

using fuzz_support::require;

void check(const weave::channels::conversion& out, void* parser) {
    // An unreasoned adjust is passed on for the engine to reject (docs/adapters.md).
    fuzz_support::require_event_lines(parser, out, weave::reject_reason::adjust_without_reason);
    for (const weave::channels::payload_reject& reject : out.rejects) {
        const bool whole_file = reject.where.empty() || reject.where == "header";
        require(whole_file || reject.where.rfind("row ", 0) == 0);
        if (whole_file) require(out.event_count == 0 && out.rejects.size() == 1);
    }
    require(!out.ignored || (out.event_count == 0 && out.rejects.empty()));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const auto plain = weave::channels::make_warehouse_csv_adapter({});
    static const auto mapped = [] {
        weave::channels::adapter_settings settings;
        settings.locations = {{"L1", "east"}, {"WH", "west"}, {"S\"1", "store\n1"}};
        return weave::channels::make_warehouse_csv_adapter(settings);
    }();
    static void* parser = weave::ndjson::make_parser_state();
    const std::string_view csv(reinterpret_cast<const char*>(data), size);
    check(plain->convert(csv, {}), parser);
    check(mapped->convert(csv, {}), parser);
    return 0;
}
