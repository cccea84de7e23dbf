#include "ndjson/log_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace weave::ndjson {

log_file::~log_file() {
    if (_mapping != nullptr) {
        ::munmap(_mapping, _size);
    }
}

bool log_file::open(const std::string& path, std::string& error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = "cannot open " + path + ": " + std::strerror(errno);
        return false;
    }
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        error = "cannot stat " + path + ": " + std::strerror(errno);
        ::close(fd);
        return false;
    }
    if (S_ISDIR(info.st_mode)) {
        error = "cannot read " + path + ": it is a directory";
        ::close(fd);
        return false;
    }
    if (S_ISREG(info.st_mode) && info.st_size > 0) {
        void* mapping = ::mmap(nullptr, static_cast<size_t>(info.st_size), PROT_READ,
                               MAP_PRIVATE, fd, 0);
        if (mapping != MAP_FAILED) {
            ::madvise(mapping, static_cast<size_t>(info.st_size), MADV_SEQUENTIAL);
            _mapping = mapping;
            _data = static_cast<const char*>(mapping);
            _size = static_cast<size_t>(info.st_size);
            ::close(fd);
            return true;
        }
    }
    // Not mappable (a pipe, an empty or special file): read it whole.
    char buffer[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            error = "cannot read " + path + ": " + std::strerror(errno);
            ::close(fd);
            return false;
        }
        if (n == 0) break;
        _copy.insert(_copy.end(), buffer, buffer + n);
    }
    ::close(fd);
    _data = _copy.data();
    _size = _copy.size();
    return true;
}

bool write_output(const std::string& dir, const std::string& name, std::string_view bytes,
                  std::string& error) {
    std::error_code code;
    std::filesystem::create_directories(dir, code);
    if (code) {
        error = "cannot create " + dir + ": " + code.message();
        return false;
    }
    const std::string path = (std::filesystem::path(dir) / name).string();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = "cannot write " + path + ": " + std::strerror(errno);
        return false;
    }
    size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            error = "cannot write " + path + ": " + std::strerror(errno);
            ::close(fd);
            return false;
        }
        written += static_cast<size_t>(n);
    }
    if (::close(fd) != 0) {
        error = "cannot write " + path + ": " + std::strerror(errno);
        return false;
    }
    return true;
}

} // namespace weave::ndjson
