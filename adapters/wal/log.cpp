// The writer side of the log: append, the group-commit flusher, segment rotation, deletion.
// Recovery (the constructor's work) is in log_recovery.cpp.
#include "wal/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "wal/crc32c.h"
#include "weave/assert.h"

namespace weave::wal {

log::log(std::string dir, options opts, uint64_t from_lsn,
         const std::function<void(const record&)>& visit, recovery_report& report)
    : _dir(std::move(dir)), _options(opts) {
    recover(from_lsn, visit, report);
    WEAVE_ASSERT(_segment_fd.valid());
    WEAVE_ASSERT(_next_lsn > 0 && !_segments.empty());
    _durable_lsn = _next_lsn - 1; // everything recovered is on disk already
    _buffer_first_lsn = _next_lsn;
    _flusher = std::thread(&log::flush_loop, this);
}

log::~log() {
    {
        const std::lock_guard lock(_mutex);
        _stopping = true;
    }
    _work.notify_one();
    // The flusher writes and syncs what is buffered before it returns.
    _flusher.join();
}

std::string log::path_of(uint64_t first_lsn) const {
    return _dir + "/" + segment_name(first_lsn);
}

uint64_t log::append(uint8_t kind, std::string_view payload) {
    if (payload.size() > record_payload_bytes_max) {
        throw std::length_error("wal: payload of " + std::to_string(payload.size()) +
                                " bytes is over the record limit");
    }
    // Checksum the payload before taking the lock; only 20 header bytes are left for inside.
    const uint32_t payload_crc = crc32c(payload);
    const size_t framed = record_bytes(payload.size());
    std::unique_lock lock(_mutex);
    WEAVE_ASSERT(!_stopping);
    // A record bigger than the bound on its own still goes in once the buffer is empty.
    _space.wait(lock, [&] {
        return _buffer.empty() || _buffer.size() + framed <= pending_bytes_max || !_failure.empty();
    });
    if (!_failure.empty()) {
        throw std::runtime_error("wal: the log failed earlier: " + _failure);
    }
    const bool was_empty = _buffer.empty();
    const uint64_t lsn = _next_lsn;
    ++_next_lsn;
    append_record(_buffer, lsn, kind, payload, payload_crc);
    ++_stats.records;
    WEAVE_DASSERT(_buffer_first_lsn <= lsn);
    lock.unlock();
    // The flusher sleeps only on an empty buffer, so only the append that fills it must wake it.
    if (was_empty) {
        _work.notify_one();
    }
    return lsn;
}

void log::wait_durable(uint64_t lsn) {
    std::unique_lock lock(_mutex);
    WEAVE_ASSERT(lsn < _next_lsn); // waiting for an lsn never appended would never return
    _durable.wait(lock, [&] { return _durable_lsn >= lsn || !_failure.empty(); });
    if (_durable_lsn < lsn) {
        throw std::runtime_error("wal: lsn " + std::to_string(lsn) +
                                 " is not durable: " + _failure);
    }
}

uint64_t log::durable_lsn() const {
    const std::lock_guard lock(_mutex);
    return _durable_lsn;
}

uint64_t log::last_lsn() const {
    const std::lock_guard lock(_mutex);
    return _next_lsn - 1;
}

log::stats log::counters() const {
    const std::lock_guard lock(_mutex);
    return _stats;
}

void log::drop_through(uint64_t lsn) {
    // A segment's records are all <= lsn when the next segment starts at or before lsn + 1.
    // The last one is the one being written and always stays.
    std::vector<uint64_t> doomed;
    {
        const std::lock_guard lock(_mutex);
        while (_segments.size() >= 2 && _segments[1] <= lsn + 1) {
            doomed.push_back(_segments.front());
            _segments.erase(_segments.begin());
        }
    }
    for (const uint64_t first_lsn : doomed) {
        const std::string path = path_of(first_lsn);
        if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
            throw_errno("delete", path);
        }
        // One directory sync per file keeps the deletions a prefix of the log after a crash,
        // so recovery never meets a hole between two surviving segments.
        if (_options.sync) {
            sync_directory(_dir);
        }
    }
}

void log::flush_loop() {
    std::unique_lock lock(_mutex);
    for (;;) {
        _work.wait(lock, [&] { return !_buffer.empty() || _stopping; });
        if (_buffer.empty()) {
            WEAVE_ASSERT(_stopping);
            return;
        }
        if (!_failure.empty()) {
            _buffer.clear(); // appended before the failure was seen; never acknowledged
            _space.notify_all();
            continue;
        }
        _writing.swap(_buffer);
        _buffer.clear();
        const uint64_t first_lsn = _buffer_first_lsn;
        const uint64_t last_lsn = _next_lsn - 1;
        _buffer_first_lsn = _next_lsn;
        lock.unlock();
        _space.notify_all();

        stats done{0, 0, 0};
        std::string failure;
        try {
            write_batch(first_lsn, done);
        } catch (const std::exception& error) {
            failure = error.what();
        }
        _writing.clear(); // keeps its capacity for the next swap

        lock.lock();
        _stats.syncs += done.syncs;
        _stats.bytes += done.bytes;
        if (failure.empty()) {
            WEAVE_ASSERT(last_lsn >= _durable_lsn);
            _durable_lsn = last_lsn;
        } else {
            _failure = failure;
            _space.notify_all();
        }
        _durable.notify_all();
    }
}

void log::write_batch(uint64_t first_lsn, stats& done) {
    // Walk the records so that a segment ends at a record boundary, right after the record that
    // took it past segment_bytes: file boundaries do not depend on how appends were batched.
    const std::string_view batch = _writing;
    size_t range_start = 0;
    size_t at = 0;
    uint64_t lsn = first_lsn;
    while (at < batch.size()) {
        const uint64_t planned = _segment_size + (at - range_start);
        if (planned >= _options.segment_bytes && planned > segment_header_bytes) {
            write_to_segment(batch.substr(range_start, at - range_start), done);
            sync_segment(done);
            create_segment(lsn);
            range_start = at;
        }
        at += record_bytes(framed_payload_bytes(batch.substr(at)));
        ++lsn;
    }
    WEAVE_ASSERT(at == batch.size());
    write_to_segment(batch.substr(range_start), done);
    sync_segment(done);
}

void log::write_to_segment(std::string_view bytes, stats& done) {
    if (bytes.empty()) {
        return;
    }
    write_all(_segment_fd.get(), bytes, _segment_size, path_of(_segment_first_lsn));
    _segment_size += bytes.size();
    done.bytes += bytes.size();
}

void log::sync_segment(stats& done) {
    if (_options.sync) {
        sync_data(_segment_fd.get(), path_of(_segment_first_lsn));
        ++done.syncs;
    }
}

void log::create_segment(uint64_t first_lsn) {
    const std::string path = path_of(first_lsn);
    unique_fd fd = open_file(path, O_RDWR | O_CREAT | O_EXCL);
    std::string header;
    append_segment_header(header, first_lsn);
    write_all(fd.get(), header, 0, path);
    // The header reaches the disk with the first records' fdatasync; the file's name needs the
    // directory synced, before any record in it is called durable.
    if (_options.sync) {
        sync_directory(_dir);
    }
    _segment_fd = std::move(fd);
    _segment_first_lsn = first_lsn;
    _segment_size = header.size();
    const std::lock_guard lock(_mutex);
    WEAVE_ASSERT(_segments.empty() || _segments.back() < first_lsn);
    _segments.push_back(first_lsn);
    _stats.syncs += _options.sync ? 1 : 0;
    _stats.bytes += header.size();
}

} // namespace weave::wal
