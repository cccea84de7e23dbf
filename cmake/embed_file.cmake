# Turns INPUT into OUTPUT, a C++ file defining weave::http::dashboard_html (bytes, NUL-terminated)
# and dashboard_html_size. Run as `cmake -DINPUT=... -DOUTPUT=... -P embed_file.cmake`.
file(READ "${INPUT}" content HEX)
string(LENGTH "${content}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}"
"// Generated from ${INPUT} at build time; do not edit.\n"
"namespace weave::http {\n"
"extern const unsigned char dashboard_html[];\n"
"extern const unsigned long dashboard_html_size;\n"
"const unsigned char dashboard_html[] = {\n${bytes}0x00};\n"
"const unsigned long dashboard_html_size = ${size};\n"
"} // namespace weave::http\n")
