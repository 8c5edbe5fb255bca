// benchgate: what a bench process does when a body ends it, hangs, or the process is
// interrupted (docs/measurement.md, "When a body fails").
//
//   * The runner marks every body call (and fixture teardown) with a RunningBody: the name of
//     the benchmark, and the watchdog armed when a timeout is set.
//   * exit() or quick_exit() inside a body, a crash signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
//     SIGABRT) and the watchdog's SIGALRM write one line naming the benchmark to standard error,
//     or, in a process whose parent reports it, to the report channel: a confirmation process
//     appends the reason to its result file (which holds the running benchmark's name), the duet
//     worker answers "died REASON". exit() and the watchdog then end the process with exit code 3; a
//     crash re-raises its signal under the handler that was there before (so core dumps,
//     debuggers and sanitizers still see it).
//   * SIGINT and SIGTERM only set a flag, which the drivers check between samples and batches
//     and the runner between bodies; waits for child processes check it too. A second signal
//     ends the process at once (the default action is back).
//
// Everything the handlers touch is prepared beforehand: they only call write, pwrite, _exit,
// sigaction and raise, which are async-signal-safe.
#pragma once

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <typeinfo>

#include <cxxabi.h>
#include <sys/time.h>
#include <unistd.h>

#include "../exit_codes.hpp"

namespace benchgate::detail {

struct GuardState {
    std::atomic<const char*> body{nullptr};  // the benchmark whose body runs now, or nullptr
    double timeout_s = 0.0;                  // the watchdog's bound per body call; 0: none
    char timeout_text[96] = "";              // "did not return within 2 s (--timeout)"
    int report_fd = -1;                      // a confirmation's result file, or -1
    std::size_t report_name_length = 0;      // bytes of the name at the start of report_fd
    int worker_fd = -1;                      // the duet worker's protocol channel, or -1
    volatile std::sig_atomic_t interrupted = 0;  // SIGINT or SIGTERM received (its number)
    struct sigaction previous[32];               // crash handlers before ours, by signal number
};

inline GuardState& guard_state() {
    static GuardState state;
    return state;
}

// The signal (SIGINT, SIGTERM) that interrupted the run, or 0.
inline int interrupted() { return guard_state().interrupted; }

// Whether SIGINT or SIGTERM asked the process to stop: the flag the handlers set, or one of
// them pending while blocked (finish_report blocks them while the outputs are written). A
// pending one is taken and recorded, so interrupted() tells it from then on. For waits
// outside the measurement (a FIFO's reader, a lock), which check it between short slices.
inline bool interrupt_requested() {
    if (interrupted()) return true;
    sigset_t pending;
    sigemptyset(&pending);
    if (::sigpending(&pending) != 0) return false;
    for (int sig : {SIGINT, SIGTERM}) {
        if (!sigismember(&pending, sig)) continue;
        sigset_t one;
        sigemptyset(&one);
        sigaddset(&one, sig);
        const timespec now{};
        if (::sigtimedwait(&one, nullptr, &now) == sig) {
            guard_state().interrupted = sig;
            return true;
        }
    }
    return false;
}

// Thrown by a driver between samples once the run is interrupted. Not a std::exception, so
// that a body's `catch (const std::exception&)` lets it through.
struct Interrupted {};

inline void throw_if_interrupted() {
    if (interrupted()) throw Interrupted{};
}

// What a body threw, for its FAILED line; call inside a catch block. A std::exception gives its
// message; anything else "unknown exception of type T" (T demangled, where the ABI tells it).
inline std::string current_exception_text() {
    try {
        throw;
    } catch (const std::exception& e) {
        return e.what()[0] ? e.what() : "exception with an empty message";
    } catch (...) {
        std::string text = "unknown exception";
        if (const std::type_info* t = abi::__cxa_current_exception_type()) {
            int status = 0;
            const std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(t->name(), nullptr, nullptr, &status), std::free);
            text += std::string(" of type ") + (status == 0 && name ? name.get() : t->name());
        }
        return text;
    }
}

