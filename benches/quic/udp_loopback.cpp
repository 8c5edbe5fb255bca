// UDP datagrams over the loopback interface (127.0.0.1 and ::1): the kernel's send and receive
// path a QUIC stack pays per datagram, with no NIC, no driver and no wire (docs/network.md).
//
//   ./quic_udp --save-baseline udp.json
//   ./quic_udp --baseline udp.json
//
// Each benchmark is one stream: the measuring thread sends datagrams of `size` bytes from one
// loopback socket to another, a receiver thread reads them. One iteration is one datagram,
// timed from its send until the receiver has read it (a batch of n is timed from the first send
// to the n-th datagram read), so Median/op is the time per datagram delivered and the
// Throughput column (bytes) its rate in bytes/s. Counters, per datagram sent (warm-up included):
//   delivered  the share that arrived; its rate is packets/s delivered
//   lost       the share that never arrived (dropped by the kernel, or not read within 200 ms)
//   window     the flow-control window in datagrams (see Flow)
// The receiver runs on the CPUs other than the one benchgate pins the measuring thread to, so
// sender and receiver each have a core, as two processes would (move_off_the_measuring_cpu).
// Two ways to move datagrams: `sendto`/`recvfrom` (one system call per datagram on each side)
// and `sendmmsg`/`recvmmsg` (up to 32 datagrams per send call, up to 64 per receive call).
//
// Where a family or a way cannot work (socket() refused, no ::1, seccomp, no sendmmsg) its
// benchmarks are not registered and one note on standard error says why; with none left the
// binary says so and exits 0 (own main() below), so a gate never fails for want of sockets.
#define BENCHGATE_FULL  // the whole library; main() is ours (it registers what can run)
#include <benchgate/benchgate.hpp>

#include <poll.h>
#include <sched.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "loopback.hpp"

namespace {

using quic::loopback::Address;
using quic::loopback::errno_text;
using quic::loopback::Family;
using quic::loopback::Socket;

enum class Api { plain, batched };

const char* api_name(Api api) { return api == Api::plain ? "sendto" : "sendmmsg"; }

// Datagram sizes: a small control packet, QUIC's minimum initial datagram (RFC 9000's 1200),
// and the largest IPv4 UDP payload of a 1500-byte Ethernet frame.
const std::vector<std::int64_t> sizes = {64, 1200, 1472};

constexpr unsigned send_batch = 32;  // datagrams per sendmmsg call
constexpr unsigned recv_batch = 64;  // datagrams per recvmmsg call
// Socket buffers asked for on both sockets (the kernel caps the request at
// net.core.rmem_max / wmem_max and doubles it).
constexpr int buffer_request = 1 << 20;
constexpr std::uint64_t max_window = 256;  // datagrams in flight at most
constexpr std::uint64_t min_window = send_batch;
// Waits are bounded: with no datagram read for this long, the outstanding ones count as lost.
constexpr auto stall_limit = std::chrono::milliseconds(200);
constexpr int receiver_poll_ms = 5;  // how often an idle receiver looks at its stop flag
// Samples of 10 ms (the run's default is 1 ms): 2500-5800 datagrams each here, many windows'
// worth, so a sample is the steady stream rather than a burst into an idle receiver, and a
// run's median spans more of a noisy neighbour's on and off periods.
constexpr double sample_ms = 10.0;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

bool transient(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == EINTR || err == ENOBUFS; }

// The CPUs the process could use before benchgate pinned it (read in main(), before the run).
cpu_set_t cpus_at_start;
bool cpus_known = false;

// By default benchgate pins the measuring process to one CPU (--pin auto), and a thread it starts
// inherits that. A receiver sharing the sender's CPU would measure two threads taking turns on
// one core, so the receiver moves to the other CPUs the process started with. Left alone when
// the measuring thread is not pinned to one CPU (--pin off) or when there is no other CPU.
void move_off_the_measuring_cpu() {
    cpu_set_t current;
    CPU_ZERO(&current);
    if (!cpus_known || ::sched_getaffinity(0, sizeof current, &current) != 0 || CPU_COUNT(&current) != 1) return;
    cpu_set_t others = cpus_at_start;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &current)) CPU_CLR(c, &others);
    if (CPU_COUNT(&others) > 0) ::sched_setaffinity(0, sizeof others, &others);  // 0: this thread
}

