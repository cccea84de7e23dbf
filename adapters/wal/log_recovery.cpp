// Recovery: what the log's constructor does before the writer starts. Every segment is read
// and verified in lsn order; only the last one may end in a torn or corrupt tail, because every
// earlier segment was fdatasync'ed whole before the next one was created.
#include <fcntl.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "wal/log.h"
#include "weave/assert.h"

namespace weave::wal {

namespace {

[[noreturn]] void fail(const std::string& message) {
    throw std::runtime_error("wal: " + message);
}

// The first lsns of the segment files in `dir`, ascending; other files are ignored.
std::vector<uint64_t> find_segments(const std::string& dir) {
    std::vector<uint64_t> segments;
    for (const std::string& name : list_directory(dir)) {
        uint64_t first_lsn = 0;
        if (parse_segment_name(name, first_lsn)) {
            segments.push_back(first_lsn);
        }
    }
    std::sort(segments.begin(), segments.end());
    return segments;
}

// Creates `dir` when missing, and makes its name durable in the parent.
void ensure_directory(const std::string& dir, bool sync) {
    std::error_code error;
    const bool created = std::filesystem::create_directories(dir, error);
    if (error) {
        fail("cannot create " + dir + ": " + error.message());
    }
    if (created && sync) {
        const std::filesystem::path parent = std::filesystem::path(dir).parent_path();
        sync_directory(parent.empty() ? "." : parent.string());
    }
}

// Cuts the last segment after its intact records; rewrites a header that never made it whole.
void cut_tail(int fd, const std::string& path, uint64_t first_lsn, const segment_scan& scan,
              bool sync) {
    WEAVE_ASSERT(scan.end == scan_end::damaged);
    truncate_file(fd, scan.valid_bytes, path);
    if (!scan.header_intact) {
        // Crashed between creating the file and syncing its header: write it again.
        WEAVE_ASSERT(scan.valid_bytes == 0 && scan.records == 0);
        std::string header;
        append_segment_header(header, first_lsn);
        write_all(fd, header, 0, path);
    }
    if (sync) {
        sync_file(fd, path);
    }
}

} // namespace

void log::recover(uint64_t from_lsn, const std::function<void(const record&)>& visit,
                  recovery_report& report) {
    report = recovery_report{};
    ensure_directory(_dir, _options.sync);
    const std::vector<uint64_t> segments = find_segments(_dir);
    if (segments.empty()) {
        // Nothing yet (or a snapshot whose log was deleted): continue after the snapshot.
        create_segment(from_lsn + 1);
        _next_lsn = from_lsn + 1;
        return;
    }
    if (segments.front() > from_lsn + 1) {
        fail("the log starts at lsn " + std::to_string(segments.front()) + " (" +
             segment_name(segments.front()) + ") but records from lsn " +
             std::to_string(from_lsn + 1) + " are needed: lsns " + std::to_string(from_lsn + 1) +
             ".." + std::to_string(segments.front() - 1) + " are missing");
    }
    const auto visit_after = [&](const record& found) {
        report.last_lsn = found.lsn;
        if (found.lsn > from_lsn) {
            ++report.records;
            visit(found);
        }
    };
    std::string bytes; // one buffer for every segment: the record views point into it
    uint64_t expected_lsn = segments.front();
    for (size_t i = 0; i < segments.size(); ++i) {
        const bool last = i + 1 == segments.size();
        const std::string name = segment_name(segments[i]);
        const std::string path = path_of(segments[i]);
        if (segments[i] != expected_lsn) {
            fail("lsn gap: " + name + " starts at lsn " + std::to_string(segments[i]) +
                 " but the segment before it ends at lsn " + std::to_string(expected_lsn - 1));
        }
        unique_fd fd = open_file(path, last ? O_RDWR : O_RDONLY);
        read_whole(fd.get(), path, bytes);
        const segment_scan scan = scan_segment(bytes, name, segments[i], visit_after);
        ++report.segments;
        expected_lsn = scan.next_lsn;
        if (scan.end == scan_end::inconsistent) {
            fail(scan.reason);
        }
        if (scan.end == scan_end::damaged && !last) {
            fail(scan.reason +
                 "; later segments follow, so this is not a torn tail and "
                 "acknowledged records would be lost");
        }
        if (!last) {
            continue;
        }
        // The last segment: cut a damaged tail and keep the file open for appending.
        if (scan.end == scan_end::damaged) {
            cut_tail(fd.get(), path, segments[i], scan, _options.sync);
            report.truncated_bytes = bytes.size() - scan.valid_bytes;
            report.truncation_reason = scan.reason;
        }
        _segment_fd = std::move(fd);
        _segment_first_lsn = segments[i];
        _segment_size = scan.header_intact ? scan.valid_bytes : segment_header_bytes;
    }
    if (expected_lsn - 1 < from_lsn) {
        fail("the log ends at lsn " + std::to_string(expected_lsn - 1) + " (" +
             segment_name(segments.back()) + ") but from_lsn is " + std::to_string(from_lsn) +
             ": the snapshot is ahead of the log");
    }
    _segments = segments;
    _next_lsn = expected_lsn;
}

} // namespace weave::wal