namespace guard_io {

inline void write_all(int fd, const char* text) {
    if (fd < 0) return;
    std::size_t left = std::strlen(text);
    while (left > 0) {
        const ssize_t n = ::write(fd, text, left);
        if (n <= 0) return;
        text += n;
        left -= static_cast<std::size_t>(n);
    }
}

// The last words about the running body: REASON after the name in a confirmation's result
// file, "died REASON" to a duet parent (each parent prints its own FAILED line), otherwise
// "benchgate: NAME REASON; nothing written" on standard error.
inline void last_words(const char* reason) {
    GuardState& g = guard_state();
    if (g.report_fd < 0 && g.worker_fd < 0) {
        const char* name = g.body.load();
        write_all(STDERR_FILENO, "benchgate: ");
        write_all(STDERR_FILENO, name ? name : "(no benchmark)");
        write_all(STDERR_FILENO, " ");
        write_all(STDERR_FILENO, reason);
        write_all(STDERR_FILENO, "; nothing written\n");
    }
    if (g.report_fd >= 0) {
        const std::size_t n = std::strlen(reason);
        (void)!::pwrite(g.report_fd, reason, n, static_cast<off_t>(g.report_name_length));
        (void)!::pwrite(g.report_fd, "\n", 1, static_cast<off_t>(g.report_name_length + n));
    }
    if (g.worker_fd >= 0) {
        write_all(g.worker_fd, "died ");
        write_all(g.worker_fd, reason);
        write_all(g.worker_fd, "\n");
    }
}

inline const char* crash_reason(int sig) {
    switch (sig) {
    case SIGSEGV: return "crashed (SIGSEGV)";
    case SIGBUS: return "crashed (SIGBUS)";
    case SIGFPE: return "crashed (SIGFPE)";
    case SIGILL: return "crashed (SIGILL)";
    case SIGABRT: return "crashed (SIGABRT)";
    default: return "crashed";
    }
}

inline void on_exit_call() {
    if (!guard_state().body.load()) return;
    last_words("called exit() during measurement");
    ::_exit(exit_failed);
}

inline void on_crash(int sig) {
    if (guard_state().body.load()) last_words(crash_reason(sig));
    ::sigaction(sig, &guard_state().previous[sig], nullptr);
    ::raise(sig);  // delivered when this handler returns, to the previous handler
}

inline void on_alarm(int) {
    if (!guard_state().body.load()) return;
    last_words(guard_state().timeout_text);
    ::_exit(exit_failed);
}

inline void on_interrupt(int sig) {
    guard_state().interrupted = sig;
    std::signal(sig, SIG_DFL);  // a second one ends the process at once
}

}  // namespace guard_io

// Installs the handlers, once per process. `interrupts`: SIGINT and SIGTERM set the flag
// (false for the duet worker, whose parent decides when it ends).
inline void install_guards(bool interrupts) {
    static bool installed = false;
    if (installed) return;
    installed = true;
    std::atexit(guard_io::on_exit_call);
    std::at_quick_exit(guard_io::on_exit_call);
    // Crash handlers run on their own stack, so that a stack overflow is reported too.
    static char alternate_stack[64 * 1024];
    stack_t ss{};
    ss.ss_sp = alternate_stack;
    ss.ss_size = sizeof alternate_stack;
    ::sigaltstack(&ss, nullptr);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) {
        struct sigaction sa {};
        sa.sa_handler = guard_io::on_crash;
        sa.sa_flags = SA_ONSTACK;
        sigemptyset(&sa.sa_mask);
        ::sigaction(sig, &sa, &guard_state().previous[sig]);
    }
    struct sigaction alarm {};
    alarm.sa_handler = guard_io::on_alarm;
    sigemptyset(&alarm.sa_mask);
    ::sigaction(SIGALRM, &alarm, nullptr);
    if (interrupts)
        for (int sig : {SIGINT, SIGTERM}) {
            struct sigaction sa {};
            sa.sa_handler = guard_io::on_interrupt;  // no SA_RESTART: blocking waits return EINTR
            sigemptyset(&sa.sa_mask);
            ::sigaction(sig, &sa, nullptr);
        }
}

// The watchdog: a body call that has not returned after `seconds` (0: never) ends the process.
// `what` names the bound in the message ("--timeout").
inline void set_body_timeout(double seconds, const char* what) {
    GuardState& g = guard_state();
    g.timeout_s = seconds;
    std::snprintf(g.timeout_text, sizeof g.timeout_text, "did not return within %g s (%s)", seconds, what);
}

// A confirmation process: its result file holds the name of the running benchmark until the
// results replace it, so that the parent can name the benchmark the process died in.
inline void report_to_file(int fd) { guard_state().report_fd = fd; }
// The duet worker: its last words go to the parent as "died REASON".
inline void report_to_worker_parent(int fd) { guard_state().worker_fd = fd; }

// Leaves the process on purpose from inside a body (the duet worker told to quit): exit()
// without the "called exit()" report.
[[noreturn]] inline void exit_from_body(int code) {
    guard_state().body.store(nullptr);
    std::exit(code);
}

// Marks one body call (or teardown) for the handlers and arms the watchdog. Outside every
// timed region: the runner makes one per body call.
class RunningBody {
public:
    explicit RunningBody(const std::string& name) {
        GuardState& g = guard_state();
        if (g.report_fd >= 0) {
            const std::size_t n = name.size();
            if (::pwrite(g.report_fd, name.data(), n, 0) == static_cast<ssize_t>(n) &&
                ::pwrite(g.report_fd, "\n", 1, static_cast<off_t>(n)) == 1 &&
                ::ftruncate(g.report_fd, static_cast<off_t>(n + 1)) == 0)
                g.report_name_length = n + 1;
        }
        g.body.store(name.c_str());
        arm(g.timeout_s);
    }
    ~RunningBody() {
        arm(0.0);
        guard_state().body.store(nullptr);
    }
    RunningBody(const RunningBody&) = delete;
    RunningBody& operator=(const RunningBody&) = delete;

private:
    static void arm(double seconds) {
        if (guard_state().timeout_s <= 0.0) return;
        itimerval t{};
        t.it_value.tv_sec = static_cast<time_t>(seconds);
        t.it_value.tv_usec = static_cast<suseconds_t>((seconds - static_cast<double>(t.it_value.tv_sec)) * 1e6);
        ::setitimer(ITIMER_REAL, &t, nullptr);
    }
};

}  // namespace benchgate::detail
