// The write-ahead log and snapshot store of `weave serve`: CRC32C, recovery (torn and corrupt
// tails, errors in earlier segments, lsn gaps), segments and drop_through, group commit under
// concurrent appenders, snapshots and their fallback.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"
#include "wal/crc32c.h"
#include "wal/log.h"
#include "wal/snapshot.h"

namespace fs = std::filesystem;
namespace wal = weave::wal;

namespace {

// A scratch directory under /tmp that is removed when the test ends, pass or fail.
struct scratch {
    explicit scratch(const std::string& name) : dir(weave_test::scratch_dir("wal-" + name)) {}
    ~scratch() { fs::remove_all(dir); }
    std::string path() const { return dir.string(); }
    fs::path dir;
};

struct owned_record {
    uint64_t lsn;
    uint8_t kind;
    std::string payload;
};

struct read_back {
    std::vector<owned_record> records;
    wal::recovery_report report;
};

wal::options no_sync(uint64_t segment_bytes = 64 << 20) {
    return {segment_bytes, false};
}

// Opens the log (recovering it), collects what it visits, closes it.
read_back reopen(const scratch& where, wal::options opts = no_sync(), uint64_t from_lsn = 0) {
    read_back out;
    const auto keep = [&](const wal::record& found) {
        out.records.push_back({found.lsn, found.kind, std::string(found.payload)});
    };
    const wal::log log(where.path(), opts, from_lsn, keep, out.report);
    return out;
}

std::string payload_of(uint64_t lsn) {
    return "payload " + std::to_string(lsn) + std::string(lsn % 5, '.');
}

// Appends records payload_of(1..count) with kind lsn % 3 to a fresh log and closes it.
void fill(const scratch& where, uint64_t count, wal::options opts = no_sync()) {
    wal::recovery_report report;
    wal::log log(
        where.path(), opts, 0, [](const wal::record&) {}, report);
    for (uint64_t i = 1; i <= count; ++i) {
        REQUIRE(log.append(static_cast<uint8_t>(i % 3), payload_of(i)) == i);
    }
    log.wait_durable(count);
}

void check_records(const std::vector<owned_record>& records, uint64_t first, uint64_t last) {
    REQUIRE(records.size() == last - first + 1);
    for (uint64_t lsn = first; lsn <= last; ++lsn) {
        const owned_record& found = records[lsn - first];
        CHECK(found.lsn == lsn);
        CHECK(found.kind == lsn % 3);
        CHECK(found.payload == payload_of(lsn));
    }
}

std::vector<std::string> files_in(const scratch& where) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(where.dir)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

// File offset of record `lsn` in a single segment filled by fill().
uint64_t offset_of(uint64_t lsn) {
    uint64_t offset = wal::segment_header_bytes;
    for (uint64_t i = 1; i < lsn; ++i) {
        offset += wal::record_bytes(payload_of(i).size());
    }
    return offset;
}

void flip_byte(const fs::path& file, uint64_t offset) {
    std::string bytes = weave_test::read_file(file);
    REQUIRE(offset < bytes.size());
    bytes[offset] = static_cast<char>(bytes[offset] ^ 0x40);
    weave_test::write_file(file, bytes);
}

std::string recovery_error(const scratch& where, uint64_t from_lsn = 0) {
    try {
        reopen(where, no_sync(), from_lsn);
    } catch (const std::runtime_error& error) {
        return error.what();
    }
    return "no error";
}

const std::string first_segment = "wal-00000000000000000001.log";

} // namespace

TEST_SUITE_BEGIN("wal");

