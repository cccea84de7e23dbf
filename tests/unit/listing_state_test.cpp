// The listing's expected-value history (SPEC §4: the last 8 values and when each stopped), kept
// as int32 values: what that narrowing may and may not change.
#include <doctest/doctest.h>

#include "listing_state.h"

using weave::listing_state;

TEST_CASE("history: a value beyond SPEC's quantity bound never matches, and never aliases") {
    listing_state state;
    state.push_history(5'000'000'000, 100);  // expected can exceed 1e9 (a sum of on_hand)
    state.push_history(-3'000'000'000, 200);
    state.push_history(1'000'000'000, 300);
    state.push_history(-1'000'000'000, 400);
    state.push_history(0, 500);
    // 5e9 truncated to 32 bits would be 705,032,704: it must not be found.
    CHECK_FALSE(state.history_has(705'032'704, INT64_MIN));
    CHECK_FALSE(state.history_has(static_cast<int32_t>(-3'000'000'000LL), INT64_MIN));
    CHECK_FALSE(state.history_has(5'000'000'000, INT64_MIN));
    CHECK(state.history_has(1'000'000'000, 300));
    CHECK_FALSE(state.history_has(1'000'000'000, 301));  // stopped before t - grace
    CHECK(state.history_has(-1'000'000'000, INT64_MIN));
    CHECK(state.history_has(0, 500));
}

TEST_CASE("history: a ring of the last 8 values, each with its own stop time") {
    listing_state state;
    for (int i = 1; i <= 11; i++) {
        state.push_history(i, i * 1000);
    }
    CHECK(state.history_count == 8);
    for (int i = 1; i <= 3; i++) {
        CHECK_FALSE(state.history_has(i, INT64_MIN));  // pushed out
    }
    for (int i = 4; i <= 11; i++) {
        CHECK(state.history_has(i, i * 1000));
        CHECK_FALSE(state.history_has(i, i * 1000 + 1));
    }
    CHECK(sizeof(listing_state) == 168);
}
