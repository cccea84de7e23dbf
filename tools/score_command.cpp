// weave score --truth FAULTS.ndjson --divergences FILE: precision and recall of the divergences
// weave found against the faults a generator injected (the matching rule is in score/score.h
// and in the help below).
#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "commands.h"
#include "flags.h"
#include "ndjson/log_file.h"
#include "score/score.h"

namespace weave::tools {
namespace {

constexpr const char* score_usage =
    "usage: weave score --truth FAULTS.ndjson --divergences DIR/divergences.ndjson\n"
    "                   [--window-ms W] [--min-detection-recall R]\n"
    "                   [--min-detection-precision P] [--min-classification-recall R]\n"
    "                   [--min-classification-precision P] [--out REPORT.json]\n"
    "\n"
    "Scores the divergences weave found (the `open` records of divergences.ndjson) against the\n"
    "faults a generator injected (the truth file of `weave gen --truth`): precision and recall\n"
    "per cause, for detection and for classification. Writes a compact JSON report to stdout\n"
    "(or to --out) and a table to stderr.\n"
    "\n"
    "matching: faults and open records are matched per (channel, listing); close records are\n"
    "ignored. Faults are taken in ts order; each matches the earliest not-yet-matched open\n"
    "record of its (channel, listing) whose ts lies in [fault ts, fault ts + W] (both ends\n"
    "included). An open record matches at most one fault.\n"
    "  detected               the fault is matched\n"
    "  classified right       the matched open has the fault's layer and cause\n"
    "  detection recall       detected faults of cause c / faults of cause c\n"
    "  classification recall  rightly classified faults of c / faults of c\n"
    "  detection precision    opens of cause c matched to any fault / opens of cause c\n"
    "  classification prec.   opens of cause c matched to a fault of cause c / opens of c\n"
    "Overall figures are the same over all causes (micro averages); a ratio over 0 is null.\n"
    "Bad lines in either file are counted (`bad_lines`) and skipped.\n"
    "\n"
    "options:\n"
    "  --truth FILE                        injected faults, one JSON object a line (required)\n"
    "  --divergences FILE                  divergences.ndjson of `weave replay` (required)\n"
    "  --window-ms W                       match window in ms, 0-1e12 (default: 600000)\n"
    "  --min-detection-recall R            fail when the overall figure is below R (0-1,\n"
    "  --min-detection-precision P         at most 6 decimals, compared exactly; a null\n"
    "  --min-classification-recall R       figure fails); no flag, no threshold\n"
    "  --min-classification-precision P\n"
    "  --out FILE                          write the report to FILE instead of stdout\n"
    "  -h, --help                          show this help\n"
    "\n"
    "exit status: 0 done, 1 an input cannot be read or the report cannot be written, 2 bad\n"
    "usage, 3 an overall figure is below its threshold.\n";

constexpr std::array<std::string_view, score::figure_count> threshold_flags = {
    "--min-detection-recall", "--min-detection-precision", "--min-classification-recall",
    "--min-classification-precision"};

struct score_args {
    std::string truth_path;
    std::string divergences_path;
    std::string out_path;
    int64_t window_ms = score::window_ms_default;
    std::array<std::optional<uint32_t>, score::figure_count> thresholds_ppm{};
    bool help = false;
};

int usage_error(const std::string& message) {
    std::fprintf(stderr, "weave score: %s\n\n%s", message.c_str(), score_usage);
    return 2;
}

bool parse_window_ms(std::string_view text, int64_t& out) {
    if (text.empty() || text.size() > 13) return false;
    int64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    if (value > score::window_ms_max) return false;
    out = value;
    return true;
}

// 0 when the arguments are good, else the exit status (2, after the message).
int parse_args(int argc, char** argv, score_args& args) {
    for (int i = 0; i < argc; i++) {
        const std::string_view arg = argv[i];
        auto value = [&](std::string_view flag, std::string& out) {
            return flag_value(argc, argv, i, flag, out);
        };
        std::string text;
        bool threshold = false;
        for (size_t f = 0; f < score::figure_count && !threshold; f++) {
            if (value(threshold_flags[f], text)) {
                threshold = true;
                uint32_t ppm = 0;
                if (!score::parse_threshold_ppm(text, ppm)) {
                    return usage_error(std::string(threshold_flags[f]) + " takes a number from " +
                                       "0 to 1 with at most 6 decimals, not '" + text + "'");
                }
                args.thresholds_ppm[f] = ppm;
            }
        }
        if (threshold) {
            continue;
        } else if (arg == "-h" || arg == "--help") {
            args.help = true;
        } else if (value("--truth", text)) {
            args.truth_path = text;
        } else if (value("--divergences", text)) {
            args.divergences_path = text;
        } else if (value("--out", text)) {
            args.out_path = text;
        } else if (value("--window-ms", text)) {
            if (!parse_window_ms(text, args.window_ms)) {
                return usage_error("--window-ms takes a whole number of ms from 0 to 1e12, "
                                   "not '" + text + "'");
            }
        } else {
            return usage_error("unknown or incomplete argument '" + std::string(arg) + "'");
        }
    }
    if (args.help) return 0;
    if (args.truth_path.empty()) return usage_error("missing --truth FILE");
    if (args.divergences_path.empty()) return usage_error("missing --divergences FILE");
    return 0;
}

bool write_report(const std::string& path, const std::string& report) {
    if (path.empty()) {
        return std::fwrite(report.data(), 1, report.size(), stdout) == report.size() &&
               std::fflush(stdout) == 0;
    }
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) return false;
    const bool written = std::fwrite(report.data(), 1, report.size(), file) == report.size();
    return std::fclose(file) == 0 && written;
}

// The threshold flags the overall figures fall below, one line each on stderr; true if any.
bool check_thresholds(const score::score_result& result, const score_args& args) {
    bool failed = false;
    for (size_t f = 0; f < score::figure_count; f++) {
        if (!args.thresholds_ppm[f]) continue;
        const uint32_t ppm = *args.thresholds_ppm[f];
        const score::ratio figure = score::figure_of(result.overall, static_cast<score::figure>(f));
        if (!score::below_threshold(figure, ppm)) continue;
        failed = true;
        std::string line = "weave score: overall " + std::string(score::figure_names[f]) + " ";
        score::append_ratio(line, figure);
        line += " is below " + std::string(threshold_flags[f]) + " ";
        score::append_ratio(line, {ppm, score::ppm_one});
        std::fprintf(stderr, "%s\n", line.c_str());
    }
    return failed;
}

} // namespace

int score_command(int argc, char** argv) {
    score_args args;
    if (const int status = parse_args(argc, argv, args); status != 0) {
        return status;
    }
    if (args.help) {
        std::fputs(score_usage, stdout);
        return 0;
    }
    ndjson::log_file truth, divergences;
    std::string error;
    if (!truth.open(args.truth_path, error) || !divergences.open(args.divergences_path, error)) {
        std::fprintf(stderr, "weave score: %s\n", error.c_str());
        return 1;
    }
    const score::score_result result =
        score::score(truth.bytes(), divergences.bytes(), args.window_ms);
    const std::string report = score::report_json(result);
    if (!write_report(args.out_path, report)) {
        std::fprintf(stderr, "weave score: cannot write the report to %s\n",
                     args.out_path.empty() ? "stdout" : args.out_path.c_str());
        return 1;
    }
    std::fputs(score::report_table(result).c_str(), stderr);
    return check_thresholds(result, args) ? 3 : 0;
}

} // namespace weave::tools