TEST_CASE("crc32c gives the known vectors in hardware and in software") {
    std::string zeros(32, '\0');
    std::string ones(32, '\xFF');
    std::string ascending;
    for (int i = 0; i < 32; ++i) {
        ascending += static_cast<char>(i);
    }
    // RFC 3720 (iSCSI) B.4 and the usual check value.
    const std::vector<std::pair<std::string, uint32_t>> vectors = {{"123456789", 0xE3069283u},
                                                                   {"", 0u},
                                                                   {zeros, 0x8A9136AAu},
                                                                   {ones, 0x62A8AB43u},
                                                                   {ascending, 0x46DD794Eu}};
    for (const auto& [text, expected] : vectors) {
        CHECK(wal::crc32c_extend_software(0, text.data(), text.size()) == expected);
        CHECK(wal::crc32c(text) == expected);
        if (wal::crc32c_hardware_available()) {
            CHECK(wal::crc32c_extend_hardware(0, text.data(), text.size()) == expected);
        }
    }
}

TEST_CASE("crc32c extends across splits and unaligned starts the same in both ways") {
    std::string text;
    for (int i = 0; i < 300; ++i) {
        text += static_cast<char>((i * 131 + 7) & 0xFF);
    }
    for (size_t start = 0; start < 9; ++start) {
        for (size_t split = start; split < text.size(); split += 13) {
            const std::string_view whole = std::string_view(text).substr(start);
            const uint32_t expected = wal::crc32c_extend_software(0, whole.data(), whole.size());
            const uint32_t head = wal::crc32c(whole.substr(0, split - start));
            const std::string_view tail = whole.substr(split - start);
            CHECK(wal::crc32c_extend(head, tail.data(), tail.size()) == expected);
            CHECK(wal::crc32c_extend_software(head, tail.data(), tail.size()) == expected);
        }
    }
}

TEST_CASE("an empty directory opens with no records and the first append is lsn 1") {
    const scratch where("empty");
    fs::remove_all(where.dir); // a missing directory is created
    const read_back first = reopen(where);
    CHECK(first.records.empty());
    CHECK(first.report.segments == 0);
    CHECK(first.report.last_lsn == 0);
    CHECK(first.report.truncated_bytes == 0);
    CHECK(first.report.truncation_reason.empty());
    CHECK(files_in(where) == std::vector<std::string>{first_segment});

    const read_back again = reopen(where);
    CHECK(again.records.empty());
    CHECK(again.report.segments == 1);
    fill(where, 1);
    check_records(reopen(where).records, 1, 1);
}

TEST_CASE("appended records come back in lsn order with their kinds after reopening") {
    const scratch where("order");
    fill(where, 500);
    const read_back back = reopen(where);
    check_records(back.records, 1, 500);
    CHECK(back.report.segments == 1);
    CHECK(back.report.records == 500);
    CHECK(back.report.last_lsn == 500);
    CHECK(back.report.truncated_bytes == 0);
}

TEST_CASE("a log reopened keeps appending after its last lsn, empty payloads included") {
    const scratch where("continue");
    fill(where, 3);
    {
        wal::recovery_report report;
        wal::log log(
            where.path(), no_sync(), 0, [](const wal::record&) {}, report);
        CHECK(log.last_lsn() == 3);
        CHECK(log.durable_lsn() == 3);
        CHECK(log.append(7, "") == 4);
        CHECK(log.append(8, "tail") == 5);
        log.wait_durable(5);
        CHECK(log.durable_lsn() == 5);
        CHECK(log.counters().records == 2);
    }
    const read_back back = reopen(where);
    REQUIRE(back.records.size() == 5);
    CHECK(back.records[3].kind == 7);
    CHECK(back.records[3].payload.empty());
    CHECK(back.records[4].payload == "tail");
}

