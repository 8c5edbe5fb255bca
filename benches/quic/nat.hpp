// Hole punching as ICE does it (RFC 8445) and QUIC NAT traversal extensions borrow it:
// candidates, candidate pairs in priority order, the Frozen / Waiting / In-Progress /
// Succeeded / Failed check states, paced connectivity checks with retransmission, and regular
// nomination by the controlling agent. The agent is sans-IO: it tells its driver what to send
// and when to wake it, and is fed responses and time. SimNetwork plays the remote peer and the
// NATs between, with deterministic pseudo-random loss.
//
// Simplifications (the remote side is simulated, not a second agent): one component, no
// triggered checks from the remote peer, no peer-reflexive discovery, one checklist.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <utility>
#include <vector>

#include "rng.hpp"
#include "sockaddr.hpp"

namespace quic {

enum class CandidateType : std::uint8_t { host, server_reflexive, peer_reflexive, relayed };

// RFC 8445 §5.1.2.2 recommended type preferences.
inline std::uint32_t type_preference(CandidateType t) {
    switch (t) {
        case CandidateType::host: return 126;
        case CandidateType::peer_reflexive: return 110;
        case CandidateType::server_reflexive: return 100;
        case CandidateType::relayed: return 0;
    }
    return 0;
}

// RFC 8445 §5.1.2.1: 2^24 type preference + 2^8 local preference + (256 - component ID).
inline std::uint32_t candidate_priority(CandidateType t, std::uint32_t local_pref, std::uint32_t component = 1) {
    return (type_preference(t) << 24) + ((local_pref & 0xffff) << 8) + (256 - component);
}

// RFC 8445 §6.1.2.3: 2^32 MIN(G, D) + 2 MAX(G, D) + (G > D ? 1 : 0), G the controlling agent's
// candidate priority, D the controlled agent's.
inline std::uint64_t pair_priority(std::uint32_t controlling, std::uint32_t controlled) {
    const std::uint64_t g = controlling, d = controlled;
    return (std::min(g, d) << 32) + 2 * std::max(g, d) + (g > d ? 1 : 0);
}

struct Candidate {
    CandidateType type = CandidateType::host;
    SocketAddr addr;
    SocketAddr base;  // the local address checks are sent from (== addr for host candidates)
    std::uint32_t priority = 0;
    std::uint32_t foundation = 0;
    std::uint8_t component = 1;
};

// Same type, same base IP, same STUN/TURN server: same foundation (RFC 8445 §5.1.1.3).
inline std::uint32_t compute_foundation(CandidateType type, const SocketAddr& base, std::uint32_t server) {
    std::uint32_t h = 2166136261u;  // FNV-1a
    auto add = [&](std::uint32_t byte) { h = (h ^ byte) * 16777619u; };
    add(static_cast<std::uint32_t>(type));
    add(base.family);
    for (std::size_t i = 0; i < (base.family == SocketAddr::v4 ? 4u : 16u); ++i) add(base.ip[i]);
    for (int i = 0; i < 4; ++i) add((server >> (8 * i)) & 0xff);
    return h;
}

enum class PairState : std::uint8_t { frozen, waiting, in_progress, succeeded, failed };

struct CandidatePair {
    static constexpr std::uint32_t no_txn = std::numeric_limits<std::uint32_t>::max();
    std::uint32_t local = 0;   // index into the agent's local candidates (a base, after pruning)
    std::uint32_t remote = 0;  // index into the remote candidates
    std::uint64_t priority = 0;
    std::uint32_t foundation = 0;  // dense index of the pair foundation (local, remote foundations)
    PairState state = PairState::frozen;
    bool nominated = false;
    std::uint8_t transmissions = 0;
    std::uint32_t txn = no_txn;
};

struct IceConfig {
    std::uint64_t ta_us = 5'000;                // pacing: one new check per Ta
    std::uint64_t rto_us = 100'000;             // first retransmission timeout, doubled after each
    unsigned max_transmissions = 4;             // then the check fails
    std::uint64_t nomination_wait_us = 150'000; // after the first valid pair, nominate the best by then
    std::size_t max_pairs = 100;                // checklist limit (RFC 8445 §6.1.2.5)
};

class IceAgent {
public:
    static constexpr std::uint64_t never = std::numeric_limits<std::uint64_t>::max();
    enum class Outcome { running, nominated, failed };
    struct Transmit {
        std::uint32_t pair;
        std::uint32_t txn;
        bool use_candidate;  // the nomination check
    };

