// benchgate: hardware performance counters through perf_event_open. No dependency.
// Unavailable counters (no PMU in a VM, perf_event_paranoid, not Linux) are reported by a
// note and the run goes on without them.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#if defined(__linux__)
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace benchgate::detail {

struct HardwareReading {
    std::vector<std::uint64_t> values;  // in the order of PerfCounters::names()
};

class PerfCounters {
public:
    PerfCounters() = default;
    PerfCounters(const PerfCounters&) = delete;
    PerfCounters& operator=(const PerfCounters&) = delete;
    ~PerfCounters() { close_all(); }

    // Opens instructions, cycles, branches, branch misses and cache misses as one group.
    // Returns "" on success, else why they are unavailable (one line).
    std::string open() {
#if defined(__linux__)
        struct Event {
            const char* name;
            std::uint64_t config;
        };
        static const Event events[] = {{"instructions", PERF_COUNT_HW_INSTRUCTIONS},
                                       {"cycles", PERF_COUNT_HW_CPU_CYCLES},
                                       {"branches", PERF_COUNT_HW_BRANCH_INSTRUCTIONS},
                                       {"branch_misses", PERF_COUNT_HW_BRANCH_MISSES},
                                       {"cache_misses", PERF_COUNT_HW_CACHE_MISSES}};
        for (const Event& e : events) {
            perf_event_attr attr;
            std::memset(&attr, 0, sizeof attr);
            attr.type = PERF_TYPE_HARDWARE;
            attr.size = sizeof attr;
            attr.config = e.config;
            attr.disabled = fds_.empty() ? 1 : 0;
            attr.exclude_kernel = 1;
            attr.exclude_hv = 1;
            attr.read_format = PERF_FORMAT_GROUP;
            const int fd = static_cast<int>(::syscall(SYS_perf_event_open, &attr, 0, -1, fds_.empty() ? -1 : fds_[0], 0));
            if (fd < 0) {
                const int err = errno;
                if (fds_.empty()) {
                    std::string why = std::string("perf_event_open(") + e.name + ") failed: " + std::strerror(err);
                    if (err == ENOENT || err == EOPNOTSUPP || err == ENODEV)
                        why += " (no hardware PMU: typical of virtual machines)";
                    else if (err == EACCES || err == EPERM)
                        why += " (see /proc/sys/kernel/perf_event_paranoid)";
                    return why;
                }
                continue;  // a secondary counter this CPU lacks: go on without it
            }
            fds_.push_back(fd);
            names_.push_back(e.name);
        }
        ::ioctl(fds_[0], PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
        ::ioctl(fds_[0], PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
        return {};
#else
        return "hardware counters need Linux perf_event_open";
#endif
    }

    bool ok() const { return !fds_.empty(); }
    const std::vector<std::string>& names() const { return names_; }

    HardwareReading read() const {
        HardwareReading r;
#if defined(__linux__)
        if (fds_.empty()) return r;
        std::uint64_t buf[1 + 8] = {};
        const ssize_t n = ::read(fds_[0], buf, sizeof buf);
        if (n < static_cast<ssize_t>(sizeof(std::uint64_t))) return r;
        const std::uint64_t count = buf[0];
        for (std::uint64_t i = 0; i < count && i < names_.size(); ++i) r.values.push_back(buf[1 + i]);
#endif
        return r;
    }

private:
    void close_all() {
#if defined(__linux__)
        for (int fd : fds_) ::close(fd);
#endif
        fds_.clear();
    }
    std::vector<int> fds_;
    std::vector<std::string> names_;
};

}  // namespace benchgate::detail