TEST_CASE("a torn last record is cut at every byte offset and appending continues after it") {
    const uint64_t count = 5;
    const uint64_t start = offset_of(count);
    const uint64_t end = offset_of(count + 1);
    for (uint64_t cut = start; cut < end; ++cut) {
        CAPTURE(cut);
        const scratch where("torn");
        fill(where, count);
        REQUIRE(fs::file_size(where.dir / first_segment) == end);
        fs::resize_file(where.dir / first_segment, cut);

        read_back back;
        {
            const auto keep = [&](const wal::record& found) {
                back.records.push_back({found.lsn, found.kind, std::string(found.payload)});
            };
            wal::log log(where.path(), no_sync(), 0, keep, back.report);
            CHECK(log.append(1, "after the cut") == count);
            log.wait_durable(count);
        }
        check_records(back.records, 1, count - 1);
        CHECK(back.report.last_lsn == count - 1);
        CHECK(back.report.truncated_bytes == cut - start);
        if (cut == start) {
            CHECK(back.report.truncation_reason.empty()); // a clean end, nothing torn
        } else {
            const std::string where_cut =
                " at offset " + std::to_string(start) + " of " + first_segment;
            const std::string& reason = back.report.truncation_reason;
            CHECK(reason.rfind("torn record", 0) == 0);
            CHECK(reason.find(where_cut) != std::string::npos);
        }

        const read_back next = reopen(where);
        CHECK(next.report.truncated_bytes == 0);
        REQUIRE(next.records.size() == count);
        CHECK(next.records.back().lsn == count);
        CHECK(next.records.back().payload == "after the cut");
    }
}

TEST_CASE("a flipped byte in the last record's payload is reported and cut") {
    const scratch where("flip-last");
    fill(where, 10);
    flip_byte(where.dir / first_segment, offset_of(10) + wal::record_header_bytes + 2);
    const read_back back = reopen(where);
    check_records(back.records, 1, 9);
    CHECK(back.report.truncated_bytes == offset_of(11) - offset_of(10));
    CHECK(back.report.truncation_reason ==
          "checksum mismatch at offset " + std::to_string(offset_of(10)) + " of " + first_segment);
    CHECK(fs::file_size(where.dir / first_segment) == offset_of(10));
}

TEST_CASE("a bad record in the middle of the last segment cuts everything from it") {
    // A crash can leave later pages of an unsynced group commit on disk and earlier ones not,
    // so intact-looking records after a bad one are not trusted: nothing after it was acked.
    const scratch where("flip-middle-last");
    fill(where, 10);
    flip_byte(where.dir / first_segment, offset_of(4) + 9); // inside the lsn field
    const read_back back = reopen(where);
    check_records(back.records, 1, 3);
    CHECK(back.report.truncated_bytes == offset_of(11) - offset_of(4));
    CHECK(back.report.truncation_reason.rfind("checksum mismatch at offset", 0) == 0);
}

TEST_CASE("a length field of garbage is cut without allocating by it") {
    const scratch where("huge-length");
    fill(where, 2);
    std::string bytes = weave_test::read_file(where.dir / first_segment);
    const uint64_t at = offset_of(2);
    bytes[at + 7] = '\x7F'; // payload length ~2 GiB, over the record limit
    weave_test::write_file(where.dir / first_segment, bytes);
    const read_back back = reopen(where);
    check_records(back.records, 1, 1);
    CHECK(back.report.truncation_reason == "record length 2130706443 over the limit at offset " +
                                               std::to_string(at) + " of " + first_segment);
}

TEST_CASE("a corrupt record in an earlier segment is an error naming the file and offset") {
    const scratch where("flip-earlier");
    fill(where, 30, no_sync(120));
    REQUIRE(files_in(where).size() > 2);
    flip_byte(where.dir / first_segment, offset_of(2) + wal::record_header_bytes);
    const std::string error = recovery_error(where);
    CHECK(error.find("checksum mismatch at offset " + std::to_string(offset_of(2)) + " of " +
                     first_segment) != std::string::npos);
    CHECK(error.find("not a torn tail") != std::string::npos);
}