    // Forms, orders and prunes the checklist and sets the initial states (RFC 8445 §6.1.2).
    // This agent is the controlling one.
    IceAgent(std::vector<Candidate> local, std::vector<Candidate> remote, const IceConfig& cfg = {})
        : local_(std::move(local)), remote_(std::move(remote)), cfg_(cfg) {
        form_pairs();
    }

    // Processes retransmission timers and the pacing slot due at `now`.
    void handle_timeout(std::uint64_t now) {
        while (!timers_.empty() && timers_.front().at <= now) {
            std::pop_heap(timers_.begin(), timers_.end(), later);
            const Timer t = timers_.back();
            timers_.pop_back();
            on_timer(t, now);
        }
        if (outcome_ == Outcome::running) {
            maybe_nominate(now);
            if (now >= next_check_at_ && send_next_check(now)) next_check_at_ = now + cfg_.ta_us;
        }
        update_outcome();
    }

    // A success response to transaction `txn` arrived at `now`.
    void handle_response(std::uint32_t txn, std::uint64_t now) {
        if (outcome_ != Outcome::running || txn >= txn_pair_.size()) return;
        if (txn == nomination_txn_) {
            pairs_[static_cast<std::size_t>(nominating_)].nominated = true;
            outcome_ = Outcome::nominated;
            nominated_at_ = now;
            return;
        }
        const std::uint32_t i = txn_pair_[txn];
        CandidatePair& p = pairs_[i];
        if (p.state != PairState::in_progress || p.txn != txn) return;  // late or stale
        set_state(p, PairState::succeeded);
        if (best_valid_ < 0 || static_cast<int>(i) < best_valid_) best_valid_ = static_cast<int>(i);
        if (first_success_at_ == never) first_success_at_ = now;
        // RFC 8445 §7.2.5.3.3: unfreeze the pairs that share the foundation.
        for (CandidatePair& q : pairs_)
            if (q.foundation == p.foundation && q.state == PairState::frozen) set_state(q, PairState::waiting);
        maybe_nominate(now);
    }

    // The next datagram to send, if any.
    bool poll_transmit(Transmit& out) {
        if (queue_head_ == queue_.size()) {
            queue_.clear();
            queue_head_ = 0;
            return false;
        }
        out = queue_[queue_head_++];
        return true;
    }

    // When handle_timeout next has work (never: nothing until a response arrives).
    std::uint64_t poll_timeout() {
        if (outcome_ != Outcome::running) return never;
        std::uint64_t t = timers_.empty() ? never : timers_.front().at;
        if (has_check_to_send()) t = std::min(t, next_check_at_);
        if (nominating_ < 0 && best_valid_ >= 0) t = std::min(t, first_success_at_ + cfg_.nomination_wait_us);
        return t;
    }

    Outcome outcome() const { return outcome_; }
    std::uint64_t nominated_at() const { return nominated_at_; }
    const CandidatePair* nominated_pair() const {
        return outcome_ == Outcome::nominated ? &pairs_[static_cast<std::size_t>(nominating_)] : nullptr;
    }
    const std::vector<CandidatePair>& pairs() const { return pairs_; }
    const Candidate& local(std::uint32_t i) const { return local_[i]; }
    const Candidate& remote(std::uint32_t i) const { return remote_[i]; }
    std::uint32_t transmissions() const { return transmissions_; }

private:
    struct Timer {
        std::uint64_t at;
        std::uint32_t txn;
    };
    static bool later(const Timer& a, const Timer& b) { return a.at > b.at; }

