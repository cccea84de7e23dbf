#pragma once
// weave score: how well the divergences weave found (divergences.ndjson, SPEC §5) recover the
// faults a generator injected (the truth file of `weave gen --truth`), as precision and recall
// per cause, for detection and for classification.
//
// Truth line: {"ts":…,"channel":…,"listing":…,"sku":…|null,"layer":…,"cause":…}, ts being when
// the fault was injected; layer/cause one of SPEC §4's table.
//
// Matching rule. Faults and divergence `open` records are matched per (channel, listing); close
// records are ignored. Faults are processed in ts order (file order for equal ts); a fault
// matches the earliest not-yet-matched open record of the same (channel, listing) whose open ts
// lies in [fault ts, fault ts + window] (both ends included; equal open ts: file order). An open
// record matches at most one fault.
// - detection: a fault is detected when it is matched;
// - classification: a matched fault is classified right when the open's layer and cause equal
//   the fault's (a cause fixes its layer, so equal causes suffice).
// Per cause c:
//   detection recall          = detected faults of c / faults of c
//   classification recall     = rightly classified faults of c / faults of c
//   detection precision       = opens of cause c that matched any fault / opens of cause c
//   classification precision  = opens of cause c matched to a fault of cause c / opens of c
// The overall figures are the same ratios over all causes (micro averages). A ratio with a zero
// denominator is null.
//
// Bad lines (not one JSON object, a missing or ill-typed field, an unknown layer or cause, a
// layer that is not its cause's, an invalid ts) are counted and skipped, never fatal.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "weave/divergence.h"

namespace weave::score {

inline constexpr int64_t window_ms_default = 600'000;
inline constexpr int64_t window_ms_max = 1'000'000'000'000; // about 31 years
inline constexpr size_t listed_records_max = 20;            // `missed` and `unexpected`
inline constexpr size_t bad_line_samples_max = 5;           // per file, for stderr
inline constexpr uint32_t no_match = UINT32_MAX;
inline constexpr uint32_t ppm_one = 1'000'000; // thresholds in parts per million

// One fault of the truth file, or one open record of divergences.ndjson. `line` points into
// the input text, which must outlive the score_result.
struct scored_record {
    int64_t ts_us = 0;
    uint32_t listing_id = 0; // dense id of (channel, listing)
    uint32_t line_number = 0;
    divergence_cause cause = divergence_cause::channel_edit;
    std::string_view line;
};

struct bad_line {
    uint32_t line_number = 0;
    std::string_view reason;
};

struct file_tally {
    uint64_t lines = 0;
    uint64_t blank_lines = 0;
    uint64_t bad_lines = 0;
    uint64_t ignored_lines = 0;        // close records
    std::vector<bad_line> bad_samples; // the first bad_line_samples_max
};

// numerator / denominator; null when the denominator is 0.
struct ratio {
    uint64_t numerator = 0;
    uint64_t denominator = 0;
};

struct cause_counts {
    uint64_t faults = 0;
    uint64_t opens = 0;
    uint64_t faults_detected = 0;
    uint64_t faults_classified = 0; // matched to an open of the same cause
    uint64_t opens_matched = 0;
    uint64_t opens_classified = 0; // matched to a fault of the same cause
};

enum class figure : uint8_t {
    detection_recall,
    detection_precision,
    classification_recall,
    classification_precision,
};
inline constexpr size_t figure_count = 4;
inline constexpr std::array<std::string_view, figure_count> figure_names = {
    "detection_recall", "detection_precision", "classification_recall", "classification_precision"};

ratio figure_of(const cause_counts& counts, figure which);

struct score_result {
    int64_t window_us = 0;
    std::vector<scored_record> faults; // in ts order, file order for equal ts
    std::vector<scored_record> opens;  // in file order
    std::vector<uint32_t> fault_match; // per fault: index into `opens`, or no_match
    std::vector<uint32_t> open_match;  // per open: index into `faults`, or no_match
    std::array<cause_counts, divergence_cause_count> by_cause{};
    cause_counts overall;
    file_tally truth;
    file_tally divergences;
};

// A text the score_result points into: a temporary std::string is refused at compile time.
struct input_text {
    input_text(std::string_view text) : bytes(text) {}
    input_text(const char* text) : bytes(text) {}
    input_text(const std::string& text) : bytes(text) {}
    input_text(std::string&& text) = delete;
    std::string_view bytes;
};

// Reads both texts, matches, counts. window_ms in [0, window_ms_max]. The result points into
// both texts, which must outlive it.
score_result score(input_text truth, input_text divergences, int64_t window_ms);

// The compact JSON report (one line, ending in a newline).
std::string report_json(const score_result& result);

// A human-readable table for stderr.
std::string report_table(const score_result& result);

// `0.123457`: the ratio rounded half up to 6 decimals; `null` when the denominator is 0.
void append_ratio(std::string& out, ratio value);

// True when value < threshold_ppm / 1e6 exactly, or when value is null (nothing to show the
// threshold is met).
bool below_threshold(ratio value, uint32_t threshold_ppm);

// Parses a threshold in [0, 1] with at most 6 decimals (`0.9`, `1`, `0.375`) into ppm.
bool parse_threshold_ppm(std::string_view text, uint32_t& threshold_ppm);

} // namespace weave::score
