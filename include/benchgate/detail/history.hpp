// benchgate: the history directory: one result file per run, named by UTC time, commit and
// machine; the newest runs of each machine kept (retention), raw samples only in the newest
// few (older entries are rewritten as summaries); every change under a lock, every file
// written atomically. Reads and writes files; never prints.
//
//   DIR/.benchgate-history                          marks the directory as a history
//   DIR/.lock                                       flock(2) by every writer
//   DIR/20261128T040000Z-1a2b3c4d5e6f-0c3e9a71.json a run with its samples (compact JSON)
//   DIR/20261101T040000Z-0f0e0d0c0b0a-0c3e9a71.summary.json   an older run: estimates only
//
// Names sort by time, so listing the directory in name order is the history in run order.
#pragma once

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <date/date.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../compare.hpp"
#include "../result.hpp"
#include "../result_file.hpp"
#include "files.hpp"
#include "time_text.hpp"

namespace benchgate::detail::history {

inline constexpr const char* marker_name = ".benchgate-history";
inline constexpr const char* marker_content = "benchgate history 1\n";
inline constexpr const char* lock_name = ".lock";

struct Settings {
    std::size_t keep = 50;         // runs per machine
    std::size_t keep_samples = 5;  // the newest runs per machine that keep their raw samples
    double lock_timeout = 120.0;   // seconds to wait for another writer
};

struct Entry {
    std::string file;  // the name inside the directory
    date::sys_seconds time{};
    std::string machine;  // machine_id of the run
    RunResult run;
};

struct Loaded {
    std::vector<Entry> entries;  // oldest first
    std::string error;           // "" or one line naming the directory or file
    bool ok() const { return error.empty(); }
};

// ISO 8601 UTC ("2026-11-28T04:00:00Z", fractional seconds allowed), the whole string, in the
// years 1000 to 9999: those an entry's name (a fixed-width YYYYMMDD) can hold.
inline bool parse_time(const std::string& iso, date::sys_seconds& out) {
    std::size_t end = 0;
    if (!fixed_width_date_time(iso, 'T', end) || iso.compare(end, std::string::npos, "Z") != 0) return false;
    std::istringstream in(iso);
    date::sys_time<std::chrono::milliseconds> t;
    in >> date::parse("%FT%TZ", t);
    if (in.fail() || in.peek() != std::char_traits<char>::eof()) return false;
    const date::year y = date::year_month_day(date::floor<date::days>(t)).year();
    if (y < date::year(1000) || y > date::year(9999)) return false;
    out = date::floor<std::chrono::seconds>(t);
    return true;
}

inline std::string format_time(date::sys_seconds t) { return date::format("%FT%TZ", t); }

// The file name of a run: UTC time, the first 12 characters of the commit ([0-9A-Za-z] only;
// "nocommit" when unknown) and the machine id.
inline std::string entry_name(date::sys_seconds t, const std::string& commit, const std::string& machine) {
    std::string c;
    for (char ch : commit)
        if (std::isalnum(static_cast<unsigned char>(ch)) && c.size() < 12) c += ch;
    if (c.empty()) c = "nocommit";
    return date::format("%Y%m%dT%H%M%SZ", t) + "-" + c + "-" + machine;
}

// Whether `name` is an entry: 8 digits, 'T', 6 digits, 'Z-', ..., ".json".
inline bool is_entry_name(const std::string& name) {
    if (name.size() < 22 || name.compare(name.size() - 5, 5, ".json") != 0) return false;
    for (std::size_t i = 0; i < 15; ++i)
        if (i == 8 ? name[i] != 'T' : !std::isdigit(static_cast<unsigned char>(name[i]))) return false;
    return name[15] == 'Z' && name[16] == '-' && name.find(".tmp.") == std::string::npos;
}
inline bool is_summary_name(const std::string& name) {
    return name.size() > 13 && name.compare(name.size() - 13, 13, ".summary.json") == 0;
}
// The machine id in an entry's name (the last dash-separated part before the extension).
inline std::string machine_of_name(const std::string& name) {
    const std::string stem = name.substr(0, name.size() - (is_summary_name(name) ? 13 : 5));
    const std::size_t dash = stem.rfind('-');
    return dash == std::string::npos ? std::string() : stem.substr(dash + 1);
}

// Checks that `dir` is a history. With `create`, a missing or empty directory may become one
// (`creatable` set, nothing written yet: the caller takes the lock and calls make_history).
inline std::string open_dir(const std::string& dir, bool create, bool* creatable = nullptr) {
    if (creatable) *creatable = false;
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        if (errno != ENOENT || !create) return dir + ": not a benchgate history (" + std::strerror(errno) + ")";
        if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) return "cannot create " + dir + ": " + std::strerror(errno);
    } else if (!S_ISDIR(st.st_mode)) {
        return dir + ": not a benchgate history (not a directory)";
    }
    // The directory is listed before the marker is looked for: a writer creating the history
    // writes the marker before any other file and nothing removes it, so a marker missing
    // after the listing was missing during it, and files seen beside it are someone else's.
    // (Looked for first, a writer could create the marker and its first entry in between.)
    DIR* d = ::opendir(dir.c_str());
    if (!d) return "cannot read " + dir + ": " + std::strerror(errno);
    bool empty = true;  // but for what a writer creating the history leaves: its lock, the marker's temporary
    const std::string marker_tmp = std::string(marker_name) + ".tmp.";
    while (const dirent* e = ::readdir(d)) {
        const std::string n = e->d_name;
        if (n != "." && n != ".." && n != lock_name && n.rfind(marker_tmp, 0) != 0) empty = false;
    }
    ::closedir(d);
    const std::string marker = dir + "/" + marker_name;
    if (::access(marker.c_str(), F_OK) == 0) {
        const std::string content = read_text_file(marker);
        if (content.rfind("benchgate history ", 0) != 0) return marker + ": not a benchgate history marker";
        if (content != marker_content)
            return dir + ": written by a newer benchgate (" + content.substr(0, content.find('\n')) + "); upgrade benchgate";
        return {};
    }
    if (!create || !empty)
        return dir + ": not a benchgate history (no " + marker_name + " file" +
               (empty ? std::string("; 'benchgate history add' creates one)") : std::string("; it holds other files)"));
    if (creatable) *creatable = true;
    return {};
}

