#include "wal/file_io.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace weave::wal {

unique_fd& unique_fd::operator=(unique_fd&& other) noexcept {
    if (this != &other) {
        reset();
        _fd = other.release();
    }
    return *this;
}

int unique_fd::release() {
    const int fd = _fd;
    _fd = -1;
    return fd;
}

void unique_fd::reset() {
    if (_fd >= 0) {
        // close(2) is not retried on EINTR on Linux: the descriptor is gone either way.
        ::close(_fd);
        _fd = -1;
    }
}

void throw_errno(const std::string& what, const std::string& path) {
    throw std::runtime_error("wal: cannot " + what + " " + path + ": " + std::strerror(errno));
}

unique_fd open_file(const std::string& path, int flags, unsigned mode) {
    int fd;
    do {
        fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        throw_errno("open", path);
    }
    return unique_fd(fd);
}

void write_all(int fd, std::string_view bytes, uint64_t offset, const std::string& path) {
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done,
                                   static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_errno("write", path);
        }
        if (n == 0) {
            // pwrite returns 0 only for a 0-byte request; treat it as a full disk, not a spin.
            errno = ENOSPC;
            throw_errno("write", path);
        }
        done += static_cast<size_t>(n);
    }
}

void sync_data(int fd, const std::string& path) {
    if (::fdatasync(fd) != 0) {
        throw_errno("fdatasync", path);
    }
}

void sync_file(int fd, const std::string& path) {
    if (::fsync(fd) != 0) {
        throw_errno("fsync", path);
    }
}

void sync_directory(const std::string& dir) {
    const unique_fd fd = open_file(dir, O_RDONLY | O_DIRECTORY);
    if (::fsync(fd.get()) != 0) {
        throw_errno("fsync directory", dir);
    }
}

void truncate_file(int fd, uint64_t size, const std::string& path) {
    int status;
    do {
        status = ::ftruncate(fd, static_cast<off_t>(size));
    } while (status != 0 && errno == EINTR);
    if (status != 0) {
        throw_errno("truncate", path);
    }
}

uint64_t file_size(int fd, const std::string& path) {
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        throw_errno("stat", path);
    }
    return static_cast<uint64_t>(info.st_size);
}

void read_whole(int fd, const std::string& path, std::string& out) {
    const uint64_t size = file_size(fd, path);
    out.resize(size);
    size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, out.data() + done, size - done, static_cast<off_t>(done));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_errno("read", path);
        }
        if (n == 0) {
            break; // shrank under us; what was read is what there is
        }
        done += static_cast<size_t>(n);
    }
    out.resize(done);
}

std::vector<std::string> list_directory(const std::string& dir) {
    DIR* handle = ::opendir(dir.c_str());
    if (handle == nullptr) {
        throw_errno("list", dir);
    }
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* entry = ::readdir(handle)) {
        if (entry->d_type == DT_REG || entry->d_type == DT_UNKNOWN) {
            names.emplace_back(entry->d_name);
        }
    }
    const int error = errno;
    ::closedir(handle);
    if (error != 0) {
        errno = error;
        throw_errno("list", dir);
    }
    return names;
}

std::string numbered_name(std::string_view prefix, uint64_t number, std::string_view suffix) {
    char digits[21];
    std::snprintf(digits, sizeof digits, "%020llu", static_cast<unsigned long long>(number));
    std::string name(prefix);
    name += digits;
    name += suffix;
    return name;
}

bool parse_numbered_name(std::string_view name, std::string_view prefix, std::string_view suffix,
                         uint64_t& number) {
    constexpr size_t digit_count = 20;
    if (name.size() != prefix.size() + digit_count + suffix.size() ||
        name.substr(0, prefix.size()) != prefix ||
        name.substr(prefix.size() + digit_count) != suffix) {
        return false;
    }
    uint64_t value = 0;
    for (const char c : name.substr(prefix.size(), digit_count)) {
        if (c < '0' || c > '9') {
            return false;
        }
        const auto digit = static_cast<uint64_t>(c - '0');
        if (value > (UINT64_MAX - digit) / 10) {
            return false; // 20 digits can exceed 2^64
        }
        value = value * 10 + digit;
    }
    number = value;
    return true;
}

} // namespace weave::wal
