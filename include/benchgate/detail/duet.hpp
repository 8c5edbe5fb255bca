// benchgate: duet mode. `--against PATH` starts another benchgate bench binary as a
// worker over pipes and samples both builds alternately, in a random order per pair, with
// the same iteration count, so both see the same machine state.
//
// Worker protocol, version 3: one line per message, worker replies to each command.
//   worker -> "benchgate-worker 3 VERSION"             on start
//   "list"          -> "list [JSON array of names]"
//   "bench INDEX"   -> "ready" | "missing" | "error MESSAGE"  (runs the INDEX-th listed body up to bench.run)
//   "run N"         -> "time NANOSECONDS" | "error MESSAGE"     (one timed batch of N calls)
//   "settle N"      -> "times A B C" | "error MESSAGE"          (batches of N calls back to back until
//                                                                three in a row agree: settle_alone)
//   "refill N LEVEL"-> "count K" | "error MESSAGE"              (batches until one is within LEVEL
//                                                                ns per call: batches_to_level)
//   "turn N D K"    -> "times T1 .. TK" | "error MESSAGE"       (D batches thrown away, then K kept,
//                                                                back to back: run_turn)
//   "end"           -> "done" | "error MESSAGE"                 (leaves bench.run; answered once the
//                                                                rest of the body and the fixture's
//                                                                teardown ran)
//   "quit"          -> the worker exits
//   any command     -> "died REASON"                            (the body ended the worker: exit(),
//                                                                a crash; guard.hpp)
// "times" are nanoseconds per call. Version 2 lacks settle, refill and turn; a version 2 worker
// is driven one "run" per batch (each of its batches then follows a system call, which on a
// kernel that flushes the TLB on every entry starts it colder than this side's batches).
// The worker's own standard output is moved to standard error, so a body that prints cannot
// corrupt the protocol.
//
// A benchmark whose body fails in the worker is FAILED and the duet goes on: after an "error"
// with the same worker, after the worker died or hung in the benchmark (it is killed after the
// wait's bound) with a new one. A worker that fails outside a benchmark (start, "list") or
// breaks the protocol ends the run (exit 2).
#pragma once

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <chrono>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../bench.hpp"
#include "../registry.hpp"
#include "../result_file.hpp"
#include "../stats.hpp"
#include "guard.hpp"
#include "json_reader.hpp"
#include "one_line.hpp"
#include "json_writer.hpp"
#include "planner.hpp"
#include "sampling.hpp"

namespace benchgate::detail {

// A benchmark is named by its place in the worker's list, so a name may hold any bytes (line
// breaks too) without breaking the line protocol.
inline constexpr int worker_protocol_version = 3;
// The oldest worker a parent still drives (without settle, refill and turn).
inline constexpr int worker_protocol_oldest = 2;

// A worker child with a line-based channel and timeouts on every read.
class WorkerProcess {
public:
    WorkerProcess() = default;
    WorkerProcess(const WorkerProcess&) = delete;
    WorkerProcess& operator=(const WorkerProcess&) = delete;
    ~WorkerProcess() { stop(); }

    // Starts `path --worker` with `env` (NAME=VALUE) added to its environment and reads its
    // hello. Returns "" or one line saying what is wrong.
    std::string start(const std::string& path, const std::vector<std::string>& env, double timeout_s) {
        path_ = path;
        env_ = env;
        timeout_s_ = timeout_s;
        hung_ = false;
        ended_.clear();
        buffer_.clear();
        if (::access(path.c_str(), X_OK) != 0) return "cannot execute " + path + ": " + std::strerror(errno);
        int to_child[2], from_child[2];
        if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) return std::string("pipe failed: ") + std::strerror(errno);
        pid_ = ::fork();
        if (pid_ < 0) return std::string("fork failed: ") + std::strerror(errno);
        if (pid_ == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // the worker does not outlive this process
            ::dup2(to_child[0], STDIN_FILENO);
            ::dup2(from_child[1], STDOUT_FILENO);
            const int devnull = ::open("/dev/null", O_WRONLY);
            if (devnull >= 0) ::dup2(devnull, STDERR_FILENO);
            ::close(to_child[0]);
            ::close(to_child[1]);
            ::close(from_child[0]);
            ::close(from_child[1]);
            for (const auto& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
            const char* args[] = {path.c_str(), "--worker", nullptr};
            ::execv(path.c_str(), const_cast<char* const*>(args));
            ::_exit(127);
        }
        ::close(to_child[0]);
        ::close(from_child[1]);
        out_fd_ = to_child[1];
        in_fd_ = from_child[0];
        ::signal(SIGPIPE, SIG_IGN);  // a dead worker must give an error, not kill us
        std::string hello;
        if (std::string err = read_line(hello, timeout_s); !err.empty()) return path + " is not a benchgate bench binary (" + err + ")";
        const std::string prefix = "benchgate-worker ";
        if (hello.rfind(prefix, 0) != 0)
            return path + " is not a benchgate bench binary (it answered '" + hello.substr(0, 60) + "' to --worker)";
        const int version = std::atoi(hello.c_str() + prefix.size());
        if (version < worker_protocol_oldest || version > worker_protocol_version)
            return path + " speaks worker protocol " + std::to_string(version) + ", this binary speaks " +
                   std::to_string(worker_protocol_oldest) + " to " + std::to_string(worker_protocol_version) +
                   " (rebuild both with the same benchgate)";
        protocol_ = version;
        return {};
    }

