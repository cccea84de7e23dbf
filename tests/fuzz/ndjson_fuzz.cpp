// libFuzzer target: any bytes as an NDJSON log go through the parse stage and the whole engine
// (router, shards, merge, formatting); only events or counted rejects may come out, never a
// crash or a sanitizer report. Build: scripts/fuzz (clang, -fsanitize=fuzzer,address,undefined).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ndjson/event_parser.h"
#include "weave/engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view log(reinterpret_cast<const char*>(data), size);
    weave::replay_options options;
    options.threads = 1;
    options.shards = 2;
    options.parser = weave::ndjson::event_parse_stage();
    const weave::replay_outputs outputs = weave::replay(log, options);
    if (outputs.report_body.rfind("{\"lines\":", 0) != 0) {
        std::abort();  // the report always starts with its line count
    }
    return 0;
}