TEST_CASE("a corrupt last record of an earlier segment is an error too") {
    // Later segments follow it, so it cannot be the tail of an interrupted group commit.
    const scratch where("flip-earlier-last");
    fill(where, 30, no_sync(120));
    const uint64_t size = fs::file_size(where.dir / first_segment);
    flip_byte(where.dir / first_segment, size - 1);
    const std::string error = recovery_error(where);
    CHECK(error.find("checksum mismatch at offset " + std::to_string(offset_of(3)) + " of " +
                     first_segment) != std::string::npos);
    CHECK(fs::file_size(where.dir / first_segment) == size);
}

TEST_CASE("a torn tail of an earlier segment is an error, not a truncation") {
    const scratch where("torn-earlier");
    fill(where, 30, no_sync(120));
    fs::resize_file(where.dir / first_segment, fs::file_size(where.dir / first_segment) - 1);
    const std::string error = recovery_error(where);
    CHECK(error.find("torn record at offset") != std::string::npos);
    CHECK(error.find(first_segment) != std::string::npos);
}

TEST_CASE("a missing segment between two others is an lsn gap") {
    const scratch where("gap");
    fill(where, 30, no_sync(120));
    const std::vector<std::string> files = files_in(where);
    REQUIRE(files.size() >= 3);
    fs::remove(where.dir / files[1]);
    const std::string error = recovery_error(where);
    CHECK(error.find("lsn gap: " + files[2]) != std::string::npos);
}

TEST_CASE("a record with a valid checksum and the wrong lsn is an error, never cut") {
    // Two logs with the same first lsn: segment 1 of the second one placed after the first.
    const scratch where("wrong-lsn");
    fill(where, 4);
    const std::string segment = weave_test::read_file(where.dir / first_segment);
    const std::string records = segment.substr(wal::segment_header_bytes);
    weave_test::write_file(where.dir / first_segment, segment + records);
    const std::string error = recovery_error(where);
    CHECK(error.find("lsn 1 at offset " + std::to_string(offset_of(5)) + " of " + first_segment +
                     ", expected 5") != std::string::npos);
    CHECK(fs::file_size(where.dir / first_segment) == segment.size() + records.size());
}

TEST_CASE("a segment header of another format version is an error, never cut") {
    const scratch where("version");
    fill(where, 2);
    std::string bytes = weave_test::read_file(where.dir / first_segment);
    bytes[8] = 2;
    const uint32_t crc = wal::crc32c(std::string_view(bytes).substr(0, 28));
    std::memcpy(bytes.data() + 28, &crc, sizeof crc);
    weave_test::write_file(where.dir / first_segment, bytes);
    CHECK(recovery_error(where).find("unsupported WAL format version 2") != std::string::npos);
    CHECK(weave_test::read_file(where.dir / first_segment) == bytes);
}

TEST_CASE("a torn header of the last segment is cut and written again") {
    const scratch where("torn-header");
    fill(where, 8, no_sync(120));
    const std::vector<std::string> files = files_in(where);
    REQUIRE(files.size() == 3); // 3 records of 33..38 bytes fill a 120-byte segment
    fs::resize_file(where.dir / files.back(), 10);
    const read_back back = reopen(where);
    CHECK(back.report.truncated_bytes == 10);
    CHECK(back.report.truncation_reason ==
          "torn segment header at offset 0 of " + files.back() + ": 10 of 32 bytes");
    check_records(back.records, 1, 6);
    CHECK(fs::file_size(where.dir / files.back()) == wal::segment_header_bytes);
    fill(where, 0); // opens and closes cleanly
    CHECK(reopen(where).report.truncated_bytes == 0);
}

