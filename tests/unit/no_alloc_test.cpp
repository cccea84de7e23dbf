// The hot path does not allocate per event: a replay over a warmed-up catalogue makes far fewer
// heap allocations than it applies events (only per-chunk buffers and amortised growth of flat
// arrays). The global operator new of this test binary counts while a replay runs.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstddef>
#include <new>
#include <string>

#include "ndjson/event_parser.h"
#include "weave/engine.h"

namespace {
std::atomic<bool> counting{false};
std::atomic<uint64_t> allocations{0};

void* counted(std::size_t size, std::size_t alignment) {
    if (counting.load(std::memory_order_relaxed)) {
        allocations.fetch_add(1, std::memory_order_relaxed);
    }
    void* memory = alignment <= alignof(std::max_align_t)
                       ? std::malloc(size == 0 ? 1 : size)
                       : std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
    if (memory == nullptr) throw std::bad_alloc();
    return memory;
}
} // namespace

void* operator new(std::size_t size) { return counted(size, alignof(std::max_align_t)); }
void* operator new[](std::size_t size) { return counted(size, alignof(std::max_align_t)); }
void* operator new(std::size_t size, std::align_val_t a) {
    return counted(size, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t size, std::align_val_t a) {
    return counted(size, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

TEST_CASE("a replay makes no heap allocation per event") {
    // 1,000 SKUs and listings defined first, then 100,000 movements and observations on them.
    std::string log;
    char line[256];
    int n = 0;
    for (int s = 0; s < 1000; s++) {
        log.append(line, static_cast<size_t>(std::snprintf(line, sizeof line,
            "{\"id\":\"e%d\",\"ts\":\"2026-11-27T10:00:00Z\",\"type\":\"sku\",\"sku\":\"S%d\"}\n",
            ++n, s)));
        log.append(line, static_cast<size_t>(std::snprintf(line, sizeof line,
            "{\"id\":\"e%d\",\"ts\":\"2026-11-27T10:00:00Z\",\"type\":\"listing\","
            "\"channel\":\"shop\",\"listing\":\"L%d\",\"sku\":\"S%d\"}\n", ++n, s, s)));
    }
    for (int i = 0; i < 100000; i++) {
        const int s = (i * 7919) % 1000;
        const char* format = i % 2 == 0
            ? "{\"id\":\"e%d\",\"ts\":\"2026-11-27T11:00:00Z\",\"type\":\"receipt\",\"sku\":\"S%d\","
              "\"loc\":\"W1\",\"qty\":2}\n"
            : "{\"id\":\"e%d\",\"ts\":\"2026-11-27T11:00:00Z\",\"type\":\"channel.level\","
              "\"channel\":\"shop\",\"listing\":\"L%d\",\"qty\":7}\n";
        log.append(line, static_cast<size_t>(std::snprintf(line, sizeof line, format, ++n, s)));
    }
    weave::replay_options options;
    options.threads = 2;
    options.shards = 2;
    options.parser = weave::ndjson::event_parse_stage();
    allocations = 0;
    counting = true;
    const weave::replay_outputs outputs = weave::replay(log, options);
    counting = false;
    const uint64_t events = 102000;
    MESSAGE("allocations: " << allocations.load() << " for " << events << " events");
    CHECK(outputs.report_body.find("\"applied\":102000") != std::string::npos);
    // Per-chunk buffers, amortised growth of flat arrays and the output strings: a few thousand
    // at most, never one per event.
    CHECK(allocations.load() * 20 < events);
}
