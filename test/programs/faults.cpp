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
//   FAULTS_CUSTOM=zero|inf|nan|sometimes_zero|throw_int   what faults/custom returns (or throws)
//   FAULTS_FAIL=KIND           how faults/fail fails (see fail_now below): std, int, struct,
//                              run_std, run_int, exit0, exit7, quick_exit, _exit0, abort, segv,
//                              null_write, hang, hang_setup
//   FAULTS_FAIL_LATER=1        faults/fail fails in later processes only (needs FAULTS_MARKER)
//   FAULTS_FIXTURE=setup_std|setup_int|teardown_std|teardown_int|teardown_exit   faults/fixture
//   FAULTS_SLOW_MS=MS          faults/slow sleeps MS per iteration (0: 1 ms)
//   FAULTS_LATER_HANG=1        faults/spin never returns in later processes (needs FAULTS_MARKER)
//   FAULTS_PIDS=PATH           every later process appends its pid to PATH (one a line)
#define BENCHGATE_COUNT_ALLOCATIONS
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
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
        if (fd >= 0) {
            ::close(fd);
            return true;
        }
        if (const char* pids = std::getenv("FAULTS_PIDS"))
            if (std::FILE* f = std::fopen(pids, "a")) {
                std::fprintf(f, "%d\n", static_cast<int>(::getpid()));
                std::fclose(f);
            }
        return false;
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

// A body that never returns: it sleeps (no CPU) until the process ends.
[[noreturn]] static void hang() {
    for (;;) ::pause();
}

struct NotAnException {
    int code;
};

BENCHGATE_BENCH("faults/spin") {
    const bool later = !first_process();
    if (later && env_is("FAULTS_LATER_THROW", "1")) throw std::runtime_error("thrown in a later process");
    if (later && env_is("FAULTS_LATER_HANG", "1")) hang();
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
        if (m == "throw_int") throw 42;
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

// Fails the way FAULTS_FAIL names, when it is time to: in every process, or with
// FAULTS_FAIL_LATER=1 only in later ones. `where` is "setup" (before bench.run) or "run"
// (inside the measured callable); each kind fails in one of them.
static void fail_now(const char* where) {
    const char* kind = std::getenv("FAULTS_FAIL");
    if (!kind || (env_is("FAULTS_FAIL_LATER", "1") && first_process())) return;
    const std::string k = kind;
    const bool in_run = k.rfind("run_", 0) == 0 || k == "hang";
    if (in_run != (std::string(where) == "run")) return;
    if (k == "std" || k == "run_std") throw std::out_of_range("index 7 is out of range");
    if (k == "int" || k == "run_int") throw 42;
    if (k == "struct") throw NotAnException{5};
    if (k == "exit0") std::exit(0);
    if (k == "exit7") std::exit(7);
    if (k == "quick_exit") std::quick_exit(0);
    if (k == "_exit0") ::_exit(0);
    if (k == "abort") std::abort();
    if (k == "segv") std::raise(SIGSEGV);
    if (k == "null_write") {
        volatile int* p = nullptr;
        *p = 1;
    }
    if (k == "hang" || k == "hang_setup") hang();
}

BENCHGATE_BENCH("faults/fail") {
    fail_now("setup");
    const int rounds = work(200, true);
    std::uint64_t x = 13;
    bench.run([&] {
        fail_now("run");
        return x = spin(x, rounds);
    });
}

struct FailingFixture : benchgate::Fixture {
    void setup(benchgate::Bench&) override {
        if (env_is("FAULTS_FIXTURE", "setup_std")) throw std::runtime_error("setup could not open the data set");
        if (env_is("FAULTS_FIXTURE", "setup_int")) throw 7;
    }
    void teardown() override {
        if (env_is("FAULTS_FIXTURE", "teardown_std")) throw std::runtime_error("teardown could not close the data set");
        if (env_is("FAULTS_FIXTURE", "teardown_int")) throw 8;
        if (env_is("FAULTS_FIXTURE", "teardown_exit")) std::exit(0);
    }
    std::uint64_t x = 17;
};

BENCHGATE_FIXTURE(FailingFixture, "faults/fixture") {
    bench.run([&] { return x = spin(x, 50); });
}

// Slow on purpose: a run of it lasts long enough to be interrupted.
BENCHGATE_BENCH("faults/slow") {
    const int ms = std::max(1, env_int("FAULTS_SLOW_MS"));
    bench.run([&] { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); });
}
