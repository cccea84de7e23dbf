#pragma once
// RFC 3339 times as microseconds since the Unix epoch, UTC (SPEC §2, §5, §6).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace weave {

// Parses `2026-11-27T10:15:00.123Z`, `t`/`z` in either case, offsets `+HH:MM`/`-HH:MM`, a
// fraction of 1-9 digits truncated to microseconds, a real calendar date, no leap second.
// Instants outside years 0000-9999 UTC are refused so that every output time has 4 year digits.
std::optional<int64_t> parse_rfc3339_us(std::string_view text) noexcept;

// `2026-11-27T10:15:00.123000Z`: exactly 6 fraction digits and `Z`.
void append_rfc3339_us(std::string& out, int64_t time_us);

// Milliseconds from microseconds: an integer when whole, else up to 3 decimals (SPEC §4).
void append_ms(std::string& out, int64_t duration_us);

} // namespace weave
