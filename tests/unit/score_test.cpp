// weave score: the matching rule, the figures, the report, bad lines and the exit codes.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "score/score.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace weave::score;
using weave::divergence_cause;

namespace {

std::string truth_line(const std::string& ts, const std::string& channel,
                       const std::string& listing, const std::string& layer,
                       const std::string& cause) {
    const std::string sku = cause == "unmapped_listing" ? "null" : "\"S1\"";
    return "{\"ts\":\"2026-11-27T" + ts + "Z\",\"channel\":\"" + channel + "\",\"listing\":\"" +
           listing + "\",\"sku\":" + sku + ",\"layer\":\"" + layer + "\",\"cause\":\"" + cause +
           "\"}";
}

std::string open_line(const std::string& ts, const std::string& channel,
                      const std::string& listing, const std::string& layer,
                      const std::string& cause) {
    return "{\"event\":\"open\",\"ts\":\"2026-11-27T" + ts + "Z\",\"seq\":null,\"channel\":\"" +
           channel + "\",\"listing\":\"" + listing + "\",\"sku\":\"S1\",\"expected\":1," +
           "\"observed\":2,\"layer\":\"" + layer + "\",\"cause\":\"" + cause + "\"}";
}

// The fixture (window 600000 ms), fault by fault:
//   F1 amazon/A1 10:00:00 stale      <- O1 10:05:00 stale (O7 10:06 stays unmatched)
//   F2 amazon/A2 10:00:00 stale      <- O2 10:10:00.000000 channel_edit (window end, wrong cause)
//   F3 amazon/A3 10:00:00 rejected   -- O3 10:10:00.000001 is one microsecond too late
//   F4 amazon/A4 10:00:05 buffer     -- written first, but F5 is earlier and takes O4
//   F5 amazon/A4 10:00:00 buffer     <- O4 10:00:10 buffer
//   F6 shopify/SH1 10:00:00 unmapped <- O6 10:00:00 (window start); O5 09:59:59.999999 is early
//   F7 ebay/A1 10:00:00 returns      -- O7 (returns_counted) is on amazon/A1, not ebay/A1
//   O8 woo/W1 channel_edit matches nothing.
const std::string f1 = truth_line("10:00:00.000000", "amazon", "A1", "publish", "stale_value");
const std::string f2 = truth_line("10:00:00.000000", "amazon", "A2", "publish", "stale_value");
const std::string f3 =
    truth_line("10:00:00.000000", "amazon", "A3", "ledger", "rejected_movement");
const std::string f4 = truth_line("10:00:05.000000", "amazon", "A4", "policy", "buffer_ignored");
const std::string f5 = truth_line("10:00:00.000000", "amazon", "A4", "policy", "buffer_ignored");
const std::string f6 =
    truth_line("10:00:00.000000", "shopify", "SH1", "identity", "unmapped_listing");
const std::string f7 = truth_line("10:00:00.000000", "ebay", "A1", "ledger", "returns_counted");

const std::string o1 = open_line("10:05:00.000000", "amazon", "A1", "publish", "stale_value");
const std::string o2 =
    open_line("10:10:00.000000", "amazon", "A2", "unexplained", "channel_edit");
const std::string o3 =
    open_line("10:10:00.000001", "amazon", "A3", "ledger", "rejected_movement");
const std::string o4 = open_line("10:00:10.000000", "amazon", "A4", "policy", "buffer_ignored");
const std::string o5 =
    open_line("09:59:59.999999", "shopify", "SH1", "identity", "unmapped_listing");
const std::string o6 =
    open_line("10:00:00.000000", "shopify", "SH1", "identity", "unmapped_listing");
const std::string o7 = open_line("10:06:00.000000", "amazon", "A1", "ledger", "returns_counted");
const std::string o8 = open_line("10:00:00.000000", "woo", "W1", "unexplained", "channel_edit");
const std::string close_o1 =
    "{\"event\":\"close\",\"ts\":\"2026-11-27T10:05:30.000000Z\",\"seq\":9,\"channel\":"
    "\"amazon\",\"listing\":\"A1\",\"sku\":\"S1\",\"expected\":1,\"observed\":1,\"layer\":"
    "\"publish\",\"cause\":\"stale_value\",\"duration_ms\":30000}";

const std::string fixture_truth =
    f1 + "\n" + f2 + "\n" + f3 + "\n" + f4 + "\n" + f5 + "\n" + f6 + "\n" + f7 + "\n";

// Sorted by ts as weave writes it.
const std::string fixture_divergences = o5 + "\n" + o6 + "\n" + o8 + "\n" + o4 + "\n" + o1 +
                                        "\n" + close_o1 + "\n" + o7 + "\n" + o2 + "\n" + o3 +
                                        "\n";

std::string ratio_text(ratio value) {
    std::string text;
    append_ratio(text, value);
    return text;
}

std::string figures(const cause_counts& counts) {
    std::string text;
    for (size_t i = 0; i < figure_count; i++) {
        if (i > 0) {
            text += ' ';
        }
        text += ratio_text(figure_of(counts, static_cast<figure>(i)));
    }
    return text;
}

const cause_counts& of(const score_result& result, divergence_cause cause) {
    return result.by_cause[static_cast<size_t>(cause)];
}

} // namespace

