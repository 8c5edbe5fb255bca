// Crash-safe writes (detail/files.hpp) and names that are not plain ASCII in the JSON writer.
#include <catch2/catch.hpp>

#define BENCHGATE_FULL
#include <benchgate/benchgate.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace benchgate;
using namespace benchgate::detail;

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/benchgate-files-XXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        for (const auto& n : names()) ::unlink((path + "/" + n).c_str());
        ::rmdir(path.c_str());
    }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        if (DIR* d = ::opendir(path.c_str())) {
            while (const dirent* e = ::readdir(d))
                if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") out.emplace_back(e->d_name);
            ::closedir(d);
        }
        std::sort(out.begin(), out.end());
        return out;
    }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
};

bool is_symlink(const std::string& p) {
    struct stat st;
    return ::lstat(p.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

std::size_t open_descriptors() {
    std::size_t n = 0;
    if (DIR* d = ::opendir("/proc/self/fd")) {
        while (::readdir(d)) ++n;
        ::closedir(d);
    }
    return n;
}

unsigned mode_of(const std::string& p) {
    struct stat st;
    return ::stat(p.c_str(), &st) == 0 ? static_cast<unsigned>(st.st_mode & 07777) : 0u;
}

}  // namespace

TEST_CASE("an atomic write leaves the new file and nothing else") {
    TempDir dir;
    REQUIRE(write_file_atomic(dir / "run.json", "old").empty());
    REQUIRE(write_file_atomic(dir / "run.json", "new content").empty());
    CHECK(read_text_file(dir / "run.json") == "new content");
    CHECK(dir.names() == std::vector<std::string>{"run.json"});
}

TEST_CASE("a write that fails midway keeps the old file, removes its temporary file and closes what it opened") {
    TempDir dir;
    REQUIRE(write_file_atomic(dir / "run.json", "old").empty());
    const std::size_t before = open_descriptors();
    // A file size limit makes write(2) fail with EFBIG once the temporary file is open.
    rlimit saved{};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = saved;
    small.rlim_cur = 16;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    const std::string err = write_file_atomic(dir / "run.json", std::string(4096, 'x'));
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, old_handler);
    CHECK(err.find("cannot write " + (dir / "run.json")) == 0);
    CHECK(read_text_file(dir / "run.json") == "old");
    CHECK(dir.names() == std::vector<std::string>{"run.json"});
    CHECK(open_descriptors() == before);
    // Nor do successful writes, refused targets or check_writable keep a descriptor.
    CHECK(write_file_atomic(dir / "run.json", "new").empty());
    CHECK_FALSE(write_file_atomic(dir.path, "x").empty());
    CHECK_FALSE(write_file_atomic(dir / "missing/run.json", "x").empty());
    CHECK(check_writable(dir / "other.json").empty());
    CHECK_FALSE(check_writable(dir / "missing/run.json").empty());
    CHECK(open_descriptors() == before);
    CHECK(dir.names() == std::vector<std::string>{"run.json"});
}

TEST_CASE("a symlinked target stays a symlink and its target is replaced, with its mode") {
    TempDir dir;
    REQUIRE(write_file_atomic(dir / "real.json", "old").empty());
    REQUIRE(::chmod((dir / "real.json").c_str(), 0600) == 0);
    REQUIRE(::symlink("real.json", (dir / "link.json").c_str()) == 0);
    REQUIRE(write_file_atomic(dir / "link.json", "new").empty());
    CHECK(is_symlink(dir / "link.json"));
    CHECK(read_text_file(dir / "real.json") == "new");
    CHECK(mode_of(dir / "real.json") == 0600);
    // A dangling link: its target is created.
    REQUIRE(::symlink("later.json", (dir / "dangling.json").c_str()) == 0);
    REQUIRE(write_file_atomic(dir / "dangling.json", "made").empty());
    CHECK(is_symlink(dir / "dangling.json"));
    CHECK(read_text_file(dir / "later.json") == "made");
    CHECK(dir.names() == std::vector<std::string>{"dangling.json", "later.json", "link.json", "real.json"});
}

