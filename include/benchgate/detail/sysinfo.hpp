// benchgate: the machine and build fingerprint, and the machine warnings.
#pragma once

#include <chrono>
#include <fstream>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <date/date.h>
#include <unistd.h>

#include "../version.hpp"
#include "compiler.hpp"
#include "../result.hpp"

namespace benchgate::detail {

inline std::string read_first_line(const char* path) {
    std::ifstream in(path);
    std::string line;
    if (in) std::getline(in, line);
    return line;
}

inline std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos) {
                auto v = line.substr(colon + 1);
                v.erase(0, v.find_first_not_of(" \t"));
                return v;
            }
        }
    }
    return "unknown";
}

inline std::string compiler_id() {
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#else
    return "unknown";
#endif
}

inline std::string utc_timestamp(std::chrono::system_clock::time_point tp = std::chrono::system_clock::now()) {
    return date::format("%FT%TZ", date::floor<std::chrono::seconds>(tp));
}

inline Context current_context() {
    Context c;
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0) c.host = host;
    c.cpu = cpu_model();
    c.cores = static_cast<int>(std::thread::hardware_concurrency());
    c.compiler = compiler_id();
#if defined(BENCHGATE_BUILD_FLAGS)
    c.flags = BENCHGATE_BUILD_FLAGS;
#else
    c.flags = BENCHGATE_OPTIMIZED ? "optimized" : "unoptimized";
#endif
    c.build_type = BENCHGATE_OPTIMIZED ? "release" : "debug";
    c.benchgate_version = BENCHGATE_VERSION_STRING;
#if defined(BENCHGATE_COMMIT)
    c.commit = BENCHGATE_COMMIT;
#endif
    // Otherwise the commit CI checked out (GitHub Actions, GitLab CI), so history entries and
    // dashboards name it.
    for (const char* var : {"GITHUB_SHA", "CI_COMMIT_SHA"})
        if (const char* v = std::getenv(var); c.commit.empty() && v && *v) c.commit = v;
    return c;
}

// Warnings about conditions that make timings less trustworthy. Empty when all is well.
inline std::vector<std::string> machine_warnings() {
    std::vector<std::string> w;
    if (!BENCHGATE_OPTIMIZED)
        w.push_back("this is an unoptimised (debug) build: timings do not represent release code");
    const std::string governor = read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
    if (!governor.empty() && governor != "performance")
        w.push_back("CPU frequency governor is '" + governor + "', not 'performance': expect more noise");
    return w;
}

}  // namespace benchgate::detail
