// weave serve's settings: the sample file, bad files with clear errors, and the policy events the
// config stands for (they must be events the engine accepts).
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "http/serve_config.h"
#include "ndjson/event_parser.h"
#include "weave/live.h"

using namespace weave;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
    const std::string path = "/tmp/weave-serve-config-" + name + ".toml";
    std::ofstream(path) << text;
    return path;
}

std::string error_of(const std::string& text) {
    http::serve_config config;
    try {
        http::load_config_file(write_temp("bad", text), config);
    } catch (const std::exception& error) {
        return error.what();
    }
    return "";
}

} // namespace

TEST_CASE("the sample config loads, and its policies are events the engine applies") {
    http::serve_config config;
    http::load_config_file(std::string(WEAVE_SOURCE_DIR) + "/data/serve/weave.toml", config);
    CHECK(config.host == "127.0.0.1");
    CHECK(config.port == 7070);
    CHECK(config.body_max_bytes == 16u << 20);
    CHECK(config.class_buffers.at("A") == 2);
    REQUIRE(config.channels.count("ebay") == 1);
    CHECK(config.channels.at("ebay").share == 50);
    CHECK(config.channels.at("amazon").locations->size() == 2);
    const std::string events = http::config_policy_events(config, 1'795'773'600'000'000, 7);
    live_options options;
    options.shards = 1;
    options.parser = ndjson::event_parse_stage();
    live_engine live(options);
    const batch_result result = live.apply(events);
    CHECK(result.rejected == 0);
    CHECK(result.accepted == 7); // grace, 2 buffers, 3 channels, ebay's grace
    CHECK(events.find(R"("id":"weave-config-7-1")") != std::string::npos);
}

TEST_CASE("a bad config names the file, the key and the problem") {
    CHECK(error_of("shards = 0\n").find("shards: must be between 1 and 256") != std::string::npos);
    CHECK(error_of("colour = 1\n").find("colour: unknown setting") != std::string::npos);
    CHECK(error_of("[channels.ebay]\nshare = 101\n").find("channels.ebay.share") !=
          std::string::npos);
    CHECK(error_of("[buffers]\nD = 1\n").find("classes are A, B and C") != std::string::npos);
    CHECK(error_of("listen = 7\n").find("listen: must be a string") != std::string::npos);
    CHECK(error_of("[[[\n").find("weave-serve-config-bad.toml") != std::string::npos);
}

TEST_CASE("listening beyond loopback needs a token") {
    http::serve_config config;
    http::parse_listen("0.0.0.0:7070", config);
    CHECK_THROWS_WITH_AS(http::finish_config(config), doctest::Contains("needs a bearer token"),
                         std::runtime_error);
    http::parse_listen("127.0.0.1:8080", config);
    CHECK_NOTHROW(http::finish_config(config));
    CHECK(config.port == 8080);
    CHECK_THROWS(http::parse_listen("127.0.0.1:99999", config));
    CHECK_THROWS(http::parse_listen("nowhere", config));
    CHECK(http::is_loopback("127.0.0.2"));
    CHECK_FALSE(http::is_loopback("10.0.0.1"));
}
