// benchgate: whole-file reads and crash-safe, race-safe writes.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard.hpp"

namespace benchgate::detail {

namespace files {

// The longest benchgate waits for the other end of a FIFO, pipe or terminal: for a reader to
// open a FIFO it writes, for a reader to take more of what it writes, for a writer to send
// more of what it reads. Every such wait also ends at SIGINT or SIGTERM. Tests shorten it.
inline double& wait_limit_s() {
    static double limit = 30.0;
    return limit;
}

inline std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g s", s);
    return buf;
}

// Waits until `fd` is ready for `events` (POLLIN or POLLOUT) or hung up, in slices of 50 ms
// so that an interrupt ends the wait. "" when ready (the next read or write tells what
// happened), "interrupted", or "timeout" after wait_limit_s() seconds.
inline std::string wait_ready(int fd, short events) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait_limit_s());
    for (;;) {
        if (interrupt_requested()) return "interrupted";
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, 50);
        if (n > 0) return {};
        if (n < 0 && errno != EINTR) return std::strerror(errno);
        if (std::chrono::steady_clock::now() >= deadline) return "timeout";
    }
}

// What a file that is neither a regular file nor a directory is, for messages.
inline const char* kind_of(mode_t mode) {
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISDIR(mode)) return "a directory";
    return "not a regular file";
}

inline std::string dir_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

inline std::string base_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The file a write to `path` lands on: symbolic links are followed to their final name (a
// dangling link's target is what gets created), so a symlinked baseline stays a symlink and
// its target is replaced. Returns "" and sets `out`, or the reason.
inline std::string resolve(const std::string& path, std::string& out) {
    std::string p = path;
    for (int hops = 0; hops < 40; ++hops) {
        struct stat st;
        if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) {
            out = p;
            return {};
        }
        std::vector<char> buf(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 255) + 1);
        const ssize_t n = ::readlink(p.c_str(), buf.data(), buf.size());
        if (n < 0) return std::strerror(errno);
        if (static_cast<std::size_t>(n) == buf.size()) continue;  // grew meanwhile: read it again
        const std::string link(buf.data(), static_cast<std::size_t>(n));
        p = (link.empty() || link[0] == '/') ? link : dir_of(p) + "/" + link;
    }
    return std::strerror(ELOOP);
}

// 64 random bits for a temporary name: unique across processes, PID namespaces and hosts
// that share a volume, and not guessable by someone planting a file in the directory.
inline std::string random_suffix() {
    std::uint64_t r = 0;
    if (::getrandom(&r, sizeof r, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof r)) {
        static std::uint64_t counter = 0;
        r = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
            (static_cast<std::uint64_t>(::getpid()) << 32) ^ (++counter * 0x9e3779b97f4a7c15ULL) ^
            reinterpret_cast<std::uintptr_t>(&r);
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(r));
    return buf;
}

inline bool write_all(int fd, const std::string& content) {
    const char* p = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return true;
}

inline bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

// The names in the directory `dirfd` that `keep` accepts (its own descriptor is left open).
template <class Keep>
inline std::vector<std::string> names_in(int dirfd, Keep&& keep) {
    std::vector<std::string> names;
    const int scan = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (scan < 0) return names;
    DIR* d = ::fdopendir(scan);
    if (!d) {
        ::close(scan);
        return names;
    }
    while (const dirent* e = ::readdir(d))
        if (keep(e->d_name)) names.emplace_back(e->d_name);
    ::closedir(d);
    return names;
}

// Temporary files of earlier writes to `base` whose writer died (SIGKILL, power loss). A
// writer holds an exclusive flock on its temporary file for as long as the name exists, so a
// lock we can take belongs to a dead writer (or to one that has renamed it away already).
inline void remove_dead_temporaries(int dirfd, const std::string& base) {
    const std::string prefix = base + ".tmp.";
    const std::vector<std::string> names =
        names_in(dirfd, [&](const char* name) { return std::strncmp(name, prefix.c_str(), prefix.size()) == 0; });
    for (const auto& n : names) {
        const int fd = ::openat(dirfd, n.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) continue;
        struct stat held, named;
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::fstat(fd, &held) == 0 && S_ISREG(held.st_mode) &&
            ::fstatat(dirfd, n.c_str(), &named, AT_SYMLINK_NOFOLLOW) == 0 && same_file(held, named))
            ::unlinkat(dirfd, n.c_str(), 0);
        ::close(fd);
    }
}

// An open, exclusively locked temporary file in the directory `dirfd`. With O_TMPFILE it has
// no name until it is complete (a writer killed before then leaves nothing behind); elsewhere
// it is created under a fresh random name with O_EXCL | O_NOFOLLOW, so a planted file or
// symlink is never opened and two writers never share one. Going out of scope closes both
// descriptors and removes the file if it still has its temporary name.
struct Temp {
    int fd = -1;
    bool named = false;
    std::string name;
    int dirfd = -1;