    void form_pairs() {
        // Pair every local with every remote candidate of the same component and family, with
        // a server-reflexive local candidate replaced by its base (§6.1.2.4): checks are sent
        // from the base.
        std::vector<std::uint32_t> base_of(local_.size());
        for (std::uint32_t l = 0; l < local_.size(); ++l) {
            base_of[l] = l;
            if (local_[l].type == CandidateType::server_reflexive)
                for (std::uint32_t b = 0; b < local_.size(); ++b)
                    if (local_[b].type == CandidateType::host && local_[b].addr == local_[l].base) base_of[l] = b;
        }
        pairs_.clear();
        pairs_.reserve(local_.size() * remote_.size());
        for (std::uint32_t l = 0; l < local_.size(); ++l)
            for (std::uint32_t r = 0; r < remote_.size(); ++r) {
                if (local_[l].component != remote_[r].component || local_[l].addr.family != remote_[r].addr.family)
                    continue;
                CandidatePair p;
                p.local = base_of[l];
                p.remote = r;
                p.priority = pair_priority(local_[l].priority, remote_[r].priority);
                pairs_.push_back(p);
            }
        std::stable_sort(pairs_.begin(), pairs_.end(),
                         [](const CandidatePair& a, const CandidatePair& b) { return a.priority > b.priority; });
        // Prune redundant pairs (same local base, same remote), keeping the higher priority.
        std::vector<bool> seen(local_.size() * remote_.size());
        std::size_t kept = 0;
        for (std::size_t i = 0; i < pairs_.size() && kept < cfg_.max_pairs; ++i) {
            const std::size_t key = pairs_[i].local * remote_.size() + pairs_[i].remote;
            if (seen[key]) continue;
            seen[key] = true;
            pairs_[kept++] = pairs_[i];
        }
        pairs_.resize(kept);
        // Dense foundation indices; the first (highest-priority) pair of each foundation starts
        // Waiting, the others Frozen (§6.1.2.6).
        std::vector<std::pair<std::uint64_t, std::uint32_t>> by_foundation(pairs_.size());
        for (std::uint32_t i = 0; i < pairs_.size(); ++i)
            by_foundation[i] = {static_cast<std::uint64_t>(local_[pairs_[i].local].foundation) << 32 |
                                    remote_[pairs_[i].remote].foundation,
                                i};
        std::sort(by_foundation.begin(), by_foundation.end());
        std::uint32_t f = 0;
        for (std::size_t k = 0; k < by_foundation.size(); ++k) {
            const bool first = k == 0 || by_foundation[k].first != by_foundation[k - 1].first;
            if (first && k) ++f;
            CandidatePair& p = pairs_[by_foundation[k].second];
            p.foundation = f;
            p.state = first ? PairState::waiting : PairState::frozen;
        }
        active_.assign(pairs_.empty() ? 0 : f + 1, 0);
        for (const CandidatePair& p : pairs_) {
            ++count_[static_cast<int>(p.state)];
            if (p.state == PairState::waiting) ++active_[p.foundation];
        }
        update_outcome();
    }

    void set_state(CandidatePair& p, PairState s) {
        const auto counts_active = [](PairState x) { return x == PairState::waiting || x == PairState::in_progress; };
        --count_[static_cast<int>(p.state)];
        ++count_[static_cast<int>(s)];
        if (counts_active(p.state)) --active_[p.foundation];
        if (counts_active(s)) ++active_[p.foundation];
        p.state = s;
        eligible_frozen_valid_ = false;
    }

    int count(PairState s) const { return count_[static_cast<int>(s)]; }

    // The highest-priority Frozen pair whose foundation has no Waiting or In-Progress pair.
    int eligible_frozen() {
        if (!eligible_frozen_valid_) {
            eligible_frozen_ = -1;
            if (count(PairState::frozen) > 0)
                for (std::size_t i = 0; i < pairs_.size(); ++i)
                    if (pairs_[i].state == PairState::frozen && active_[pairs_[i].foundation] == 0) {
                        eligible_frozen_ = static_cast<int>(i);
                        break;
                    }
            eligible_frozen_valid_ = true;
        }
        return eligible_frozen_;
    }

