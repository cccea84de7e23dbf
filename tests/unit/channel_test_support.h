#pragma once
// Helpers shared by the channel adapters' tests.
#include <string>
#include <vector>

#include "channels/channel_adapter.h"
#include "test_support.h"

namespace channel_test {

using weave_test::lines_of;

// "where:reason" per reject, in order.
inline std::vector<std::string> rejects_of(const weave::channels::conversion& out) {
    std::vector<std::string> texts;
    for (const weave::channels::payload_reject& r : out.rejects) {
        texts.push_back(r.where + ":" + r.reason);
    }
    return texts;
}

} // namespace channel_test