TEST_CASE("segments end past segment_bytes at the same records however appends are batched") {
    const scratch one_by_one("segments-synced");
    const scratch batched("segments-batched");
    {
        wal::recovery_report report;
        wal::log log(
            one_by_one.path(), no_sync(120), 0, [](const wal::record&) {}, report);
        for (uint64_t i = 1; i <= 20; ++i) {
            log.append(static_cast<uint8_t>(i % 3), payload_of(i));
            log.wait_durable(i);
        }
    }
    fill(batched, 20, no_sync(120));
    const std::vector<std::string> files = files_in(one_by_one);
    CHECK(files == files_in(batched));
    REQUIRE(files.size() == 7);
    CHECK(files[1] == "wal-00000000000000000004.log");
    for (const std::string& name : files) {
        CHECK(weave_test::read_file(one_by_one.dir / name) ==
              weave_test::read_file(batched.dir / name));
        CHECK(fs::file_size(one_by_one.dir / name) < 120 + 40);
    }
    const read_back back = reopen(batched);
    check_records(back.records, 1, 20);
    CHECK(back.report.segments == 7);
}

TEST_CASE("drop_through deletes the segments a snapshot covers, never the current one") {
    const scratch where("drop");
    {
        wal::recovery_report report;
        wal::log log(
            where.path(), no_sync(120), 0, [](const wal::record&) {}, report);
        for (uint64_t i = 1; i <= 20; ++i) {
            log.append(static_cast<uint8_t>(i % 3), payload_of(i));
        }
        log.wait_durable(20);
        // Segments start at 1, 4, 7, 10, 13, 16, 19 (see the test above).
        log.drop_through(8); // 1..3 and 4..6 are covered, 7..9 is not
        CHECK(files_in(where).front() == "wal-00000000000000000007.log");
        log.drop_through(9);
        CHECK(files_in(where).front() == "wal-00000000000000000010.log");
        log.drop_through(1000);
        CHECK(files_in(where) == std::vector<std::string>{"wal-00000000000000000019.log"});
        CHECK(log.append(0, "after the drop") == 21);
        log.wait_durable(21);
    }
    const read_back back = reopen(where, no_sync(120), 20);
    REQUIRE(back.records.size() == 1);
    CHECK(back.records[0].lsn == 21);
    CHECK(back.report.segments == 1);
    CHECK(back.report.records == 1);
    CHECK(back.report.last_lsn == 21);
    // Without the snapshot the dropped records are missing: an error, not an empty replay.
    CHECK(recovery_error(where, 0).find("lsns 1..18 are missing") != std::string::npos);
}

TEST_CASE("from_lsn skips the records a snapshot covers but verifies them") {
    const scratch where("from-lsn");
    fill(where, 50, no_sync(300));
    const read_back back = reopen(where, no_sync(300), 42);
    check_records(back.records, 43, 50);
    CHECK(back.report.records == 8);
    CHECK(back.report.last_lsn == 50);
    CHECK(back.report.segments == files_in(where).size());
    CHECK(reopen(where, no_sync(300), 50).records.empty());
    CHECK(recovery_error(where, 51).find("the snapshot is ahead of the log") != std::string::npos);
}

TEST_CASE("an empty log after a snapshot starts after the snapshot's lsn") {
    const scratch where("after-snapshot");
    {
        wal::recovery_report report;
        wal::log log(
            where.path(), no_sync(), 70, [](const wal::record&) {}, report);
        CHECK(log.last_lsn() == 70);
        CHECK(log.append(1, "first after the snapshot") == 71);
        log.wait_durable(71);
    }
    CHECK(files_in(where) == std::vector<std::string>{"wal-00000000000000000071.log"});
    const read_back back = reopen(where, no_sync(), 70);
    REQUIRE(back.records.size() == 1);
    CHECK(back.records[0].lsn == 71);
}

