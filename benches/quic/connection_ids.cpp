// The endpoint's connection-ID routing table under lookups and churn (cid_table.hpp).
//
//   ./quic_connection_ids --save-baseline cids.json
//   ./quic_connection_ids --baseline cids.json
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "cid_table.hpp"
#include "rng.hpp"

namespace {

constexpr std::uint64_t hash_seed = 0x5157'4943'4944'5345ULL;
constexpr std::size_t ids_per_connection = 4;  // active_connection_id_limit
constexpr std::uint64_t far_future = ~std::uint64_t{0};

// A fresh random ID of 8 to 20 bytes.
quic::ConnectionId random_cid(quic::Rng& rng) {
    std::uint8_t b[quic::ConnectionId::max_len];
    const std::size_t len = 8 + rng.below(13);
    rng.fill(b, len);
    return quic::ConnectionId::from(b, len);
}

// A table of `n` IDs (n / 4 connections with 4 IDs each) and the IDs in shuffled order.
struct Populated {
    quic::CidTable table{hash_seed};
    std::vector<quic::ConnectionId> ids;

    Populated(std::size_t n, std::uint64_t seed) : table(hash_seed, n) {
        quic::Rng rng(seed);
        ids.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            const quic::ConnectionId cid = random_cid(rng);
            const auto conn = static_cast<quic::ConnectionHandle>(i / ids_per_connection);
            if (!table.insert(cid, conn, i % ids_per_connection, far_future)) {
                --i;  // a (vanishingly unlikely) duplicate: draw again
                continue;
            }
            ids.push_back(cid);
        }
        for (std::size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[rng.below(static_cast<std::uint32_t>(i))]);
    }
};

// Steady-state churn around `n` live IDs. Each step is one unit of time in which:
//   - a connection (round robin over n / 4) issues a new ID (NEW_CONNECTION_ID);
//   - even connections retire their oldest ID by RETIRE_PRIOR_TO, keeping 4 active;
//     odd connections' IDs instead lapse by expiry after 4 rounds;
//   - two packets arrive for recently issued IDs (hits) and one for an unknown ID (miss);
//   - expired IDs are swept.
// The table holds n IDs throughout; every ID lives 4 rounds, so the last 2 rounds' IDs are
// always routable.
class Churn {
public:
    Churn(std::size_t n, std::uint64_t seed)
        : table_(hash_seed, n),
          conns_(n / ids_per_connection),
          lifetime_(n),
          next_seq_(conns_, 0),
          rng_(seed),
          recent_(2 * conns_) {
        for (auto& m : misses_) m = random_cid(rng_);
        for (std::size_t i = 0; i < 2 * n; ++i) step();  // reach the steady state
        hits_ = 0;
    }

    std::uint64_t step() {
        ++now_;
        const auto conn = static_cast<quic::ConnectionHandle>(now_ % conns_);
        const quic::ConnectionId cid = random_cid(rng_);
        table_.insert(cid, conn, next_seq_[conn]++, now_ + lifetime_);
        if (conn % 2 == 0 && next_seq_[conn] > ids_per_connection)
            table_.retire_prior_to(conn, next_seq_[conn] - ids_per_connection);
        recent_[pos_] = cid;
        pos_ = pos_ + 1 == recent_.size() ? 0 : pos_ + 1;
        std::uint64_t handles = 0;
        for (int k = 0; k < 2; ++k)
            if (const auto* e = table_.find(recent_[rng_.below(static_cast<std::uint32_t>(recent_.size()))])) {
                handles += e->handle;
                ++hits_;
            }
        if (const auto* e = table_.find(misses_[now_ % misses_.size()])) handles += e->handle;
        table_.expire(now_);
        return handles;
    }

    std::size_t size() const { return table_.size(); }
    std::uint64_t hits() const { return hits_; }

private:
    quic::CidTable table_;
    std::size_t conns_;
    std::uint64_t lifetime_;
    std::vector<std::uint64_t> next_seq_;
    quic::Rng rng_;
    std::vector<quic::ConnectionId> recent_;  // the last 2 rounds' IDs, a ring
    std::size_t pos_ = 0;
    std::vector<quic::ConnectionId> misses_ = std::vector<quic::ConnectionId>(1024);
    std::uint64_t now_ = 0;
    std::uint64_t hits_ = 0;
};

}  // namespace

#define CID_TABLE_SIZES benchgate::Params().axis("size", {256, 4096, 65536})

// A packet for a known connection: the common case on a busy endpoint.
BENCHGATE_BENCH_P("cid/lookup_hit", CID_TABLE_SIZES) {
    const auto n = static_cast<std::size_t>(bench.param("size"));
    const Populated p(n, 1);
    std::size_t i = 0;
    bench.run([&] {
        const quic::CidTable::Entry* e = p.table.find(p.ids[i]);
        i = i + 1 == p.ids.size() ? 0 : i + 1;
        return e ? e->handle : ~quic::ConnectionHandle{0};
    });
}

// A packet for no connection (stray, late or forged): the path a stateless reset or an
// Initial takes.
BENCHGATE_BENCH_P("cid/lookup_miss", CID_TABLE_SIZES) {
    const auto n = static_cast<std::size_t>(bench.param("size"));
    const Populated p(n, 1);
    quic::Rng rng(2);
    std::vector<quic::ConnectionId> unknown(4096);
    for (auto& c : unknown)
        do c = random_cid(rng);
        while (p.table.find(c));
    std::size_t i = 0;
    bench.run([&] {
        const quic::CidTable::Entry* e = p.table.find(unknown[i]);
        i = (i + 1) & (unknown.size() - 1);
        return e ? e->handle : ~quic::ConnectionHandle{0};
    });
}

// One churn step (see Churn): insert, retire or expire, three lookups.
BENCHGATE_BENCH_P("cid/churn", CID_TABLE_SIZES) {
    const auto n = static_cast<std::size_t>(bench.param("size"));
    Churn churn(n, 3);
    bench.run([&] { return churn.step(); });
    bench.counter("live_ids", static_cast<double>(churn.size()));
    bench.counter("hits", static_cast<double>(churn.hits()) / static_cast<double>(bench.calls()));
}
