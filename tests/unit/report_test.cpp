#include <doctest/doctest.h>

#include "report.h"

using weave::append_json_string;
using weave::nearest_rank;

namespace {
std::string json(std::string_view bytes, size_t max = SIZE_MAX) {
    std::string out;
    append_json_string(out, bytes, max);
    return out;
}
} // namespace

TEST_CASE("nearest-rank percentiles take the value at rank ceil(p*n/100)") {
    const std::vector<int64_t> three = {10, 20, 30};
    CHECK(nearest_rank(three, 50) == 20);
    CHECK(nearest_rank(three, 95) == 30);
    const std::vector<int64_t> five = {1, 2, 3, 4, 5};
    CHECK(nearest_rank(five, 50) == 3);
    CHECK(nearest_rank(five, 90) == 5);
    CHECK(nearest_rank(five, 20) == 1);
    CHECK(nearest_rank({7}, 99) == 7);
}

TEST_CASE("json strings escape, keep UTF-8 and replace invalid bytes") {
    CHECK(json("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(json("t\tn\n\x01") == "\"t\\tn\\n\\u0001\"");
    CHECK(json("caf\xC3\xA9") == "\"caf\xC3\xA9\"");
    CHECK(json("x\xFFy") == "\"x\xEF\xBF\xBDy\"");
    CHECK(json("x\xE2\x82y") == "\"x\xEF\xBF\xBDy\"");  // one U+FFFD per maximal subpart
    CHECK(json("\xED\xA0\x80") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
}

TEST_CASE("json strings are cut on a character boundary") {
    CHECK(json("abc\xC3\xA9", 4) == "\"abc\"");
    CHECK(json("abc\xC3\xA9", 5) == "\"abc\xC3\xA9\"");
    CHECK(json("abcdef", 3) == "\"abc\"");
}