TEST_CASE("score matches faults to opens by listing, time window and order") {
    const score_result result = score(fixture_truth, fixture_divergences, 600'000);
    REQUIRE(result.faults.size() == 7);
    REQUIRE(result.opens.size() == 8);
    CHECK(result.divergences.ignored_lines == 1);
    // Faults in ts order: F1 F2 F3 F5 F6 F7 (10:00:00, file order), then F4 (10:00:05).
    const std::string order[] = {f1, f2, f3, f5, f6, f7, f4};
    for (size_t i = 0; i < 7; i++) {
        CHECK(result.faults[i].line == order[i]);
    }
    // Opens in file order: O5 O6 O8 O4 O1 O7 O2 O3.
    const auto open_of = [&](size_t fault) -> std::string {
        const uint32_t open = result.fault_match[fault];
        return open == no_match ? "none" : std::string(result.opens[open].line);
    };
    CHECK(open_of(0) == o1);    // the earliest unmatched open in the window, not O7
    CHECK(open_of(1) == o2);    // open ts == fault ts + window matches
    CHECK(open_of(2) == "none"); // one microsecond past the window does not
    CHECK(open_of(3) == o4);    // F5 comes before F4 in ts order and takes O4
    CHECK(open_of(4) == o6);    // open ts == fault ts matches; the earlier O5 does not
    CHECK(open_of(5) == "none"); // same listing name on another channel does not match
    CHECK(open_of(6) == "none"); // O4 matches one fault only
}

TEST_CASE("score gives exact figures per cause and overall") {
    const score_result result = score(fixture_truth, fixture_divergences, 600'000);
    // detected F1 F2 F5 F6 (4 of 7), right F1 F5 F6 (3 of 7); opens matched O1 O2 O4 O6 (4 of 8),
    // of which O1 O4 O6 rightly (3 of 8).
    CHECK(figures(result.overall) == "0.571429 0.500000 0.428571 0.375000");
    CHECK(figures(of(result, divergence_cause::unmapped_listing)) ==
          "1.000000 0.500000 1.000000 0.500000");
    // Wrong-cause classification: F2 detected by a channel_edit open.
    CHECK(figures(of(result, divergence_cause::stale_value)) ==
          "1.000000 1.000000 0.500000 1.000000");
    CHECK(figures(of(result, divergence_cause::channel_edit)) ==
          "null 0.500000 null 0.000000");
    CHECK(figures(of(result, divergence_cause::rejected_movement)) ==
          "0.000000 0.000000 0.000000 0.000000");
    CHECK(figures(of(result, divergence_cause::returns_counted)) ==
          "0.000000 0.000000 0.000000 0.000000");
    CHECK(figures(of(result, divergence_cause::buffer_ignored)) ==
          "0.500000 1.000000 0.500000 1.000000");
    CHECK(figures(of(result, divergence_cause::share_ignored)) == "null null null null");
    CHECK(of(result, divergence_cause::channel_edit).opens == 2);
    CHECK(of(result, divergence_cause::channel_edit).faults == 0);
}

TEST_CASE("unexpected opens lower precision and nothing else") {
    const std::string extra =
        open_line("10:20:00.000000", "amazon", "A1", "publish", "stale_value") + "\n" +
        open_line("11:00:00.000000", "amazon", "A9", "publish", "stale_value") + "\n";
    const score_result base = score(fixture_truth, fixture_divergences, 600'000);
    const std::string divergences = fixture_divergences + extra;
    const score_result more = score(fixture_truth, divergences, 600'000);
    CHECK(figures(more.overall) == "0.571429 0.400000 0.428571 0.300000");
    CHECK(figures(of(more, divergence_cause::stale_value)) ==
          "1.000000 0.333333 0.500000 0.333333");
    CHECK(of(more, divergence_cause::stale_value).faults ==
          of(base, divergence_cause::stale_value).faults);
}

TEST_CASE("the window is a parameter, exact to the microsecond") {
    // With a 10 s window only O6 (0 s), O4 (10 s after F5) and nothing else match.
    const score_result narrow = score(fixture_truth, fixture_divergences, 10'000);
    CHECK(figures(narrow.overall) == "0.285714 0.250000 0.285714 0.250000");
    const score_result zero = score(fixture_truth, fixture_divergences, 0);
    CHECK(figures(zero.overall) == "0.142857 0.125000 0.142857 0.125000");
    // One millisecond more reaches O3, 600000.001 ms after F3.
    const score_result wide = score(fixture_truth, fixture_divergences, 600'001);
    CHECK(figures(of(wide, divergence_cause::rejected_movement)) ==
          "1.000000 1.000000 1.000000 1.000000");
}

TEST_CASE("the report lists every cause, the missed faults and the unexpected opens") {
    const score_result result = score(fixture_truth, fixture_divergences, 600'000);
    const std::string report = report_json(result);
    const std::string nulls =
        "\"detection_recall\":null,\"detection_precision\":null,"
        "\"classification_recall\":null,\"classification_precision\":null}";
    const std::string expected =
        "{\"faults\":7,\"opens\":8,\"window_ms\":600000,\"overall\":{\"detection_recall\":"
        "0.571429,\"detection_precision\":0.500000,\"classification_recall\":0.428571,"
        "\"classification_precision\":0.375000},\"by_cause\":{"
        "\"identity/unmapped_listing\":{\"faults\":1,\"opens\":2,\"detection_recall\":1.000000,"
        "\"detection_precision\":0.500000,\"classification_recall\":1.000000,"
        "\"classification_precision\":0.500000},"
        "\"identity/retired_listing\":{\"faults\":0,\"opens\":0," + nulls + ","
        "\"identity/duplicate_listing\":{\"faults\":0,\"opens\":0," + nulls + ","
        "\"publish/publish_failed\":{\"faults\":0,\"opens\":0," + nulls + ","
        "\"publish/stale_value\":{\"faults\":2,\"opens\":1,\"detection_recall\":1.000000,"
        "\"detection_precision\":1.000000,\"classification_recall\":0.500000,"
        "\"classification_precision\":1.000000},";
    CHECK(report.rfind(expected, 0) == 0);
    CHECK(report.find("\"policy/share_ignored\":{\"faults\":0,\"opens\":0," + nulls) !=
          std::string::npos);
    CHECK(report.find("\"unexplained/channel_edit\":{\"faults\":0,\"opens\":2,"
                      "\"detection_recall\":null,\"detection_precision\":0.500000,"
                      "\"classification_recall\":null,\"classification_precision\":0.000000}}") !=
          std::string::npos);
    const std::string tail = ",\"missed\":[" + f3 + "," + f7 + "," + f4 + "],\"unexpected\":[" +
                             o5 + "," + o8 + "," + o7 + "," + o3 +
                             "],\"bad_lines\":{\"truth\":0,\"divergences\":0}}\n";
    REQUIRE(report.size() > tail.size());
    CHECK(report.substr(report.size() - tail.size()) == tail);
}

TEST_CASE("missed and unexpected list the first 20 only") {
    std::string truth, divergences;
    for (int i = 0; i < 25; i++) {
        std::string listing = "L";
        listing += std::to_string(i);
        truth += truth_line("10:00:00.000000", "amazon", listing, "publish", "stale_value") + "\n";
        divergences += open_line("12:00:00.000000", "ebay", listing, "publish", "stale_value");
        divergences += "\n";
    }
    const std::string report = report_json(score(truth, divergences, 600'000));
    const size_t missed = report.find("\"missed\":[");
    const size_t unexpected = report.find("\"unexpected\":[");
    REQUIRE(missed != std::string::npos);
    REQUIRE(unexpected != std::string::npos);
    const auto count_between = [&](size_t from, size_t to, const std::string& what) {
        size_t n = 0;
        for (size_t at = report.find(what, from); at < to; at = report.find(what, at + 1)) n++;
        return n;
    };
    CHECK(count_between(missed, unexpected, "\"channel\":\"amazon\"") == 20);
    CHECK(count_between(unexpected, report.size(), "\"channel\":\"ebay\"") == 20);
    CHECK(report.find("\"listing\":\"L19\"") < unexpected);
    CHECK(report.find("\"listing\":\"L20\"") == std::string::npos);
}

TEST_CASE("bad lines are counted and skipped, blank lines and closes are not bad") {
    const std::string good_truth = f1 + "\n";
    const std::string truth =
        "{\"ts\":\n"                                                          // 1 malformed
        "[1,2]\n"                                                             // 2 not an object
        "\n"                                                                  // 3 blank
        "{\"ts\":\"2026-11-27T10:00:00Z\",\"channel\":\"amazon\",\"listing\":\"A1\",\"sku\":\"S1\","
        "\"layer\":\"publish\"}\n"                                            // 4 no cause
        + truth_line("10:00:00.000000", "amazon", "A1", "publish", "bogus") + "\n"  // 5
        + truth_line("10:00:00.000000", "amazon", "A1", "policy", "stale_value") + "\n"  // 6
        + truth_line("25:00:00.000000", "amazon", "A1", "publish", "stale_value") + "\n"  // 7
        + f1 + " x\n"                                                         // 8 trailing
        "{\"ts\":\"2026-11-27T10:00:00Z\",\"channel\":\"amazon\",\"listing\":\"A1\",\"sku\":7,"
        "\"layer\":\"publish\",\"cause\":\"stale_value\"}\n"                  // 9 sku a number
        "{\"ts\":\"2026-11-27T10:00:00Z\",\"channel\":1,\"listing\":\"A1\",\"sku\":null,"
        "\"layer\":\"publish\",\"cause\":\"stale_value\"}\n"                  // 10 channel
        "   \r\n"                                                             // 11 blank
        + good_truth;                                                         // 12
    const std::string divergences =
        "not json\n"                                                          // 1
        "{\"event\":\"reopen\",\"ts\":\"2026-11-27T10:00:00Z\"}\n"            // 2
        "{\"event\":\"open\",\"ts\":\"2026-11-27T10:00:00Z\",\"channel\":\"amazon\","
        "\"layer\":\"publish\",\"cause\":\"stale_value\"}\n"                  // 3 no listing
        "{\"event\":\"close\",\"whatever\":true}\n"                           // 4 ignored
        + o1;                                                                 // 5, no newline
    const score_result result = score(truth, divergences, 600'000);
    CHECK(result.truth.lines == 12);
    CHECK(result.truth.blank_lines == 2);
    CHECK(result.truth.bad_lines == 9);
    REQUIRE(result.truth.bad_samples.size() == bad_line_samples_max);
    CHECK(result.truth.bad_samples[0].reason == "malformed_json");
    CHECK(result.truth.bad_samples[1].reason == "not_an_object");
    CHECK(result.truth.bad_samples[2].line_number == 4);
    CHECK(result.truth.bad_samples[2].reason == "missing_field:cause");
    CHECK(result.truth.bad_samples[3].reason == "bad_field:cause");
    CHECK(result.truth.bad_samples[4].reason == "bad_field:layer");
    CHECK(result.divergences.lines == 5);
    CHECK(result.divergences.bad_lines == 3);
    CHECK(result.divergences.ignored_lines == 1);
    CHECK(result.divergences.bad_samples[1].reason == "bad_field:event");
    CHECK(result.divergences.bad_samples[2].reason == "missing_field:listing");
    CHECK(result.faults.size() == 1);
    CHECK(result.opens.size() == 1);
    CHECK(figures(result.overall) == "1.000000 1.000000 1.000000 1.000000");
    CHECK(report_json(result).find(",\"bad_lines\":{\"truth\":9,\"divergences\":3}}") !=
          std::string::npos);
    CHECK(report_table(result).find("bad lines in the truth file: 9 (line 1: malformed_json)") !=
          std::string::npos);
}

TEST_CASE("empty inputs give null figures") {
    const score_result result = score("", "\n", 600'000);
    CHECK(figures(result.overall) == "null null null null");
    CHECK(report_json(result).rfind("{\"faults\":0,\"opens\":0,\"window_ms\":600000,", 0) == 0);
}

TEST_CASE("ratios round half up to 6 decimals and thresholds compare exactly") {
    CHECK(ratio_text({2, 3}) == "0.666667");
    CHECK(ratio_text({1, 8}) == "0.125000");
    CHECK(ratio_text({1, 2'000'000}) == "0.000001");  // 0.0000005 rounds up
    CHECK(ratio_text({0, 5}) == "0.000000");
    CHECK(ratio_text({0, 0}) == "null");
    uint32_t ppm = 0;
    CHECK(parse_threshold_ppm("0.375", ppm));
    CHECK(ppm == 375'000);
    CHECK(parse_threshold_ppm("1", ppm));
    CHECK(ppm == ppm_one);
    CHECK(parse_threshold_ppm("0.000001", ppm));
    CHECK(ppm == 1);
    for (const char* bad : {"", ".5", "1.5", "2", "0.", "0.1234567", "-0.1", "0,5", "1e-1"}) {
        CHECK_FALSE(parse_threshold_ppm(bad, ppm));
    }
    CHECK_FALSE(below_threshold({3, 8}, 375'000));
    CHECK(below_threshold({3, 8}, 375'001));
    CHECK(below_threshold({2, 3}, 666'667));  // printed 0.666667, but really below it
    CHECK(below_threshold({0, 0}, 0));        // null never meets a threshold
    CHECK_FALSE(below_threshold({0, 4}, 0));
}

TEST_CASE("weave score exits 3 below a threshold, 2 on bad usage, 1 on unreadable input") {
    const weave_test::scratch_space dir("score-cli");
    const std::string truth = (dir / "truth.ndjson").string();
    const std::string divergences = (dir / "divergences.ndjson").string();
    weave_test::write_file(truth, fixture_truth);
    weave_test::write_file(divergences, fixture_divergences);
    const std::string inputs = "score --truth " + truth + " --divergences " + divergences;
    REQUIRE(weave_test::run_weave(inputs, dir) == 0);
    const std::string expected =
        report_json(score(fixture_truth, fixture_divergences, 600'000));
    CHECK(weave_test::read_file(dir / "stdout.txt") == expected);
    CHECK(weave_test::read_file(dir / "stderr.txt").find("overall") != std::string::npos);
    CHECK(weave_test::run_weave(inputs + " --min-detection-recall 0.5", dir) == 0);
    CHECK(weave_test::run_weave(inputs + " --min-detection-recall=0.6", dir) == 3);
    CHECK(weave_test::read_file(dir / "stderr.txt")
              .find("overall detection_recall 0.571429 is below --min-detection-recall "
                    "0.600000") != std::string::npos);
    CHECK(weave_test::run_weave(inputs + " --min-classification-precision 0.375", dir) == 0);
    CHECK(weave_test::run_weave(inputs + " --min-classification-precision 0.375001", dir) == 3);
    CHECK(weave_test::run_weave(inputs + " --min-detection-precision 0.6", dir) == 3);
    CHECK(weave_test::run_weave(inputs + " --min-classification-recall 0.43", dir) == 3);
    const std::string out = (dir / "report.json").string();
    CHECK(weave_test::run_weave(inputs + " --window-ms 0 --out " + out, dir) == 0);
    CHECK(weave_test::read_file(dir / "stdout.txt").empty());
    CHECK(weave_test::read_file(out) ==
          report_json(score(fixture_truth, fixture_divergences, 0)));
    for (const std::string& args :
         {std::string("score"), "score --truth " + truth, inputs + " --window-ms -1",
          inputs + " --window-ms 1.5", inputs + " --min-detection-recall 1.1",
          inputs + " --min-detection-recall", inputs + " extra", inputs + " --frobnicate"}) {
        INFO(args);
        CHECK(weave_test::run_weave(args, dir) == 2);
        CHECK(weave_test::read_file(dir / "stderr.txt").find("usage") != std::string::npos);
    }
    CHECK(weave_test::run_weave("score --truth /nonexistent/t --divergences " + divergences,
                                dir) == 1);
    CHECK(weave_test::read_file(dir / "stderr.txt").find("/nonexistent/t") != std::string::npos);
    CHECK(weave_test::run_weave(inputs + " --out " + (dir / "no/such/dir/r.json").string(),
                                dir) == 1);
}

TEST_CASE("weave score --help states the matching rule") {
    const weave_test::scratch_space dir("score-help");
    REQUIRE(weave_test::run_weave("score --help", dir) == 0);
    const std::string help = weave_test::read_file(dir / "stdout.txt");
    for (const char* text : {"earliest not-yet-matched", "[fault ts, fault ts + W]",
                             "--window-ms", "--min-detection-recall", "--min-detection-precision",
                             "--min-classification-recall", "--min-classification-precision",
                             "--out", "600000", "micro averages"}) {
        CHECK(help.find(text) != std::string::npos);
    }
    REQUIRE(weave_test::run_weave("--help", dir) == 0);
    CHECK(weave_test::read_file(dir / "stdout.txt").find("score") != std::string::npos);
}
