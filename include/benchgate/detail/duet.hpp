// benchgate: duet mode. `--against PATH` starts another benchgate bench binary as a
// worker over pipes and samples both builds alternately, in a random order per pair, with
// the same iteration count, so both see the same machine state.
//
// Worker protocol, version 1: one line per message, worker replies to each command.
//   worker -> "benchgate-worker 1 VERSION"             on start
//   "list"          -> "list [JSON array of names]"
//   "bench NAME"    -> "ready" | "missing" | "error MESSAGE"  (runs the body up to bench.run)
//   "run N"         -> "time NANOSECONDS"                      (one timed batch of N calls)
//   "end"           -> "done"                                  (leaves bench.run)
//   "quit"          -> the worker exits
// The worker's own standard output is moved to standard error, so a body that prints cannot
// corrupt the protocol.
#pragma once

#include <cerrno>
#include <cmath>
#include <chrono>
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
#include <sys/wait.h>
#include <unistd.h>

#include "../bench.hpp"
#include "../registry.hpp"
#include "../result_file.hpp"
#include "../stats.hpp"
#include "json_reader.hpp"
#include "one_line.hpp"
#include "json_writer.hpp"
#include "planner.hpp"
#include "sampling.hpp"

namespace benchgate::detail {

inline constexpr int worker_protocol_version = 1;

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
        timeout_s_ = timeout_s;
        if (::access(path.c_str(), X_OK) != 0) return "cannot execute " + path + ": " + std::strerror(errno);
        int to_child[2], from_child[2];
        if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) return std::string("pipe failed: ") + std::strerror(errno);
        pid_ = ::fork();
        if (pid_ < 0) return std::string("fork failed: ") + std::strerror(errno);
        if (pid_ == 0) {
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
        if (version != worker_protocol_version)
            return path + " speaks worker protocol " + std::to_string(version) + ", this binary speaks " +
                   std::to_string(worker_protocol_version) + " (rebuild both with the same benchgate)";
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

    double timeout() const { return timeout_s_; }
    const std::string& path() const { return path_; }

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
    std::string died() {
        int status = 0;
        std::string how = "the worker died";
        if (pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            if (WIFEXITED(status)) how += " (exit code " + std::to_string(WEXITSTATUS(status)) + ")";
            else if (WIFSIGNALED(status)) how += std::string(" (") + ::strsignal(WTERMSIG(status)) + ")";
        }
        return how;
    }

    std::string read_line(std::string& line, double timeout_s) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
        for (;;) {
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
    double timeout_s_ = 60.0;
    pid_t pid_ = -1;
    int out_fd_ = -1, in_fd_ = -1;
    std::string buffer_;
};

// The worker's reply to "bench NAME" or "run N", parsed: what the parent does next.
struct WorkerReply {
    enum Kind {
        ok,          // "ready", or "time NS" with a positive finite NS
        body_error,  // "error MESSAGE": the --against build's body failed (the benchmark is FAILED)
        bad          // anything else: the protocol is broken (the duet stops)
    } kind = bad;
    double ns = 0.0;      // "time": nanoseconds for the batch
    std::string message;  // body_error: MESSAGE; bad: what was wrong, one line
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

// "time NS": NS a decimal number (what the worker writes with %.17g) that is positive and finite.
inline WorkerReply parse_run_reply(const std::string& reply) {
    WorkerReply r;
    if (reply.rfind("error ", 0) == 0) {
        r.kind = WorkerReply::body_error;
        r.message = benchgate::detail::one_line(reply.substr(6));
        return r;
    }
    r.message = "the worker answered '" + reply_excerpt(reply) + "' to 'run'";
    if (reply.rfind("time ", 0) != 0 || reply.size() > 64) return r;
    const std::string number = reply.substr(5);
    if (number.empty() || number.find_first_not_of("0123456789.eE+-") != std::string::npos) return r;
    char* end = nullptr;
    const double ns = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size() || !(ns > 0) || !std::isfinite(ns)) return r;
    r.kind = WorkerReply::ok;
    r.ns = ns;
    r.message.clear();
    return r;
}

// Parent side: for each benchmark the worker also has, calibrate here, warm both sides up,
// then take the planned number of pairs, each in a random order. Benchmarks the worker lacks
// are measured here alone (they become NEW).
class ParentDuetDriver final : public Driver {
public:
    ParentDuetDriver(WorkerProcess& worker, std::vector<std::string> worker_names, std::uint64_t seed)
        : worker_(worker), worker_names_(std::move(worker_names)), seed_(seed) {}

    void measure(Sampling& s, const Batch& batch) override {
        if (!failure_.empty()) throw std::runtime_error("not measured: the worker failed earlier");
        BenchmarkResult& out = s.out;
        const bool shared = std::find(worker_names_.begin(), worker_names_.end(), s.name) != worker_names_.end();
        calibrate(s, batch);
        const std::uint64_t n = s.state.iterations_per_sample;
        const int samples = s.state.planned_samples;
        last_local_ns_ = local(s, batch, n);  // sizes the wait for the other side's first batches
        std::string reply;
        if (shared) {
            ask("bench " + s.name, reply, worker_.timeout());
            const WorkerReply r = parse_bench_reply(reply);
            if (r.kind == WorkerReply::body_error) throw std::runtime_error("the --against build's body failed: " + r.message);
            if (r.kind == WorkerReply::bad) fail(r.message);
        }
        // From here the worker is inside this benchmark's bench.run until it is sent "end"
        // (or reports that its body threw): a failure of this side's body must still send it
        // there, or the worker would answer every later benchmark from inside this one.
        try {
            if (shared)
                for (int i = 0; i < 2; ++i) remote(n);  // warm the other side up too
            stats::Rng rng(seed_ ^ name_seed(s.name, 0x6475657431ULL));
            out.samples.reserve(static_cast<std::size_t>(samples));
            for (int i = 0; i < samples; ++i) {
                double here = 0, there = 0;
                if (!shared) {
                    here = local(s, batch, n);
                } else if (rng.next() & 1) {
                    here = local(s, batch, n);
                    there = remote(n);
                } else {
                    there = remote(n);
                    here = local(s, batch, n);
                }
                out.samples.push_back(here / static_cast<double>(n));
                out.iterations.push_back(n);
                out.rounds.push_back(0);
                if (shared) out.paired_baseline.push_back(there / static_cast<double>(n));
            }
        } catch (const RemoteBodyFailed&) {
            throw;  // the worker has left the benchmark already
        } catch (...) {
            if (shared && failure_.empty()) leave_benchmark();
            throw;
        }
        if (shared) leave_benchmark();
    }

    const std::string& failure() const { return failure_; }

private:
    struct RemoteBodyFailed : std::runtime_error {
        using std::runtime_error::runtime_error;
    };

    [[noreturn]] void fail(const std::string& why) {
        failure_ = "--against " + worker_.path() + ": " + why;
        throw std::runtime_error(failure_);
    }
    void ask(const std::string& command, std::string& reply, double timeout_s) {
        if (std::string err = worker_.request(command, reply, timeout_s); !err.empty()) fail(err);
    }
    void leave_benchmark() {
        std::string reply;
        ask("end", reply, worker_.timeout());
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

    WorkerProcess& worker_;
    std::vector<std::string> worker_names_;
    std::uint64_t seed_;
    std::string failure_;
    double last_local_ns_ = 0.0;
};

// Worker side: inside bench.run, serve "run N" until "end".
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
                } catch (const std::exception& e) {
                    // The answer to this "run", then out of bench.run: the parent marks the
                    // benchmark FAILED and goes on with the next one.
                    send("error " + one_line(e.what()));
                    throw;
                } catch (...) {
                    send("error unknown exception");
                    throw;
                }
                char buf[64];
                std::snprintf(buf, sizeof buf, "time %.17g", ns);
                send(buf);
            } else if (line == "end") {
                send("done");
                return;
            } else if (line == "quit") {
                std::exit(0);
            } else {
                send("error unexpected command inside a benchmark: " + line.substr(0, 60));
            }
        }
        std::exit(0);  // the parent went away
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
            if (n <= 0) std::exit(0);  // the parent went away
            sent += static_cast<std::size_t>(n);
        }
    }
    bool entered() const { return entered_; }
    void reset() { entered_ = false; }

private:
    std::FILE* in_;
    int out_fd_;
    bool entered_ = false;
};

// `--worker`: the protocol loop. Returns the process exit code.
inline int run_worker(const MeasureConfig& base_config) {
    const int protocol_fd = ::dup(STDOUT_FILENO);
    ::dup2(STDERR_FILENO, STDOUT_FILENO);  // bodies that print cannot corrupt the protocol
    WorkerDuetDriver driver(stdin, protocol_fd);
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
            const std::string name = line.substr(6);
            const Registration* reg = nullptr;
            for (const auto& r : registry())
                if (r.name == name) reg = &r;
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
                    reg->body(bench);
                    if (!bench.ran()) error = "the body never called bench.run()";
                } catch (const std::exception& e) {
                    error = e.what();
                } catch (...) {
                    error = "unknown exception";
                }
            }
            if (reg->finish) {
                try {
                    reg->finish();
                } catch (...) {
                }
            }
            if (!driver.entered()) driver.send("error " + WorkerDuetDriver::one_line(error.empty() ? std::string("failed") : error));
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
