#pragma once
// Checks the `expect` lines of a parsed scenario against the four outputs of one replay, and
// says what is wrong with each one that does not hold.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario_file.h"
#include "scenario_json.h"

namespace weave_scenario {

struct run_outputs {
    int exit_code = 0;
    std::optional<std::string> divergences;
    std::optional<std::string> state;
    std::optional<std::string> rejects;
    std::optional<std::string> report;
    std::string stderr_text;
};

struct parsed_file {
    bool present = false;
    std::string problem;             // why the file cannot be used, if it cannot
    std::vector<json_value> records;  // one per line (report: one)
};

inline parsed_file parse_output(const std::optional<std::string>& text, std::string_view name) {
    parsed_file file;
    if (!text) {
        file.problem = std::string(name) + " was not written";
        return file;
    }
    file.present = true;
    std::string_view rest = *text;
    int line = 0;
    while (!rest.empty()) {
        line++;
        const size_t end = std::min(rest.find('\n'), rest.size());
        const auto value = parse_json(rest.substr(0, end));
        if (!value || value->kind != json_value::kind_t::object) {
            file.problem = std::string(name) + " line " + std::to_string(line) +
                           " is not a JSON object: " + std::string(rest.substr(0, end));
            return file;
        }
        file.records.push_back(*value);
        rest.remove_prefix(std::min(end + 1, rest.size()));
    }
    return file;
}

struct outputs_view {
    parsed_file divergences;
    parsed_file state;
    parsed_file rejects;
    parsed_file report;
};

// The records an expectation about KIND looks at (state lines filtered by their `kind`).
inline const parsed_file& file_for(const outputs_view& view, std::string_view kind) {
    if (kind == "divergence" || kind == "divergences" || kind == "file divergences") {
        return view.divergences;
    }
    if (kind == "reject" || kind == "rejects") {
        return view.rejects;
    }
    return view.state;
}

inline std::string singular_of(std::string_view kind) {
    if (is_plural_kind(kind)) {
        return std::string(kind.substr(0, kind.size() - 1));
    }
    return std::string(kind);
}

inline std::vector<const json_value*> records_of(const outputs_view& view, std::string_view kind) {
    const std::string single = singular_of(kind);
    std::vector<const json_value*> out;
    for (const auto& record : file_for(view, single).records) {
        if (single == "divergence" || single == "reject") {
            out.push_back(&record);
        } else if (const json_value* k = record.member("kind"); k != nullptr && k->text == single) {
            out.push_back(&record);
        }
    }
    return out;
}

inline bool matches_all(const json_value& record, const std::vector<field_check>& fields) {
    return std::all_of(fields.begin(), fields.end(), [&](const field_check& f) {
        return value_matches(lookup(record, f.path), f.value);
    });
}

inline std::string list_records(const std::vector<const json_value*>& records) {
    std::string out;
    for (size_t i = 0; i < records.size(); i++) {
        out += "\n      #" + std::to_string(i + 1) + " " + to_text(records[i]);
    }
    return records.empty() ? "\n      (no records)" : out;
}

// Field mismatches of one record, one per line; empty when all hold.
inline std::string field_mismatches(const json_value& record,
                                    const std::vector<field_check>& fields) {
    std::string out;
    for (const auto& f : fields) {
        const json_value* actual = lookup(record, f.path);
        if (!value_matches(actual, f.value)) {
            out += "\n      " + f.path + ": expected " + f.value + ", got " + to_text(actual);
        }
    }
    return out;
}

inline std::string check_keyed(const expectation& exp,
                               const std::vector<const json_value*>& records) {
    std::vector<field_check> keys;
    std::vector<field_check> rest;
    const auto names = key_fields(exp.target);
    for (const auto& f : exp.fields) {
        const bool is_key = std::find(names.begin(), names.end(), f.path) != names.end();
        (is_key ? keys : rest).push_back(f);
    }
    std::vector<const json_value*> found;
    for (const json_value* r : records) {
        if (matches_all(*r, keys)) {
            found.push_back(r);
        }
    }
    if (found.size() != 1) {
        return std::to_string(found.size()) + " records have these keys; the records are:" +
               list_records(records);
    }
    const std::string wrong = field_mismatches(*found[0], rest);
    return wrong.empty() ? "" : "record " + to_text(found[0]) + wrong;
}

inline std::string check_divergence(const expectation& exp,
                             const std::vector<const json_value*>& records) {
    if (exp.index > 0) {
        if (static_cast<size_t>(exp.index) > records.size()) {
            return "there are only " + std::to_string(records.size()) + " records:" +
                   list_records(records);
        }
        const std::string wrong = field_mismatches(*records[exp.index - 1], exp.fields);
        return wrong.empty() ? ""
                             : "record #" + std::to_string(exp.index) + " " +
                                   to_text(records[exp.index - 1]) + wrong;
    }
    size_t found = 0;
    for (const json_value* r : records) {
        found += exp.whole ? json_equal(*r, *exp.whole) : matches_all(*r, exp.fields);
    }
    if (found == 1) {
        return "";
    }
    return std::to_string(found) + " records match (one must); the records are:" +
           list_records(records);
}

inline json_value without_timing(const json_value& report) {
    json_value copy = report;
    const auto at = std::find(copy.keys.begin(), copy.keys.end(), "timing");
    if (at != copy.keys.end()) {
        copy.items.erase(copy.items.begin() + (at - copy.keys.begin()));
        copy.keys.erase(at);
    }
    return copy;
}

inline std::string check_file(const expectation& exp, const outputs_view& view) {
    const parsed_file& file = exp.subject == "divergences" ? view.divergences
                              : exp.subject == "rejects"   ? view.rejects
                              : exp.subject == "state"     ? view.state
                                                           : view.report;
    if (exp.file_lines.size() != file.records.size()) {
        std::vector<const json_value*> all;
        for (const auto& r : file.records) {
            all.push_back(&r);
        }
        return std::to_string(exp.file_lines.size()) + " lines expected, " +
               std::to_string(file.records.size()) + " written:" + list_records(all);
    }
    for (size_t i = 0; i < exp.file_lines.size(); i++) {
        auto want = parse_json(exp.file_lines[i]);
        if (!want) {
            return "expected line " + std::to_string(i + 1) + " is not JSON";
        }
        const bool same = exp.subject == "report"
                              ? json_equal(without_timing(file.records[i]), without_timing(*want))
                              : json_equal(file.records[i], *want);
        if (!same) {
            return "line " + std::to_string(i + 1) + " differs:\n      expected " +
                   exp.file_lines[i] + "\n      got      " + to_text(&file.records[i]);
        }
    }
    return "";
}

// What is wrong with one expectation; empty when it holds.
inline std::string check(const expectation& exp, const run_outputs& out, const outputs_view& view) {
    if (exp.target == "exit") {
        const std::string got = std::to_string(out.exit_code);
        return got == exp.fields[0].value ? "" : "exit status " + got;
    }
    const std::string kind = exp.target == "absent" ? exp.subject : exp.target;
    const parsed_file& file = exp.target == "report" ? view.report
                              : exp.target == "file" ? (exp.subject == "report" ? view.report
                                                        : file_for(view, exp.subject))
                                                     : file_for(view, singular_of(kind));
    if (!file.problem.empty()) {
        return file.problem;
    }
    if (exp.target == "file") {
        return check_file(exp, view);
    }
    if (exp.target == "report") {
        if (file.records.size() != 1) {
            return "report.json does not hold exactly one object";
        }
        return field_mismatches(file.records[0], exp.fields);
    }
    const auto records = records_of(view, kind);
    if (exp.target == "absent") {
        const auto hits = std::count_if(records.begin(), records.end(),
                                        [&](const json_value* r) {
                                            return matches_all(*r, exp.fields);
                                        });
        return hits == 0 ? "" : "present; the records are:" + list_records(records);
    }
    if (is_plural_kind(exp.target)) {
        std::vector<field_check> filters;
        std::string count;
        for (const auto& f : exp.fields) {
            if (f.path == "count") {
                count = f.value;
            } else {
                filters.push_back(f);
            }
        }
        const auto hits = std::count_if(records.begin(), records.end(),
                                        [&](const json_value* r) {
                                            return matches_all(*r, filters);
                                        });
        return std::to_string(hits) == count
                   ? ""
                   : std::to_string(hits) + " match; the records are:" + list_records(records);
    }
    if (exp.target == "divergence") {
        return check_divergence(exp, records);
    }
    return check_keyed(exp, records);
}

// Every failure of the scenario against these outputs, as `file:line: ...` messages.
inline std::vector<std::string> evaluate(const scenario& scn, const run_outputs& out) {
    std::vector<std::string> failures = scn.errors;
    outputs_view view{parse_output(out.divergences, "divergences.ndjson"),
                      parse_output(out.state, "state.ndjson"),
                      parse_output(out.rejects, "rejects.ndjson"),
                      parse_output(out.report, "report.json")};
    bool exit_checked = false;
    for (const auto& exp : scn.expectations) {
        exit_checked = exit_checked || exp.target == "exit";
        const std::string problem = check(exp, out, view);
        if (!problem.empty()) {
            failures.push_back(where(scn, exp.line) + exp.text + "\n    " + problem);
        }
    }
    if (!exit_checked && out.exit_code != 0) {
        failures.push_back(scn.name + ": weave exited " + std::to_string(out.exit_code) +
                           " (0 required): " + out.stderr_text);
    }
    return failures;
}

} // namespace weave_scenario
