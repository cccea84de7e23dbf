#include "shopify/shopify_state.h"

#include <charconv>
#include <vector>

#include "weave/assert.h"
#include "weave/limits.h"

namespace weave::channels::shopify {
namespace {

// Bumped when the text changes meaning; load refuses any other version.
constexpr std::string_view state_header = "weave.shopify.state 1";

template <typename Number>
bool parse_number(std::string_view text, Number& out) {
    if (text.empty()) return false;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size();
}

std::vector<std::string_view> split_spaces(std::string_view line) {
    std::vector<std::string_view> tokens;
    size_t start = 0;
    while (start <= line.size()) {
        const size_t space = line.find(' ', start);
        const size_t end = space == std::string_view::npos ? line.size() : space;
        tokens.push_back(line.substr(start, end - start));
        start = end + 1;
    }
    return tokens;
}

// `l ITEM LOCATION AVAILABLE|- UPDATED_US`
bool parse_level(const std::vector<std::string_view>& tokens,
                 std::map<std::pair<uint64_t, uint64_t>, location_level>& levels) {
    uint64_t item = 0;
    uint64_t location = 0;
    location_level level;
    if (tokens.size() != 5 || !parse_number(tokens[1], item) ||
        !parse_number(tokens[2], location) || !parse_number(tokens[4], level.updated_us)) {
        return false;
    }
    if (tokens[3] != "-") {
        int64_t available = 0;
        if (!parse_number(tokens[3], available)) return false;
        if (available < -qty_abs_max || available > qty_abs_max) return false;
        level.available = available;
    }
    if (levels.size() >= state_levels_max) return false;
    return levels.emplace(std::pair{item, location}, level).second;
}

// `v VARIANT ITEM`
bool parse_variant(const std::vector<std::string_view>& tokens,
                   std::map<uint64_t, uint64_t>& variants) {
    uint64_t variant = 0;
    uint64_t item = 0;
    if (tokens.size() != 3 || !parse_number(tokens[1], variant) || !parse_number(tokens[2], item)) {
        return false;
    }
    if (variants.size() >= state_variants_max) return false;
    return variants.emplace(variant, item).second;
}

} // namespace

level_update shopify_state::set_level(uint64_t item, uint64_t location,
                                      std::optional<int64_t> available, int64_t updated_us) {
    WEAVE_ASSERT(!available || (*available >= -qty_abs_max && *available <= qty_abs_max));
    const auto key = std::pair{item, location};
    const auto found = _levels.find(key);
    if (found == _levels.end()) {
        if (_levels.size() >= state_levels_max) return level_update::full;
        _levels.emplace(key, location_level{available, updated_us});
        return level_update::applied;
    }
    if (updated_us < found->second.updated_us) return level_update::stale;
    found->second = location_level{available, updated_us};
    return level_update::applied;
}

std::optional<int64_t> shopify_state::total(uint64_t item) const {
    std::optional<int64_t> sum;
    for (auto at = _levels.lower_bound(std::pair{item, uint64_t{0}});
         at != _levels.end() && at->first.first == item; ++at) {
        if (!at->second.available) continue;
        // |level| <= 1e9 and at most state_levels_max of them: far inside int64.
        sum = sum.value_or(0) + *at->second.available;
    }
    return sum;
}

bool shopify_state::remember_variant(uint64_t variant, uint64_t item) {
    const auto found = _variants.find(variant);
    if (found != _variants.end()) {
        found->second = item;
        return true;
    }
    if (_variants.size() >= state_variants_max) return false;
    _variants.emplace(variant, item);
    return true;
}

std::optional<uint64_t> shopify_state::item_of_variant(uint64_t variant) const {
    const auto found = _variants.find(variant);
    if (found == _variants.end()) return std::nullopt;
    return found->second;
}

std::string shopify_state::save() const {
    if (_levels.empty() && _variants.empty()) return {};
    std::string out(state_header);
    out += '\n';
    for (const auto& [key, level] : _levels) {
        out += "l ";
        out += std::to_string(key.first);
        out += ' ';
        out += std::to_string(key.second);
        out += ' ';
        out += level.available ? std::to_string(*level.available) : std::string("-");
        out += ' ';
        out += std::to_string(level.updated_us);
        out += '\n';
    }
    for (const auto& [variant, item] : _variants) {
        out += "v ";
        out += std::to_string(variant);
        out += ' ';
        out += std::to_string(item);
        out += '\n';
    }
    return out;
}

bool shopify_state::load(std::string_view text) {
    if (text.empty()) {
        _levels.clear();
        _variants.clear();
        return true;
    }
    std::map<std::pair<uint64_t, uint64_t>, location_level> levels;
    std::map<uint64_t, uint64_t> variants;
    size_t start = 0;
    bool header = true;
    while (start < text.size()) {
        const size_t newline = text.find('\n', start);
        if (newline == std::string_view::npos) return false; // save() ends every line
        const std::string_view line = text.substr(start, newline - start);
        start = newline + 1;
        if (header) {
            if (line != state_header) return false;
            header = false;
            continue;
        }
        const auto tokens = split_spaces(line);
        const bool ok = tokens[0] == "l"   ? parse_level(tokens, levels)
                        : tokens[0] == "v" ? parse_variant(tokens, variants)
                                           : false;
        if (!ok) return false;
    }
    _levels = std::move(levels);
    _variants = std::move(variants);
    return true;
}

} // namespace weave::channels::shopify