    // Sends one command and reads one reply line. Returns "" or the problem.
    std::string request(const std::string& command, std::string& reply, double timeout_s) {
        const std::string line = command + "\n";
        std::size_t sent = 0;
        while (sent < line.size()) {
            const ssize_t n = ::write(out_fd_, line.data() + sent, line.size() - sent);
            if (n < 0) {
                if (errno == EINTR) continue;
                return died();
            }
            sent += static_cast<std::size_t>(n);
        }
        return read_line(reply, timeout_s);
    }

    // A new worker in place of one that died or was killed. Returns "" or the problem.
    std::string restart() {
        stop();
        return start(path_, std::vector<std::string>(env_), timeout_s_);
    }

    double timeout() const { return timeout_s_; }
    int protocol() const { return protocol_; }  // the version the worker announced
    const std::string& path() const { return path_; }
    bool running() const { return pid_ > 0; }
    bool hung() const { return hung_; }               // the last wait ran out; the worker was killed
    double waited() const { return waited_s_; }       // how long that wait was
    const std::string& ended() const { return ended_; }  // how a dead worker ended: "exit code 3"

    void stop() {
        if (out_fd_ >= 0) {
            const char quit[] = "quit\n";
            (void)!::write(out_fd_, quit, sizeof quit - 1);
            ::close(out_fd_);
            out_fd_ = -1;
        }
        if (in_fd_ >= 0) {
            ::close(in_fd_);
            in_fd_ = -1;
        }
        if (pid_ > 0) {
            // Give it a moment to leave on its own, then make sure it is gone.
            for (int i = 0; i < 50; ++i) {
                if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
                    pid_ = -1;
                    return;
                }
                ::usleep(2000);
            }
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }

private:
    // The worker closed the channel: it is ending. Waits a moment for it (then kills it) and
    // says how it ended.
    std::string died() {
        int status = 0;
        bool reaped = false;
        for (int i = 0; pid_ > 0 && i < 500 && !reaped; ++i) {
            reaped = ::waitpid(pid_, &status, WNOHANG) == pid_;
            if (!reaped) ::usleep(2000);
        }
        if (pid_ > 0 && !reaped) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        pid_ = -1;
        if (reaped && WIFEXITED(status)) ended_ = "exit code " + std::to_string(WEXITSTATUS(status));
        else if (reaped && WIFSIGNALED(status)) ended_ = ::strsignal(WTERMSIG(status));
        else ended_ = "killed";
        return "the worker died (" + ended_ + ")";
    }

    std::string read_line(std::string& line, double timeout_s) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
        for (;;) {
            if (interrupted()) return "interrupted";
            const auto nl = buffer_.find('\n');
            if (nl != std::string::npos) {
                line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return {};
            }
            if (buffer_.size() > (1u << 20)) return "the worker sent a line longer than 1 MiB";
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                if (pid_ > 0) {
                    ::kill(pid_, SIGKILL);
                    ::waitpid(pid_, nullptr, 0);
                    pid_ = -1;
                }
                hung_ = true;
                waited_s_ = timeout_s;
                char buf[64];
                std::snprintf(buf, sizeof buf, "%g", timeout_s);
                return std::string("the worker did not answer within ") + buf + " s (hung); it was killed";
            }
            pollfd p{in_fd_, POLLIN, 0};
            const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
            if (r < 0 && errno != EINTR) return std::string("poll failed: ") + std::strerror(errno);
            if (r <= 0) continue;
            char buf[4096];
            const ssize_t n = ::read(in_fd_, buf, sizeof buf);
            if (n == 0) return died();
            if (n < 0) {
                if (errno == EINTR || errno == EAGAIN) continue;
                return died();
            }
            buffer_.append(buf, static_cast<std::size_t>(n));
        }
    }

    std::string path_;
    std::vector<std::string> env_;
    double timeout_s_ = 60.0;
    bool hung_ = false;
    double waited_s_ = 0.0;
    std::string ended_;
    pid_t pid_ = -1;
    int protocol_ = worker_protocol_version;
    int out_fd_ = -1, in_fd_ = -1;
    std::string buffer_;
};