    Temp() = default;
    Temp(const Temp&) = delete;
    Temp& operator=(const Temp&) = delete;
    ~Temp() {
        if (named) ::unlinkat(dirfd, name.c_str(), 0);
        if (fd >= 0) ::close(fd);
        if (dirfd >= 0) ::close(dirfd);
    }
};

inline std::string open_temp(const std::string& base, Temp& t) {
    const int dirfd = t.dirfd;
#ifdef O_TMPFILE
    if (::access("/proc/self/fd", X_OK) == 0) {
        t.fd = ::openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
        if (t.fd >= 0) {
            ::flock(t.fd, LOCK_EX);
            return {};
        }
        if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOENT) return std::strerror(errno);
    }
#endif
    for (int attempt = 0; attempt < 100; ++attempt) {
        t.name = base + ".tmp." + random_suffix();
        t.fd = ::openat(dirfd, t.name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (t.fd < 0) {
            if (errno == EEXIST) continue;
            return std::strerror(errno);
        }
        // Between the create and the lock a cleaner may have taken the unlocked name for a
        // dead writer's and removed it: then start again under another name.
        ::flock(t.fd, LOCK_EX);
        struct stat held, named;
        if (::fstat(t.fd, &held) == 0 && ::fstatat(dirfd, t.name.c_str(), &named, AT_SYMLINK_NOFOLLOW) == 0 &&
            same_file(held, named)) {
            t.named = true;
            return {};
        }
        ::close(t.fd);
        t.fd = -1;
    }
    return "cannot create a temporary file";
}

// Gives a complete O_TMPFILE file its temporary name (the lock stays held).
inline std::string name_temp(const std::string& base, Temp& t) {
    const int dirfd = t.dirfd;
    if (t.named) return {};
    const std::string self = "/proc/self/fd/" + std::to_string(t.fd);
    for (int attempt = 0; attempt < 100; ++attempt) {
        t.name = base + ".tmp." + random_suffix();
        if (::linkat(AT_FDCWD, self.c_str(), dirfd, t.name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
            t.named = true;
            return {};
        }
        if (errno != EEXIST) return std::strerror(errno);
    }
    return "cannot name the temporary file";
}

// Where a write to `path` lands (symlinks followed) and what is there now. "" or the reason;
// a directory is refused.
struct Landing {
    std::string target;
    struct stat old {};
    bool exists = false;
    bool in_place() const { return exists && !S_ISREG(old.st_mode); }
};

inline std::string locate(const std::string& path, Landing& l) {
    if (std::string err = resolve(path, l.target); !err.empty()) return err;
    l.exists = ::stat(l.target.c_str(), &l.old) == 0;
    if (l.exists && S_ISDIR(l.old.st_mode)) return std::strerror(EISDIR);
    return {};
}

// Opens the target's directory and a temporary file in it (see open_temp); with
// `clean_dead`, first removes the temporary files that dead writers of the same target left.
inline std::string open_temp_beside(const std::string& target, Temp& t, bool clean_dead) {
    t.dirfd = ::open(dir_of(target).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (t.dirfd < 0) return std::strerror(errno);
    const std::string base = base_of(target);
    if (clean_dead) remove_dead_temporaries(t.dirfd, base);
    return open_temp(base, t);
}

// SIGPIPE blocked for as long as this lives, and one it raised taken before it is unblocked:
// a reader that goes away is then EPIPE, a one-line error, not the end of the process.
class NoSigpipe {
public:
    NoSigpipe() {
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        sigset_t pending;
        sigemptyset(&pending);
        was_pending_ = ::sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE);
        ::pthread_sigmask(SIG_BLOCK, &pipe, &old_);
    }
    ~NoSigpipe() {
        sigset_t pending;
        sigemptyset(&pending);
        if (!was_pending_ && ::sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE)) {
            sigset_t pipe;
            sigemptyset(&pipe);
            sigaddset(&pipe, SIGPIPE);
            const timespec now{};
            ::sigtimedwait(&pipe, nullptr, &now);
        }
        ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    NoSigpipe(const NoSigpipe&) = delete;
    NoSigpipe& operator=(const NoSigpipe&) = delete;

private:
    sigset_t old_;
    bool was_pending_ = false;
};

// Writes to what is not a regular file (a FIFO, /dev/null, a terminal) in place: renaming
// over it would replace the device node. Nothing here blocks: the file is opened with
// O_NONBLOCK (a FIFO nobody reads is retried every 50 ms), and a full pipe is waited on with
// wait_ready; each wait ends after wait_limit_s() or at SIGINT or SIGTERM.
inline std::string write_in_place(const std::string& target, const std::string& content) {
    int fd = -1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait_limit_s());
    for (;;) {
        fd = ::open(target.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (fd >= 0) break;
        if (errno == EINTR) continue;
        if (errno != ENXIO) return std::strerror(errno);
        // ENXIO: a FIFO that nobody has open for reading (yet).
        if (interrupt_requested()) return "interrupted while waiting for a reader of the FIFO";
        if (std::chrono::steady_clock::now() >= deadline)
            return "it is a FIFO that nobody opened for reading within " + seconds_text(wait_limit_s());
        ::poll(nullptr, 0, 50);
    }
    const NoSigpipe no_sigpipe;
    const char* p = content.data();
    std::size_t left = content.size();
    std::string err;
    while (left > 0 && err.empty()) {
        const ssize_t n = ::write(fd, p, left);
        if (n > 0) {
            p += n;
            left -= static_cast<std::size_t>(n);
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            const std::string waited = wait_ready(fd, POLLOUT);
            if (waited == "timeout") err = "its reader took nothing for " + seconds_text(wait_limit_s());
            else if (waited == "interrupted") err = "interrupted while waiting for its reader";
            else err = waited;
        } else if (n < 0 && errno == EPIPE) {
            err = "its reader closed it before everything was written";
        } else if (n < 0 && errno != EINTR) {
            err = std::strerror(errno);
        }
    }
    ::close(fd);
    return err;
}

// Directories of short-lived files (a fresh process's result, callgrind's dumps) in the
// temporary directory: `prefix`-XXXXXX, held under an exclusive flock of the directory itself
// for as long as it exists, so that a lock anyone can take belongs to a process that died
// (SIGKILL) without removing it, and any later benchgate process removes it (remove_dead_work_dirs).
// Going out of scope removes the files in it and the directory.
struct WorkDir {
    std::string path;
    int fd = -1;

    WorkDir() = default;
    WorkDir(const WorkDir&) = delete;
    WorkDir& operator=(const WorkDir&) = delete;
    ~WorkDir() { remove(); }
    void remove();
};

// Removes the files directly in the directory `fd` (the work directories hold no others).
inline void empty_dir(int fd) {
    for (const auto& n : names_in(fd, [](const char* name) { return std::strcmp(name, ".") != 0 && std::strcmp(name, "..") != 0; }))
        ::unlinkat(fd, n.c_str(), 0);
}

inline void WorkDir::remove() {
    if (fd < 0) return;
    empty_dir(fd);
    ::rmdir(path.c_str());
    ::close(fd);  // releases the lock
    fd = -1;
}

// The prefixes of every work directory benchgate makes (make_work_dir's `prefix`).
inline const char* const work_dir_prefixes[] = {"benchgate-confirm-", "benchgate-callgrind-"};


}  // namespace files

