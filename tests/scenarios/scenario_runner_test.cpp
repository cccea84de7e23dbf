// Scenario runner: behaviour tests as data files, in the manner of DuckDB's sqllogictest.
//
// Every tests/scenarios/*.scn file is one small event log plus what SPEC.md says the outputs of
// `weave replay LOG --out DIR --quiet` must hold for it. The runner builds the log, runs the
// real binary once per file, reads divergences.ndjson, state.ndjson, rejects.ndjson and
// report.json, and checks every `expect` line. A failure names file:line of the expectation,
// what was expected and what the binary wrote. Every expectation is derived by hand from
// SPEC.md and docs/spec-notes.md, never copied from the engine's output.
//
// Files: scenario_json.h (a small JSON reader), scenario_file.h (the format below),
// scenario_check.h (the checks); this file runs them and tests the runner itself.
// Scenario names start with their group: r = reading rules and rejects (SPEC §2, §6),
// l = ledger movements, i = identity, p = policy and formulas (§3), d = divergence mechanics
// (deadlines, history, lag, sorting: §4-5), c = the classification table of §4, row by row.
//
// ---- The .scn format (one directive per line) ----
//
//   # text                 a comment (also blank lines of the .scn file are ignored).
//
// Log lines, in log order. Each may start with a label `N:` (e.g. `3: event {...}`): the runner
// checks that the line really is log line N (its `seq`), so the comments can cite seqs safely.
//
//   event {json}           one log line: the rest of the line verbatim, then LF.
//   raw TEXT               the same, for text that is not meant to be valid JSON.
//   crlf TEXT              TEXT then CR LF.
//   esc TEXT               TEXT with escapes decoded (\\ \t \r \xHH), then LF; for invalid
//                          UTF-8, a BOM, control bytes.
//   blank [ESC]            a blank log line: nothing, or the escaped spaces/tabs/CRs given.
//   noeol                  the log ends without LF after the previous line (must be last).
//
// In every directive and expectation, `@@TEXT*N@@` stands for TEXT repeated N times (for lines
// longer than 1 MiB that are built by the test and never committed).
//
// Expectations, checked after the whole log ran (order does not matter):
//
//   expect exit N                        exit status (without it, 0 is required).
//   expect report PATH=V ...             report.json; PATH walks objects with `/`, e.g.
//                                        `applied_by_type/transfer.out=1`,
//                                        `rejects_by_reason/bad_field:qty=2`,
//                                        `divergences_by_cause/policy/share_ignored=1`.
//   expect stock sku=S loc=L F=V ...     the state line of kind stock for (S, L) (exactly one).
//   expect sku sku=S F=V ...             the state line of kind sku for S.
//   expect listing channel=C listing=L F=V ...   the state line of kind listing.
//   expect reject seq=N F=V ...          the rejects line of that seq.
//   expect divergence F=V ...            exactly one divergence record has all these fields.
//   expect divergence #K F=V ...         the K-th divergence record (1-based, file order).
//   expect divergence {json}             exactly one divergence record equals this one.
//   expect absent KIND F=V ...           no record of KIND (stock, sku, listing, reject,
//                                        divergence) has all these fields.
//   expect stocks|skus|listings|rejects|divergences count=N [F=V ...]
//                                        N records (of that kind) have all the given fields.
//   expect file divergences|rejects|state|report
//   > {json}                             the whole file, one `>` line per output line (none:
//   > ...                                the file is empty); report.json is compared without
//                                        its `timing` object.
//
// Values: a bare V (`S1`, `4`, `null`, `true`, `bad_field:qty`) equals a JSON string whose
// text is V, or any other JSON value whose compact form is V. A V that starts with `"`, `{` or
// `[` is parsed as JSON and compared as a value (strings after unescaping, numbers by their
// literal, objects with their key order). Whole-record forms compare the same way.
//
// WEAVE_SCENARIO=substring in the environment runs only the matching files.