TEST_CASE("a symlink planted where a temporary file could go is never followed") {
    TempDir dir;
    REQUIRE(write_file_atomic(dir / "victim", "precious").empty());
    // The name an older benchgate would have used for this process's temporary file.
    const std::string planted = dir / ("out.json.tmp." + std::to_string(::getpid()));
    REQUIRE(::symlink((dir / "victim").c_str(), planted.c_str()) == 0);
    REQUIRE(write_file_atomic(dir / "out.json", "baseline").empty());
    CHECK(read_text_file(dir / "victim") == "precious");
    CHECK_FALSE(is_symlink(dir / "out.json"));
    CHECK(read_text_file(dir / "out.json") == "baseline");
    CHECK(is_symlink(planted));  // not ours to remove: it is not a regular file
}

TEST_CASE("temporary files of dead writers are removed, a live writer's are kept") {
    TempDir dir;
    const std::string dead = dir / "run.json.tmp.0123456789abcdef";
    const std::string live = dir / "run.json.tmp.fedcba9876543210";
    const std::string other = dir / "other.json.tmp.0123456789abcdef";
    for (const auto& p : {dead, live, other}) REQUIRE(write_file_atomic(p, "partial").empty());
    const int holder = ::open(live.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(holder >= 0);
    REQUIRE(::flock(holder, LOCK_EX) == 0);  // as a writer holds its temporary file
    REQUIRE(write_file_atomic(dir / "run.json", "whole").empty());
    ::close(holder);
    CHECK(dir.names() == std::vector<std::string>{"other.json.tmp.0123456789abcdef", "run.json",
                                                  "run.json.tmp.fedcba9876543210"});
}

TEST_CASE("what is not a regular file is written in place, a directory is refused") {
    TempDir dir;
    REQUIRE(::symlink("/dev/null", (dir / "null.json").c_str()) == 0);
    CHECK(write_file_atomic(dir / "null.json", "discarded").empty());
    struct stat st;
    REQUIRE(::stat("/dev/null", &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
    REQUIRE(::mkdir((dir / "sub").c_str(), 0755) == 0);
    CHECK(write_file_atomic(dir / "sub", "x").find("Is a directory") != std::string::npos);
    CHECK(write_file_atomic(dir / "no/such/dir/x.json", "x").rfind("cannot write " + (dir / "no/such/dir/x.json") + ":", 0) == 0);
    CHECK(write_file_atomic(dir / "null.json/x", "x").find("Not a directory") != std::string::npos);
    ::rmdir((dir / "sub").c_str());
}

TEST_CASE("check_writable finds, before any measuring, what a write would fail on") {
    TempDir dir;
    CHECK(check_writable("-").empty());
    CHECK(check_writable(dir / "new.json").empty());
    CHECK(dir.names().empty());  // the probe leaves nothing
    REQUIRE(write_file_atomic(dir / "file", "x").empty());
    CHECK(check_writable(dir / "file").empty());
    CHECK(check_writable(dir / "file/x.json").find("Not a directory") != std::string::npos);
    CHECK(check_writable(dir / "missing/x.json").find("No such file") != std::string::npos);
    CHECK(check_writable(dir.path).find("Is a directory") != std::string::npos);
    CHECK(check_writable("/dev/null").empty());
    CHECK(dir.names() == std::vector<std::string>{"file"});
}

TEST_CASE("invalid UTF-8 in a name is written as U+FFFD and reads back") {
    std::string out;
    json_escape(out, "a\xff\xfe" "b\xe2\x82" "c\xc3\xa9\xf0\x9f\x98\x80\"\\\n\t");
    CHECK(out == "\"a\xEF\xBF\xBD\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xc3\xa9\xf0\x9f\x98\x80\\\"\\\\\\n\\t\"");
    CHECK(is_valid_utf8(out));

    RunResult run;
    run.created = "2026-11-28T04:00:00Z";
    BenchmarkResult b;
    b.name = "bad\xff\xfe/name";
    b.samples = {1, 2, 3};
    b.iterations = {1, 1, 1};
    b.rounds = {0, 0, 0};
    b.counters.push_back({"count\xff", 1.0, false});
    summarize(b);
    run.benchmarks.push_back(b);
    const LoadedRun loaded = parse_run(to_json(run), "run");
    REQUIRE(loaded.ok());
    CHECK(loaded.run.benchmarks.at(0).name == to_valid_utf8(b.name));
    CHECK(loaded.run.benchmarks.at(0).counters.at(0).name == "count\xEF\xBF\xBD");
}

namespace {
// Lowers files::wait_limit_s() for one test.
struct ShortWaits {
    double saved = files::wait_limit_s();
    explicit ShortWaits(double s) { files::wait_limit_s() = s; }
    ~ShortWaits() { files::wait_limit_s() = saved; }
};
double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

TEST_CASE("a FIFO nobody reads: the write gives up after the wait limit with one line, nothing blocks") {
    TempDir d;
    const std::string fifo = d / "out.json";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const ShortWaits limit(0.3);
    CHECK(check_writable(fifo).empty());  // a reader may come while the run measures
    const auto start = std::chrono::steady_clock::now();
    const std::string err = write_file_atomic(fifo, "{}");
    CHECK(seconds_since(start) < 3.0);
    CHECK(err == "cannot write " + fifo + ": it is a FIFO that nobody opened for reading within 0.3 s");
    // A reader that opens it but never reads: the write fills the pipe, then gives up.
    const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    REQUIRE(reader >= 0);
    const auto again = std::chrono::steady_clock::now();
    CHECK(write_file_atomic(fifo, std::string(4 << 20, 'x')) == "cannot write " + fifo + ": its reader took nothing for 0.3 s");
    CHECK(seconds_since(again) < 3.0);
    ::close(reader);
    CHECK(d.names() == std::vector<std::string>{"out.json"});
}

TEST_CASE("a FIFO whose reader closes it: EPIPE as one line, not the end of the process by SIGPIPE") {
    TempDir d;
    const std::string fifo = d / "out.json";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    REQUIRE(reader >= 0);
    const int writer_probe = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);  // keeps the reader from seeing EOF early
    ::close(reader);
    const std::string err = write_file_atomic(fifo, "{}");
    CHECK(err.find("cannot write " + fifo + ": ") == 0);
    if (writer_probe >= 0) ::close(writer_probe);
}

TEST_CASE("reading a FIFO: a writer's text is read; a silent one ends after the wait limit; never an open that blocks") {
    TempDir d;
    const std::string fifo = d / "in.json";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const ShortWaits limit(0.3);
    auto start = std::chrono::steady_clock::now();
    InputFile silent = read_input_file(fifo);
    CHECK(seconds_since(start) < 3.0);
    CHECK(silent.error == "cannot read " + fifo + ": it is a FIFO that nothing was written to for 0.3 s");
    // Refused unread where only a regular file may be (history entries, a bench binary's baseline).
    start = std::chrono::steady_clock::now();
    CHECK(read_input_file(fifo, max_input_bytes, true).error == "cannot read " + fifo + ": it is a FIFO, not a regular file");
    CHECK(read_run_file(fifo, false, true).error == "cannot read " + fifo + ": it is a FIFO, not a regular file");
    CHECK(seconds_since(start) < 0.2);
    CHECK(read_text_file(fifo).empty());
    // A writer: its text, whole.
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const int fd = ::open(fifo.c_str(), O_WRONLY);
        (void)!::write(fd, "{\"a\":", 5);
        ::usleep(100000);
        (void)!::write(fd, "1}", 2);
        ::_exit(0);
    }
    const InputFile got = read_input_file(fifo);
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(got.error.empty());
    CHECK(got.text == "{\"a\":1}");
}

TEST_CASE("waits end at SIGTERM when it is blocked (as while outputs are written) and record it") {
    TempDir d;
    const std::string fifo = d / "out.json";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const ShortWaits limit(20);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        sigset_t term;
        sigemptyset(&term);
        sigaddset(&term, SIGTERM);
        ::sigprocmask(SIG_BLOCK, &term, nullptr);
        const std::string err = write_file_atomic(fifo, "{}");
        ::_exit(err.find("interrupted") != std::string::npos && interrupted() == SIGTERM ? 42 : 1);
    }
    ::usleep(200000);
    const auto start = std::chrono::steady_clock::now();
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(seconds_since(start) < 2.0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 42);
}

TEST_CASE("work directories: removed by their owner; one a killed process left is removed by the next process") {
    TempDir d;
    const char* old = std::getenv("TMPDIR");
    const std::string saved = old ? old : "";
    ::setenv("TMPDIR", d.path.c_str(), 1);
    std::string kept;
    {
        files::WorkDir w;
        REQUIRE(make_work_dir("benchgate-confirm-", w).empty());
        kept = w.path;
        std::ofstream(w.path + "/result.json") << "x";
        remove_dead_work_dirs();  // held: left alone
        CHECK(::access((w.path + "/result.json").c_str(), F_OK) == 0);
    }
    CHECK(::access(kept.c_str(), F_OK) != 0);
    // A process killed while holding one (SIGKILL: no destructor runs).
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        static files::WorkDir w;
        if (!make_work_dir("benchgate-confirm-", w).empty()) ::_exit(1);
        std::ofstream(w.path + "/result.json") << "x";
        ::raise(SIGKILL);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(d.names().size() == 1);
    CHECK(d.names()[0].rfind("benchgate-confirm-", 0) == 0);
    ::mkdir((d / "benchgate-unrelated").c_str(), 0700);
    remove_dead_work_dirs();
    CHECK(d.names() == std::vector<std::string>{"benchgate-unrelated"});
    ::rmdir((d / "benchgate-unrelated").c_str());
    if (old) ::setenv("TMPDIR", saved.c_str(), 1);
    else ::unsetenv("TMPDIR");
}

TEST_CASE("work directories: the files earlier versions left (benchgate-confirm-XXXXXX) are removed after an hour") {
    // Earlier versions wrote a fresh process's result to a regular file of that name and could
    // leave it behind; such a file written an hour ago or more is one nobody is using any more.
    TempDir d;
    const char* old = std::getenv("TMPDIR");
    const std::string saved = old ? old : "";
    ::setenv("TMPDIR", d.path.c_str(), 1);
    auto make = [&](const std::string& name, bool aged) {
        std::ofstream(d / name) << "{}";
        if (!aged) return;
        const struct timespec times[2] = {{::time(nullptr) - 3700, 0}, {::time(nullptr) - 3700, 0}};
        REQUIRE(::utimensat(AT_FDCWD, (d / name).c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
    };
    make("benchgate-confirm-Ab12Cd", true);   // removed
    make("benchgate-confirm-x_Z9-q", true);   // removed
    make("benchgate-confirm-Fresh1", false);  // written just now: perhaps in use
    make("benchgate-confirm-Ab12Cde", true);  // not the old pattern: 7 characters
    make("benchgate-confirm-Ab12C", true);    // 5
    make("benchgate-callgrind-Ab12Cd", true);  // not a name earlier versions used for a file
    REQUIRE(::mkfifo((d / "benchgate-confirm-Fifo01").c_str(), 0600) == 0);  // not a regular file
    REQUIRE(::symlink((d / "benchgate-confirm-Ab12Cde").c_str(), (d / "benchgate-confirm-Link01").c_str()) == 0);
    const struct timespec aged[2] = {{::time(nullptr) - 3700, 0}, {::time(nullptr) - 3700, 0}};
    REQUIRE(::utimensat(AT_FDCWD, (d / "benchgate-confirm-Fifo01").c_str(), aged, 0) == 0);
    REQUIRE(::utimensat(AT_FDCWD, (d / "benchgate-confirm-Link01").c_str(), aged, AT_SYMLINK_NOFOLLOW) == 0);
    std::vector<std::string> kept = {"benchgate-callgrind-Ab12Cd", "benchgate-confirm-Ab12C", "benchgate-confirm-Ab12Cde",
                                     "benchgate-confirm-Fifo01", "benchgate-confirm-Fresh1", "benchgate-confirm-Link01"};
    if (::geteuid() == 0) {  // another user's file is left alone (only root can make one here)
        make("benchgate-confirm-Other1", true);
        REQUIRE(::chown((d / "benchgate-confirm-Other1").c_str(), 65534, 65534) == 0);
        kept.push_back("benchgate-confirm-Other1");
    }
    remove_dead_work_dirs();
    std::vector<std::string> names = d.names();
    std::sort(names.begin(), names.end());
    std::sort(kept.begin(), kept.end());
    CHECK(names == kept);
    if (old) ::setenv("TMPDIR", saved.c_str(), 1);
    else ::unsetenv("TMPDIR");
}

namespace {
RunResult tiny_run(const std::string& created, const std::string& commit) {
    RunResult run;
    run.created = created;
    run.context.host = "h";
    run.context.commit = commit;
    BenchmarkResult b;
    b.name = "a";
    b.samples = {1.0, 1.1, 0.9, 1.0, 1.05};
    b.iterations.assign(5, 1);
    summarize(b);
    run.benchmarks = {b};
    return run;
}
}  // namespace

TEST_CASE("retention keeps the run just added: two runs in one second, and one older than those kept") {
    TempDir d;
    const std::string h = d / "h";
    history::Settings keep1;
    keep1.keep = 1;
    // b's commit sorts before a's: by name alone, b would be the older run of that second.
    const history::Added a = history::add(h, tiny_run("2026-12-01T10:00:00Z", "ffff"), keep1);
    REQUIRE(a.error.empty());
    const history::Added b = history::add(h, tiny_run("2026-12-01T10:00:00Z", "0000"), keep1);
    REQUIRE(b.error.empty());
    CHECK(b.removed == std::vector<std::string>{a.file});
    history::Loaded loaded = history::load(h);
    REQUIRE(loaded.entries.size() == 1);
    CHECK(loaded.entries[0].file == b.file);
    CHECK(loaded.entries[0].run.context.commit == "0000");
    // An addition older than what is kept is still the newest addition: it stays.
    const history::Added old = history::add(h, tiny_run("2026-11-01T10:00:00Z", "aaaa"), keep1);
    REQUIRE(old.error.empty());
    CHECK(old.removed == std::vector<std::string>{b.file});
    loaded = history::load(h);
    REQUIRE(loaded.entries.size() == 1);
    CHECK(loaded.entries[0].file == old.file);
    // Three in one second, keep 2: the two added last.
    history::Settings keep2;
    keep2.keep = 2;
    const std::string h2 = d / "h2";
    std::vector<std::string> files;
    for (const char* commit : {"cccc", "bbbb", "aaaa"}) {
        const history::Added x = history::add(h2, tiny_run("2026-12-01T10:00:00Z", commit), keep2);
        REQUIRE(x.error.empty());
        files.push_back(x.file);
    }
    loaded = history::load(h2);
    REQUIRE(loaded.entries.size() == 2);
    CHECK(loaded.entries[0].file == files[1]);
    CHECK(loaded.entries[1].file == files[2]);
    for (const std::string& dir : {h, h2}) {
        DIR* dd = ::opendir(dir.c_str());
        std::vector<std::string> names;
        while (const dirent* e = ::readdir(dd)) names.emplace_back(e->d_name);
        ::closedir(dd);
        for (const auto& n : names)
            if (n != "." && n != "..") ::unlink((dir + "/" + n).c_str());
        ::rmdir(dir.c_str());
    }
}

TEST_CASE("a FIFO named like a history entry is refused at once by every reader, with one line naming it") {
    TempDir d;
    const std::string h = d / "h";
    REQUIRE(history::add(h, tiny_run("2026-12-01T10:00:00Z", "ffff"), history::Settings{}).error.empty());
    const std::string fifo = h + "/20991231T235959Z-nocommit-0c3e9a71.json";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto start = std::chrono::steady_clock::now();
    const history::Loaded loaded = history::load(h);
    CHECK(seconds_since(start) < 1.0);
    CHECK(loaded.error == "cannot read " + fifo + ": it is a FIFO, not a regular file");
    ::unlink(fifo.c_str());
    // A FIFO as the marker: not a history, at once.
    const std::string marker = h + "/" + history::marker_name;
    ::unlink(marker.c_str());
    REQUIRE(::mkfifo(marker.c_str(), 0600) == 0);
    CHECK(history::load(h).error.find("not a benchgate history marker") != std::string::npos);
    DIR* dd = ::opendir(h.c_str());
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(dd)) names.emplace_back(e->d_name);
    ::closedir(dd);
    for (const auto& n : names)
        if (n != "." && n != "..") ::unlink((h + "/" + n).c_str());
    ::rmdir(h.c_str());
}