// The worker's reply to a command, parsed: what the parent does next.
struct WorkerReply {
    enum Kind {
        ok,          // "ready", "time NS", "times ..." or "count K", well formed
        body_error,  // "error MESSAGE": the --against build's body failed (the benchmark is FAILED)
        bad          // anything else: the protocol is broken (the duet stops)
    } kind = bad;
    double ns = 0.0;             // "time": nanoseconds for the batch
    std::vector<double> values;  // "times": nanoseconds per call, one per kept batch
    int count = 0;               // "count": batches
    std::string message;         // body_error: MESSAGE; bad: what was wrong, one line
};

// The start of a reply for a message: at most 60 bytes, on one line.
inline std::string reply_excerpt(const std::string& reply) { return benchgate::detail::one_line(reply.substr(0, 60)); }

inline WorkerReply parse_bench_reply(const std::string& reply) {
    WorkerReply r;
    if (reply.rfind("error ", 0) == 0) {
        r.kind = WorkerReply::body_error;
        r.message = benchgate::detail::one_line(reply.substr(6));
    } else if (reply == "ready") {
        r.kind = WorkerReply::ok;
    } else {
        r.message = "the worker answered '" + reply_excerpt(reply) + "' to 'bench'";
    }
    return r;
}

// A decimal number as the worker writes it with %.17g, positive and finite.
inline bool parse_positive_time(const std::string& number, double& ns) {
    if (number.empty() || number.size() > 40 || number.find_first_not_of("0123456789.eE+-") != std::string::npos) return false;
    char* end = nullptr;
    ns = std::strtod(number.c_str(), &end);
    return end == number.c_str() + number.size() && ns > 0 && std::isfinite(ns);
}

// An "error MESSAGE" reply, or `r` as it is.
inline bool parse_error_reply(const std::string& reply, WorkerReply& r) {
    if (reply.rfind("error ", 0) != 0) return false;
    r.kind = WorkerReply::body_error;
    r.message = benchgate::detail::one_line(reply.substr(6));
    return true;
}

// "time NS": NS a decimal number (what the worker writes with %.17g) that is positive and finite.
inline WorkerReply parse_run_reply(const std::string& reply) {
    WorkerReply r;
    if (parse_error_reply(reply, r)) return r;
    r.message = "the worker answered '" + reply_excerpt(reply) + "' to 'run'";
    if (reply.rfind("time ", 0) != 0 || reply.size() > 64 || !parse_positive_time(reply.substr(5), r.ns)) return r;
    r.kind = WorkerReply::ok;
    r.message.clear();
    return r;
}

// "times T1 .. TK" to `command` (settle or turn): exactly `expected` times, single spaces.
inline WorkerReply parse_times_reply(const std::string& reply, std::size_t expected, const char* command) {
    WorkerReply r;
    if (parse_error_reply(reply, r)) return r;
    r.message = "the worker answered '" + reply_excerpt(reply) + "' to '" + command + "'";
    if (reply.rfind("times ", 0) != 0 || reply.size() > 64 * (expected + 1)) return r;
    std::size_t at = 6;
    while (r.values.size() < expected) {
        const std::size_t space = std::min(reply.find(' ', at), reply.size());
        double ns = 0;
        if (!parse_positive_time(reply.substr(at, space - at), ns)) return r;
        r.values.push_back(ns);
        at = space + 1;
        if (space == reply.size()) break;
    }
    if (r.values.size() != expected || at != reply.size() + 1) {
        r.values.clear();
        return r;
    }
    r.kind = WorkerReply::ok;
    r.message.clear();
    return r;
}

