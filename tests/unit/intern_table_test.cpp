#include <doctest/doctest.h>

#include <string>

#include "intern_table.h"

TEST_CASE("intern table gives dense ids in first-seen order and survives growth") {
    weave::intern_table table;
    for (int i = 0; i < 10000; i++) {
        CHECK(table.intern("sku-" + std::to_string(i)) == static_cast<uint32_t>(i));
    }
    CHECK(table.intern("sku-42") == 42u);
    CHECK(table.find("sku-9999") == 9999u);
    CHECK(table.find("sku-10000") == weave::no_id);
    CHECK(table.name(1234) == "sku-1234");
    CHECK(table.intern(std::string("a\0b", 3)) != table.intern(std::string("a\0c", 3)));
}
