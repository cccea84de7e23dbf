#include "http/publisher.h"

#include <httplib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "channels/channel_adapter.h"

namespace weave::http {
namespace {

std::string envelope(const publish::request& request) {
    std::string out = "{\"channel\":";
    out += channels::json_quote(request.channel);
    out += ",\"method\":";
    out += channels::json_quote(request.method);
    out += ",\"path\":";
    out += channels::json_quote(request.path);
    out += ",\"content_type\":";
    out += channels::json_quote(request.content_type);
    out += ",\"body\":";
    out += channels::json_quote(request.body);
    out += ",\"listings\":[";
    for (size_t i = 0; i < request.listings.size(); i++) {
        if (i > 0) out += ',';
        out += channels::json_quote(request.listings[i]);
    }
    out += "]}\n";
    return out;
}

} // namespace

publisher::publisher(const publish_config& config, const std::string& data_dir)
    : _dir(config.dir.empty() ? data_dir + "/publish" : config.dir), _url(config.url) {
    std::filesystem::create_directories(_dir);
    _thread = std::thread([this] { run(); });
}

publisher::~publisher() {
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        _stopping = true;
    }
    _wake.notify_all();
    _thread.join();
}

void publisher::submit(uint64_t lsn, std::vector<publish::request> requests) {
    if (requests.empty()) return;
    _queued += requests.size();
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        _queue.emplace_back(lsn, std::move(requests));
    }
    _wake.notify_one();
}

publisher::stats publisher::counters() const {
    return stats{_queued.load(), _written.load(), _sent.load(), _failed.load()};
}

void publisher::run() {
    while (true) {
        std::pair<uint64_t, std::vector<publish::request>> next;
        {
            std::unique_lock<std::mutex> lock(_mutex);
            _wake.wait(lock, [&] { return _stopping || !_queue.empty(); });
            if (_queue.empty()) return; // stopping, and everything was sent
            next = std::move(_queue.front());
            _queue.pop_front();
        }
        for (size_t i = 0; i < next.second.size(); i++)
            deliver(next.first, i, next.second[i]);
    }
}

void publisher::deliver(uint64_t lsn, size_t index, const publish::request& request) {
    const std::string body = envelope(request);
    char name[96];
    std::snprintf(name, sizeof name, "%020llu-%04zu-%s.json", static_cast<unsigned long long>(lsn),
                  index, request.channel.c_str());
    const std::string path = _dir + "/" + name;
    std::ofstream file(path, std::ios::binary);
    file << body;
    if (file.good()) {
        _written++;
    } else {
        _failed++;
        std::fprintf(stderr, "weave serve: publish: cannot write %s\n", path.c_str());
    }
    if (_url.empty()) return;
    // The relay's URL: scheme://host[:port]/path.
    const size_t scheme_end = _url.find("://");
    const size_t path_start = _url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
    const std::string host = _url.substr(0, path_start);
    const std::string target = path_start == std::string::npos ? "/" : _url.substr(path_start);
    httplib::Client client(host);
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(10, 0);
    const auto answer = client.Post(target, body, "application/json");
    if (answer && answer->status >= 200 && answer->status < 300) {
        _sent++;
    } else {
        _failed++;
        std::fprintf(stderr, "weave serve: publish: %s answered %d\n", _url.c_str(),
                     answer ? answer->status : -1);
    }
}

} // namespace weave::http