// "count K" to 'refill': 1 <= K <= most.
inline WorkerReply parse_count_reply(const std::string& reply, int most) {
    WorkerReply r;
    if (parse_error_reply(reply, r)) return r;
    r.message = "the worker answered '" + reply_excerpt(reply) + "' to 'refill'";
    if (reply.rfind("count ", 0) != 0) return r;
    const char* first = reply.data() + 6;
    const char* last = reply.data() + reply.size();
    const auto parsed = std::from_chars(first, last, r.count);
    if (parsed.ec != std::errc() || parsed.ptr != last || first == last || r.count < 1 || r.count > most) return r;
    r.kind = WorkerReply::ok;
    r.message.clear();
    return r;
}

// Timed batches kept per turn of one side in a duet (measure_turns): at least duet_turn_kept,
// as many as are thrown away when more are, up to duet_turn_kept_max.
inline constexpr int duet_turn_kept = 3;
inline constexpr int duet_turn_kept_max = 8;
// Batches a side may need to come back to its solo level after the other side's turn (thrown
// away at the start of every turn), and to settle when it runs alone.
inline constexpr int duet_discard_max = 16;
inline constexpr int duet_settle_max = 24;

// Which side starts each of `turns` turn pairs: half of them each (an odd count leaves one to
// chance), in a random order.
inline std::vector<bool> balanced_order(int turns, stats::Rng& rng) {
    std::vector<bool> first(static_cast<std::size_t>(std::max(0, turns)));
    for (std::size_t i = 0; i < first.size(); ++i) first[i] = i < first.size() / 2;
    if (first.size() % 2 == 1) first.back() = (rng.next() & 1) != 0;
    for (std::size_t i = first.size(); i > 1; --i) {
        const std::size_t j = rng.below(i);
        const bool tmp = first[i - 1];
        first[i - 1] = first[j];
        first[j] = tmp;
    }
    return first;
}

// The rules of a duet turn, the same on both sides: `one` runs one batch and returns its
// nanoseconds per call. Each runs its batches back to back, with no system call between them.
//
// Alone, until three batches in a row agree within 3% (at most duet_settle_max); the last three.
template <class One>
std::vector<double> settle_alone(One&& one) {
    std::vector<double> seen;
    for (int i = 0; i < duet_settle_max; ++i) {
        seen.push_back(one());
        if (seen.size() < 3) continue;
        const auto [lo, hi] = std::minmax_element(seen.end() - 3, seen.end());
        if (*hi <= *lo * 1.03) break;
    }
    return std::vector<double>(seen.end() - 3, seen.end());
}
// Right after the other side ran: the batches it takes to come back to `level` (the batch that
// reaches it counted; duet_discard_max when none of duet_discard_max - 1 did).
template <class One>
int batches_to_level(One&& one, double level) {
    for (int i = 1; i < duet_discard_max; ++i)
        if (one() <= level) return i;
    return duet_discard_max;
}
// A turn: `discard` batches thrown away, then `take` kept in `into`.
template <class One>
void run_turn(One&& one, int discard, int take, double* into) {
    for (int d = 0; d < discard; ++d) one();
    for (int j = 0; j < take; ++j) into[j] = one();
}

// Parent side: for each benchmark the worker also has, calibrate here, then measure both sides
// in turns (measure_turns). Benchmarks the worker lacks are measured here alone (they become NEW).
class ParentDuetDriver final : public Driver {
public:
    ParentDuetDriver(WorkerProcess& worker, std::vector<std::string> worker_names, std::uint64_t seed)
        : worker_(worker), worker_names_(std::move(worker_names)), worker_index_(worker_names_), seed_(seed) {}