// Writes `content` to `path` so that readers and later runs see the old file or the new one,
// whole, whatever happens meanwhile: a temporary file in the target's directory (see
// files::open_temp), written, given the old file's mode and owner, flushed to disk, renamed
// over the target, and the directory flushed so that the rename survives a crash. A symlink
// at `path` stays one and its target is replaced. Temporary files of writers that died while
// writing the same target are removed first. "-" writes to standard output. Returns "" or a
// one-line description of the failure.
inline std::string write_file_atomic(const std::string& path, const std::string& content) {
    if (path == "-") {
        if (std::fwrite(content.data(), 1, content.size(), stdout) != content.size() || std::fflush(stdout) != 0)
            return "cannot write to standard output";
        return {};
    }
    const auto fail = [&](const std::string& why) { return "cannot write " + path + ": " + why; };
    files::Landing at;
    if (std::string err = files::locate(path, at); !err.empty()) return fail(err);
    if (at.in_place()) {
        const std::string err = files::write_in_place(at.target, content);
        return err.empty() ? err : fail(err);
    }
    files::Temp t;
    std::string err = files::open_temp_beside(at.target, t, true);
    if (err.empty() && !files::write_all(t.fd, content)) err = std::strerror(errno);
    if (err.empty() && at.exists) {
        // The new file keeps the old one's permissions (and owner, where we may set it).
        if (::fchmod(t.fd, at.old.st_mode & 07777) != 0) err = std::strerror(errno);
        // Only root may give a file away, so keeping the owner is best effort.
        [[maybe_unused]] const int chown_result = ::fchown(t.fd, at.old.st_uid, at.old.st_gid);
    }
    if (err.empty() && ::fsync(t.fd) != 0) err = std::strerror(errno);
    const std::string base = files::base_of(at.target);
    if (err.empty()) err = files::name_temp(base, t);
    if (err.empty() && ::renameat(t.dirfd, t.name.c_str(), t.dirfd, base.c_str()) != 0) err = std::strerror(errno);
    if (err.empty()) {
        t.named = false;  // renamed: nothing left to remove
        // The rename is durable once the directory is; EINVAL: a file system without directory fsync.
        if (::fsync(t.dirfd) != 0 && errno != EINVAL && errno != EROFS) err = std::strerror(errno);
    }
    return err.empty() ? err : fail(err);
}

