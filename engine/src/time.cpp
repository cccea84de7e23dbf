#include "weave/time.h"

#include <cstdio>

namespace weave {
namespace {

// Howard Hinnant's days_from_civil: proleptic Gregorian date -> days since 1970-01-01.
constexpr int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct civil {
    int64_t year;
    unsigned month;
    unsigned day;
};

constexpr civil civil_from_days(int64_t z) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t y = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2 ? 1 : 0), m, d};
}

constexpr bool is_leap(int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr unsigned days_in_month(int64_t y, unsigned m) {
    constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

// Reads exactly `n` digits at `pos`; false when any is not a digit.
bool read_digits(std::string_view s, size_t pos, size_t n, unsigned& value) {
    if (pos + n > s.size()) {
        return false;
    }
    value = 0;
    for (size_t i = 0; i < n; i++) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return true;
}

constexpr int64_t us_per_s = 1'000'000;
constexpr int64_t min_time_us = days_from_civil(0, 1, 1) * 86400 * us_per_s;
constexpr int64_t max_time_us = (days_from_civil(10000, 1, 1) * 86400) * us_per_s - 1;

} // namespace

std::optional<int64_t> parse_rfc3339_us(std::string_view s) noexcept {
    unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!read_digits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' ||
        !read_digits(s, 5, 2, month) || s[7] != '-' || !read_digits(s, 8, 2, day)) {
        return std::nullopt;
    }
    if ((s[10] != 'T' && s[10] != 't') || !read_digits(s, 11, 2, hour) || s[13] != ':' ||
        !read_digits(s, 14, 2, minute) || s[16] != ':' || !read_digits(s, 17, 2, second)) {
        return std::nullopt;
    }
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) {
        return std::nullopt;
    }
    if (hour > 23 || minute > 59 || second > 59) {
        return std::nullopt;
    }
    size_t pos = 19;
    int64_t fraction_us = 0;
    if (s[pos] == '.') {
        pos++;
        size_t digits = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (digits < 6) {
                fraction_us = fraction_us * 10 + (s[pos] - '0');
            }
            digits++;
            pos++;
        }
        if (digits < 1 || digits > 9) {
            return std::nullopt;
        }
        for (size_t i = digits; i < 6; i++) {
            fraction_us *= 10;
        }
    }
    if (pos >= s.size()) {
        return std::nullopt;
    }
    int64_t offset_s = 0;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        pos++;
    } else if (s[pos] == '+' || s[pos] == '-') {
        unsigned off_h = 0, off_m = 0;
        if (!read_digits(s, pos + 1, 2, off_h) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
            !read_digits(s, pos + 4, 2, off_m) || off_h > 23 || off_m > 59) {
            return std::nullopt;
        }
        offset_s = (static_cast<int64_t>(off_h) * 60 + off_m) * 60;
        if (s[pos] == '-') {
            offset_s = -offset_s;
        }
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) {
        return std::nullopt;
    }
    const int64_t days = days_from_civil(year, month, day);
    const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
    const int64_t time_us = seconds * us_per_s + fraction_us;
    if (time_us < min_time_us || time_us > max_time_us) {
        return std::nullopt;
    }
    return time_us;
}

void append_rfc3339_us(std::string& out, int64_t time_us) {
    int64_t seconds = time_us / us_per_s;
    int64_t fraction = time_us % us_per_s;
    if (fraction < 0) {
        fraction += us_per_s;
        seconds -= 1;
    }
    int64_t days = seconds / 86400;
    int64_t second_of_day = seconds % 86400;
    if (second_of_day < 0) {
        second_of_day += 86400;
        days -= 1;
    }
    const civil date = civil_from_days(days);
    char buffer[40];
    const int n =
        std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                      static_cast<long long>(date.year), date.month, date.day,
                      static_cast<long long>(second_of_day / 3600),
                      static_cast<long long>(second_of_day / 60 % 60),
                      static_cast<long long>(second_of_day % 60), static_cast<long long>(fraction));
    out.append(buffer, static_cast<size_t>(n));
}

void append_ms(std::string& out, int64_t duration_us) {
    const bool negative = duration_us < 0;
    const uint64_t magnitude =
        negative ? 0 - static_cast<uint64_t>(duration_us) : static_cast<uint64_t>(duration_us);
    if (negative) {
        out += '-';
    }
    out += std::to_string(magnitude / 1000);
    uint64_t micros = magnitude % 1000;
    if (micros != 0) {
        char digits[4] = {static_cast<char>('0' + micros / 100),
                          static_cast<char>('0' + micros / 10 % 10),
                          static_cast<char>('0' + micros % 10), 0};
        size_t length = 3;
        while (digits[length - 1] == '0') {
            length--;
        }
        out += '.';
        out.append(digits, length);
    }
}

} // namespace weave