#include "test_support.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scenario_check.h"
#include "scenario_file.h"
#include "scenario_json.h"

namespace {

namespace fs = std::filesystem;
using namespace weave_scenario;

std::optional<std::string> read_if_present(const fs::path& path) {
    if (!fs::exists(path)) {
        return std::nullopt;
    }
    return weave_test::read_file(path);
}

run_outputs run_scenario(const scenario& scn, const fs::path& dir) {
    const fs::path log = dir / "log.ndjson";
    const fs::path out_dir = dir / "out";
    weave_test::write_file(log, scn.log);
    fs::remove_all(out_dir);
    run_outputs out;
    out.exit_code = weave_test::run_weave(
        "replay '" + log.string() + "' --out '" + out_dir.string() + "' --quiet", dir);
    out.divergences = read_if_present(out_dir / "divergences.ndjson");
    out.state = read_if_present(out_dir / "state.ndjson");
    out.rejects = read_if_present(out_dir / "rejects.ndjson");
    out.report = read_if_present(out_dir / "report.json");
    out.stderr_text = weave_test::read_file(dir / "stderr.txt");
    return out;
}

std::vector<fs::path> scenario_files() {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(WEAVE_SOURCE_DIR "/tests/scenarios")) {
        if (entry.is_regular_file() && entry.path().extension() == ".scn") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) {
        out += "\n  " + line;
    }
    return out;
}

} // namespace

TEST_CASE("scenario files: every expectation holds against the real weave binary") {
    const auto files = scenario_files();
    REQUIRE(!files.empty());
    const char* filter = std::getenv("WEAVE_SCENARIO");
    const fs::path base = weave_test::scratch_dir("scenarios");
    bool all_passed = true;
    for (const auto& path : files) {
        const std::string file_name = path.filename().string();
        if (filter != nullptr && file_name.find(filter) == std::string::npos) {
            continue;
        }
        const scenario scn =
            parse_scenario(weave_test::read_file(path), "tests/scenarios/" + file_name);
        const fs::path dir = base / path.stem();
        fs::create_directories(dir);
        const auto failures = evaluate(scn, run_scenario(scn, dir));
        const std::string message = file_name + ": " + std::to_string(failures.size()) +
                                    " failing expectation(s), outputs in " + dir.string() +
                                    join_lines(failures);
        CHECK_MESSAGE(failures.empty(), message);
        if (failures.empty()) {
            fs::remove_all(dir);
        }
        all_passed = all_passed && failures.empty();
    }
    if (all_passed) {
        fs::remove_all(base);
    }
}

TEST_CASE("scenario files: there are enough of them to cover SPEC's tables") {
    CHECK(scenario_files().size() >= 40);
}

// ------------------------------------------------------------------------------------------
// The runner must not pass silently: each form is checked against in-memory outputs, once with
// a true expectation and once with a false one.

namespace {

run_outputs fake_outputs() {
    run_outputs out;
    out.divergences =
        "{\"event\":\"open\",\"ts\":\"2026-11-27T10:00:21.000000Z\",\"seq\":21,\"channel\":"
        "\"woo\",\"listing\":\"WO1\",\"sku\":\"S1\",\"expected\":8,\"observed\":26,\"layer\":"
        "\"policy\",\"cause\":\"share_ignored\"}\n"
        "{\"event\":\"open\",\"ts\":\"2026-11-27T10:00:30.000000Z\",\"seq\":null,\"channel\":"
        "\"woo\",\"listing\":\"WO2\",\"sku\":null,\"expected\":null,\"observed\":3,\"layer\":"
        "\"identity\",\"cause\":\"unmapped_listing\"}\n";
    out.state = "{\"kind\":\"stock\",\"sku\":\"S1\",\"loc\":\"W1\",\"on_hand\":10,"
                "\"reserved\":2,\"returns_pending\":0}\n"
                "{\"kind\":\"sku\",\"sku\":\"S1\",\"reserved_unassigned\":1,\"in_transit\":0}\n"
                "{\"kind\":\"listing\",\"channel\":\"woo\",\"listing\":\"WO1\",\"sku\":\"S1\","
                "\"expected\":8,\"observed\":null,\"mismatched\":false,"
                "\"open_divergence\":true}\n";
    out.rejects = "{\"seq\":5,\"reason\":\"bad_field:qty\",\"line\":\"{\\\"id\\\":\\\"x\\\"}\"}\n";
    out.report = "{\"lines\":30,\"rejects_by_reason\":{\"bad_field:qty\":1},"
                 "\"applied_by_type\":{\"transfer.out\":2},\"publish_lag_ms\":{\"p50\":1.5},"
                 "\"count_variance_rate\":null,\"timing\":{\"wall_s\":0.5}}";
    return out;
}

std::vector<std::string> evaluate_text(const std::string& text, const run_outputs& out) {
    return evaluate(parse_scenario(text, "inline.scn"), out);
}

} // namespace

