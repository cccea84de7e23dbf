#include <doctest/doctest.h>

#include "weave/time.h"

using weave::append_ms;
using weave::append_rfc3339_us;
using weave::parse_rfc3339_us;

namespace {
std::string format(int64_t us) {
    std::string out;
    append_rfc3339_us(out, us);
    return out;
}
std::string ms(int64_t us) {
    std::string out;
    append_ms(out, us);
    return out;
}
} // namespace

TEST_CASE("rfc3339 parses Z, offsets and fractions to microseconds") {
    const auto base = parse_rfc3339_us("2026-11-27T10:15:00Z");
    REQUIRE(base);
    CHECK(format(*base) == "2026-11-27T10:15:00.000000Z");
    CHECK(parse_rfc3339_us("2026-11-27T10:15:00.123Z") == *base + 123000);
    CHECK(parse_rfc3339_us("2026-11-27t10:15:00.123456789z") == *base + 123456);
    CHECK(parse_rfc3339_us("2026-11-27T11:15:00+01:00") == *base);
    CHECK(parse_rfc3339_us("2026-11-27T09:15:00-01:00") == *base);
    CHECK(parse_rfc3339_us("2026-11-27T10:15:00.1Z") == *base + 100000);
    CHECK(format(*parse_rfc3339_us("1969-12-31T23:59:59.5Z")) == "1969-12-31T23:59:59.500000Z");
}

TEST_CASE("rfc3339 refuses what is not a real RFC 3339 instant") {
    for (const char* bad :
         {"", "2026-11-27", "2026-11-27T10:15:00", "2026-11-27 10:15:00Z",
          "2026-11-27T10:15:00.Z", "2026-11-27T10:15:00.1234567890Z", "2026-02-29T00:00:00Z",
          "2026-13-01T00:00:00Z", "2026-11-31T00:00:00Z", "2026-11-27T24:00:00Z",
          "2026-11-27T10:60:00Z", "2026-11-27T10:15:60Z", "2026-11-27T10:15:00+1:00",
          "2026-11-27T10:15:00+01:60", "2026-11-27T10:15:00+0100", "2026-11-27T10:15:00Zx",
          "0000-01-01T00:00:00+01:00", "2026-11-27T10:15:00.12a3Z", "+2026-11-27T10:15:00Z"}) {
        INFO(bad);
        CHECK_FALSE(parse_rfc3339_us(bad));
    }
    CHECK(parse_rfc3339_us("2024-02-29T00:00:00Z"));
    CHECK(parse_rfc3339_us("2000-02-29T00:00:00Z"));
    CHECK_FALSE(parse_rfc3339_us("1900-02-29T00:00:00Z"));
}

TEST_CASE("milliseconds print as integers when whole, else up to 3 decimals") {
    CHECK(ms(120000000) == "120000");
    CHECK(ms(1500) == "1.5");
    CHECK(ms(1) == "0.001");
    CHECK(ms(1230) == "1.23");
    CHECK(ms(0) == "0");
}
