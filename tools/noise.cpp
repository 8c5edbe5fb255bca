// benchgate-noise: a repeatable noisy neighbour, for measuring the gate under the kind of
// interference a shared CI host produces.
//
//   benchgate-noise [--seconds S] [--seed N] [--threads T] [--cpus LIST] [--duty PCT]
//                   [--burst-ms LO-HI] [--mib M]
//
// Each of T threads (default: one per online CPU but one) loops until S seconds are spent
// (default 600; always bounded): it draws a pause and a burst length from a seeded generator,
// sleeps for the pause, then runs a burst of one of three kinds, also drawn at random:
//   memory  - streams reads and writes over a private buffer of M MiB (default 32: beyond the
//             L2 and usually the L3), evicting the benchmark's cache lines and taking bandwidth;
//   cache   - random reads over a 2 MiB buffer (the size of a typical L2/L3 slice);
//   cpu     - dependent integer arithmetic (takes the core, or its SMT sibling).
// --duty is the share of time spent in bursts (default 50); --burst-ms bounds one burst
// (default 5-80). With --cpus the threads are pinned round-robin to those CPUs. The same
// seed gives the same schedule of kinds and lengths; what the host adds on top is not ours.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <sched.h>
#include <unistd.h>

namespace {

struct Options {
    double seconds = 600;
    std::uint64_t seed = 1;
    int threads = -1;
    std::vector<int> cpus;
    double duty = 50;
    double burst_lo_ms = 5, burst_hi_ms = 80;
    std::size_t mib = 32;
};

struct Rng {
    std::uint64_t s;
    std::uint64_t next() {
        s += 0x9e3779b97f4a7c15ULL;
        std::uint64_t z = s;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
};

using Clock = std::chrono::steady_clock;
std::atomic<std::uint64_t> sink{0};

void burst_memory(std::vector<std::uint64_t>& buf, Clock::time_point until) {
    std::uint64_t acc = 0;
    while (Clock::now() < until)
        for (std::size_t i = 0; i < buf.size(); i += 8) {
            acc += buf[i];
            buf[i] = acc;
        }
    sink += acc;
}

void burst_cache(std::vector<std::uint64_t>& buf, Rng& rng, Clock::time_point until) {
    std::uint64_t acc = 0, idx = rng.next();
    const std::size_t mask = buf.size() - 1;  // a power of two
    while (Clock::now() < until)
        for (int k = 0; k < 4096; ++k) {
            idx = idx * 6364136223846793005ULL + 1442695040888963407ULL;
            acc += buf[(idx >> 17) & mask];
        }
    sink += acc;
}

void burst_cpu(Clock::time_point until) {
    std::uint64_t x = 1;
    while (Clock::now() < until)
        for (int k = 0; k < 100000; ++k) x = x * 0x2545f4914f6cdd1dULL + 1;
    sink += x;
}

bool parse_range(const std::string& v, double& lo, double& hi) {
    const auto dash = v.find('-');
    if (dash == std::string::npos) return false;
    char* end = nullptr;
    lo = std::strtod(v.c_str(), &end);
    if (end != v.c_str() + dash) return false;
    hi = std::strtod(v.c_str() + dash + 1, &end);
    return *end == '\0' && lo > 0 && hi >= lo;
}

int usage(const char* why) {
    std::fprintf(stderr, "benchgate-noise: %s\nusage: benchgate-noise [--seconds S] [--seed N] [--threads T] [--cpus 0,1] "
                         "[--duty PCT] [--burst-ms LO-HI] [--mib M]\n", why);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help") return usage("a noisy neighbour for benchmark measurements") == 2 ? 0 : 0;
        if (i + 1 >= argc) return usage(("option '" + a + "' needs a value").c_str());
        const std::string v = argv[++i];
        char* end = nullptr;
        if (a == "--seconds") {
            o.seconds = std::strtod(v.c_str(), &end);
            if (*end || !(o.seconds > 0) || o.seconds > 86400) return usage("--seconds expects 0 < S <= 86400");
        } else if (a == "--seed") {
            o.seed = std::strtoull(v.c_str(), &end, 10);
            if (*end) return usage("--seed expects an integer");
        } else if (a == "--threads") {
            o.threads = static_cast<int>(std::strtol(v.c_str(), &end, 10));
            if (*end || o.threads < 1 || o.threads > 256) return usage("--threads expects 1..256");
        } else if (a == "--cpus") {
            std::size_t start = 0;
            while (start <= v.size()) {
                const std::size_t comma = std::min(v.find(',', start), v.size());
                const std::string part = v.substr(start, comma - start);
                const long cpu = std::strtol(part.c_str(), &end, 10);
                if (part.empty() || *end || cpu < 0 || cpu > 4095) return usage("--cpus expects a list like 0,1");
                o.cpus.push_back(static_cast<int>(cpu));
                start = comma + 1;
            }
        } else if (a == "--duty") {
            o.duty = std::strtod(v.c_str(), &end);
            if (*end || !(o.duty > 0) || o.duty > 100) return usage("--duty expects 0 < PCT <= 100");
        } else if (a == "--burst-ms") {
            if (!parse_range(v, o.burst_lo_ms, o.burst_hi_ms)) return usage("--burst-ms expects LO-HI, e.g. 5-80");
        } else if (a == "--mib") {
            o.mib = std::strtoull(v.c_str(), &end, 10);
            if (*end || o.mib < 1 || o.mib > 4096) return usage("--mib expects 1..4096");
        } else {
            return usage(("unknown option '" + a + "'").c_str());
        }
    }
    const long online = ::sysconf(_SC_NPROCESSORS_ONLN);
    if (o.threads < 0) o.threads = std::max(1L, online - 1);
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
    std::vector<std::thread> workers;
    for (int t = 0; t < o.threads; ++t)
        workers.emplace_back([&o, t, deadline] {
            if (!o.cpus.empty()) {
                cpu_set_t set;
                CPU_ZERO(&set);
                CPU_SET(o.cpus[static_cast<std::size_t>(t) % o.cpus.size()], &set);
                ::sched_setaffinity(0, sizeof set, &set);
            }
            Rng rng{o.seed * 1000003ULL + static_cast<std::uint64_t>(t)};
            std::vector<std::uint64_t> big(o.mib * 1024 * 1024 / 8, 1), mid(std::size_t{1} << 18, 1);  // 2 MiB
            while (Clock::now() < deadline) {
                const double burst_ms = o.burst_lo_ms + (o.burst_hi_ms - o.burst_lo_ms) * rng.uniform();
                // Pauses average burst * (100 - duty) / duty, drawn from 0 to twice that.
                const double pause_ms = 2.0 * rng.uniform() * burst_ms * (100.0 - o.duty) / o.duty;
                const int kind = static_cast<int>(rng.next() % 3);
                std::this_thread::sleep_until(std::min(deadline, Clock::now() + std::chrono::microseconds(
                                                                                   static_cast<long>(pause_ms * 1000))));
                const auto until = std::min(deadline, Clock::now() + std::chrono::microseconds(static_cast<long>(burst_ms * 1000)));
                if (kind == 0) burst_memory(big, until);
                else if (kind == 1) burst_cache(mid, rng, until);
                else burst_cpu(until);
            }
        });
    for (auto& w : workers) w.join();
    return sink.load() == 42 ? 1 : 0;  // keeps the work observable
}