TEST_CASE("scenario runner: a false expectation fails and a true one passes") {
    const run_outputs out = fake_outputs();
    // Pairs of (true, false) expectations for each form.
    const std::vector<std::pair<std::string, std::string>> pairs = {
        {"expect exit 0", "expect exit 1"},
        {"expect report lines=30", "expect report lines=31"},
        {"expect report rejects_by_reason/bad_field:qty=1",
         "expect report rejects_by_reason/bad_field:qty=2"},
        {"expect report applied_by_type/transfer.out=2",
         "expect report applied_by_type/transfer.in=2"},
        {"expect report rejects_by_reason={\"bad_field:qty\":1}",
         "expect report rejects_by_reason={}"},
        {"expect report publish_lag_ms/p50=1.5", "expect report publish_lag_ms/p50=1.50"},
        {"expect report count_variance_rate=null", "expect report count_variance_rate=0"},
        {"expect stock sku=S1 loc=W1 on_hand=10 reserved=2",
         "expect stock sku=S1 loc=W1 on_hand=10 reserved=3"},
        {"expect stock sku=S1 loc=W1 returns_pending=0", "expect stock sku=S1 loc=W2 on_hand=0"},
        {"expect sku sku=S1 reserved_unassigned=1", "expect sku sku=S1 in_transit=1"},
        {"expect listing channel=woo listing=WO1 observed=null open_divergence=true",
         "expect listing channel=woo listing=WO1 observed=0"},
        {"expect reject seq=5 reason=bad_field:qty", "expect reject seq=5 reason=bad_field:loc"},
        {"expect reject seq=5 line=\"{\\\"id\\\":\\\"x\\\"}\"",
         "expect reject seq=5 line=\"{\\\"id\\\":\\\"y\\\"}\""},
        {"expect divergence event=open listing=WO1 cause=share_ignored expected=8",
         "expect divergence event=open listing=WO1 cause=stale_value"},
        {"expect divergence event=open seq=21", "expect divergence event=open"},
        {"expect divergence #2 sku=null seq=null", "expect divergence #1 seq=null"},
        {"expect divergence #2 cause=unmapped_listing", "expect divergence #3 event=open"},
        {"expect divergence {\"event\":\"open\",\"ts\":\"2026-11-27T10:00:21.000000Z\","
         "\"seq\":21,\"channel\":\"woo\",\"listing\":\"WO1\",\"sku\":\"S1\",\"expected\":8,"
         "\"observed\":26,\"layer\":\"policy\",\"cause\":\"share_ignored\"}",
         "expect divergence {\"event\":\"open\",\"ts\":\"2026-11-27T10:00:21.000000Z\","
         "\"seq\":21,\"channel\":\"woo\",\"listing\":\"WO1\",\"sku\":\"S1\",\"expected\":8,"
         "\"observed\":26,\"layer\":\"policy\",\"cause\":\"buffer_ignored\"}"},
        {"expect absent stock sku=S1 loc=W2", "expect absent stock sku=S1 loc=W1"},
        {"expect absent divergence event=close", "expect absent divergence listing=WO2"},
        {"expect divergences count=2", "expect divergences count=1"},
        {"expect divergences count=1 layer=policy", "expect divergences count=2 layer=policy"},
        {"expect rejects count=1", "expect rejects count=0"},
        {"expect stocks count=1", "expect stocks count=2"},
        {"expect listings count=1 mismatched=false", "expect listings count=0"},
        {"expect file rejects\n"
         "> {\"seq\":5,\"reason\":\"bad_field:qty\",\"line\":\"{\\\"id\\\":\\\"x\\\"}\"}",
         "expect file rejects"},
        {"expect file report\n> {\"lines\":30,\"rejects_by_reason\":{\"bad_field:qty\":1},"
         "\"applied_by_type\":{\"transfer.out\":2},\"publish_lag_ms\":{\"p50\":1.5},"
         "\"count_variance_rate\":null,\"timing\":{\"wall_s\":null}}",
         "expect file report\n> {\"lines\":30}"},
    };
    for (const auto& pair : pairs) {
        const std::string& good = pair.first;
        const std::string& bad = pair.second;
        CAPTURE(good);
        CAPTURE(bad);
        CHECK(evaluate_text(good, out).empty());
        CHECK(!evaluate_text(bad, out).empty());
    }
}