    void measure(Sampling& s, const Batch& batch) override {
        if (!failure_.empty()) throw std::runtime_error("not measured: the worker failed earlier");
        throw_if_interrupted();
        BenchmarkResult& out = s.out;
        const std::string* listed = worker_index_.find(s.name);  // its place in the worker's list, if there
        const bool shared = listed != nullptr;
        if (shared && !worker_.running())  // a body ended the last worker: this benchmark gets a new one
            if (const std::string err = worker_.restart(); !err.empty()) fail("could not start a new worker: " + err);
        calibrate(s, batch);
        const std::uint64_t n = s.state.iterations_per_sample;
        const int samples = s.state.planned_samples;
        last_local_ns_ = local(s, batch, n);  // sizes the wait for the other side's first batches
        std::string reply;
        if (shared) {
            ask("bench " + std::to_string(listed - worker_names_.data()), reply, worker_.timeout());
            const WorkerReply r = parse_bench_reply(reply);
            if (r.kind == WorkerReply::body_error) throw std::runtime_error("the --against build's body failed: " + r.message);
            if (r.kind == WorkerReply::bad) fail(r.message);
        }
        // From here the worker is inside this benchmark's bench.run until it is sent "end"
        // (or reports that its body threw): a failure of this side's body must still send it
        // there, or the worker would answer every later benchmark from inside this one.
        try {
            out.samples.reserve(static_cast<std::size_t>(samples));
            if (!shared) {
                for (int i = 0; i < samples; ++i) {
                    throw_if_interrupted();
                    out.samples.push_back(local(s, batch, n) / static_cast<double>(n));
                    out.iterations.push_back(n);
                    out.rounds.push_back(0);
                }
            } else {
                measure_turns(s, batch, n, samples);
            }
        } catch (const RemoteBodyFailed&) {
            throw;  // the worker has left the benchmark already (or is gone)
        } catch (...) {
            // This side failed: the worker still leaves the benchmark, and this side's failure
            // is the one reported.
            if (shared && failure_.empty() && worker_.running() && !interrupted()) {
                try {
                    leave_benchmark();
                } catch (const RemoteBodyFailed&) {
                }
            }
            throw;
        }
        if (shared) leave_benchmark();
    }

    const std::string& failure() const { return failure_; }

private:
    // The duet regime. Each side runs in turns of kept batches, each turn preceded by batches
    // that are run and thrown away: they refill the caches, TLBs and branch predictors that the
    // other build's turn displaced, so that a kept batch runs in the state it would run in alone
    // (a batch that starts cold reads a memory-bound change at a fraction of its size, while the
    // work added inside the batch runs warm). How many to throw away is measured per benchmark:
    //   1. solo: each side runs alone until three batches in a row agree within 3% (its solo
    //      level; these batches are kept as solo_samples / solo_baseline for the regime check);
    //   2. refill: twice, each side counts the batches it needs, right after the other side ran,
    //      to come back to its solo level (within the solo batches' spread, 3% to 10%); one batch is thrown away at the start of every turn
    //      when one was enough, else twice the most either side needed (at most duet_discard_max).
    // A turn keeps max(duet_turn_kept, discarded) batches. Kept batch j of one side's turn is
    // paired with kept batch j of the other side's turn next to it. Which side goes first
    // alternates in a random order, new in every duet run and balanced within it (as many turn
    // pairs start on each side), so that a carry-over from one side to the next is not the same
    // bias in every run.
    void measure_turns(Sampling& s, const Batch& batch, std::uint64_t n, int samples) {
        BenchmarkResult& out = s.out;
        const double per = static_cast<double>(n);
        auto here = [&] {
            throw_if_interrupted();
            return local(s, batch, n) / per;
        };
        // A worker of protocol 3 runs each of its steps back to back as this side does; an older
        // one is driven a batch at a time.
        const bool whole_steps = worker_.protocol() >= 3;
        auto there = [&] { return remote(n) / per; };
        out.solo_baseline = whole_steps ? remote_settle(n) : settle_alone(there);  // the other side first: this side is warm last
        out.solo_samples = settle_alone(here);
        // Within the solo batches' own spread of their median, at least 3% and at most 10% (a
        // side that never settled alone has a spread that says nothing about its level).
        auto warm_level = [](const std::vector<double>& solo) {
            const auto [lo, hi] = std::minmax_element(solo.begin(), solo.end());
            return stats::median(solo) * (1.0 + std::clamp(*hi / *lo - 1.0, 0.03, 0.10));
        };
        const double level_here = warm_level(out.solo_samples), level_there = warm_level(out.solo_baseline);
        int needed = 1;
        for (int probe = 0; probe < 2; ++probe) {
            needed = std::max(needed, whole_steps ? remote_refill(n, level_there) : batches_to_level(there, level_there));
            needed = std::max(needed, batches_to_level(here, level_here));
        }
        // A body that comes back within one batch (CPU-bound) throws one away; one that needs
        // several is still on its way back when it first reaches the level, so it gets twice that.
        const int discard = needed == 1 ? 1 : std::min(duet_discard_max, 2 * needed);
        const int kept = std::max(duet_turn_kept, std::min(discard, duet_turn_kept_max));
        std::vector<double> here_kept(static_cast<std::size_t>(kept)), there_kept(static_cast<std::size_t>(kept));
        auto turn = [&](bool this_side, int take) {
            if (this_side) run_turn(here, discard, take, here_kept.data());
            else if (whole_steps) remote_turn(n, discard, take, there_kept);
            else run_turn(there, discard, take, there_kept.data());
        };
        const int turns = (samples + kept - 1) / kept;
        stats::Rng rng(seed_ ^ name_seed(s.name, 0x6475657432ULL));
        const std::vector<bool> here_first = balanced_order(turns, rng);
        out.samples.reserve(static_cast<std::size_t>(samples));
        out.paired_baseline.reserve(static_cast<std::size_t>(samples));
        for (int t = 0; t < turns; ++t) {
            const int take = std::min(kept, samples - t * kept);
            const bool first = here_first[static_cast<std::size_t>(t)];
            turn(first, take);
            turn(!first, take);
            for (int j = 0; j < take; ++j) {
                out.samples.push_back(here_kept[static_cast<std::size_t>(j)]);
                out.paired_baseline.push_back(there_kept[static_cast<std::size_t>(j)]);
                out.iterations.push_back(n);
                out.rounds.push_back(0);
            }
        }
    }

