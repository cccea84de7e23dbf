#pragma once
// Helpers for tests that run the real `weave` binary on a log and read its outputs.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <sys/wait.h>
#include <unistd.h>

namespace weave_test {

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

// A fresh scratch directory under the system temp dir, left for the caller to remove (the
// randomized and scenario tests keep the ones that failed, for a look by hand).
inline std::filesystem::path scratch_dir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() /
               ("weave-test-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

// A fresh scratch directory removed when it goes out of scope, so test runs leave nothing in
// /tmp; WEAVE_KEEP_SCRATCH=1 keeps it. Declare it as a variable (`const scratch_space dir("x")`):
// a copy into a plain path would outlive the directory.
class scratch_space : public std::filesystem::path {
public:
    explicit scratch_space(const std::string& name) : std::filesystem::path(scratch_dir(name)) {}
    ~scratch_space() {
        const char* keep = std::getenv("WEAVE_KEEP_SCRATCH");
        if (keep == nullptr || std::string(keep) != "1") {
            std::error_code ignored;
            std::filesystem::remove_all(*this, ignored);
        }
    }
    scratch_space(const scratch_space&) = delete;
    scratch_space& operator=(const scratch_space&) = delete;
};

// Runs `weave ARGS`; returns the exit status (stdout/stderr go to files in `dir`).
inline int run_weave(const std::string& args, const std::filesystem::path& dir) {
    const std::string command = std::string(WEAVE_BINARY) + " " + args + " >" +
                                (dir / "stdout.txt").string() + " 2>" +
                                (dir / "stderr.txt").string();
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The lines of a text, without their line ends (a last line without one included).
inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        const size_t end = text.find('\n', start);
        lines.push_back(text.substr(start, end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return lines;
}

// report.json without its trailing `timing` object, which is the only part allowed to vary.
inline std::string report_without_timing(const std::string& report) {
    const auto at = report.find(",\"timing\":");
    return at == std::string::npos ? report : report.substr(0, at);
}

} // namespace weave_test
