// benchgate tool: the address `benchgate push` sends to. A Pushgateway keeps the metrics of each
// group apart, a group being the job and the grouping labels of the URL path
// (/metrics/job/NAME/LABEL/VALUE/...); this header checks the base URL the user gives
// (http or https, a host, an optional path prefix for a reverse proxy) and the labels, and builds
// that path. Values outside URL-safe characters (a slash, a space, an empty value) take the
// Pushgateway's LABEL@base64/VALUE form (base64url), so any value reaches it unchanged.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "../one_line.hpp"

namespace benchgate::detail::tool {

struct PushBase {
    std::string url;    // scheme://[user:password@]host[:port][/prefix], no trailing slash
    std::string shown;  // the same without the user and password, for messages
    std::string error;  // "" or one line
};

// Checks a Pushgateway's base URL: http:// or https://, a host, an optional port and path; no
// query, fragment, white space or control characters, and no /metrics/job path of its own (the
// job and labels are the command's flags).
inline PushBase parse_push_base(const std::string& url) {
    PushBase out;
    auto fail = [&](const std::string& why) {
        out.error = "push: bad URL '" + one_line(url) + "': " + why;
        return out;
    };
    for (unsigned char c : url)
        if (c <= 0x20 || c == 0x7f) return fail("it contains white space or control characters");
    std::string scheme;
    for (const char* s : {"http://", "https://"})
        if (url.compare(0, std::string(s).size(), s) == 0) scheme = s;
    if (scheme.empty()) return fail("it must start with http:// or https:// (e.g. http://localhost:9091)");
    if (url.find_first_of("?#") != std::string::npos) return fail("a query or fragment has no meaning to a Pushgateway");
    const std::size_t host_start = scheme.size();
    const std::size_t path_start = std::min(url.find('/', host_start), url.size());
    std::string authority = url.substr(host_start, path_start - host_start);
    std::string path = url.substr(path_start);
    std::string userinfo;
    if (const std::size_t at = authority.rfind('@'); at != std::string::npos) {
        userinfo = authority.substr(0, at + 1);
        authority = authority.substr(at + 1);
    }
    std::string host = authority, port;
    if (!authority.empty() && authority[0] == '[') {  // [IPv6]:port
        const std::size_t close = authority.find(']');
        if (close == std::string::npos) return fail("an IPv6 address without its closing ']'");
        host = authority.substr(0, close + 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') return fail("text after the IPv6 address");
            port = authority.substr(close + 2);
            if (port.empty()) return fail("':' without a port");
        }
    } else if (const std::size_t colon = authority.rfind(':'); colon != std::string::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        if (port.empty()) return fail("':' without a port");
    }
    if (host.empty() || host == "[]") return fail("no host");
    if (!port.empty()) {
        bool digits = port.size() <= 5;
        for (char c : port) digits = digits && c >= '0' && c <= '9';
        if (!digits || std::stoul(port) == 0 || std::stoul(port) > 65535) return fail("port '" + port + "' is not 1 to 65535");
    }
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (path.find("/metrics") != std::string::npos)
        return fail("give the Pushgateway's address (e.g. http://localhost:9091) and set the job and labels with --job and --group");
    out.url = scheme + userinfo + authority + path;
    out.shown = scheme + authority + path;
    return out;
}

// A label name as Prometheus allows one ([a-zA-Z_][a-zA-Z0-9_]*), not reserved (a leading "__").
inline bool valid_label_name(const std::string& name) {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9') || name.compare(0, 2, "__") == 0) return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

// base64url (RFC 4648, section 5) with padding.
inline std::string base64url(const std::string& bytes) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8 | (unsigned char)bytes[i + 2];
        for (int shift : {18, 12, 6, 0}) out += alphabet[(v >> shift) & 63];
    }
    if (i < bytes.size()) {
        const bool two = i + 1 < bytes.size();
        const unsigned v = (unsigned char)bytes[i] << 16 | (two ? (unsigned char)bytes[i + 1] << 8 : 0u);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += two ? alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

// One NAME/VALUE pair of the path: as is when the value is URL-safe, else NAME@base64/VALUE.
inline std::string push_path_pair(const std::string& name, const std::string& value) {
    bool plain = !value.empty();
    for (char c : value)
        plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                          c == '.' || c == '~');
    // A value of "." or ".." would be taken as a path step by the HTTP layers on the way.
    if (value == "." || value == "..") plain = false;
    return plain ? name + "/" + value : name + "@base64/" + (value.empty() ? std::string("=") : base64url(value));
}

// BASE/metrics/job/JOB/LABEL/VALUE/... for the group (job, labels).
inline std::string pushgateway_url(const std::string& base, const std::string& job,
                                   const std::vector<std::pair<std::string, std::string>>& labels) {
    std::string url = base + "/metrics/" + push_path_pair("job", job);
    for (const auto& [name, value] : labels) url += "/" + push_path_pair(name, value);
    return url;
}

}  // namespace benchgate::detail::tool