TEST_CASE("scenario runner: broken scenarios and missing outputs fail") {
    const run_outputs out = fake_outputs();
    CHECK(!evaluate_text("event {}\n", out).empty());                       // nothing checked
    CHECK(!evaluate_text("expect frobnicate x=1\n", out).empty());          // unknown form
    CHECK(!evaluate_text("evnt {}\nexpect rejects count=1\n", out).empty());  // unknown directive
    CHECK(!evaluate_text("2: event {}\nexpect rejects count=1\n", out).empty());  // bad label
    CHECK(!evaluate_text("expect stock sku=S1 on_hand=10\n", out).empty());  // key missing
    CHECK(!evaluate_text("expect divergences layer=policy\n", out).empty());  // count missing
    CHECK(evaluate_text("1: event {}\nexpect rejects count=1\n", out).empty());

    run_outputs failed = out;
    failed.exit_code = 1;
    CHECK(!evaluate_text("expect rejects count=1\n", failed).empty());  // exit 0 by default
    run_outputs missing = out;
    missing.state.reset();
    CHECK(!evaluate_text("expect stocks count=1\n", missing).empty());
    run_outputs garbled = out;
    garbled.rejects = "{\"seq\":1\n";
    CHECK(!evaluate_text("expect rejects count=0\n", garbled).empty());
}

TEST_CASE("scenario runner: log lines are built byte for byte") {
    const scenario scn = parse_scenario("1: event {\"a\":1}\n"
                                        "2: raw not json\n"
                                        "3: crlf {}\n"
                                        "4: esc \\xEF\\xBB\\xBF{}\\t\\\\\n"
                                        "5: blank\n"
                                        "6: blank \\t \\r\n"
                                        "7: raw x@@ab*3@@y\n"
                                        "noeol\n"
                                        "expect rejects count=0\n",
                                        "inline.scn");
    CHECK(scn.errors.empty());
    CHECK(scn.log_lines == 7);
    CHECK(scn.log == "{\"a\":1}\nnot json\n{}\r\n\xEF\xBB\xBF{}\t\\\n\n\t \r\nxabababy");
    CHECK(!parse_scenario("esc \\x0A\nexpect rejects count=0\n", "x").errors.empty());
    CHECK(!parse_scenario("blank x\nexpect rejects count=0\n", "x").errors.empty());
    CHECK(!parse_scenario("raw a\nnoeol\nraw b\nexpect rejects count=0\n", "x").errors.empty());
}
