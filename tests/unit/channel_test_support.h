#pragma once
// Helpers shared by the channel adapters' tests.
#include <string>
#include <vector>

#include "channels/channel_adapter.h"

namespace channel_test {

// The lines of an NDJSON text, without their line ends.
inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        const size_t end = text.find('\n', start);
        lines.push_back(text.substr(start, end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return lines;
}

// "where:reason" per reject, in order.
inline std::vector<std::string> rejects_of(const weave::channels::conversion& out) {
    std::vector<std::string> texts;
    for (const weave::channels::payload_reject& r : out.rejects) {
        texts.push_back(r.where + ":" + r.reason);
    }
    return texts;
}

} // namespace channel_test
