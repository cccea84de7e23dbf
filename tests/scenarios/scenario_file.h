#pragma once
// The .scn format of tests/scenarios (documented in scenario_runner_test.cpp): builds the log
// bytes and parses the `expect` lines of one scenario file.
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenario_json.h"

namespace weave_scenario {

struct field_check {
    std::string path;
    std::string value;
};

struct expectation {
    int line = 0;
    std::string text;     // as written, after macro expansion
    std::string target;   // the word after `expect`
    std::string subject;  // absent: the record kind; file: the file name
    int index = 0;        // divergence #K (1-based); 0 when not given
    std::optional<json_value> whole;
    std::vector<field_check> fields;
    std::vector<std::string> file_lines;
    bool collecting = false;  // `> ` lines may still follow (file form)
};

struct scenario {
    std::string name;
    std::string log;
    int log_lines = 0;
    bool ended = false;  // after `noeol`
    std::vector<expectation> expectations;
    std::vector<std::string> errors;
};

inline std::string where(const scenario& scn, int line) {
    return scn.name + ":" + std::to_string(line) + ": ";
}

// `@@TEXT*N@@` -> TEXT repeated N times.
inline std::optional<std::string> expand_macros(std::string_view text) {
    std::string out;
    while (true) {
        const size_t open = text.find("@@");
        if (open == std::string_view::npos) {
            out += text;
            return out;
        }
        const size_t close = text.find("@@", open + 2);
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        const std::string_view inner = text.substr(open + 2, close - open - 2);
        const size_t star = inner.rfind('*');
        if (star == std::string_view::npos || star + 1 == inner.size()) {
            return std::nullopt;
        }
        size_t count = 0;
        for (const char c : inner.substr(star + 1)) {
            if (c < '0' || c > '9') {
                return std::nullopt;
            }
            count = count * 10 + static_cast<size_t>(c - '0');
        }
        out += text.substr(0, open);
        for (size_t i = 0; i < count; i++) {
            out += inner.substr(0, star);
        }
        text.remove_prefix(close + 2);
    }
}

// \\ \t \r \xHH; nullopt on anything else (a \n would split the line and break seqs).
inline std::optional<std::string> decode_escapes(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); i++) {
        if (text[i] != '\\') {
            out += text[i];
            continue;
        }
        if (++i >= text.size()) {
            return std::nullopt;
        }
        if (text[i] == '\\') {
            out += '\\';
        } else if (text[i] == 't') {
            out += '\t';
        } else if (text[i] == 'r') {
            out += '\r';
        } else if (text[i] == 'x' && i + 2 < text.size()) {
            const std::string hex(text.substr(i + 1, 2));
            char* end = nullptr;
            const long value = std::strtol(hex.c_str(), &end, 16);
            if (end != hex.c_str() + 2 || value == '\n') {
                return std::nullopt;
            }
            out += static_cast<char>(value);
            i += 2;
        } else {
            return std::nullopt;
        }
    }
    return out;
}

// Splits `a=b c={"x":1} {"whole":1}` into tokens; JSON values may hold spaces.
inline std::optional<std::vector<std::string>> split_tokens(std::string_view text) {
    std::vector<std::string> tokens;
    size_t pos = 0;
    while (true) {
        while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) {
            pos++;
        }
        if (pos >= text.size()) {
            return tokens;
        }
        size_t value_at = pos;
        const size_t space = text.find_first_of(" \t", pos);
        const size_t equals = text.find('=', pos);
        if (equals != std::string_view::npos && equals < space) {
            value_at = equals + 1;
        }
        size_t end = space == std::string_view::npos ? text.size() : space;
        if (is_json_start(text.substr(value_at))) {
            const auto extent = json_parser(text.substr(value_at)).value_extent();
            if (!extent) {
                return std::nullopt;
            }
            end = value_at + *extent;
        }
        tokens.emplace_back(text.substr(pos, end - pos));
        pos = end;
    }
}

