// Crash-safe writes (detail/files.hpp) and names that are not plain ASCII in the JSON writer.
#include <catch2/catch.hpp>

#define BENCHGATE_FULL
#include <benchgate/benchgate.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
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