    struct RemoteBodyFailed : std::runtime_error {
        using std::runtime_error::runtime_error;
    };

    [[noreturn]] void fail(const std::string& why) {
        failure_ = "--against " + worker_.path() + ": " + why;
        throw std::runtime_error(failure_);
    }
    // One command inside a benchmark. A worker that dies or hangs here fails the benchmark
    // (RemoteBodyFailed; the next one gets a new worker); any other problem ends the duet.
    void ask(const std::string& command, std::string& reply, double timeout_s) {
        const std::string err = worker_.request(command, reply, timeout_s);
        if (interrupted()) throw Interrupted{};
        if (err.empty() && reply.rfind("died ", 0) == 0) {
            worker_.stop();
            throw RemoteBodyFailed("the --against build's body " + reply.substr(5));
        }
        if (err.empty()) return;
        if (worker_.running()) fail(err);
        if (worker_.hung()) {
            char buf[160];
            std::snprintf(buf, sizeof buf, "the --against build did not answer within %g s in this benchmark (hung); it was killed",
                          worker_.waited());
            throw RemoteBodyFailed(buf);
        }
        throw RemoteBodyFailed("the --against build's worker died in this benchmark (" + worker_.ended() + ")");
    }
    void leave_benchmark() {
        std::string reply;
        ask("end", reply, worker_.timeout());
        if (reply.rfind("error ", 0) == 0) throw RemoteBodyFailed("the --against build's body failed: " + one_line(reply.substr(6)));
        if (reply != "done") fail("the worker answered '" + reply_excerpt(reply) + "' to 'end'");
    }
    // One batch on this side; a time must be positive and finite where it is measured.
    double local(Sampling& s, const Batch& batch, std::uint64_t n) {
        last_local_ns_ = checked_time(s.timed(batch, n), n);
        return last_local_ns_;
    }
    // One batch on the other side. The wait allows a slower other build, 20 times this side's
    // last batch, and never less than --worker-timeout.
    double remote(std::uint64_t n) {
        std::string reply;
        ask("run " + std::to_string(n), reply, std::max(worker_.timeout(), 20.0 * last_local_ns_ / 1e9));
        const WorkerReply r = parse_run_reply(reply);
        if (r.kind == WorkerReply::body_error) throw RemoteBodyFailed("the --against build's body failed: " + r.message);
        if (r.kind == WorkerReply::bad) fail(r.message);
        return r.ns;
    }
    // The other side's steps of a turn, each run whole in the worker. The wait allows `batches`
    // of the other build's batches at 20 times this side's last batch.
    template <class Parse>
    WorkerReply remote_step(const std::string& command, int batches, Parse&& parse) {
        std::string reply;
        ask(command, reply, std::max(worker_.timeout(), 20.0 * batches * last_local_ns_ / 1e9));
        WorkerReply r = parse(reply);
        if (r.kind == WorkerReply::body_error) throw RemoteBodyFailed("the --against build's body failed: " + r.message);
        if (r.kind == WorkerReply::bad) fail(r.message);
        return r;
    }
    std::vector<double> remote_settle(std::uint64_t n) {
        return remote_step("settle " + std::to_string(n), duet_settle_max,
                           [](const std::string& reply) { return parse_times_reply(reply, 3, "settle"); })
            .values;
    }
    int remote_refill(std::uint64_t n, double level) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "refill %llu %.17g", static_cast<unsigned long long>(n), level);
        return remote_step(buf, duet_discard_max, [](const std::string& reply) { return parse_count_reply(reply, duet_discard_max); })
            .count;
    }
    void remote_turn(std::uint64_t n, int discard, int take, std::vector<double>& into) {
        const std::string command = "turn " + std::to_string(n) + " " + std::to_string(discard) + " " + std::to_string(take);
        const WorkerReply r = remote_step(command, discard + take, [take](const std::string& reply) {
            return parse_times_reply(reply, static_cast<std::size_t>(take), "turn");
        });
        std::copy(r.values.begin(), r.values.end(), into.begin());
    }

    WorkerProcess& worker_;
    const std::vector<std::string> worker_names_;        // the other build's benchmarks, as it lists them
    const NameIndexOf<const std::string> worker_index_;  // into worker_names_
    std::uint64_t seed_;
    std::string failure_;
    double last_local_ns_ = 0.0;
};