inline bool is_record_kind(std::string_view word) {
    return word == "stock" || word == "sku" || word == "listing" || word == "reject" ||
           word == "divergence";
}

inline bool is_plural_kind(std::string_view word) {
    return word == "stocks" || word == "skus" || word == "listings" || word == "rejects" ||
           word == "divergences";
}

// Key fields that pick the one record a singular expectation talks about.
inline std::vector<std::string> key_fields(std::string_view kind) {
    if (kind == "stock") {
        return {"sku", "loc"};
    }
    if (kind == "sku") {
        return {"sku"};
    }
    if (kind == "listing") {
        return {"channel", "listing"};
    }
    if (kind == "reject") {
        return {"seq"};
    }
    return {};
}

inline bool has_field(const expectation& exp, std::string_view path) {
    return std::any_of(exp.fields.begin(), exp.fields.end(),
                       [&](const field_check& f) { return f.path == path; });
}

// The F=V tokens from `next` on, and the fields each form needs.
inline std::string parse_fields(const std::vector<std::string>& tokens, size_t next,
                         expectation& exp) {
    for (size_t i = next; i < tokens.size(); i++) {
        const std::string& token = tokens[i];
        const size_t equals = token.find('=');
        if (equals == std::string::npos || equals == 0) {
            return "`" + token + "` is not F=V";
        }
        field_check check{token.substr(0, equals), token.substr(equals + 1)};
        if (is_json_start(check.value) && !parse_json(check.value)) {
            return "the value of " + check.path + " is not valid JSON";
        }
        exp.fields.push_back(std::move(check));
    }
    if (exp.fields.empty()) {
        return "an expectation needs at least one F=V";
    }
    if (is_plural_kind(exp.target) && !has_field(exp, "count")) {
        return "a plural expectation needs count=N";
    }
    for (const auto& key : key_fields(exp.target)) {
        if (!has_field(exp, key)) {
            return "expect " + exp.target + " needs " + key + "=";
        }
    }
    return "";
}

// Parses the text after `expect `; an empty string means success, else the problem.
inline std::string parse_expectation(std::string_view body, expectation& exp) {
    const auto tokens = split_tokens(body);
    if (!tokens || tokens->empty()) {
        return "cannot split the expectation into tokens";
    }
    exp.target = (*tokens)[0];
    size_t next = 1;
    if (exp.target == "file") {
        const std::string name = tokens->size() == 2 ? (*tokens)[1] : "";
        if (name != "divergences" && name != "rejects" && name != "state" && name != "report") {
            return "expect file takes one of divergences, rejects, state, report";
        }
        exp.subject = name;
        exp.collecting = true;
        return "";
    }
    if (exp.target == "exit") {
        if (tokens->size() != 2 || (*tokens)[1].find_first_not_of("0123456789") !=
                                       std::string::npos) {
            return "expect exit takes one number";
        }
        exp.fields.push_back({"exit", (*tokens)[1]});
        return "";
    }
    if (exp.target == "absent") {
        if (tokens->size() < 3 || !is_record_kind((*tokens)[1])) {
            return "expect absent KIND F=V ...";
        }
        exp.subject = (*tokens)[1];
        next = 2;
    } else if (exp.target == "divergence" && tokens->size() >= 2) {
        const std::string& first = (*tokens)[1];
        if (first[0] == '{') {
            exp.whole = parse_json(first);
            if (!exp.whole || tokens->size() != 2) {
                return "expect divergence {json} takes one valid JSON object";
            }
            return "";
        }
        if (first[0] == '#') {
            exp.index = std::atoi(first.c_str() + 1);
            if (exp.index < 1) {
                return "#K must be a record number from 1";
            }
            next = 2;
        }
    } else if (exp.target != "report" && !is_record_kind(exp.target) &&
               !is_plural_kind(exp.target)) {
        return "unknown expectation `" + exp.target + "`";
    }
    return parse_fields(*tokens, next, exp);
}

