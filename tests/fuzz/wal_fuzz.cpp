// libFuzzer target: any bytes as the contents of a WAL segment file go through the log's
// recovery. It must never crash; every record it visits must be intact (the visited records,
// framed again, are exactly the file's bytes up to where it was cut), the cut must be what the
// report says, and the log must append and read back after it. Intact but inconsistent files
// (a checksummed record with the wrong lsn) may throw std::runtime_error. One more mode feeds
// the bytes to the snapshot reader. Build: scripts/fuzz (clang, fuzzer + ASan + UBSan).
//
// The first byte picks how the rest becomes the file, so that the fuzzer does not have to
// guess checksums before it reaches the record parser:
//   0: the file is the rest, as is
//   1: a valid segment header, then the rest
//   2: valid records built from the rest (kind, length, payload ...), then one byte flipped
//      and the file cut where the rest's first five bytes say
//   3: the rest as a snapshot file
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "wal/crc32c.h"
#include "wal/log.h"
#include "wal/segment_format.h"
#include "wal/snapshot.h"

namespace fs = std::filesystem;
namespace wal = weave::wal;

namespace {

// The directory of one input, removed when the input is done (libFuzzer ends with _Exit, so an
// atexit handler would not run). A crash leaves it behind, with the file that crashed.
struct scratch_dir {
    explicit scratch_dir(const char* name)
        : path(fs::temp_directory_path() /
               (std::string("weave-wal-fuzz-") + name + "-" + std::to_string(getpid()))) {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~scratch_dir() { fs::remove_all(path); }
    fs::path path;
};

void check(bool condition) {
    if (!condition) {
        std::abort();
    }
}

void write_file(const fs::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string header() {
    std::string out;
    wal::append_segment_header(out, 1);
    return out;
}

std::string structured(std::string_view rest) {
    if (rest.size() < 5) {
        return header();
    }
    const size_t flip_at = static_cast<uint8_t>(rest[0]) | static_cast<uint8_t>(rest[1]) << 8;
    const auto flip = static_cast<uint8_t>(rest[2]);
    const size_t cut = static_cast<uint8_t>(rest[3]) | static_cast<uint8_t>(rest[4]) << 8;
    rest.remove_prefix(5);
    std::string file = header();
    uint64_t lsn = 1;
    while (rest.size() >= 2) {
        const auto kind = static_cast<uint8_t>(rest[0]);
        const size_t length = std::min<size_t>(static_cast<uint8_t>(rest[1]), rest.size() - 2);
        const std::string_view payload = rest.substr(2, length);
        wal::append_record(file, lsn, kind, payload, wal::crc32c(payload));
        ++lsn;
        rest.remove_prefix(2 + length);
    }
    file[flip_at % file.size()] ^= static_cast<char>(flip);
    if (cut < file.size()) {
        file.resize(cut);
    }
    return file;
}

struct visited {
    uint64_t lsn;
    uint8_t kind;
    std::string payload;
};

void fuzz_log(const std::string& file) {
    const scratch_dir scratch("log");
    const fs::path& dir = scratch.path;
    const fs::path segment = dir / wal::segment_name(1);
    write_file(segment, file);
    const wal::options no_sync{64 << 10, false};

    std::vector<visited> records;
    wal::recovery_report report;
    try {
        const auto keep = [&](const wal::record& found) {
            records.push_back({found.lsn, found.kind, std::string(found.payload)});
        };
        wal::log log(dir.string(), no_sync, 0, keep, report);
        check(log.append(9, "after recovery") == records.size() + 1);
        log.wait_durable(records.size() + 1);
    } catch (const std::runtime_error&) {
        check(records.empty() || records.back().lsn == records.size());
        return; // intact but inconsistent: refused, which is right
    }

    // The visited records, framed again, are the file's bytes up to the cut.
    std::string expected = header();
    for (size_t i = 0; i < records.size(); ++i) {
        check(records[i].lsn == i + 1);
        wal::append_record(expected, records[i].lsn, records[i].kind, records[i].payload,
                           wal::crc32c(records[i].payload));
    }
    const bool header_kept = file.compare(0, expected.size(), expected) == 0;
    check(header_kept || records.empty());
    const size_t kept = header_kept ? expected.size() : 0;
    check(report.records == records.size() && report.last_lsn == records.size());
    check(report.truncated_bytes == file.size() - kept);
    // A reason whenever the file was not clean, even an empty one whose header was rewritten.
    check(report.truncation_reason.empty() == (header_kept && kept == file.size()));

    // What was appended after the cut reads back, with nothing more to cut.
    std::vector<visited> again;
    wal::recovery_report second;
    {
        const auto keep = [&](const wal::record& found) {
            again.push_back({found.lsn, found.kind, std::string(found.payload)});
        };
        const wal::log log(dir.string(), no_sync, 0, keep, second);
    }
    check(second.truncated_bytes == 0);
    check(again.size() == records.size() + 1);
    check(again.back().kind == 9 && again.back().payload == "after recovery");
}

void fuzz_snapshot(std::string_view file) {
    const scratch_dir scratch("snapshot");
    const fs::path& dir = scratch.path;
    write_file(dir / wal::snapshot_name(7), file);
    uint64_t lsn = 0;
    std::string bytes;
    std::string note;
    if (wal::read_latest_snapshot(dir.string(), lsn, bytes, note)) {
        check(lsn == 7 && note.empty());
        check(bytes.size() + wal::snapshot_header_bytes == file.size());
        check(file.substr(wal::snapshot_header_bytes) == bytes);
    } else {
        check(!note.empty());
    }
    // Written back, it reads back the same.
    wal::write_snapshot(dir.string(), 8, file);
    check(wal::read_latest_snapshot(dir.string(), lsn, bytes, note));
    check(lsn == 8 && bytes == file);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 4) {
    case 0:
        fuzz_log(std::string(rest));
        break;
    case 1:
        fuzz_log(header() + std::string(rest));
        break;
    case 2:
        fuzz_log(structured(rest));
        break;
    default:
        fuzz_snapshot(rest);
        break;
    }
    return 0;
}
