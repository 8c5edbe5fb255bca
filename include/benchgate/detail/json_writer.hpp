// benchgate: a minimal streaming JSON writer. Reading goes through simdjson.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <type_traits>

#include "utf8.hpp"

namespace benchgate::detail {

// Appends `s` as a JSON string literal (quotes included), escaping per RFC 8259. JSON text
// is UTF-8, so an ill-formed sequence (names are bytes the user chose) is written as U+FFFD,
// as detail/utf8.hpp replaces it: what we write, our reader and every other one accepts.
inline void json_escape(std::string& out, std::string_view s) {
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            std::size_t skip = 1;
            if (const std::size_t n = utf8_sequence(s, i, skip); n > 0) {
                out.append(s.substr(i, n));
                i += n;
            } else {
                out += "\xEF\xBF\xBD";  // U+FFFD
                i += skip;
            }
            continue;
        }
        ++i;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
}

// Shortest text that reads back to the same double; non-finite values become null.
inline void json_number(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    char buf[32];
    // Beyond 64-bit integers the shortest text can be all digits ("18446744073709552000"),
    // which JSON readers (simdjson) refuse as an integer out of range: an exponent then.
    const auto r = std::fabs(v) >= 9e18 ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific)
                                        : std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

template <class Int, std::enable_if_t<std::is_integral_v<Int> && !std::is_same_v<Int, bool>, int> = 0>
inline void json_number(std::string& out, Int v) {
    out += std::to_string(v);
}

// Tracks commas and indentation; the caller writes keys and values in order.
class JsonWriter {
public:
    explicit JsonWriter(std::string& out, bool pretty = true) : out_(out), pretty_(pretty) {}

    JsonWriter& begin_object() { return open('{'); }
    JsonWriter& end_object() { return close('}'); }
    JsonWriter& begin_array() { return open('['); }
    JsonWriter& end_array() { return close(']'); }

    JsonWriter& key(std::string_view k) {
        separator();
        json_escape(out_, k);
        out_ += pretty_ ? ": " : ":";
        after_key_ = true;
        return *this;
    }
    JsonWriter& value(std::string_view s) { return scalar([&] { json_escape(out_, s); }); }
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
    JsonWriter& value(double v) { return scalar([&] { json_number(out_, v); }); }
    JsonWriter& value(std::uint64_t v) { return scalar([&] { json_number(out_, v); }); }
    JsonWriter& value(int v) { return scalar([&] { json_number(out_, v); }); }
    JsonWriter& value(bool v) { return scalar([&] { out_ += v ? "true" : "false"; }); }
    JsonWriter& null() { return scalar([&] { out_ += "null"; }); }

    template <class T>
    JsonWriter& field(std::string_view k, const T& v) {
        key(k);
        return value(v);
    }

    // Short arrays of numbers on one line: samples stay readable and compact.
    template <class Container>
    JsonWriter& inline_array(const Container& values) {
        separator();
        out_ += '[';
        bool first = true;
        for (const auto& v : values) {
            if (!first) out_ += pretty_ ? ", " : ",";
            first = false;
            json_number(out_, v);
        }
        out_ += ']';
        return *this;
    }

private:
    template <class Emit>
    JsonWriter& scalar(Emit emit) {
        separator();
        emit();
        return *this;
    }
    JsonWriter& open(char c) {
        separator();
        out_ += c;
        ++depth_;
        first_ = true;
        return *this;
    }
    JsonWriter& close(char c) {
        --depth_;
        if (!first_ && pretty_) newline();
        out_ += c;
        first_ = false;
        return *this;
    }
    void separator() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (!first_) out_ += ',';
        if (depth_ > 0 && pretty_) newline();
        first_ = false;
    }
    void newline() {
        out_ += '\n';
        out_.append(static_cast<std::size_t>(depth_) * 2, ' ');
    }

    std::string& out_;
    bool pretty_;
    int depth_ = 0;
    bool first_ = true;
    bool after_key_ = false;
};

}  // namespace benchgate::detail
