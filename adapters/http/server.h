#pragma once
// `weave serve`: the live engine behind HTTP, with a write-ahead log and snapshots so that no
// acknowledged batch is ever lost (docs/serve.md).
#include <memory>
#include <string>

#include "http/serve_config.h"

namespace weave::http {

class server {
public:
    explicit server(serve_config config);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // Binds, recovers (snapshot + log tail), serves until stop(); returns the exit status.
    // Progress and problems go to stderr.
    int run();
    // Safe from a signal-handling thread: stops accepting, takes a final snapshot, returns run().
    void stop();

private:
    struct impl;
    std::unique_ptr<impl> _impl;
};

// The dashboard page, embedded at build time from tools/serve/dashboard.html.
extern const unsigned char dashboard_html[];
extern const unsigned long dashboard_html_size;

} // namespace weave::http
