// Seeded randomized comparison of the real `weave replay` with a reference model written from
// SPEC.md and docs/spec-notes.md alone (reference_model.cpp, reference_events.cpp,
// reference_json.cpp: plain maps and loops, no engine code). For each seed, log_generator.cpp
// writes a random log (a few hundred to ~2000 lines) while feeding it to the model; weave runs
// on it with 1, 2 or 4 threads and 1, 3 or 8 shards, and every output file must be
// byte-identical to the model's (report.json up to its "timing" object).
//
//   WEAVE_SIM_SEEDS=N   number of seeds to run (default 200): seeds 1..N
//   WEAVE_SIM_SEED=S    run only seed S, and keep its log and outputs
//
// On a mismatch the seed, the file and the first differing line of each side are printed; the
// log, weave's outputs and the model's (model-*.ndjson, model-report.json) stay in the printed
// directory, with the command line to replay it by hand. The first test case checks the model
// itself against the worked examples in ../shared/cases.
#include "log_generator.h"
#include "reference_model.h"
#include "test_support.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using weave_sim::model_outputs;

struct file_diff {
    std::string file;
    std::size_t line = 0;
    std::string model_line;
    std::string engine_line;
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        if (end == std::string::npos) {
            out.push_back(text.substr(start) + "  <no final LF>");
            break;
        }
        out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// The first difference between two texts, by line; false when they are byte-identical.
bool first_difference(const std::string& file, const std::string& model,
                      const std::string& engine, file_diff& diff) {
    if (model == engine) {
        return false;
    }
    const auto a = lines_of(model);
    const auto b = lines_of(engine);
    std::size_t k = 0;
    while (k < a.size() && k < b.size() && a[k] == b[k]) {
        ++k;
    }
    diff.file = file;
    diff.line = k + 1;
    diff.model_line = k < a.size() ? a[k] : "<end of file>";
    diff.engine_line = k < b.size() ? b[k] : "<end of file>";
    return true;
}

std::vector<file_diff> compare_outputs(const model_outputs& model, const fs::path& dir) {
    std::vector<file_diff> diffs;
    file_diff diff;
    if (first_difference("divergences.ndjson", model.divergences,
                         weave_test::read_file(dir / "divergences.ndjson"), diff)) {
        diffs.push_back(diff);
    }
    if (first_difference("state.ndjson", model.state,
                         weave_test::read_file(dir / "state.ndjson"), diff)) {
        diffs.push_back(diff);
    }
    if (first_difference("rejects.ndjson", model.rejects,
                         weave_test::read_file(dir / "rejects.ndjson"), diff)) {
        diffs.push_back(diff);
    }
    const std::string report =
        weave_test::report_without_timing(weave_test::read_file(dir / "report.json"));
    if (first_difference("report.json", model.report, report, diff)) {
        diffs.push_back(diff);
    }
    return diffs;
}

bool compare_texts(const model_outputs& a, const model_outputs& b) {
    return a.divergences == b.divergences && a.state == b.state && a.rejects == b.rejects &&
           a.report == b.report;
}

// Long lines (report.json) are shown around their first differing byte.
std::string describe(const file_diff& diff) {
    const std::string& a = diff.model_line;
    const std::string& b = diff.engine_line;
    std::size_t column = 0;
    while (column < a.size() && column < b.size() && a[column] == b[column]) {
        ++column;
    }
    const std::size_t from = column > 100 ? column - 100 : 0;
    auto window = [&](const std::string& text) {
        std::string part = text.substr(std::min(from, text.size()), 260);
        return (from > 0 ? "..." : "") + part + (from + 260 < text.size() ? "..." : "");
    };
    return "  " + diff.file + " line " + std::to_string(diff.line) + ", byte " +
           std::to_string(column + 1) + "\n    model:  " + window(a) +
           "\n    engine: " + window(b) + "\n";
}

long env_number(const char* name, long fallback) {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0') {
        return fallback;
    }
    return std::strtol(text, nullptr, 10);
}

}  // namespace

