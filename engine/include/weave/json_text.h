#pragma once
// The one JSON string writer: the engine's outputs and every channel adapter's event lines quote
// text through it, so the same bytes always come out the same way.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace weave {

// `bytes` as a JSON string literal (quotes included) appended to `out`: `"` and `\` escaped,
// \b \f \n \r \t short, other control bytes as \u00XX; cut at `bytes_max` on a character
// boundary; invalid UTF-8 shown as U+FFFD (one per maximal invalid subpart).
void append_json_string(std::string& out, std::string_view bytes, size_t bytes_max = SIZE_MAX);

} // namespace weave
