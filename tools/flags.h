#pragma once
// Command-line flags of the `weave` subcommands: `--flag value` and `--flag=value`.
#include <string>
#include <string_view>

namespace weave::tools {

// True when argv[i] is `flag` with a value (the next argument, which is consumed, or after `=`);
// the value goes to `out`.
inline bool flag_value(int argc, char** argv, int& i, std::string_view flag, std::string& out) {
    const std::string_view arg = argv[i];
    if (arg.size() > flag.size() && arg.substr(0, flag.size()) == flag &&
        arg[flag.size()] == '=') {
        out = std::string(arg.substr(flag.size() + 1));
        return true;
    }
    if (arg == flag && i + 1 < argc) {
        out = argv[++i];
        return true;
    }
    return false;
}

} // namespace weave::tools