// Reads datagrams on its own thread until stopped, counting those of exactly `size` bytes
// (anything else is counted as malformed). Nonblocking reads; when the socket is empty it
// sleeps in poll() for at most receiver_poll_ms, so a stop request is seen within that time.
class Receiver {
public:
    Receiver(int fd, std::size_t size, Api api)
        : fd_(fd), size_(size), api_(api), buffers_((size + 1) * recv_batch), names_(recv_batch), iovs_(recv_batch),
          msgs_(recv_batch) {
        for (unsigned i = 0; i < recv_batch; ++i) {
            iovs_[i] = {buffers_.data() + i * (size + 1), size + 1};  // one byte more: a longer datagram shows
            msgs_[i].msg_hdr.msg_iov = &iovs_[i];
            msgs_[i].msg_hdr.msg_iovlen = 1;
        }
        thread_ = std::thread([this] { loop(); });
    }
    ~Receiver() { stop(); }
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;

    void stop() {
        stop_.store(true, std::memory_order_relaxed);
        if (thread_.joinable()) thread_.join();
    }
    std::uint64_t received() const { return received_.load(std::memory_order_acquire); }
    std::uint64_t malformed() const { return malformed_.load(std::memory_order_relaxed); }
    int error() const { return error_.load(std::memory_order_acquire); }

private:
    void loop() {
        move_off_the_measuring_cpu();
        while (!stop_.load(std::memory_order_relaxed)) {
            int got = 0;
            std::uint64_t good = 0;
            if (api_ == Api::batched) {
                for (unsigned i = 0; i < recv_batch; ++i) {
                    msgs_[i].msg_hdr.msg_name = &names_[i];
                    msgs_[i].msg_hdr.msg_namelen = sizeof names_[i];
                    msgs_[i].msg_hdr.msg_flags = 0;
                }
                got = ::recvmmsg(fd_, msgs_.data(), recv_batch, MSG_DONTWAIT, nullptr);
                for (int i = 0; i < got; ++i)
                    good += msgs_[i].msg_len == size_ && (msgs_[i].msg_hdr.msg_flags & MSG_TRUNC) == 0;
            } else {
                socklen_t name_length = sizeof names_[0];
                const ssize_t n = ::recvfrom(fd_, buffers_.data(), size_ + 1, MSG_DONTWAIT,
                                             reinterpret_cast<sockaddr*>(&names_[0]), &name_length);
                got = n < 0 ? -1 : 1;
                good = n == static_cast<ssize_t>(size_);
            }
            if (got > 0) {
                received_.fetch_add(good, std::memory_order_release);
                if (good != static_cast<std::uint64_t>(got))
                    malformed_.fetch_add(static_cast<std::uint64_t>(got) - good, std::memory_order_relaxed);
                continue;
            }
            if (got < 0 && !transient(errno)) {
                error_.store(errno, std::memory_order_release);
                return;
            }
            pollfd p{fd_, POLLIN, 0};
            ::poll(&p, 1, receiver_poll_ms);
        }
    }

    int fd_;
    std::size_t size_;
    Api api_;
    std::vector<unsigned char> buffers_;
    std::vector<sockaddr_storage> names_;
    std::vector<iovec> iovs_;
    std::vector<mmsghdr> msgs_;
    std::atomic<std::uint64_t> received_{0};
    std::atomic<std::uint64_t> malformed_{0};
    std::atomic<int> error_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

struct Totals {
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
};

// One stream from a sending socket to a receiving one, with flow control: at most `window`
// datagrams sent and not yet read. UDP has no flow control of its own: a sender that outruns
// the reader fills the receive buffer and the kernel drops the rest, which would measure drops,
// not throughput. The window is the number of datagrams the receive buffer surely holds: the
// granted SO_RCVBUF over twice a generous per-datagram charge (the kernel charges each queued
// datagram its whole buffer, payload plus about 1 KiB of bookkeeping), between 32 and 256.
class Flow {
public:
    Flow(Family family, std::size_t size, Api api)
        : api_(api), size_(size), sender_(family), receiver_socket_(family), payload_(size * send_batch, 0x5a),
          iovs_(send_batch), msgs_(send_batch) {
        if (sender_.fd() < 0) throw std::runtime_error(sender_.error());
        if (receiver_socket_.fd() < 0) throw std::runtime_error(receiver_socket_.error());
        to_ = receiver_socket_.local();
        if (!receiver_socket_.connect_to(sender_.local())) throw std::runtime_error(errno_text("connect"));
        sender_.set_buffer(SO_SNDBUF, buffer_request);
        rcvbuf_ = receiver_socket_.set_buffer(SO_RCVBUF, buffer_request);
        const std::uint64_t charge = 2 * (size + 1024);
        window_ = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(rcvbuf_) / charge, min_window, max_window);
        for (unsigned i = 0; i < send_batch; ++i) {
            iovs_[i] = {payload_.data() + i * size, size};
            msgs_[i].msg_hdr.msg_name = &to_.storage;
            msgs_[i].msg_hdr.msg_namelen = to_.length;
            msgs_[i].msg_hdr.msg_iov = &iovs_[i];
            msgs_[i].msg_hdr.msg_iovlen = 1;
        }
        receiver_ = std::make_unique<Receiver>(receiver_socket_.fd(), size, api);
    }

