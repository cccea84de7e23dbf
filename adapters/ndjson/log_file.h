#pragma once
// A log file mapped read-only into memory (or read, when it cannot be mapped, e.g. a pipe).
#include <string>
#include <string_view>
#include <vector>

namespace weave::ndjson {

class log_file {
public:
    log_file() = default;
    log_file(const log_file&) = delete;
    log_file& operator=(const log_file&) = delete;
    ~log_file();

    // False with `error` set (one line, for stderr) when the file cannot be read.
    bool open(const std::string& path, std::string& error);
    std::string_view bytes() const { return {_data, _size}; }

private:
    const char* _data = "";
    size_t _size = 0;
    void* _mapping = nullptr;
    std::vector<char> _copy;
};

// Creates `dir` if needed and writes `name` there. False with `error` set on failure.
bool write_output(const std::string& dir, const std::string& name, std::string_view bytes,
                  std::string& error);

} // namespace weave::ndjson
