// The NDJSON parse stage: line cutting, blank lines, and the first failing check of SPEC §6.
#include <doctest/doctest.h>

#include <string>

#include "ndjson/event_parser.h"

using namespace weave;

namespace {

struct parsed {
    parsed_chunk chunk;
    void* state = ndjson::make_parser_state();
    explicit parsed(const std::string& text) {
        ndjson::parse_chunk(state, text.data(), text.size(), chunk);
    }
    ~parsed() { ndjson::free_parser_state(state); }
    std::string reason(size_t i = 0) const {
        const parsed_event& e = chunk.events.at(i);
        return e.reject == reject_reason::none ? "ok" : reject_text(e.reject, e.reject_field);
    }
};

const std::string head = R"({"id":"e1","ts":"2026-11-27T10:00:00Z",)";

std::string reason_of(const std::string& rest) { return parsed(head + rest + "\n").reason(); }

} // namespace

TEST_CASE("lines: LF ends a line, one CR is dropped, blank lines count, last line without LF") {
    parsed p("\n  \t\r\n" + head + R"("type":"sku","sku":"S1"})" + "\r\n" + head +
             R"("type":"sku","sku":"S2"})");
    CHECK(p.chunk.line_count == 4);
    CHECK(p.chunk.blank_lines == 2);
    REQUIRE(p.chunk.events.size() == 2);
    CHECK(p.chunk.events[0].line_index == 2);
    CHECK(p.reason(0) == "ok");
    CHECK(p.chunk.events[1].line_index == 3);
    CHECK(p.reason(1) == "ok");
    CHECK(p.chunk.text(p.chunk.events[1].sku) == "S2");
}

TEST_CASE("malformed JSON in any part of the line") {
    for (const char* line :
         {"not json", "[1,2]", "\"str\"", "{\"id\":\"a\"", "{\"id\":\"a\"} x", "{} {}",
          "{\"id\":\"a\",\"x\":NaN}", "{\"id\":\"a\",\"x\":01}", "{\"id\":\"a\",\"x\":[1,}",
          "{\"id\":\"a\",\"x\":{\"y\":tru}}", "{\"id\":\"a\",\"x\":\"\\q\"}",
          "{\"id\":\"\xC3\x28\"}", "\xEF\xBB\xBF{\"id\":\"a\"}", "{\"id\":\"a\",}"}) {
        INFO(line);
        CHECK(parsed(std::string(line) + "\n").reason() == "malformed_json");
    }
}

TEST_CASE("a line over 1 MiB is rejected without parsing") {
    const std::string line = "{\"id\":\"a\",\"pad\":\"" + std::string(1 << 20, 'x') + "\"}";
    CHECK(parsed(line + "\n").reason() == "line_too_long");
}

