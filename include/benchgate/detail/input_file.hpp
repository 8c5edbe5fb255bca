// benchgate: reading an input file (a baseline, a history entry, Google Benchmark JSON) whole,
// with bounds: a directory or a file larger than the limit is refused from fstat, before any
// of it is read, and anything that is not a regular file (a pipe) is read only up to the
// limit. The open never blocks (O_NONBLOCK: a FIFO nobody writes is opened at once), and a
// pipe or FIFO is waited on only in slices (files::wait_ready): a writer silent for
// files::wait_limit_s(), or SIGINT or SIGTERM, ends the read with one line. The text keeps
// capacity for simdjson's padding, so it is parsed without a copy.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.hpp"
#include "one_line.hpp"

namespace benchgate::detail {

// The largest file benchgate reads as JSON: a baseline of 100 000 benchmarks with their
// samples is a fraction of it; parsing takes up to about ten times the file size in memory.
inline constexpr std::size_t max_input_bytes = std::size_t(256) << 20;
// Bytes of spare capacity after the text (simdjson reads up to 64 bytes past the end).
inline constexpr std::size_t input_padding = 64;

struct InputFile {
    std::string text;   // the whole file ("" on error), with input_padding bytes of capacity beyond
    std::string error;  // "" or one line naming the file and the problem
    bool ok() const { return error.empty(); }
};

inline std::string size_text(std::uint64_t bytes) {
    return bytes >= (std::uint64_t(1) << 20) ? std::to_string(bytes >> 20) + " MiB" : std::to_string(bytes) + " bytes";
}

// `path_arg` is named in errors with its control characters escaped, so they stay one line.
// `regular_only`: anything but a regular file is refused unread (history entries; a bench
// binary's baseline, which it reads twice).
inline InputFile read_input_file(const std::string& path_arg, std::size_t max_bytes = max_input_bytes,
                                 bool regular_only = false) {
    InputFile out;
    const std::string path = one_line(path_arg);
    const int fd = ::open(path_arg.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        out.error = "cannot read " + path + ": " + std::strerror(errno);
        return out;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        out.error = "cannot read " + path + ": " + std::strerror(errno);
        ::close(fd);
        return out;
    }
    if (S_ISDIR(st.st_mode)) {
        out.error = "cannot read " + path + ": it is a directory, not a file";
        ::close(fd);
        return out;
    }
    const bool regular = S_ISREG(st.st_mode);
    if (!regular && regular_only) {
        out.error = "cannot read " + path + ": it is " + files::kind_of(st.st_mode) + ", not a regular file";
        ::close(fd);
        return out;
    }
    const std::uint64_t size = regular && st.st_size > 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
    auto too_large = [&](std::uint64_t bytes, bool at_least) {
        out.error = "cannot read " + path + ": it is " + (at_least ? "more than " : "") + size_text(bytes) +
                    ", larger than the " + size_text(max_bytes) + " benchgate reads";
        out.text.clear();
        out.text.shrink_to_fit();
    };
    if (size > max_bytes) {
        too_large(size, false);
        ::close(fd);
        return out;
    }
    // A regular file is read to its size (plus a byte, to see it grew); anything else to the limit.
    out.text.reserve((regular ? static_cast<std::size_t>(size) + 1 : std::size_t(65536)) + input_padding);
    char buf[65536];
    for (;;) {
        if (!regular) {
            // A FIFO that no writer has opened yet is not hung up: this waits for the writer too.
            const std::string waited = files::wait_ready(fd, POLLIN);
            if (!waited.empty()) {
                out.error = "cannot read " + path + ": " +
                            (waited == "timeout" ? "it is " + std::string(files::kind_of(st.st_mode)) + " that nothing was written to for " +
                                                       files::seconds_text(files::wait_limit_s())
                             : waited == "interrupted" ? std::string("interrupted while waiting for its writer")
                                                       : waited);
                out.text.clear();
                ::close(fd);
                return out;
            }
        }
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
            out.error = "cannot read " + path + ": " + std::strerror(errno);
            out.text.clear();
            ::close(fd);
            return out;
        }
        if (out.text.size() + static_cast<std::size_t>(n) > max_bytes) {
            too_large(max_bytes, true);
            ::close(fd);
            return out;
        }
        if (out.text.capacity() < out.text.size() + static_cast<std::size_t>(n) + input_padding)
            out.text.reserve(2 * (out.text.size() + static_cast<std::size_t>(n)) + input_padding);
        out.text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

}  // namespace benchgate::detail
