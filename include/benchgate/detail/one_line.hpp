// benchgate: text from a file (a benchmark name, a CPU string) inside a one-line message: line
// breaks and other control characters are shown escaped, so an error stays one line.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace benchgate::detail {

inline std::string one_line(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

}  // namespace benchgate::detail