TEST_CASE("check order: id, ts, type, then the type's fields in table order") {
    CHECK(parsed("{\"ts\":\"x\"}\n").reason() == "missing_field:id");
    CHECK(parsed("{\"id\":7}\n").reason() == "bad_field:id");
    CHECK(parsed("{\"id\":\"a\",\"type\":\"sku\"}\n").reason() == "missing_field:ts");
    CHECK(parsed("{\"id\":\"a\",\"ts\":\"2026-11-27\"}\n").reason() == "bad_field:ts");
    CHECK(parsed("{\"id\":\"a\",\"ts\":null}\n").reason() == "bad_field:ts");
    CHECK(reason_of("\"sku\":\"S1\"}") == "missing_field:type");
    CHECK(reason_of("\"type\":\"teleport\"}") == "unknown_type");
    CHECK(reason_of("\"type\":5}") == "bad_field:type");
    CHECK(reason_of(R"("type":"receipt","qty":0})") == "missing_field:sku");
    CHECK(reason_of(R"("type":"receipt","sku":"S1","qty":0})") == "missing_field:loc");
    CHECK(reason_of(R"("type":"receipt","sku":"S1","loc":"W1","qty":0})") == "bad_field:qty");
    CHECK(reason_of(R"("type":"receipt","sku":"S1","loc":"W1","qty":-1})") == "bad_field:qty");
    CHECK(reason_of(R"("type":"receipt","sku":"S1","loc":"W1","qty":1.0})") == "bad_field:qty");
    CHECK(reason_of(R"("type":"receipt","sku":"S1","loc":"W1","qty":1e2})") == "bad_field:qty");
    CHECK(reason_of(R"("type":"receipt","sku":"S1","loc":"W1","qty":1000000001})") ==
          "bad_field:qty");
    CHECK(reason_of(R"("type":"receipt","sku":"S1","loc":"W1","qty":1000000000})") == "ok");
    CHECK(reason_of(R"("type":"receipt","sku":"S1","loc":"W1","qty":"5"})") == "bad_field:qty");
    CHECK(reason_of(R"("type":"receipt","sku":null,"loc":"W1","qty":5})") == "bad_field:sku");
    CHECK(reason_of(R"("type":"receipt","channel":"a","loc":"W1","qty":5})") ==
          "missing_field:listing");
    CHECK(reason_of(R"("type":"receipt","listing":"L","loc":"W1","qty":5})") ==
          "missing_field:channel");
    CHECK(reason_of(R"("type":"receipt","channel":"a","listing":"L","loc":"W1","qty":5})") ==
          "ok");
}

TEST_CASE("each type's own field rules") {
    CHECK(reason_of(R"("type":"sku","sku":"S1","class":"D"})") == "bad_field:class");
    CHECK(reason_of(R"("type":"sku","sku":"S1","class":null})") == "bad_field:class");
    CHECK(reason_of(R"("type":"sku","sku":"S1","barcode":12})") == "bad_field:barcode");
    CHECK(reason_of(R"("type":"listing","channel":"a","sku":"S1"})") == "missing_field:listing");
    CHECK(reason_of(R"("type":"order","sku":"S1","channel":"a","qty":1})") ==
          "missing_field:order");
    CHECK(reason_of(R"("type":"order","order":"o","sku":"S1","qty":1})") ==
          "missing_field:channel");
    CHECK(reason_of(R"("type":"order","order":"o","sku":"S1","channel":"a","qty":1,"loc":null})") ==
          "bad_field:loc");
    CHECK(reason_of(R"("type":"cancel","order":"o","sku":"S1","qty":0})") == "bad_field:qty");
    CHECK(reason_of(R"("type":"ship","order":"o","sku":"S1","loc":5})") == "bad_field:loc");
    CHECK(reason_of(R"("type":"transfer.out","transfer":"t","sku":"S1","from":"W1","qty":1})") ==
          "missing_field:to");
    CHECK(reason_of(R"("type":"adjust","sku":"S1","loc":"W1","delta":0,"reason":"r","owner":"o"})") ==
          "bad_field:delta");
    CHECK(reason_of(R"("type":"adjust","sku":"S1","loc":"W1","delta":-2,"owner":"o"})") ==
          "adjust_without_reason");
    CHECK(reason_of(R"("type":"adjust","sku":"S1","loc":"W1","delta":-2,"reason":"","owner":"o"})") ==
          "adjust_without_reason");
    CHECK(reason_of(R"("type":"adjust","sku":"S1","loc":"W1","delta":-2,"reason":"r","owner":null})") ==
          "adjust_without_reason");
    CHECK(reason_of(R"("type":"adjust","sku":"S1","loc":"W1","delta":-2,"reason":1,"owner":"o"})") ==
          "bad_field:reason");
    CHECK(reason_of(R"("type":"count","sku":"S1","loc":"W1","counted":-1,"owner":"o"})") ==
          "bad_field:counted");
    CHECK(reason_of(R"("type":"count","sku":"S1","loc":"W1","counted":3})") ==
          "missing_field:owner");
    CHECK(reason_of(R"("type":"policy.buffer","units":-1,"sku":"S1"})") == "bad_field:units");
    CHECK(reason_of(R"("type":"policy.buffer","units":1})") == "missing_field:sku");
    CHECK(reason_of(R"("type":"policy.buffer","units":1,"class":"Z"})") == "bad_field:class");
    CHECK(reason_of(R"("type":"policy.channel","channel":"a","share":0})") == "bad_field:share");
    CHECK(reason_of(R"("type":"policy.channel","channel":"a","share":101})") == "bad_field:share");
    CHECK(reason_of(R"("type":"policy.channel","channel":"a","max":-1})") == "bad_field:max");
    CHECK(reason_of(R"("type":"policy.channel","channel":"a","locations":"W1"})") ==
          "bad_field:locations");
    CHECK(reason_of(R"("type":"policy.channel","channel":"a","locations":["W1",2]})") ==
          "bad_field:locations");
    CHECK(reason_of(R"("type":"policy.channel","channel":"a","locations":[]})") == "ok");
    CHECK(reason_of(R"("type":"policy.publish","grace_ms":-5})") == "bad_field:grace_ms");
    CHECK(reason_of(R"("type":"policy.publish"})") == "missing_field:grace_ms");
    CHECK(reason_of(R"("type":"publish.ack","channel":"a","listing":"L","qty":1,"ok":"yes"})") ==
          "bad_field:ok");
    CHECK(reason_of(R"("type":"publish.ack","channel":"a","listing":"L","qty":1,"error":7})") ==
          "bad_field:error");
    CHECK(reason_of(R"("type":"channel.level","channel":"a","listing":"L","qty":-3})") == "ok");
}

