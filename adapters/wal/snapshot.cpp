#include "wal/snapshot.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <vector>

#include "wal/crc32c.h"
#include "wal/file_io.h"
#include "wal/little_endian.h"
#include "weave/assert.h"

namespace weave::wal {

namespace {

constexpr size_t crc_offset = 36; // the last field: the CRC covers every other byte
constexpr std::string_view temp_prefix = ".snapshot-";
constexpr std::string_view temp_suffix = ".wsnap.tmp";

std::string make_header(uint64_t lsn, std::string_view bytes) {
    std::string header;
    header.append(snapshot_magic, sizeof snapshot_magic);
    put<uint32_t>(header, snapshot_format_version);
    put<uint32_t>(header, 0);
    put<uint64_t>(header, lsn);
    put<uint64_t>(header, bytes.size());
    put<uint32_t>(header, 0);
    WEAVE_ASSERT(header.size() == crc_offset);
    put<uint32_t>(header, crc32c_extend(crc32c(bytes), header.data(), crc_offset));
    WEAVE_ASSERT(header.size() == snapshot_header_bytes);
    return header;
}

// Empty when `file` is an intact snapshot of `lsn`, else what is wrong with it.
std::string check_snapshot(std::string_view file, uint64_t lsn) {
    if (file.size() < snapshot_header_bytes) {
        return "shorter than its header";
    }
    if (std::memcmp(file.data(), snapshot_magic, sizeof snapshot_magic) != 0) {
        return "bad magic";
    }
    const std::string_view bytes = file.substr(snapshot_header_bytes);
    if (get<uint64_t>(file, 24) != bytes.size()) {
        return "length " + std::to_string(get<uint64_t>(file, 24)) + " but " +
               std::to_string(bytes.size()) + " bytes follow the header";
    }
    const uint32_t crc = crc32c_extend(crc32c(bytes), file.data(), crc_offset);
    if (crc != get<uint32_t>(file, crc_offset)) {
        return "checksum mismatch";
    }
    if (get<uint32_t>(file, 12) != 0 || get<uint32_t>(file, 32) != 0) {
        return "nonzero reserved bytes";
    }
    if (get<uint32_t>(file, 8) != snapshot_format_version) {
        return "unsupported format version " + std::to_string(get<uint32_t>(file, 8));
    }
    if (get<uint64_t>(file, 16) != lsn) {
        return "header says lsn " + std::to_string(get<uint64_t>(file, 16));
    }
    return {};
}

// The lsns of the snapshot files in `dir`, newest first.
std::vector<uint64_t> find_snapshots(const std::string& dir) {
    std::vector<uint64_t> lsns;
    for (const std::string& name : list_directory(dir)) {
        uint64_t lsn = 0;
        if (parse_numbered_name(name, "snapshot-", ".wsnap", lsn)) {
            lsns.push_back(lsn);
        }
    }
    std::sort(lsns.begin(), lsns.end(), std::greater<>());
    return lsns;
}

void remove_file(const std::string& path) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        throw_errno("delete", path);
    }
}

bool is_temp_name(std::string_view name) {
    return name.size() > temp_prefix.size() + temp_suffix.size() &&
           name.substr(0, temp_prefix.size()) == temp_prefix &&
           name.substr(name.size() - temp_suffix.size()) == temp_suffix;
}

void write_temp(const std::string& temp, uint64_t lsn, std::string_view bytes) {
    const unique_fd fd = open_file(temp, O_WRONLY | O_CREAT | O_TRUNC);
    const std::string header = make_header(lsn, bytes);
    write_all(fd.get(), header, 0, temp);
    write_all(fd.get(), bytes, header.size(), temp);
    sync_file(fd.get(), temp);
}

} // namespace

std::string snapshot_name(uint64_t lsn) {
    return numbered_name("snapshot-", lsn, ".wsnap");
}

void write_snapshot(const std::string& dir, uint64_t lsn, std::string_view bytes) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
        throw std::runtime_error("wal: cannot create " + dir + ": " + error.message());
    }
    const std::string name = snapshot_name(lsn);
    const std::string path = dir + "/" + name;
    const std::string temp = dir + "/." + name + ".tmp";
    try {
        write_temp(temp, lsn, bytes);
        if (::rename(temp.c_str(), path.c_str()) != 0) {
            throw_errno("rename into place", temp);
        }
    } catch (...) {
        ::unlink(temp.c_str()); // best effort: the disk error is what gets reported
        throw;
    }
    sync_directory(dir);

    // The new snapshot is durable under its name: older ones beyond the kept few can go.
    const std::vector<uint64_t> lsns = find_snapshots(dir);
    for (size_t i = snapshots_kept; i < lsns.size(); ++i) {
        remove_file(dir + "/" + snapshot_name(lsns[i]));
    }
    for (const std::string& entry : list_directory(dir)) {
        if (is_temp_name(entry)) {
            remove_file(dir + "/" + entry); // left by a writer that crashed
        }
    }
}

bool read_latest_snapshot(const std::string& dir, uint64_t& lsn, std::string& bytes,
                          std::string& note) {
    note.clear();
    std::error_code error;
    if (!std::filesystem::is_directory(dir, error)) {
        return false;
    }
    std::string skipped;
    for (const uint64_t candidate : find_snapshots(dir)) {
        const std::string name = snapshot_name(candidate);
        const std::string path = dir + "/" + name;
        const unique_fd fd = open_file(path, O_RDONLY);
        read_whole(fd.get(), path, bytes);
        const std::string problem = check_snapshot(bytes, candidate);
        if (!problem.empty()) {
            skipped += (skipped.empty() ? "" : "; ") + name + ": " + problem;
            continue;
        }
        bytes.erase(0, snapshot_header_bytes);
        lsn = candidate;
        if (!skipped.empty()) {
            note = skipped + "; using " + name;
        }
        return true;
    }
    bytes.clear();
    if (!skipped.empty()) {
        note = skipped + "; no intact snapshot";
    }
    return false;
}

} // namespace weave::wal