    std::uint64_t window() const { return window_; }

    // Sends n datagrams, never more than `window` outstanding, and returns when every one has
    // been read or written off as lost.
    void transfer(std::uint64_t n) {
        const std::uint64_t burst = api_ == Api::batched ? send_batch : 1;
        for (std::uint64_t done = 0; done < n;) {
            const std::uint64_t want = std::min(burst, n - done);
            if (outstanding() > window_ - want) wait_outstanding_at_most(window_ - want);
            int sent;
            if (api_ == Api::batched) {
                sent = sender_.send_batch(msgs_.data(), static_cast<unsigned>(want), to_, MSG_DONTWAIT);
            } else {
                const ssize_t s = sender_.send_to(payload_.data(), size_, to_, MSG_DONTWAIT);
                sent = s == static_cast<ssize_t>(size_) ? 1 : s < 0 ? -1 : 0;
                if (sent == 0) throw std::runtime_error("sendto sent " + std::to_string(s) + " of " + std::to_string(size_) + " bytes");
            }
            if (sent > 0) {
                sent_ += static_cast<std::uint64_t>(sent);
                done += static_cast<std::uint64_t>(sent);
            } else if (transient(errno)) {
                wait_send_room();
            } else {
                throw std::runtime_error(errno_text(api_ == Api::batched ? "sendmmsg" : "sendto"));
            }
        }
        wait_outstanding_at_most(0);
    }

    // Waits for the last datagrams (bounded), stops the receiver and returns the totals.
    Totals finish() {
        wait_outstanding_at_most(0);
        receiver_->stop();
        if (receiver_->error() != 0) throw std::runtime_error(errno_text("receive", receiver_->error()));
        if (receiver_->malformed() > 0)
            throw std::runtime_error(std::to_string(receiver_->malformed()) + " datagrams arrived with a size other than " +
                                     std::to_string(size_) + " bytes");
        return {sent_, receiver_->received()};
    }

private:
    // Sent and neither read nor written off. A datagram written off that turns up after all
    // (its reader was descheduled for longer than stall_limit) is taken off the write-off.
    std::uint64_t outstanding() {
        const std::uint64_t unread = sent_ - receiver_->received();
        written_off_ = std::min(written_off_, unread);
        return unread - written_off_;
    }

    void wait_outstanding_at_most(std::uint64_t limit) {
        std::uint64_t seen = receiver_->received();
        auto since = benchgate::Clock::now();
        for (std::uint64_t polls = 0; outstanding() > limit; ++polls) {
            if (polls < 256) cpu_relax();
            else sched_yield();
            if ((polls & 63) != 63) continue;
            if (receiver_->error() != 0) throw std::runtime_error(errno_text("receive", receiver_->error()));
            const std::uint64_t now_seen = receiver_->received();
            const auto now = benchgate::Clock::now();
            if (now_seen != seen) {
                seen = now_seen;
                since = now;
            } else if (now - since > stall_limit) {
                written_off_ += outstanding();  // bounded wait: the rest counts as lost
                return;
            }
        }
    }

    // The send buffer is full (rare on loopback: a datagram leaves it as it is queued at the
    // receiver): poll for room, bounded by stall_limit.
    void wait_send_room() {
        pollfd p{sender_.fd(), POLLOUT, 0};
        if (::poll(&p, 1, static_cast<int>(stall_limit.count())) == 0)
            throw std::runtime_error("the send buffer stayed full for " + std::to_string(stall_limit.count()) + " ms");
    }

    Api api_;
    std::size_t size_;
    Socket sender_;
    Socket receiver_socket_;
    Address to_;
    std::vector<unsigned char> payload_;
    std::vector<iovec> iovs_;
    std::vector<mmsghdr> msgs_;
    int rcvbuf_ = 0;
    std::uint64_t window_ = min_window;
    std::uint64_t sent_ = 0;
    std::uint64_t written_off_ = 0;
    std::unique_ptr<Receiver> receiver_;  // last: stopped before the sockets close
};