    bool has_check_to_send() {
        return nomination_due_ || count(PairState::waiting) > 0 || eligible_frozen() >= 0;
    }

    std::uint32_t new_txn(std::uint32_t pair) {
        txn_pair_.push_back(pair);
        return static_cast<std::uint32_t>(txn_pair_.size() - 1);
    }

    void transmit(std::uint32_t pair, std::uint32_t txn, bool use_candidate, unsigned nth, std::uint64_t now) {
        queue_.push_back({pair, txn, use_candidate});
        ++transmissions_;
        timers_.push_back({now + (cfg_.rto_us << (nth - 1)), txn});
        std::push_heap(timers_.begin(), timers_.end(), later);
    }

    // One paced check (§6.1.4.2): the nomination first, else the highest-priority Waiting
    // pair, else an eligible Frozen pair unfrozen. Returns false when there is nothing to send.
    bool send_next_check(std::uint64_t now) {
        if (nomination_due_) {
            nomination_due_ = false;
            nomination_txn_ = new_txn(static_cast<std::uint32_t>(nominating_));
            nomination_transmissions_ = 1;
            transmit(static_cast<std::uint32_t>(nominating_), nomination_txn_, true, 1, now);
            return true;
        }
        int pick = -1;
        if (count(PairState::waiting) > 0) {
            for (std::size_t i = 0; i < pairs_.size(); ++i)
                if (pairs_[i].state == PairState::waiting) {
                    pick = static_cast<int>(i);
                    break;
                }
        } else {
            pick = eligible_frozen();
        }
        if (pick < 0) return false;
        CandidatePair& p = pairs_[static_cast<std::size_t>(pick)];
        set_state(p, PairState::in_progress);
        p.txn = new_txn(static_cast<std::uint32_t>(pick));
        p.transmissions = 1;
        transmit(static_cast<std::uint32_t>(pick), p.txn, false, 1, now);
        return true;
    }

    void on_timer(const Timer& t, std::uint64_t now) {
        if (outcome_ != Outcome::running) return;
        if (t.txn == nomination_txn_) {
            if (nomination_transmissions_ < cfg_.max_transmissions) {
                ++nomination_transmissions_;
                transmit(static_cast<std::uint32_t>(nominating_), t.txn, true, nomination_transmissions_, now);
                return;
            }
            // The nominated pair stopped working: drop it and choose again.
            set_state(pairs_[static_cast<std::size_t>(nominating_)], PairState::failed);
            nominating_ = -1;
            nomination_txn_ = CandidatePair::no_txn;
            recompute_best_valid();
            return;
        }
        CandidatePair& p = pairs_[txn_pair_[t.txn]];
        if (p.state != PairState::in_progress || p.txn != t.txn) return;  // answered meanwhile
        if (p.transmissions < cfg_.max_transmissions) {
            ++p.transmissions;
            transmit(txn_pair_[t.txn], t.txn, false, p.transmissions, now);  // same transaction ID
        } else {
            set_state(p, PairState::failed);
        }
    }

    void recompute_best_valid() {
        best_valid_ = -1;
        for (std::size_t i = 0; i < pairs_.size(); ++i)
            if (pairs_[i].state == PairState::succeeded) {
                best_valid_ = static_cast<int>(i);
                break;
            }
    }

    // Regular nomination: nominate the best valid pair once no higher-priority pair can still
    // succeed, or once nomination_wait has passed since the first success.
    void maybe_nominate(std::uint64_t now) {
        if (nominating_ >= 0 || best_valid_ < 0) return;
        bool better_pending = false;
        for (int i = 0; i < best_valid_ && !better_pending; ++i)
            better_pending = pairs_[static_cast<std::size_t>(i)].state != PairState::failed;
        if (better_pending && now < first_success_at_ + cfg_.nomination_wait_us) return;
        nominating_ = best_valid_;
        nomination_due_ = true;
    }