TEST_CASE("concurrent appenders each get every record durable exactly once") {
    const scratch where("concurrent");
    constexpr int threads = 4;
    constexpr int appends = 1000;
    {
        wal::recovery_report report;
        wal::log log(
            where.path(), wal::options{64 << 10, true}, 0, [](const wal::record&) {}, report);
        std::atomic<int> out_of_order{0}; // doctest's CHECK is not for other threads
        std::vector<std::thread> appenders;
        for (int t = 0; t < threads; ++t) {
            appenders.emplace_back([&log, &out_of_order, t] {
                uint64_t previous = 0;
                for (int i = 0; i < appends; ++i) {
                    const uint64_t lsn = log.append(static_cast<uint8_t>(t),
                                                    std::to_string(t) + ":" + std::to_string(i));
                    log.wait_durable(lsn);
                    if (lsn <= previous || log.durable_lsn() < lsn) {
                        ++out_of_order;
                    }
                    previous = lsn;
                }
            });
        }
        for (std::thread& appender : appenders) {
            appender.join();
        }
        CHECK(out_of_order == 0);
        CHECK(log.durable_lsn() == threads * appends);
        const wal::log::stats counters = log.counters();
        CHECK(counters.records == threads * appends);
        CHECK(counters.syncs >= 1);
        CHECK(counters.syncs <= threads * appends + 64); // group commit never adds syncs
    }
    const read_back back = reopen(where);
    REQUIRE(back.records.size() == threads * appends);
    std::set<std::string> seen;
    std::vector<int> next(threads, 0);
    for (size_t i = 0; i < back.records.size(); ++i) {
        const owned_record& found = back.records[i];
        CHECK(found.lsn == i + 1);
        const int t = found.kind;
        REQUIRE(t < threads);
        // Each thread's records are in its own order: it waited for each before the next.
        CHECK(found.payload == std::to_string(t) + ":" + std::to_string(next[t]));
        ++next[t];
        CHECK(seen.insert(found.payload).second);
    }
    CHECK(seen.size() == threads * appends);
}

TEST_CASE("snapshots: the newest is read, at most two are kept, no temp file stays") {
    const scratch where("snapshots");
    uint64_t lsn = 0;
    std::string bytes;
    std::string note;
    CHECK_FALSE(wal::read_latest_snapshot(where.path() + "/missing", lsn, bytes, note));
    CHECK_FALSE(wal::read_latest_snapshot(where.path(), lsn, bytes, note));
    CHECK(note.empty());

    weave_test::write_file(where.dir / ".snapshot-00000000000000000005.wsnap.tmp", "crashed");
    wal::write_snapshot(where.path(), 10, "state at 10");
    wal::write_snapshot(where.path(), 20, "");
    wal::write_snapshot(where.path(), 30, std::string(100000, 's'));
    CHECK(files_in(where) == std::vector<std::string>{"snapshot-00000000000000000020.wsnap",
                                                      "snapshot-00000000000000000030.wsnap"});
    REQUIRE(wal::read_latest_snapshot(where.path(), lsn, bytes, note));
    CHECK(lsn == 30);
    CHECK(bytes == std::string(100000, 's'));
    CHECK(note.empty());
}

TEST_CASE("a corrupt newest snapshot falls back to the previous one and says so") {
    const scratch where("snapshot-fallback");
    wal::write_snapshot(where.path(), 10, "state at 10");
    wal::write_snapshot(where.path(), 20, "state at 20");
    const fs::path newest = where.dir / "snapshot-00000000000000000020.wsnap";
    flip_byte(newest, wal::snapshot_header_bytes + 3);
    uint64_t lsn = 0;
    std::string bytes;
    std::string note;
    REQUIRE(wal::read_latest_snapshot(where.path(), lsn, bytes, note));
    CHECK(lsn == 10);
    CHECK(bytes == "state at 10");
    CHECK(note ==
          "snapshot-00000000000000000020.wsnap: checksum mismatch; using "
          "snapshot-00000000000000000010.wsnap");

    // A torn one (shorter than its length) and then none intact at all.
    fs::resize_file(where.dir / "snapshot-00000000000000000010.wsnap", 45);
    CHECK_FALSE(wal::read_latest_snapshot(where.path(), lsn, bytes, note));
    CHECK(note.find("snapshot-00000000000000000010.wsnap: length 11 but 5 bytes follow") !=
          std::string::npos);
    CHECK(note.find("no intact snapshot") != std::string::npos);
}
TEST_SUITE_END();
