// NAT traversal: ICE-style candidate pairing and connectivity checks to nomination (nat.hpp).
//
//   ./quic_nat_traversal --save-baseline nat.json
//   ./quic_nat_traversal --baseline nat.json
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "nat.hpp"

namespace {

constexpr unsigned loss_pct = 10;     // each request and each response
constexpr std::uint64_t seed_cycle = 8;  // simulated networks the benchmark cycles through

}  // namespace

// Pair priority (RFC 8445 §6.1.2.3) of every local x remote candidate combination, then the
// checklist order: the arithmetic of pairing on its own.
BENCHGATE_BENCH_P("nat/pair_priority_sort", benchgate::Params().axis("candidates", {4, 8, 16, 32})) {
    const auto n = static_cast<std::size_t>(bench.param("candidates"));
    const auto local = quic::make_candidates(0, n);
    const auto remote = quic::make_candidates(1, n);
    std::vector<std::uint64_t> prio(n * n);
    bench.throughput_elements(static_cast<double>(n * n));
    bench.run([&] {
        std::size_t k = 0;
        for (const auto& l : local)
            for (const auto& r : remote) prio[k++] = quic::pair_priority(l.priority, r.priority);
        std::sort(prio.begin(), prio.end(), [](std::uint64_t a, std::uint64_t b) { return a > b; });
        return prio[0];
    });
}

// Building the agent: pairs formed per address family, ordered, pruned (server-reflexive
// replaced by its base), capped at 100, foundations grouped and Waiting / Frozen assigned.
BENCHGATE_BENCH_P("nat/pair_formation", benchgate::Params().axis("candidates", {4, 8, 16, 32})) {
    const auto n = static_cast<std::size_t>(bench.param("candidates"));
    const auto local = quic::make_candidates(0, n);
    const auto remote = quic::make_candidates(1, n);
    bench.counter("pairs", static_cast<double>(quic::IceAgent(local, remote).pairs().size()));
    bench.run([&] {
        quic::IceAgent agent(local, remote);
        return agent.pairs().size();
    });
}

// The whole exchange with N candidates on each side: pair formation, paced checks,
// retransmissions and timeouts, simulated responses with 10% loss each way, nomination.
// Cycles through 8 simulated networks (seeds) so no single run's branch pattern is learned.
BENCHGATE_BENCH_P("nat/setup", benchgate::Params().axis("candidates", {4, 8, 16, 32})) {
    const auto n = static_cast<std::size_t>(bench.param("candidates"));
    const auto local = quic::make_candidates(0, n);
    const auto remote = quic::make_candidates(1, n);
    double transmissions = 0, sim_ms = 0, nominated = 0;
    for (std::uint64_t seed = 0; seed < seed_cycle; ++seed) {
        const quic::IceRun r = quic::run_ice(local, remote, seed, loss_pct);
        if (r.outcome == quic::IceAgent::Outcome::running) throw std::runtime_error("ICE run stalled");
        transmissions += r.transmissions;
        sim_ms += static_cast<double>(r.time_us) / 1000.0;
        nominated += r.outcome == quic::IceAgent::Outcome::nominated ? 1 : 0;
    }
    bench.counter("checks_sent", transmissions / seed_cycle);
    bench.counter("sim_ms", sim_ms / seed_cycle);
    bench.counter("nominated", nominated / seed_cycle);
    std::uint64_t seed = 0;
    bench.run([&] {
        const quic::IceRun r = quic::run_ice(local, remote, seed++ % seed_cycle, loss_pct);
        return r.nominated_priority ^ r.time_us;
    });
}
