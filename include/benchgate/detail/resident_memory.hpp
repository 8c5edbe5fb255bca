// benchgate: the process's resident set now, from /proc/self/statm.
//
// The current resident set, not getrusage's ru_maxrss: ru_maxrss is the process's high-water
// mark, so once one benchmark raised it a later one's growth would read 0. statm's second
// field is the resident pages now. Read with open/read/close into a stack buffer: nothing is
// allocated, so the heap figures around it are not disturbed.
#pragma once

#include <cstdint>

#include <fcntl.h>
#include <unistd.h>

namespace benchgate::detail {

// Resident bytes of this process, or -1 where /proc/self/statm cannot be read (not Linux).
inline std::int64_t resident_bytes() {
    const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    char buf[128];
    const ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) return -1;
    buf[n] = '\0';
    // "size resident shared text lib data dt": skip the first field, parse the second.
    const char* p = buf;
    while (*p && *p != ' ') ++p;
    if (*p != ' ') return -1;
    ++p;
    std::int64_t pages = 0;
    int digits = 0;
    for (; *p >= '0' && *p <= '9' && digits < 18; ++p, ++digits) pages = pages * 10 + (*p - '0');
    if (digits == 0) return -1;
    const long page = ::sysconf(_SC_PAGESIZE);
    return page > 0 ? pages * page : -1;
}

}  // namespace benchgate::detail