TEST_CASE("reference model reproduces every golden log of data/sample") {
    // data/sample holds the worked examples of shared/cases (copied verbatim) and the project's
    // own golden logs; the model must agree with all of them.
    const fs::path cases = fs::path(WEAVE_SOURCE_DIR) / "data" / "sample";
    REQUIRE(fs::exists(cases));
    std::vector<fs::path> logs;
    for (const auto& entry : fs::directory_iterator(cases)) {
        if (entry.path().extension() == ".ndjson" &&
            fs::is_directory(fs::path(entry.path()).replace_extension(".expected"))) {
            logs.push_back(entry.path());
        }
    }
    std::sort(logs.begin(), logs.end());
    CHECK(logs.size() >= 7);
    for (const auto& log : logs) {
        CAPTURE(log.string());
        const model_outputs model = weave_sim::run_model(weave_test::read_file(log));
        fs::path expected = log;
        expected.replace_extension(".expected");
        const auto diffs = compare_outputs(model, expected);
        std::string text;
        for (const auto& diff : diffs) {
            text += describe(diff);
        }
        CHECK_MESSAGE(diffs.empty(), log.filename().string() << " differs:\n" << text);
    }
}

TEST_CASE("engine matches the reference model on random logs") {
    const long single = env_number("WEAVE_SIM_SEED", -1);
    const long count = env_number("WEAVE_SIM_SEEDS", 200);
    std::vector<std::uint64_t> seeds;
    if (single >= 0) {
        seeds.push_back(static_cast<std::uint64_t>(single));
    } else {
        for (long s = 1; s <= count; ++s) {
            seeds.push_back(static_cast<std::uint64_t>(s));
        }
    }
    const fs::path root = weave_test::scratch_dir("sim");
    static const int thread_choices[] = {1, 2, 4};
    static const int shard_choices[] = {1, 3, 8};
    int failures = 0;
    for (const std::uint64_t seed : seeds) {
        const weave_sim::generated_log generated = weave_sim::generate_log(seed);
        // The model saw the lines one by one while they were generated; reading the whole text
        // again must give the same outputs (this guards the generator, not the engine).
        const model_outputs reread = weave_sim::run_model(generated.text);
        CHECK_MESSAGE(compare_texts(reread, generated.outputs), "seed " << seed
                      << ": the model reads the written log differently from the generated lines");
        const fs::path dir = root / ("seed-" + std::to_string(seed));
        fs::create_directories(dir);
        const fs::path log = dir / "log.ndjson";
        const fs::path out = dir / "out";
        weave_test::write_file(log, generated.text);
        const int threads = thread_choices[seed % 3];
        const int shards = shard_choices[(seed / 3) % 3];
        const std::string args = "replay " + log.string() + " --out " + out.string() +
                                 " --quiet --threads " + std::to_string(threads) +
                                 " --shards " + std::to_string(shards);
        const int status = weave_test::run_weave(args, dir);
        std::vector<file_diff> diffs;
        if (status == 0) {
            diffs = compare_outputs(generated.outputs, out);
        }
        if (status != 0 || !diffs.empty()) {
            ++failures;
            std::string text = "seed " + std::to_string(seed) + " (threads " +
                               std::to_string(threads) + ", shards " + std::to_string(shards) +
                               "): ";
            if (status != 0) {
                text += "weave exited " + std::to_string(status) + ": " +
                        weave_test::read_file(dir / "stderr.txt");
            } else {
                text += "outputs differ from the model\n";
                for (const auto& diff : diffs) {
                    text += describe(diff);
                }
            }
            text += "  log kept at " + log.string() + "\n  replay: " + WEAVE_BINARY + " " +
                    args + "\n";
            weave_test::write_file(dir / "model-divergences.ndjson",
                                   generated.outputs.divergences);
            weave_test::write_file(dir / "model-state.ndjson", generated.outputs.state);
            weave_test::write_file(dir / "model-rejects.ndjson", generated.outputs.rejects);
            weave_test::write_file(dir / "model-report.json", generated.outputs.report);
            std::fputs(text.c_str(), stderr);
            FAIL_CHECK("seed " << seed << " differs from the reference model (details above)");
        } else if (single < 0) {
            fs::remove_all(dir);
        }
    }
    CHECK(failures == 0);
    if (failures == 0 && single < 0) {
        fs::remove_all(root);
    }
}