// Worker side: inside bench.run, serve "run N" and the steps of a turn until "end".
class WorkerDuetDriver final : public Driver {
public:
    WorkerDuetDriver(std::FILE* in, int out_fd) : in_(in), out_fd_(out_fd) {}

    void measure(Sampling& s, const Batch& batch) override {
        entered_ = true;
        send("ready");
        std::string line;
        while (read(line)) {
            if (line.rfind("run ", 0) == 0) {
                const std::uint64_t n = std::strtoull(line.c_str() + 4, nullptr, 10);
                double ns = 0;
                try {
                    ns = checked_time(s.timed(batch, n), n);
                } catch (...) {
                    // The answer to this "run", then out of bench.run: the parent marks the
                    // benchmark FAILED and goes on with the next one.
                    send("error " + one_line(current_exception_text()));
                    throw;
                }
                char buf[64];
                std::snprintf(buf, sizeof buf, "time %.17g", ns);
                send(buf);
            } else if (line.rfind("settle ", 0) == 0 || line.rfind("refill ", 0) == 0 || line.rfind("turn ", 0) == 0) {
                std::string reply;
                try {
                    reply = step(s, batch, line);
                } catch (...) {
                    send("error " + one_line(current_exception_text()));
                    throw;
                }
                send(reply);
            } else if (line == "end") {
                left_ = true;  // run_worker answers once the body and its teardown are done
                return;
            } else if (line == "quit") {
                exit_from_body(0);
            } else {
                send("error unexpected command inside a benchmark: " + line.substr(0, 60));
            }
        }
        exit_from_body(0);  // the parent went away
    }

    // One of the steps of a turn ("settle N", "refill N LEVEL", "turn N D K"), run with the
    // rules the parent uses on its own side; the reply to send. A malformed command is an error.
    static std::string step(Sampling& s, const Batch& batch, const std::string& line) {
        std::vector<std::string> words;
        for (std::size_t at = 0; at <= line.size();) {
            const std::size_t space = std::min(line.find(' ', at), line.size());
            words.push_back(line.substr(at, space - at));
            at = space + 1;
        }
        auto whole = [](const std::string& w, std::uint64_t most, std::uint64_t& v) {
            const auto parsed = std::from_chars(w.data(), w.data() + w.size(), v);
            return parsed.ec == std::errc() && parsed.ptr == w.data() + w.size() && !w.empty() && v <= most;
        };
        std::uint64_t n = 0, discard = 0, take = 0;
        double level = 0;
        const std::string& verb = words[0];
        const bool ok = words.size() >= 2 && whole(words[1], ~std::uint64_t{0}, n) && n > 0 &&
                        ((verb == "settle" && words.size() == 2) ||
                         (verb == "refill" && words.size() == 3 && parse_positive_time(words[2], level)) ||
                         (verb == "turn" && words.size() == 4 && whole(words[2], duet_discard_max, discard) &&
                          whole(words[3], duet_turn_kept_max, take) && take > 0));
        if (!ok) return "error malformed command: " + line.substr(0, 60);
        const double per = static_cast<double>(n);
        auto one = [&] { return checked_time(s.timed(batch, n), n) / per; };
        char buf[40];
        auto times = [&](const double* v, std::size_t count) {
            std::string reply = "times";
            for (std::size_t i = 0; i < count; ++i) {
                std::snprintf(buf, sizeof buf, " %.17g", v[i]);
                reply += buf;
            }
            return reply;
        };
        if (verb == "settle") {
            const std::vector<double> last = settle_alone(one);
            return times(last.data(), last.size());
        }
        if (verb == "refill") return "count " + std::to_string(batches_to_level(one, level));
        double kept[duet_turn_kept_max];
        run_turn(one, static_cast<int>(discard), static_cast<int>(take), kept);
        return times(kept, static_cast<std::size_t>(take));
    }

