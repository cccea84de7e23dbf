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

TEST_CASE("a reserve hint, too small, right or too large, never changes ids or names") {
    for (const size_t hint : {size_t{0}, size_t{100}, size_t{5000}, size_t{1} << 20}) {
        CAPTURE(hint);
        weave::intern_table table;
        table.intern("before");
        table.reserve(hint, hint * 8);
        CHECK(table.find("before") == 0u);
        for (int i = 1; i <= 5000; i++) {
            CHECK(table.intern("order-" + std::to_string(i)) == static_cast<uint32_t>(i));
        }
        table.reserve(10, 10); // smaller than the table: keeps every slot
        CHECK(table.size() == 5001u);
        CHECK(table.name(0) == "before");
        CHECK(table.find("order-4321") == 4321u);
        CHECK(table.name(5000) == "order-5000");
        CHECK(table.find("order-5001") == weave::no_id);
    }
}
