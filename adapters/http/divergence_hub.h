#pragma once
// Divergence records as they are produced, for server-sent-event subscribers: a bounded ring of
// the latest records, numbered, and a condition variable the stream handlers wait on. A slow
// subscriber that falls behind the ring skips ahead (and is told so); it never holds memory.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "weave/live.h"

namespace weave::http {

struct hub_item {
    uint64_t id;
    live_divergence divergence;
};

class divergence_hub {
public:
    explicit divergence_hub(size_t keep = 10000) : _keep(keep) {}

    void publish(std::vector<live_divergence> divergences) {
        if (divergences.empty()) return;
        {
            const std::lock_guard<std::mutex> lock(_mutex);
            for (auto& d : divergences) {
                _recent.push_back(hub_item{++_last_id, std::move(d)});
                if (_recent.size() > _keep) _recent.pop_front();
            }
        }
        _changed.notify_all();
    }

    // Items numbered above `after`, waiting up to `timeout` for some; `skipped` tells whether
    // some were dropped from the ring before this subscriber read them.
    std::vector<hub_item> wait_after(uint64_t after, std::chrono::milliseconds timeout,
                                     bool& skipped) {
        std::unique_lock<std::mutex> lock(_mutex);
        _changed.wait_for(lock, timeout, [&] { return _closed || _last_id > after; });
        std::vector<hub_item> out;
        skipped = !_recent.empty() && _recent.front().id > after + 1;
        for (const hub_item& item : _recent) {
            if (item.id > after) out.push_back(item);
        }
        return out;
    }

    std::vector<hub_item> recent() const {
        const std::lock_guard<std::mutex> lock(_mutex);
        return {_recent.begin(), _recent.end()};
    }
    uint64_t last_id() const {
        const std::lock_guard<std::mutex> lock(_mutex);
        return _last_id;
    }
    void close() {
        {
            const std::lock_guard<std::mutex> lock(_mutex);
            _closed = true;
        }
        _changed.notify_all();
    }
    bool closed() const {
        const std::lock_guard<std::mutex> lock(_mutex);
        return _closed;
    }

private:
    size_t _keep;
    mutable std::mutex _mutex;
    std::condition_variable _changed;
    std::deque<hub_item> _recent;
    uint64_t _last_id = 0;
    bool _closed = false;
};

} // namespace weave::http