    void update_outcome() {
        if (outcome_ != Outcome::running) return;
        if (nominating_ < 0 && best_valid_ < 0 && count(PairState::frozen) == 0 && count(PairState::waiting) == 0 &&
            count(PairState::in_progress) == 0)
            outcome_ = Outcome::failed;
    }

    std::vector<Candidate> local_, remote_;
    IceConfig cfg_;
    std::vector<CandidatePair> pairs_;  // the checklist, highest priority first
    std::vector<std::uint32_t> active_;  // per foundation: pairs Waiting or In-Progress
    int count_[5] = {};                  // pairs per state
    int eligible_frozen_ = -1;
    bool eligible_frozen_valid_ = false;
    std::vector<std::uint32_t> txn_pair_;  // transaction ID -> pair
    std::vector<Timer> timers_;            // min-heap of retransmission deadlines
    std::vector<Transmit> queue_;
    std::size_t queue_head_ = 0;
    std::uint64_t next_check_at_ = 0;
    std::uint64_t first_success_at_ = never;
    std::uint64_t nominated_at_ = never;
    int best_valid_ = -1;   // highest-priority Succeeded pair (pairs are in priority order)
    int nominating_ = -1;   // the pair being nominated
    bool nomination_due_ = false;
    std::uint32_t nomination_txn_ = CandidatePair::no_txn;
    unsigned nomination_transmissions_ = 0;
    std::uint32_t transmissions_ = 0;
    Outcome outcome_ = Outcome::running;
};

// The remote peer and the NATs in between. Whether a pair can work at all depends on the
// candidate types (relays always work; NAT-to-NAT punching works for 60% of address
// combinations, host-to-host IPv4 only on a shared LAN (10%), IPv6 host-to-host through
// firewalls 70%); each request and each response is then lost with probability loss_pct.
class SimNetwork {
public:
    SimNetwork(std::uint64_t seed, unsigned loss_pct) : rng_(seed), loss_pct_(loss_pct) {}

    static std::uint32_t addr_hash(const SocketAddr& a, const SocketAddr& b) {
        std::uint64_t h = 0x9e3779b97f4a7c15ULL;
        for (const SocketAddr* s : {&a, &b}) {
            for (std::uint8_t byte : s->ip) h = (h ^ byte) * 0x100000001b3ULL;
            h = (h ^ s->port) * 0x100000001b3ULL;
        }
        return static_cast<std::uint32_t>(h ^ (h >> 32));
    }

    static bool reachable(const Candidate& l, const Candidate& r) {
        if (l.type == CandidateType::relayed || r.type == CandidateType::relayed) return true;
        const std::uint32_t h = addr_hash(l.addr, r.addr) % 100;
        if (l.addr.family == SocketAddr::v6) return h < 70;
        if (r.type == CandidateType::server_reflexive) return h < 60;
        return h < 10;
    }

    static std::uint64_t base_rtt_us(const Candidate& l, const Candidate& r) {
        std::uint64_t rtt = 10'000 + (addr_hash(r.addr, l.addr) % 80) * 1'000;
        if (l.type == CandidateType::relayed || r.type == CandidateType::relayed) rtt += 30'000;
        return rtt;
    }

