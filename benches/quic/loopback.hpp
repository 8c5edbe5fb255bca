// Loopback-only UDP sockets for the quic_udp suite: the one place the suite makes a socket
// address, and the checked bind / connect / send wrappers every socket call goes through.
//
// The suite measures the kernel's UDP path on the loopback interface and must never put a
// datagram on a real network. So an address exists only as `loopback(family)` (127.0.0.1 or
// ::1 with a port), and bind, connect, sendto and sendmmsg are reached only through the
// wrappers below, each of which checks its address with `require_loopback` first and throws
// std::logic_error otherwise. test/integration/quic_udp.py checks, in the source, that no other
// call reaches those system calls, and, under strace where it is available, that the running
// suite binds, connects and sends to nothing else.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace quic::loopback {

enum class Family { v4, v6 };

inline const char* family_name(Family f) { return f == Family::v4 ? "v4" : "v6"; }
inline int family_domain(Family f) { return f == Family::v4 ? AF_INET : AF_INET6; }

struct Address {
    sockaddr_storage storage{};
    socklen_t length = 0;

    const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
    sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
};

// 127.0.0.0/8 or ::1, nothing else (an IPv4-mapped ::ffff:127.x is refused too: the suite never
// makes one).
inline bool is_loopback(const sockaddr* sa, socklen_t length) {
    if (sa == nullptr) return false;
    if (sa->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    return false;
}

inline const Address& require_loopback(const Address& a) {
    if (!is_loopback(a.get(), a.length))
        throw std::logic_error("quic_udp: refusing a socket address outside the loopback interface");
    return a;
}

// The family's loopback address with `port` (0: let bind choose one).
inline Address loopback(Family f, std::uint16_t port = 0) {
    Address a;
    if (f == Family::v4) {
        sockaddr_in in{};
        in.sin_family = AF_INET;
        in.sin_port = htons(port);
        in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        std::memcpy(&a.storage, &in, sizeof in);
        a.length = sizeof in;
    } else {
        sockaddr_in6 in6{};
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons(port);
        in6.sin6_addr = in6addr_loopback;
        std::memcpy(&a.storage, &in6, sizeof in6);
        a.length = sizeof in6;
    }
    return require_loopback(a);
}

// "what: strerror(errno)", for one-line errors and skip notes.
inline std::string errno_text(const std::string& what, int err = errno) { return what + ": " + std::strerror(err); }

// A UDP socket bound to the family's loopback address on a port the kernel picks. Closed by
// the destructor; `fd() < 0` with `error()` saying why when any step failed.
class Socket {
public:
    explicit Socket(Family f) : family_(f) {
        fd_ = ::socket(family_domain(f), SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) {
            error_ = errno_text(std::string("socket(") + (f == Family::v4 ? "AF_INET" : "AF_INET6") + ", SOCK_DGRAM)");
            return;
        }
        const Address any_port = loopback(f);
        if (::bind(fd_, require_loopback(any_port).get(), any_port.length) != 0) {
            error_ = errno_text(std::string("bind(") + (f == Family::v4 ? "127.0.0.1" : "[::1]") + ")");
            close();
            return;
        }
        local_.length = sizeof local_.storage;
        if (::getsockname(fd_, local_.get(), &local_.length) != 0 || !is_loopback(local_.get(), local_.length)) {
            error_ = errno_text("getsockname");
            close();
        }
    }
    ~Socket() { close(); }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    int fd() const { return fd_; }
    const std::string& error() const { return error_; }
    Family family() const { return family_; }
    const Address& local() const { return local_; }  // the bound address and port

    // Accept datagrams from `peer` only (a connected UDP socket drops everything else).
    bool connect_to(const Address& peer) {
        return ::connect(fd_, require_loopback(peer).get(), peer.length) == 0;
    }

    // Kernel socket buffers: asks for `bytes` (capped by net.core.rmem_max / wmem_max) and
    // returns what the kernel granted (Linux doubles the request for its own bookkeeping).
    int set_buffer(int option, int bytes) {
        ::setsockopt(fd_, SOL_SOCKET, option, &bytes, sizeof bytes);
        int granted = 0;
        socklen_t len = sizeof granted;
        if (::getsockopt(fd_, SOL_SOCKET, option, &granted, &len) != 0) return 0;
        return granted;
    }

    ssize_t send_to(const void* data, std::size_t size, const Address& to, int flags) {
        return ::sendto(fd_, data, size, flags, require_loopback(to).get(), to.length);
    }

    // Every `msgs[i].msg_hdr.msg_name` must be `to` itself (the caller points them at it once).
    int send_batch(mmsghdr* msgs, unsigned count, const Address& to, int flags) {
        require_loopback(to);
        for (unsigned i = 0; i < count; ++i)
            if (msgs[i].msg_hdr.msg_name != static_cast<const void*>(&to.storage) || msgs[i].msg_hdr.msg_namelen != to.length)
                throw std::logic_error("quic_udp: a batched datagram is not addressed to the checked loopback address");
        return ::sendmmsg(fd_, msgs, count, flags);
    }

private:
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    Family family_;
    int fd_ = -1;
    std::string error_;
    Address local_;
};

}  // namespace quic::loopback