// Checks, before any measuring, that `path` can be written as write_file_atomic writes it:
// its directory exists and takes a new file, and it is not a directory. "" or the reason.
inline std::string check_writable(const std::string& path) {
    if (path == "-") return {};
    const auto fail = [&](const std::string& why) { return "cannot write " + path + ": " + why; };
    files::Landing at;
    if (std::string err = files::locate(path, at); !err.empty()) return fail(err);
    if (at.in_place()) {
        const int fd = ::open(at.target.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (fd < 0 && errno != ENXIO) return fail(std::strerror(errno));  // ENXIO: a FIFO nobody reads yet
        if (fd >= 0) ::close(fd);
        return {};
    }
    files::Temp t;
    const std::string err = files::open_temp_beside(at.target, t, false);
    return err.empty() ? err : fail(err);
}

// The directory for short-lived files: $TMPDIR when set, else /tmp.
inline std::string temporary_directory() {
    const char* tmpdir = std::getenv("TMPDIR");
    return tmpdir && *tmpdir ? tmpdir : "/tmp";
}

// A regular file's text, "" when it cannot be read or is not a regular file (a FIFO planted
// under the name is opened without blocking and left unread).
inline std::string read_text_file(const std::string& path) {
    std::string out;
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return out;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        char buf[8192];
        for (;;) {
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            out.append(buf, static_cast<std::size_t>(n));
        }
    }
    ::close(fd);
    return out;
}

// Creates a work directory (see files::WorkDir) named `prefix` + 6 random characters in the
// temporary directory. "" or the reason.
inline std::string make_work_dir(const std::string& prefix, files::WorkDir& w) {
    const std::string tmp = temporary_directory();
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::string path = tmp + "/" + prefix + "XXXXXX";
        if (!::mkdtemp(path.data())) return "cannot create a temporary directory in " + tmp + ": " + std::strerror(errno);
        const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) return "cannot open " + path + ": " + std::strerror(errno);
        // Between mkdtemp and the lock another process may have taken the unlocked directory
        // for a dead one's and removed it: then make another.
        ::flock(fd, LOCK_EX);
        struct stat held, named;
        if (::fstat(fd, &held) == 0 && ::lstat(path.c_str(), &named) == 0 && files::same_file(held, named)) {
            w.path = path;
            w.fd = fd;
            return {};
        }
        ::close(fd);
    }
    return "cannot create a temporary directory in " + tmp;
}

// Removes the work directories (files::WorkDir) in the temporary directory whose process died
// without removing them: ours (same owner), with a lock we can take. Every bench binary and
// every benchgate command calls it once at start. Also removes what earlier versions of
// benchgate left there: a regular file named benchgate-confirm- and 6 characters (mkstemp's),
// ours, last written an hour ago or more. Such a file held a fresh process's result, written
// and read within seconds; nothing locks it, so its age is what says that nobody uses it.
inline void remove_dead_work_dirs() {
    const std::string tmp = temporary_directory();
    const int dirfd = ::open(tmp.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) return;
    const std::vector<std::string> names = files::names_in(dirfd, [](const char* name) {
        for (const char* prefix : files::work_dir_prefixes)
            if (std::strncmp(name, prefix, std::strlen(prefix)) == 0) return true;
        return false;
    });
    constexpr std::string_view old_file_prefix = "benchgate-confirm-";
    const ::time_t an_hour_ago = ::time(nullptr) - 3600;
    for (const auto& n : names) {
        struct stat st;
        if (n.size() == old_file_prefix.size() + 6 && n.compare(0, old_file_prefix.size(), old_file_prefix) == 0 &&
            ::fstatat(dirfd, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) {
            if (st.st_uid == ::geteuid() && st.st_mtime <= an_hour_ago) ::unlinkat(dirfd, n.c_str(), 0);
            continue;
        }
        const int fd = ::openat(dirfd, n.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) continue;
        struct stat held, named;
        if (::fstat(fd, &held) == 0 && held.st_uid == ::geteuid() && ::flock(fd, LOCK_EX | LOCK_NB) == 0 &&
            ::fstatat(dirfd, n.c_str(), &named, AT_SYMLINK_NOFOLLOW) == 0 && files::same_file(held, named)) {
            files::empty_dir(fd);
            ::unlinkat(dirfd, n.c_str(), AT_REMOVEDIR);
        }
        ::close(fd);
    }
    ::close(dirfd);
}

}  // namespace benchgate::detail
