// benchgate: `--metric instructions`: runs this binary again under valgrind's callgrind for
// the selected benchmarks (callgrind_driver.hpp inside) and reads the per-benchmark dumps
// back into the run's metrics.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <dirent.h>
#include <unistd.h>

#include "../result.hpp"
#include "callgrind.hpp"
#include "compiler.hpp"
#include "files.hpp"
#include "process.hpp"

namespace benchgate::detail {

// Counts instructions per iteration of `run`'s benchmarks by running `child_args` (this
// binary in callgrind-child mode for exactly those benchmarks, in the same order) under
// valgrind's callgrind, then reading the dumps back. Returns "" or one line saying why not.
inline std::string measure_instructions(RunResult& run, const std::vector<std::string>& child_args, int iterations) {
    if (!BENCHGATE_HAS_CALLGRIND)
        return "this binary was built without <valgrind/callgrind.h> (apt-get install valgrind, then rebuild)";
    if (BENCHGATE_ASAN)
        return "--metric instructions runs this binary under valgrind, which cannot run a binary built with "
               "AddressSanitizer: count instructions with a build without -fsanitize=address";
    const std::string valgrind = find_on_path("valgrind");
    if (valgrind.empty()) return "--metric instructions needs valgrind, which is not installed (apt-get install valgrind)";
    files::WorkDir work;
    if (std::string problem = make_work_dir("benchgate-callgrind-", work); !problem.empty()) return problem;
    const std::string dir = work.path;
    std::vector<std::string> args = {valgrind, "--tool=callgrind", "--collect-atstart=no", "--cache-sim=yes",
                                     "--callgrind-out-file=" + dir + "/cg.out", "--log-file=" + dir + "/valgrind.log"};
    args.insert(args.end(), child_args.begin(), child_args.end());
    const ProcessResult r = run_process(args, std::chrono::minutes(60));
    std::string error;
    if (!r.error.empty()) error = "valgrind " + r.error;
    // 3: a body failed; it already failed in the timed run. Another code keeps valgrind's log.
    const bool keep_log = r.error.empty() && r.exit_code != 0 && r.exit_code != 3;
    std::string kept;  // a directory not named as a work directory, which no later run removes
    if (keep_log) {
        kept = temporary_directory() + "/benchgate-valgrind-log-" + work.path.substr(work.path.size() - 6);
        if (::rename(dir.c_str(), kept.c_str()) != 0) kept = dir;
        error = "valgrind run exited with code " + std::to_string(r.exit_code) + " (see " + kept + "/valgrind.log)";
    }
    const std::string& files_in = keep_log ? kept : dir;
    int found = 0;
    if (DIR* d = ::opendir(files_in.c_str())) {
        while (dirent* e = ::readdir(d)) {
            const std::string file = files_in + "/" + e->d_name;
            if (std::string(e->d_name).rfind("cg.out", 0) != 0) continue;
            const CallgrindDump dump = parse_callgrind_dump(read_text_file(file));
            ::unlink(file.c_str());
            if (dump.index < 0 || static_cast<std::size_t>(dump.index) >= run.benchmarks.size()) continue;
            Metrics& m = run.benchmarks[static_cast<std::size_t>(dump.index)].metrics;
            m.instructions = static_cast<double>(dump.ir) / iterations;
            if (dump.has_cache) m.estimated_cycles = static_cast<double>(dump.est_cycles) / iterations;
            ++found;
        }
        ::closedir(d);
    }
    if (keep_log && kept != dir) {  // the log stays for the user to read
        ::close(work.fd);
        work.fd = -1;
    }
    if (!error.empty()) error += "; run it again under valgrind by hand to see why";
    if (error.empty() && found == 0 && !run.benchmarks.empty()) error = "callgrind produced no counts";
    return error;
}

}  // namespace benchgate::detail