    void send(const IceAgent& agent, const IceAgent::Transmit& t, std::uint64_t now) {
        const CandidatePair& p = agent.pairs()[t.pair];
        const Candidate& l = agent.local(p.local);
        const Candidate& r = agent.remote(p.remote);
        if (!reachable(l, r)) return;
        if (rng_.below(100) < loss_pct_) return;  // request lost
        if (rng_.below(100) < loss_pct_) return;  // response lost
        in_flight_.push_back({now + base_rtt_us(l, r) + rng_.below(5'000), t.txn});
        std::push_heap(in_flight_.begin(), in_flight_.end(), later);
    }

    std::uint64_t next_delivery() const { return in_flight_.empty() ? IceAgent::never : in_flight_.front().at; }

    // The next response due at or before `now`.
    bool deliver(std::uint64_t now, std::uint32_t& txn) {
        if (in_flight_.empty() || in_flight_.front().at > now) return false;
        std::pop_heap(in_flight_.begin(), in_flight_.end(), later);
        txn = in_flight_.back().txn;
        in_flight_.pop_back();
        return true;
    }

private:
    struct Datagram {
        std::uint64_t at;
        std::uint32_t txn;
    };
    static bool later(const Datagram& a, const Datagram& b) { return a.at > b.at; }
    Rng rng_;
    unsigned loss_pct_;
    std::vector<Datagram> in_flight_;
};

struct IceRun {
    IceAgent::Outcome outcome = IceAgent::Outcome::running;
    std::uint64_t time_us = 0;  // simulated time to nomination (or failure)
    std::uint32_t transmissions = 0;
    std::size_t pairs = 0;
    std::uint64_t nominated_priority = 0;
};

// Runs the whole exchange: checks, simulated responses, timeouts, nomination.
inline IceRun run_ice(const std::vector<Candidate>& local, const std::vector<Candidate>& remote, std::uint64_t seed,
                      unsigned loss_pct, const IceConfig& cfg = {}) {
    IceAgent agent(local, remote, cfg);
    SimNetwork net(seed, loss_pct);
    std::uint64_t now = 0;
    for (;;) {
        agent.handle_timeout(now);
        IceAgent::Transmit t;
        while (agent.poll_transmit(t)) net.send(agent, t, now);
        if (agent.outcome() != IceAgent::Outcome::running) break;
        const std::uint64_t next = std::min(agent.poll_timeout(), net.next_delivery());
        if (next == IceAgent::never) break;  // cannot happen while running; kept as a guard
        now = std::max(now, next);
        std::uint32_t txn = 0;
        while (net.deliver(now, txn)) agent.handle_response(txn, now);
    }
    IceRun out;
    out.outcome = agent.outcome();
    out.time_us = now;
    out.transmissions = agent.transmissions();
    out.pairs = agent.pairs().size();
    if (const CandidatePair* p = agent.nominated_pair()) out.nominated_priority = p->priority;
    return out;
}

// `n` candidates for one side (0 or 1) of a test network, cycling through host IPv4 (two
// interfaces, so host candidates share foundations), server-reflexive IPv4, host IPv6 and
// relayed IPv4, with distinct local preferences.
inline std::vector<Candidate> make_candidates(int side, std::size_t n) {
    std::vector<Candidate> out;
    out.reserve(n);
    const auto s = static_cast<std::uint8_t>(side);
    for (std::size_t i = 0; i < n; ++i) {
        Candidate c;
        const auto port = static_cast<std::uint16_t>(50'000 + i);
        const auto local_pref = static_cast<std::uint32_t>(65'535 - i);
        switch (i % 4) {
            case 0:  // host IPv4 on one of two interfaces
                c.type = CandidateType::host;
                c.addr = SocketAddr::ipv4(192, 168, s, static_cast<std::uint8_t>(1 + (i / 4) % 2), port);
                c.base = c.addr;
                break;
            case 1:  // the NAT's mapping of the host candidate before it
                c.type = CandidateType::server_reflexive;
                c.base = out[i - 1].addr;
                c.addr = SocketAddr::ipv4(203, 0, 113, static_cast<std::uint8_t>(10 + s),
                                          static_cast<std::uint16_t>(30'000 + 7 * i));
                break;
            case 2:  // a global IPv6 address
                c.type = CandidateType::host;
                c.addr = SocketAddr::ipv6({0x2001, 0xdb8, s, 0, 0, 0, 0, static_cast<std::uint16_t>(i + 1)}, port);
                c.base = c.addr;
                break;
            default:  // a TURN allocation for the host candidate three before
                c.type = CandidateType::relayed;
                c.base = out[i - 3].addr;
                c.addr = SocketAddr::ipv4(198, 51, 100, 1, static_cast<std::uint16_t>(40'000 + 2 * i + s));
                break;
        }
        c.priority = candidate_priority(c.type, local_pref);
        c.foundation = compute_foundation(c.type, c.base, c.type == CandidateType::host ? 0 : 1);
        out.push_back(c);
    }
    return out;
}

}  // namespace quic