TEST_CASE("strings are unescaped, unknown fields ignored, the last duplicate key wins") {
    parsed p(head + R"("type":"sku","sku":"S\u0031","extra":{"deep":[1,2,{"x":null}]},)" +
             R"("class":"A","class":"B"})" + "\n");
    REQUIRE(p.reason() == "ok");
    CHECK(p.chunk.text(p.chunk.events[0].sku) == "S1");
    CHECK(p.chunk.events[0].sku_class == 'B');
}

TEST_CASE("unknown fields may nest up to simdjson's depth; deeper is malformed") {
    auto nested = [](int depth) {
        return head + R"("type":"sku","sku":"S1","x":)" + std::string(depth, '[') +
               std::string(depth, ']') + "}\n";
    };
    CHECK(parsed(nested(70)).reason() == "ok");
    CHECK(parsed(nested(1000)).reason() == "ok");
    CHECK(parsed(nested(1100)).reason() == "malformed_json");
}

TEST_CASE("a listing key is right when the chunk's strings outgrow its reserved arena") {
    // Strings longer than the JSON around them: building the key grows the arena past what the
    // parse reserved. The key once copied from views into the old buffer (use after free, found
    // by the Amazon adapter's fuzzer).
    const std::string channel = "amazon";
    std::string log;
    std::vector<std::string> listings;
    for (int i = 0; i < 8; i++) {
        listings.push_back(std::string(200 + i, static_cast<char>('a' + i)));
        log += R"({"id":")" + listings.back() + R"(","ts":"2026-11-27T10:00:00Z","type":"channel.level","channel":")" +
               channel + R"(","listing":")" + listings.back() + R"(","qty":1})" + "\n";
    }
    parsed result(log);
    REQUIRE(result.chunk.events.size() == listings.size());
    for (size_t i = 0; i < listings.size(); i++) {
        const std::string_view key = result.chunk.text(result.chunk.events[i].listing_key);
        REQUIRE(key.size() == 4 + channel.size() + listings[i].size());
        CHECK(key.substr(4, channel.size()) == channel);
        CHECK(key.substr(4 + channel.size()) == listings[i]);
    }
}