inline void add_log_line(scenario& scn, int line, std::optional<int> label, std::string bytes) {
    if (scn.ended) {
        scn.errors.push_back(where(scn, line) + "log line after `noeol`");
    }
    scn.log_lines++;
    if (label && *label != scn.log_lines) {
        scn.errors.push_back(where(scn, line) + "labelled " + std::to_string(*label) +
                             ": but this is log line " + std::to_string(scn.log_lines));
    }
    scn.log += bytes;
}

// One non-comment line of a .scn file.
inline void parse_directive(scenario& scn, int line, std::string_view text) {
    std::optional<int> label;
    const size_t colon = text.find(':');
    if (colon != std::string_view::npos && colon > 0 &&
        text.substr(0, colon).find_first_not_of("0123456789") == std::string_view::npos) {
        label = std::atoi(std::string(text.substr(0, colon)).c_str());
        text.remove_prefix(colon + 1);
        text.remove_prefix(std::min(text.find_first_not_of(' '), text.size()));
    }
    const size_t space = text.find(' ');
    const std::string_view word = text.substr(0, space);
    const std::string_view rest =
        space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    const auto expanded = expand_macros(rest);
    if (!expanded) {
        scn.errors.push_back(where(scn, line) + "bad @@TEXT*N@@ macro");
        return;
    }
    if (word == "event" || word == "raw") {
        add_log_line(scn, line, label, *expanded + "\n");
    } else if (word == "crlf") {
        add_log_line(scn, line, label, *expanded + "\r\n");
    } else if (word == "esc" || word == "blank") {
        const auto decoded = decode_escapes(*expanded);
        if (!decoded || (word == "blank" && decoded->find_first_not_of(" \t\r") !=
                                                std::string::npos)) {
            scn.errors.push_back(where(scn, line) + "bad escapes for " + std::string(word));
            return;
        }
        add_log_line(scn, line, label, *decoded + "\n");
    } else if (word == "noeol") {
        if (scn.log.empty() || scn.log.back() != '\n' || label) {
            scn.errors.push_back(where(scn, line) + "noeol needs a log line before it");
            return;
        }
        scn.log.pop_back();
        scn.ended = true;
    } else if (word == "expect" && !label) {
        expectation exp;
        exp.line = line;
        exp.text = "expect " + *expanded;
        const std::string problem = parse_expectation(*expanded, exp);
        if (!problem.empty()) {
            scn.errors.push_back(where(scn, line) + problem + ": " + exp.text);
            return;
        }
        scn.expectations.push_back(std::move(exp));
    } else {
        scn.errors.push_back(where(scn, line) + "unknown directive `" + std::string(word) + "`");
    }
}

inline scenario parse_scenario(std::string_view text, std::string name) {
    scenario scn;
    scn.name = std::move(name);
    int line = 0;
    while (!text.empty()) {
        line++;
        const size_t end = std::min(text.find('\n'), text.size());
        std::string_view raw = text.substr(0, end);
        text.remove_prefix(std::min(end + 1, text.size()));
        if (!raw.empty() && raw.back() == '\r') {
            raw.remove_suffix(1);
        }
        const size_t start = raw.find_first_not_of(" \t");
        if (start == std::string_view::npos || raw[start] == '#') {
            continue;
        }
        raw.remove_prefix(start);
        expectation* last = scn.expectations.empty() ? nullptr : &scn.expectations.back();
        if (raw[0] == '>') {
            const auto expanded = expand_macros(raw.substr(raw.size() > 1 && raw[1] == ' ' ? 2
                                                                                       : 1));
            if (last == nullptr || !last->collecting || !expanded) {
                scn.errors.push_back(where(scn, line) + "`>` line outside `expect file`");
            } else {
                last->file_lines.push_back(*expanded);
            }
            continue;
        }
        if (last != nullptr) {
            last->collecting = false;
        }
        parse_directive(scn, line, raw);
    }
    if (scn.expectations.empty()) {
        scn.errors.push_back(scn.name + ": no expectations: a scenario must check something");
    }
    return scn;
}

} // namespace weave_scenario