void udp_stream(benchgate::Bench& bench, Family family, Api api) {
    const auto size = static_cast<std::size_t>(bench.param("size"));
    Flow flow(family, size, api);
    bench.throughput_bytes(static_cast<double>(size));
    bench.run_custom([&flow](std::uint64_t n) {
        const auto t0 = benchgate::Clock::now();
        flow.transfer(n);
        const auto t1 = benchgate::Clock::now();
        return benchgate::to_ns(t1 - t0);
    });
    const Totals t = flow.finish();
    const double sent = static_cast<double>(std::max<std::uint64_t>(t.sent, 1));
    bench.counter("delivered", static_cast<double>(t.received) / sent, /*rate=*/true);
    bench.counter("lost", static_cast<double>(t.sent - std::min(t.received, t.sent)) / sent);
    bench.counter("window", static_cast<double>(flow.window()));
}

// "" when one datagram goes from one loopback socket of `family` to another by `api` within
// a second; otherwise why not.
std::string probe(Family family, Api api) {
    Socket from(family), to(family);
    if (from.fd() < 0) return from.error();
    if (to.fd() < 0) return to.error();
    unsigned char out[64] = {1}, in[65] = {};
    if (api == Api::plain) {
        if (from.send_to(out, sizeof out, to.local(), 0) != static_cast<ssize_t>(sizeof out)) return errno_text("sendto");
    } else {
        iovec iov{out, sizeof out};
        mmsghdr m{};
        Address target = to.local();
        m.msg_hdr.msg_name = &target.storage;
        m.msg_hdr.msg_namelen = target.length;
        m.msg_hdr.msg_iov = &iov;
        m.msg_hdr.msg_iovlen = 1;
        if (from.send_batch(&m, 1, target, 0) != 1) return errno_text("sendmmsg");
    }
    pollfd p{to.fd(), POLLIN, 0};
    const int ready = ::poll(&p, 1, 1000);
    if (ready < 0) return errno_text("poll");
    if (ready == 0) return "a datagram sent to the loopback address did not arrive within 1 s";
    ssize_t got;
    if (api == Api::plain) {
        got = ::recvfrom(to.fd(), in, sizeof in, MSG_DONTWAIT, nullptr, nullptr);
    } else {
        iovec iov{in, sizeof in};
        mmsghdr m{};
        m.msg_hdr.msg_iov = &iov;
        m.msg_hdr.msg_iovlen = 1;
        const int n = ::recvmmsg(to.fd(), &m, 1, MSG_DONTWAIT, nullptr);
        got = n == 1 ? static_cast<ssize_t>(m.msg_len) : -1;
    }
    if (got != static_cast<ssize_t>(sizeof out)) return errno_text(api == Api::plain ? "recvfrom" : "recvmmsg");
    return {};
}

// Registers the benchmarks of every family and way that works here; returns one note per
// family and way that does not.
std::vector<std::string> register_available() {
    std::vector<std::string> notes;
    benchgate::set_group("udp", benchgate::GroupSettings().with_sample_time_ms(sample_ms));
    for (Family family : {Family::v4, Family::v6})
        for (Api api : {Api::plain, Api::batched}) {
            const std::string name = std::string("udp/") + quic::loopback::family_name(family) + "/" + api_name(api);
            const std::string why = probe(family, api);
            if (!why.empty()) {
                notes.push_back(name + "/* skipped: " + why);
                continue;
            }
            benchgate::add_parameterised(name, benchgate::Params().axis("size", sizes),
                                         [family, api](benchgate::Bench& bench) { udp_stream(bench, family, api); });
        }
    return notes;
}

}  // namespace

int main(int argc, char** argv) {
    CPU_ZERO(&cpus_at_start);
    cpus_known = ::sched_getaffinity(0, sizeof cpus_at_start, &cpus_at_start) == 0;
    const std::vector<std::string> notes = register_available();
    for (const auto& note : notes) std::fprintf(stderr, "note: quic_udp: %s\n", note.c_str());
    if (benchgate::registry().empty()) {
        // Nothing can run here. Help, version, listing and bad flags behave as usual; anything
        // else (a measurement, a gate) is a skip, not a failure.
        const auto parsed = benchgate::detail::cli::parse(argc, argv);
        if (!parsed.ok() || parsed.options.help || parsed.options.version || parsed.options.list)
            return benchgate::detail::cli::main(argc, argv);
        std::fprintf(stderr, "note: quic_udp: no loopback UDP socket works here: nothing measured\n");
        return benchgate::exit_ok;
    }
    return benchgate::detail::cli::main(argc, argv);
}