    static std::string one_line(std::string text) {
        for (char& c : text)
            if (c == '\n' || c == '\r') c = ' ';
        return text.empty() ? "exception with an empty message" : text;
    }

    bool read(std::string& line) {
        line.clear();
        int c;
        while ((c = std::fgetc(in_)) != EOF && c != '\n') line += static_cast<char>(c);
        return c != EOF || !line.empty();
    }
    void send(const std::string& message) {
        const std::string line = message + "\n";
        std::size_t sent = 0;
        while (sent < line.size()) {
            const ssize_t n = ::write(out_fd_, line.data() + sent, line.size() - sent);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) exit_from_body(0);  // the parent went away
            sent += static_cast<std::size_t>(n);
        }
    }
    bool entered() const { return entered_; }
    bool left() const { return left_; }  // told "end", still to be answered
    void reset() { entered_ = left_ = false; }

private:
    std::FILE* in_;
    int out_fd_;
    bool entered_ = false, left_ = false;
};

// `--worker`: the protocol loop. Returns the process exit code.
inline int run_worker(const MeasureConfig& base_config) {
    const int protocol_fd = ::dup(STDOUT_FILENO);
    ::dup2(STDERR_FILENO, STDOUT_FILENO);  // bodies that print cannot corrupt the protocol
    WorkerDuetDriver driver(stdin, protocol_fd);
    report_to_worker_parent(protocol_fd);
    driver.send("benchgate-worker " + std::to_string(worker_protocol_version) + " " BENCHGATE_VERSION_STRING);
    const MeasureConfig& config = base_config;
    std::string line;
    while (driver.read(line)) {
        if (line == "quit") return 0;
        if (line == "list") {
            std::string names = "list [";
            bool first = true;
            for (const auto& r : registry()) {
                if (!first) names += ',';
                first = false;
                json_escape(names, r.name);
            }
            driver.send(names + "]");
            continue;
        }
        if (line.rfind("bench ", 0) == 0) {
            // The index into the list this worker sent.
            std::size_t index = 0;
            const char* first = line.data() + 6;
            const char* last = line.data() + line.size();
            const auto parsed = std::from_chars(first, last, index);
            const Registration* reg =
                parsed.ec == std::errc() && parsed.ptr == last && first != last && index < registry().size() ? &registry()[index] : nullptr;
            if (!reg) {
                driver.send("missing");
                continue;
            }
            MeasureState state;
            BenchmarkResult result;
            result.name = reg->name;
            result.params = reg->params;
            driver.reset();
            std::string error;
            {
                Bench bench(Sampling{result.name, config, state, result, driver});
                try {
                    const RunningBody running(result.name);
                    reg->body(bench);
                    if (!bench.ran()) error = "the body never called bench.run()";
                } catch (...) {
                    error = current_exception_text();
                }
            }
            if (reg->finish) {
                try {
                    const RunningBody running(result.name);
                    reg->finish();
                } catch (...) {
                    if (error.empty()) error = "teardown failed: " + current_exception_text();
                }
            }
            // The answer to "bench" (the body failed before bench.run) or to "end"; a body that
            // failed inside bench.run has had its answer.
            if (!driver.entered() || driver.left())
                driver.send(error.empty() && driver.entered() ? std::string("done")
                                                              : "error " + WorkerDuetDriver::one_line(error.empty() ? "failed" : error));
            continue;
        }
        driver.send("error unknown command: " + line.substr(0, 60));
    }
    return 0;
}

// Parses the worker's reply to "list".
inline std::string parse_worker_list(const std::string& reply, std::vector<std::string>& names) {
    if (reply.rfind("list ", 0) != 0) return "the worker answered '" + reply_excerpt(reply) + "' to 'list'";
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    simdjson::dom::array arr;
    std::string json = reply.substr(5);
    if (!parse_json(parser, padded(json), doc).empty() || doc.get_array().get(arr))
        return "the worker sent a malformed benchmark list";
    for (simdjson::dom::element e : arr) {
        std::string_view v;
        if (e.get_string().get(v)) return "the worker sent a malformed benchmark list";
        names.emplace_back(v);
    }
    return {};
}

}  // namespace benchgate::detail