// Under the lock: marks a directory open_dir found creatable as a history (unless a writer
// that held the lock before did).
inline std::string make_history(const std::string& dir) {
    const std::string marker = dir + "/" + marker_name;
    if (::access(marker.c_str(), F_OK) == 0) return open_dir(dir, false);
    return write_file_atomic(marker, marker_content);
}

// An exclusive lock on the directory, released when this goes out of scope.
class Lock {
public:
    Lock(const std::string& dir, double timeout_s) {
        const std::string path = dir + "/" + lock_name;
        fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (fd_ < 0) {
            error_ = "cannot lock " + dir + ": " + std::strerror(errno);
            return;
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
        while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK && errno != EINTR) {
                error_ = "cannot lock " + dir + ": " + std::strerror(errno);
                return;
            }
            if (interrupt_requested()) {
                error_ = "cannot lock " + dir + ": interrupted while waiting for another writer";
                return;
            }
            if (std::chrono::steady_clock::now() > deadline) {
                error_ = "cannot lock " + dir + ": another writer held it for " + std::to_string(static_cast<int>(timeout_s)) + " s";
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    ~Lock() {
        if (fd_ >= 0) ::close(fd_);  // closing releases the flock
    }
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;
    const std::string& error() const { return error_; }

private:
    int fd_ = -1;
    std::string error_;
};

// Entry names in the directory, in run order.
inline std::vector<std::string> entry_names(const std::string& dir) {
    std::vector<std::string> out;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (const dirent* e = ::readdir(d))
            if (is_entry_name(e->d_name)) out.emplace_back(e->d_name);
        ::closedir(d);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// `v` to six significant digits: far below any interval's width, and a third of the text.
inline double six_digits(double v) {
    if (!std::isfinite(v) || v == 0.0) return v;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return std::strtod(buf, nullptr);
}

// The run with its samples dropped: estimates (to six significant digits) and everything else kept.
inline RunResult summarized(RunResult run) {
    auto strip = [](BenchmarkResult& b) {
        if (b.summary() || b.samples.empty()) return;
        Estimates& e = b.estimates;
        for (Estimate* x : {&e.median, &e.mean}) {
            x->point = six_digits(x->point);
            x->lower = six_digits(x->lower);
            x->upper = six_digits(x->upper);
        }
        for (double* x : {&e.stddev, &e.mad, &e.min, &e.max, &e.p10}) *x = six_digits(*x);
        b.summary_of = b.samples.size();
        b.samples.clear();
        b.iterations.clear();
        b.rounds.clear();
        b.processes.clear();
        b.paired_baseline.clear();
        b.solo_samples.clear();
        b.solo_baseline.clear();
    };
    for (auto& b : run.benchmarks) strip(b);
    strip(run.reference);
    return run;
}

// What a killed writer can leave, removed under the lock: temporary files of atomic writes
// (no writer holds them while we hold the lock), and a full entry whose summary was written.
inline void remove_leftovers(const std::string& dir, std::vector<std::string>& names) {
    if (DIR* d = ::opendir(dir.c_str())) {
        std::vector<std::string> temps;
        while (const dirent* e = ::readdir(d))
            if (std::strstr(e->d_name, ".tmp.") != nullptr) temps.emplace_back(e->d_name);
        ::closedir(d);
        for (const auto& t : temps) ::unlink((dir + "/" + t).c_str());
    }
    std::vector<std::string> kept;
    for (const auto& n : names) {
        if (!is_summary_name(n) && std::binary_search(names.begin(), names.end(), n.substr(0, n.size() - 5) + ".summary.json"))
            ::unlink((dir + "/" + n).c_str());
        else
            kept.push_back(n);
    }
    names.swap(kept);
}

struct Added {
    std::string error;
    std::string file;                 // the new entry's name
    std::vector<std::string> removed;  // entries dropped by retention
    std::size_t summarized = 0;       // entries rewritten without samples
};

// Adds `run` to the history at `dir` (created when missing or empty). Under the lock: writes
// the new entry, drops this machine's oldest runs beyond `keep`, and rewrites those beyond
// the newest `keep_samples` as summaries. Every file is replaced atomically, so a reader (or a
// killed writer) sees each entry whole, old or new.
inline Added add(const std::string& dir, const RunResult& run, const Settings& settings) {
    Added out;
    date::sys_seconds t;
    if (!parse_time(run.created, t)) {
        out.error = "the run has no valid \"created\" time ('" + one_line(run.created) + "'), so it has no place in a history";
        return out;
    }
    if (!run.context.shard.empty()) {
        out.error = "the run is shard " + run.context.shard + " of a suite; join the shards first (benchgate merge)";
        return out;
    }
    for (const auto& b : run.benchmarks)
        if (b.summary()) {
            out.error = "benchmark \"" + b.name + "\" is a summary; a history adds runs with their samples";
            return out;
        }
    if (settings.keep == 0) {
        out.error = "--keep must be at least 1";
        return out;
    }
    bool creatable = false;
    if ((out.error = open_dir(dir, true, &creatable)); !out.error.empty()) return out;
    const Lock lock(dir, settings.lock_timeout);
    if (!lock.error().empty()) {
        out.error = lock.error();
        return out;
    }
    if (creatable)
        if ((out.error = make_history(dir)); !out.error.empty()) return out;
    std::vector<std::string> names = entry_names(dir);
    remove_leftovers(dir, names);
    const std::string machine = machine_id(run.context);
    // Names order runs by time, then (within a second) by commit: a run added in a second
    // where this machine has a run already is named a second on, past every run of that
    // second, so that the name order (which retention follows) is the order of addition there.
    auto taken = [&](const std::string& s) {
        const std::string second = s.substr(0, 16);  // "YYYYMMDDTHHMMSSZ"
        for (const auto& n : names)
            if (n.compare(0, 16, second) == 0 && machine_of_name(n) == machine) return true;
        return false;
    };
    std::string name = entry_name(t, run.context.commit, machine);
    for (date::sys_seconds u = t; taken(name);) name = entry_name(u += std::chrono::seconds{1}, run.context.commit, machine);
    out.file = name + ".json";
    if ((out.error = write_file_atomic(dir + "/" + out.file, to_json(run, false))); !out.error.empty()) return out;
    names.push_back(out.file);
    std::sort(names.begin(), names.end());

    // This machine's runs, oldest first; the run just added is never one retention removes
    // (added with an older "created" time than those kept, it goes last, as the newest addition).
    std::vector<std::string> mine;
    for (const auto& n : names)
        if (machine_of_name(n) == machine && n != out.file) mine.push_back(n);
    mine.push_back(out.file);
    const std::size_t excess = mine.size() > settings.keep ? mine.size() - settings.keep : 0;
    for (std::size_t i = 0; i < excess; ++i) {
        if (::unlink((dir + "/" + mine[i]).c_str()) != 0 && errno != ENOENT) {
            out.error = "cannot remove " + dir + "/" + mine[i] + ": " + std::strerror(errno);
            return out;
        }
        out.removed.push_back(mine[i]);
    }
    mine.erase(mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(excess));
    const std::size_t full = std::min(mine.size(), settings.keep_samples);
    for (std::size_t i = 0; i + full < mine.size(); ++i) {
        const std::string& n = mine[i];
        if (is_summary_name(n)) continue;
        const std::string path = dir + "/" + n;
        const LoadedRun old = read_run_file(path, true, true);
        if (!old.ok()) {
            out.error = old.error;
            return out;
        }
        const std::string summary = path.substr(0, path.size() - 5) + ".summary.json";
        // The summary appears before the full entry goes: a crash in between leaves both, and
        // the next add removes the full one (readers prefer the summary's twin, see load).
        if ((out.error = write_file_atomic(summary, to_json(summarized(old.run), false))); !out.error.empty()) return out;
        ::unlink(path.c_str());
        ++out.summarized;
    }
    return out;
}

// One entry from its file's name (in the directory `dir`, for messages) and its text, which
// holds simdjson's padding in its capacity. Returns "" or one line naming the file.
inline std::string parse_entry(const std::string& dir, const std::string& name, simdjson::padded_string_view text, Entry& e) {
    const std::string path = one_line(dir + "/" + name);  // a name in the directory may hold any byte but '/'
    LoadedRun r = benchgate::detail::parse_run_padded(text, path, true);
    if (!r.ok()) return r.error;
    e.file = name;
    if (!parse_time(r.run.created, e.time)) return path + ": no valid \"created\" time";
    e.machine = machine_id(r.run.context);
    e.run = std::move(r.run);
    return {};
}

// Reads the entry `name` of the history at `dir` (at most max_input_bytes). Returns "" or the problem.
inline std::string read_entry(const std::string& dir, const std::string& name, Entry& e) {
    InputFile file = read_input_file(dir + "/" + name, max_input_bytes, true);  // a FIFO named like an entry is refused
    if (!file.ok()) return file.error;
    return parse_entry(dir, name, padded(file.text), e);
}

// Reads every entry, oldest first. A damaged entry is an error naming it.
inline Loaded load(const std::string& dir) {
    Loaded out;
    if ((out.error = open_dir(dir, false)); !out.error.empty()) return out;
    std::vector<std::string> names = entry_names(dir);
    // An entry whose summary also exists is one a crashed add was rewriting: read the summary.
    names.erase(std::remove_if(names.begin(), names.end(),
                               [&](const std::string& n) {
                                   return !is_summary_name(n) &&
                                          std::binary_search(names.begin(), names.end(),
                                                             n.substr(0, n.size() - 5) + ".summary.json");
                               }),
                names.end());
    out.entries.reserve(names.size());
    for (const auto& n : names) {
        Entry e;
        if ((out.error = read_entry(dir, n, e)); !out.error.empty()) {
            out.entries.clear();
            return out;
        }
        out.entries.push_back(std::move(e));
    }
    return out;
}

}  // namespace benchgate::detail::history
