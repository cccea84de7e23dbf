#include "channels/channel_adapter.h"

#include "weave/json_text.h"
#include "weave/time.h"

namespace weave::channels {

std::string json_quote(std::string_view value) {
    std::string out;
    append_json_string(out, value);
    return out;
}

event_line::event_line(std::string_view id, int64_t ts_us, std::string_view type) {
    std::string ts;
    append_rfc3339_us(ts, ts_us);
    // Appends only: GCC 12 warns falsely (-Wrestrict) on a literal + std::string at -O3.
    _line = "{\"id\":";
    _line += json_quote(id);
    _line += ",\"ts\":\"";
    _line += ts;
    _line += "\",\"type\":";
    _line += json_quote(type);
}

event_line& event_line::text(std::string_view key, std::string_view value) {
    key_(key);
    _line += json_quote(value);
    return *this;
}

event_line& event_line::integer(std::string_view key, int64_t value) {
    key_(key);
    _line += std::to_string(value);
    return *this;
}

event_line& event_line::boolean(std::string_view key, bool value) {
    key_(key);
    _line += value ? "true" : "false";
    return *this;
}

event_line& event_line::texts(std::string_view key, const std::vector<std::string>& values) {
    key_(key);
    _line += '[';
    for (size_t i = 0; i < values.size(); i++) {
        if (i > 0) _line += ',';
        _line += json_quote(values[i]);
    }
    _line += "]";
    return *this;
}

void event_line::key_(std::string_view key) {
    _line += ',';
    _line += json_quote(key);
    _line += ':';
}

void event_line::append_to(conversion& out) {
    out.events += _line;
    out.events += "}\n";
    out.event_count++;
}

} // namespace weave::channels
