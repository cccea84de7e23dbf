#pragma once
// The POSIX calls the WAL and the snapshots are made of, each checked: failures become
// std::runtime_error naming the path and errno's text (these are disk errors, not bad input).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weave::wal {

// Owns one file descriptor; closes it on destruction.
class unique_fd {
public:
    unique_fd() = default;
    explicit unique_fd(int fd) : _fd(fd) {}
    unique_fd(unique_fd&& other) noexcept : _fd(other.release()) {}
    unique_fd& operator=(unique_fd&& other) noexcept;
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    ~unique_fd() { reset(); }

    int get() const { return _fd; }
    bool valid() const { return _fd >= 0; }
    int release();
    void reset();

private:
    int _fd = -1;
};

[[noreturn]] void throw_errno(const std::string& what, const std::string& path);

// open(2) with O_CLOEXEC; throws on failure.
unique_fd open_file(const std::string& path, int flags, unsigned mode = 0644);
// Writes all of `bytes` at `offset` (pwrite; retries partial writes and EINTR).
void write_all(int fd, std::string_view bytes, uint64_t offset, const std::string& path);
// fdatasync(2) / fsync(2) of a file, fsync(2) of a directory (makes creates, renames and
// unlinks in it durable).
void sync_data(int fd, const std::string& path);
void sync_file(int fd, const std::string& path);
void sync_directory(const std::string& dir);
void truncate_file(int fd, uint64_t size, const std::string& path);
uint64_t file_size(int fd, const std::string& path);
// Reads the whole file into `out` (reusing its capacity).
void read_whole(int fd, const std::string& path, std::string& out);
// Names (not paths) of the regular entries of `dir`.
std::vector<std::string> list_directory(const std::string& dir);
// `prefix` + the number as 20 digits + `suffix`, and back (false when `name` is not of that
// form exactly).
std::string numbered_name(std::string_view prefix, uint64_t number, std::string_view suffix);
bool parse_numbered_name(std::string_view name, std::string_view prefix, std::string_view suffix,
                         uint64_t& number);

} // namespace weave::wal
