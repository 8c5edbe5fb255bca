// benchgate: starting a child process and waiting for it. Used to re-measure
// suspects in a fresh process, where code and data placement and process luck are redrawn.
// The wait is bounded, and ends (the child killed) as soon as this process is interrupted.
#pragma once

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guard.hpp"

namespace benchgate::detail {

// The path of the running executable (Linux: /proc/self/exe), or "" if unknown.
inline std::string self_executable() {
    char buf[4096];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return {};
    buf[n] = '\0';
    return buf;
}

struct ProcessResult {
    int exit_code = -1;  // valid when error is empty
    std::string error;   // could not start, killed by a signal, timed out, or interrupted
    int killed_by = 0;   // the signal that killed it, when it was
    bool timed_out = false;
    bool interrupted = false;  // this process was interrupted (SIGINT, SIGTERM); the child was killed
};

// Runs `argv` (argv[0] is the program path) with stdin from /dev/null and stdout/stderr
// inherited or silenced, waits at most `timeout`. Returns the exit code or what went wrong.
// `finish_when_interrupted`: a step of cleaning up after an interruption, which runs to its end
// (within `timeout`) instead of being killed.
inline ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                                 bool silence_output = true, bool finish_when_interrupted = false) {
    ProcessResult result;
    if (argv.empty()) {
        result.error = "no program given";
        return result;
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    const pid_t pid = ::fork();
    if (pid < 0) {
        result.error = std::string("fork failed: ") + std::strerror(errno);
        return result;
    }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // the child does not outlive this process
        const int devnull = ::open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            ::dup2(devnull, STDIN_FILENO);
            if (silence_output) ::dup2(devnull, STDOUT_FILENO);
        }
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) break;
        if (r < 0 && errno != EINTR) {
            result.error = std::string("waitpid failed: ") + std::strerror(errno);
            return result;
        }
        if (interrupted() && !finish_when_interrupted) {
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            result.interrupted = true;
            result.error = "interrupted";
            return result;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            result.timed_out = true;
            result.error = "timed out after " + std::to_string(timeout.count() / 1000) + " s";
            return result;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
        if (result.exit_code == 127) result.error = "could not execute " + argv[0];
    } else if (WIFSIGNALED(status)) {
        result.killed_by = WTERMSIG(status);
        result.error = std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
                       ::strsignal(WTERMSIG(status)) + ")";
    }
    return result;
}

// Runs every command of `commands` at once (as run_process runs one, output silenced) and
// waits at most `timeout` for all of them: a command still running then is killed and reported
// as timed out. Returns one result per command, in order.
inline std::vector<ProcessResult> run_processes(const std::vector<std::vector<std::string>>& commands,
                                                std::chrono::milliseconds timeout) {
    std::vector<ProcessResult> results(commands.size());
    std::vector<pid_t> pids(commands.size(), -1);
    for (std::size_t k = 0; k < commands.size(); ++k) {
        if (commands[k].empty()) {
            results[k].error = "no program given";
            continue;
        }
        std::vector<char*> args;
        for (const auto& a : commands[k]) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        const pid_t pid = ::fork();
        if (pid < 0) {
            results[k].error = std::string("fork failed: ") + std::strerror(errno);
            continue;
        }
        if (pid == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            const int devnull = ::open("/dev/null", O_RDWR);
            if (devnull >= 0) {
                ::dup2(devnull, STDIN_FILENO);
                ::dup2(devnull, STDOUT_FILENO);
            }
            ::execv(args[0], args.data());
            ::_exit(127);
        }
        pids[k] = pid;
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto finish = [&](std::size_t k, int status) {
        pids[k] = -1;
        if (WIFEXITED(status)) {
            results[k].exit_code = WEXITSTATUS(status);
            if (results[k].exit_code == 127) results[k].error = "could not execute " + commands[k][0];
        } else if (WIFSIGNALED(status)) {
            results[k].killed_by = WTERMSIG(status);
            results[k].error = std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
                               ::strsignal(WTERMSIG(status)) + ")";
        }
    };
    auto kill_all = [&](bool timed_out) {
        for (std::size_t k = 0; k < pids.size(); ++k) {
            if (pids[k] < 0) continue;
            ::kill(pids[k], SIGKILL);
            int status = 0;
            while (::waitpid(pids[k], &status, 0) < 0 && errno == EINTR) {
            }
            pids[k] = -1;
            results[k].timed_out = timed_out;
            results[k].interrupted = !timed_out;
            results[k].error = timed_out ? "timed out after " + std::to_string(timeout.count() / 1000) + " s" : "interrupted";
        }
    };
    for (;;) {
        bool running = false;
        for (std::size_t k = 0; k < pids.size(); ++k) {
            if (pids[k] < 0) continue;
            int status = 0;
            const pid_t r = ::waitpid(pids[k], &status, WNOHANG);
            if (r == pids[k]) finish(k, status);
            else running = true;
        }
        if (!running) break;
        if (interrupted()) {
            kill_all(false);
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            kill_all(true);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return results;
}

// The first executable called `program` on PATH, or "".
inline std::string find_on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::string candidate = (end > start ? dirs.substr(start, end - start) : ".") + "/" + program;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    return {};
}

}  // namespace benchgate::detail
