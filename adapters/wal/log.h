#pragma once
// The write-ahead log of `weave serve`: every accepted batch is appended as one checksummed
// record and is durable (written and fdatasync'ed) before the batch is acknowledged.
//
// Appenders copy framed records into one in-memory buffer under a mutex; a single flusher
// thread swaps the buffer out, writes it to the current segment, fdatasyncs and wakes every
// waiter, so all the appends that arrived during one sync share the next (group commit).
// Segment files are `wal-<first lsn>.log` in one directory (format in segment_format.h); a
// restart verifies all of them, cuts a torn or corrupt tail off the last one and reports it.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "wal/file_io.h"
#include "wal/segment_format.h"

namespace weave::wal {

struct recovery_report {
    uint64_t segments = 0;         // segment files read
    uint64_t records = 0;          // intact records found after `from_lsn`
    uint64_t last_lsn = 0;         // highest intact lsn (0 when none)
    uint64_t truncated_bytes = 0;  // bytes cut off the tail of the last segment
    std::string truncation_reason; // empty, or e.g. "checksum mismatch at offset 4096 of
                                   // wal-00000000000000000001.log"
};

struct options {
    uint64_t segment_bytes = 64 << 20; // start a new segment file past this size
    bool sync = true;                  // false only for tests/benchmarks: no fdatasync
};

// Appended bytes not yet handed to the flusher; past this, append waits for the disk
// (back-pressure instead of unbounded memory when the disk is slower than the appenders).
inline constexpr uint64_t pending_bytes_max = 64u << 20;

class log {
public:
    // Opens (creating if needed) the log in `dir` and recovers it: verifies every segment,
    // truncates a torn/corrupt tail of the LAST segment (ftruncate + fsync) and reports it in
    // `report`. Corruption anywhere else (a bad record in an earlier segment, an lsn gap, a
    // first segment starting after from_lsn + 1, a log ending before from_lsn) throws
    // std::runtime_error naming the file and offset. Calls `visit` for every intact record with
    // lsn > from_lsn, in lsn order, before the writer is usable; when it throws, `visit` may
    // already have seen the records of the segments before the bad one. An empty directory
    // starts at lsn from_lsn + 1, so lsns never go back below a snapshot's.
    log(std::string dir, options opts, uint64_t from_lsn,
        const std::function<void(const record&)>& visit, recovery_report& report);
    // Flushes and syncs what was appended, joins the flusher thread.
    ~log();
    log(const log&) = delete;
    log& operator=(const log&) = delete;

    // Appends one record; thread-safe; returns its lsn. The bytes are buffered: they become
    // durable at the next group commit. Order of lsns = order of append calls. Blocks while
    // pending_bytes_max bytes wait for the disk. Throws std::length_error for a payload over
    // record_payload_bytes_max and std::runtime_error once a disk write has failed.
    uint64_t append(uint8_t kind, std::string_view payload);
    // Blocks until every record up to `lsn` is written and fdatasync'ed. Throws
    // std::runtime_error if the disk write failed (then the log accepts nothing more).
    void wait_durable(uint64_t lsn);
    uint64_t durable_lsn() const;
    uint64_t last_lsn() const;
    // After a snapshot covering everything up to `lsn` is durable: deletes segment files whose
    // records are all <= lsn (never the segment being written), oldest first.
    void drop_through(uint64_t lsn);

    // Counters for metrics: fsyncs done (file and directory), bytes written, records appended.
    struct stats {
        uint64_t syncs, bytes, records;
    };
    stats counters() const;

private:
    void recover(uint64_t from_lsn, const std::function<void(const record&)>& visit,
                 recovery_report& report);
    void create_segment(uint64_t first_lsn);
    void flush_loop();
    void write_batch(uint64_t first_lsn, stats& done);
    void write_to_segment(std::string_view bytes, stats& done);
    void sync_segment(stats& done);
    std::string path_of(uint64_t first_lsn) const;

    const std::string _dir;
    const options _options;

    // Guarded by _mutex.
    mutable std::mutex _mutex;
    std::condition_variable _work;    // the flusher: records appended, or stopping
    std::condition_variable _durable; // wait_durable: the durable lsn moved, or a failure
    std::condition_variable _space;   // append: the buffer was handed to the flusher
    std::string _buffer;              // framed records not yet taken by the flusher
    uint64_t _buffer_first_lsn = 0;   // lsn of the first record in _buffer
    uint64_t _next_lsn = 0;
    uint64_t _durable_lsn = 0;
    bool _stopping = false;
    std::string _failure; // the first disk error; non-empty = the log is dead
    stats _stats{0, 0, 0};
    std::vector<uint64_t> _segments; // first lsns of the segment files, oldest first

    // Owned by the flusher thread (by the constructor before it starts).
    std::string _writing;
    unique_fd _segment_fd;
    uint64_t _segment_first_lsn = 0;
    uint64_t _segment_size = 0; // bytes in the current segment file

    std::thread _flusher; // last: starts after every member above exists
};

} // namespace weave::wal
