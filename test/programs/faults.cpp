// A bench binary that misbehaves on request, for the integration checks of faults
// (test/integration/faults.py). Every fault is off unless its environment variable is set,
// so the same binary also serves as a well-behaved baseline.
//
//   FAULTS_SLOWDOWN=PCT        faults/spin does PCT% more work
//   FAULTS_THROW_IN_RUN=1      faults/spin throws from inside the measured callable
//   FAULTS_MARKER=PATH         the first process to start creates PATH; a process that finds it
//                              already there is a "later" process (e.g. a fresh confirmation)
//   FAULTS_FIRST_SLOWDOWN=PCT  faults/spin and faults/company/after do PCT% more work in the
//                              first process only (needs FAULTS_MARKER)
//   FAULTS_LATER_THROW=1       faults/spin throws in later processes only (needs FAULTS_MARKER)
//   FAULTS_CUSTOM=zero|inf|nan|sometimes_zero   what faults/custom returns
#define BENCHGATE_COUNT_ALLOCATIONS
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace {

int env_int(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::atoi(v) : 0;
}

bool env_is(const char* name, const char* value) {
    const char* v = std::getenv(name);
    return v && std::string(v) == value;
}

// True in the process that created FAULTS_MARKER, false in every later one.
bool first_process() {
    static const bool first = [] {
        const char* path = std::getenv("FAULTS_MARKER");
        if (!path) return true;
        const int fd = ::open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0) return false;
        ::close(fd);
        return true;
    }();
    return first;
}

std::uint64_t spin(std::uint64_t x, int rounds) {
    for (int i = 0; i < rounds; ++i) x = (x ^ (x >> 29)) * 0xbf58476d1ce4e5b9ULL;
    return x;
}

int work(int base, bool first_only_slowdown) {
    int pct = env_int("FAULTS_SLOWDOWN");
    if (first_only_slowdown && first_process()) pct += env_int("FAULTS_FIRST_SLOWDOWN");
    return base + base * pct / 100;
}

// Filled by faults/company/before; faults/company/after is fast only when it ran first.
std::vector<std::uint64_t>& company_table() {
    static std::vector<std::uint64_t> table;
    return table;
}

}  // namespace

BENCHGATE_BENCH("faults/spin") {
    const bool later = !first_process();
    if (later && env_is("FAULTS_LATER_THROW", "1")) throw std::runtime_error("thrown in a later process");
    const int rounds = work(200, true);
    const bool throw_in_run = env_is("FAULTS_THROW_IN_RUN", "1");
    std::uint64_t x = 1;
    bench.run([&] {
        if (throw_in_run) throw std::runtime_error("thrown inside bench.run");
        return x = spin(x, rounds);
    });
}

BENCHGATE_BENCH("faults/company/before") {
    if (company_table().empty()) company_table().assign(4096, 7);
    std::uint64_t x = 3;
    bench.run([&] { return x = spin(x, 50); });
}

BENCHGATE_BENCH("faults/company/after") {
    // Without faults/company/before earlier in the same process, ten times the work.
    const int rounds = work(company_table().empty() ? 2000 : 200, true);
    std::uint64_t x = 5;
    bench.run([&] { return x = spin(x, rounds); });
}

BENCHGATE_BENCH("faults/heap") {
    // Allocations made by this process before the body runs: a plain run and a run with
    // --baseline must leave the process alike.
    bench.counter("allocations_before", static_cast<double>(benchgate::detail::allocation_counters().allocations.load()));
    std::uint64_t x = 9;
    bench.run([&] { return x = spin(x, 50); });
}

BENCHGATE_BENCH("faults/custom") {
    const char* mode = std::getenv("FAULTS_CUSTOM");
    const std::string m = mode ? mode : "";
    std::uint64_t calls = 0;
    bench.run_custom([&](std::uint64_t n) -> double {
        ++calls;
        if (m == "zero") return 0.0;
        if (m == "inf") return std::numeric_limits<double>::infinity();
        if (m == "nan") return std::numeric_limits<double>::quiet_NaN();
        benchgate::Stopwatch sw;
        sw.start();
        std::uint64_t x = calls;
        for (std::uint64_t i = 0; i < n; ++i) x = spin(x, 20);
        benchgate::do_not_optimize(x);
        sw.stop();
        if (m == "sometimes_zero" && calls % 3 == 0) return 0.0;  // every third batch
        return sw.elapsed_ns();
    });
}

BENCHGATE_GROUP("faults/instr", benchgate::GroupSettings{}.with_gate("instructions"));
BENCHGATE_BENCH("faults/instr/spin") {
    std::uint64_t x = 11;
    bench.run([&] { return x = spin(x, 50); });
}
