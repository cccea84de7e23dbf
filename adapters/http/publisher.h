#pragma once
// Sends the channels' update requests built by adapters/publish, off the sequencer's thread:
// each is written as a file (DIR/<lsn>-<n>-<channel>.json) and/or POSTed as a JSON envelope
// {"channel","method","path","content_type","body"} to a relay that holds the channels' keys.
// weave records the attempt as a `publish` event in its log before the request leaves; the
// channel's answer comes back as `publish.ack` / `channel.level` (webhooks or POST /v1/events).
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/serve_config.h"
#include "publish/publish.h"

namespace weave::http {

class publisher {
public:
    publisher(const publish_config& config, const std::string& data_dir);
    ~publisher(); // sends what is queued, then stops

    void submit(uint64_t lsn, std::vector<publish::request> requests);

    struct stats {
        uint64_t queued = 0, written = 0, sent = 0, failed = 0;
    };
    stats counters() const;
    const std::string& dir() const { return _dir; }

private:
    void run();
    void deliver(uint64_t lsn, size_t index, const publish::request& request);

    std::string _dir, _url;
    mutable std::mutex _mutex;
    std::condition_variable _wake;
    std::deque<std::pair<uint64_t, std::vector<publish::request>>> _queue;
    bool _stopping = false;
    std::atomic<uint64_t> _queued{0}, _written{0}, _sent{0}, _failed{0};
    std::thread _thread;
};

} // namespace weave::http
