// The endpoint's connection-ID table: routes an incoming packet's destination connection ID
// (QUIC v1: 0-20 bytes; the suites use 8-20) to the connection that issued it.
//
// Every entry carries the sequence number it was issued with (NEW_CONNECTION_ID, RFC 9000
// §19.15) and an expiry time. Entries leave the table three ways:
//   - retire_prior_to(conn, n): the connection retired every ID with sequence number < n;
//   - expire(now): IDs whose expiry time has passed (a lazily cleaned min-heap of deadlines);
//   - remove_connection(conn).
// Lookups hash with a per-table secret seed: destination IDs of incoming packets are chosen
// by whoever sends them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace quic {

// 24 bytes, 8-aligned, ID bytes first: hashing and comparing read three aligned words and
// never straddle a cache line. (A packed 21-byte layout with the length first measured up to 2x
// slower lookups, depending on where the heap happened to place the keys.)
struct alignas(8) ConnectionId {
    static constexpr std::size_t max_len = 20;
    std::uint8_t bytes[max_len] = {};  // unused bytes stay zero: comparison and hashing read all
    std::uint8_t len = 0;

    static ConnectionId from(const std::uint8_t* data, std::size_t n) {
        ConnectionId c;
        c.len = static_cast<std::uint8_t>(n > max_len ? max_len : n);
        std::memcpy(c.bytes, data, c.len);
        return c;
    }
    bool operator==(const ConnectionId& o) const {
        return len == o.len && std::memcmp(bytes, o.bytes, max_len) == 0;
    }
    bool operator!=(const ConnectionId& o) const { return !(*this == o); }
};

// Seeded mixing of the three zero-padded 64-bit words of an ID (a multiply-xorshift per word).
struct CidHash {
    std::uint64_t seed = 0;

    static std::uint64_t word(const std::uint8_t* p, std::size_t n) {
        std::uint64_t v = 0;
        for (std::size_t i = n; i-- > 0;) v = (v << 8) | p[i];
        return v;
    }
    static std::uint64_t mix(std::uint64_t h) {
        h ^= h >> 32;
        h *= 0xd6e8feb86659fd93ULL;
        h ^= h >> 32;
        return h;
    }
    std::size_t operator()(const ConnectionId& c) const {
        std::uint64_t h = seed ^ (c.len * 0x9e3779b97f4a7c15ULL);
        h = mix(h ^ word(c.bytes, 8));
        h = mix(h ^ word(c.bytes + 8, 8));
        h = mix(h ^ word(c.bytes + 16, 4));
        return static_cast<std::size_t>(h);
    }
};

using ConnectionHandle = std::uint32_t;

class CidTable {
public:
    struct Entry {
        ConnectionHandle handle = 0;
        std::uint64_t seq = 0;
        std::uint64_t expires_at = 0;
    };

    explicit CidTable(std::uint64_t hash_seed, std::size_t expected_ids = 0) : map_(0, CidHash{hash_seed}) {
        if (expected_ids) {
            map_.reserve(expected_ids);
            heap_.reserve(expected_ids);
        }
    }

    // Adds an ID issued by `conn` with sequence number `seq`. Refused (false) when the ID is
    // already routed anywhere, or when `conn` already retired sequence numbers up to `seq`.
    bool insert(const ConnectionId& cid, ConnectionHandle conn, std::uint64_t seq, std::uint64_t expires_at) {
        Connection& c = connection(conn);
        if (seq < c.retire_prior_to) return false;
        if (!map_.emplace(cid, Entry{conn, seq, expires_at}).second) return false;
        c.ids.push_back({seq, cid});
        heap_.push_back({expires_at, seq, conn, cid});
        std::push_heap(heap_.begin(), heap_.end(), later);
        return true;
    }

    // The entry routing `cid`, or nullptr.
    const Entry* find(const ConnectionId& cid) const {
        const auto it = map_.find(cid);
        return it == map_.end() ? nullptr : &it->second;
    }

    // Removes `conn`'s IDs with sequence number < rpt (RETIRE_PRIOR_TO). Returns how many.
    std::size_t retire_prior_to(ConnectionHandle conn, std::uint64_t rpt) {
        if (conn >= conns_.size()) return 0;
        Connection& c = conns_[conn];
        if (rpt <= c.retire_prior_to) return 0;
        c.retire_prior_to = rpt;
        std::size_t removed = 0;
        for (std::size_t i = 0; i < c.ids.size();) {
            if (c.ids[i].seq < rpt) {
                map_.erase(c.ids[i].cid);
                c.ids[i] = c.ids.back();
                c.ids.pop_back();
                ++removed;
            } else {
                ++i;
            }
        }
        return removed;
    }

    // Removes every ID whose expiry time is <= now. Returns how many. Deadlines of IDs already
    // retired are dropped here too (lazy deletion), so the heap stays bounded.
    std::size_t expire(std::uint64_t now) {
        std::size_t removed = 0;
        while (!heap_.empty() && heap_.front().at <= now) {
            std::pop_heap(heap_.begin(), heap_.end(), later);
            const Deadline d = heap_.back();
            heap_.pop_back();
            const auto it = map_.find(d.cid);
            if (it == map_.end() || it->second.handle != d.conn || it->second.seq != d.seq) continue;
            map_.erase(it);
            auto& ids = conns_[d.conn].ids;
            for (std::size_t i = 0; i < ids.size(); ++i)
                if (ids[i].seq == d.seq) {
                    ids[i] = ids.back();
                    ids.pop_back();
                    break;
                }
            ++removed;
        }
        return removed;
    }

    std::size_t remove_connection(ConnectionHandle conn) {
        if (conn >= conns_.size()) return 0;
        Connection& c = conns_[conn];
        const std::size_t n = c.ids.size();
        for (const auto& id : c.ids) map_.erase(id.cid);
        c.ids.clear();
        return n;
    }

    std::size_t size() const { return map_.size(); }
    std::size_t pending_deadlines() const { return heap_.size(); }
    std::size_t active_ids(ConnectionHandle conn) const { return conn < conns_.size() ? conns_[conn].ids.size() : 0; }

private:
    struct IssuedId {
        std::uint64_t seq;
        ConnectionId cid;
    };
    struct Connection {
        std::uint64_t retire_prior_to = 0;
        std::vector<IssuedId> ids;  // a handful per connection (active_connection_id_limit)
    };
    struct Deadline {
        std::uint64_t at;
        std::uint64_t seq;
        ConnectionHandle conn;
        ConnectionId cid;
    };
    static bool later(const Deadline& a, const Deadline& b) { return a.at > b.at; }

    Connection& connection(ConnectionHandle conn) {
        if (conn >= conns_.size()) conns_.resize(static_cast<std::size_t>(conn) + 1);
        return conns_[conn];
    }

    std::unordered_map<ConnectionId, Entry, CidHash> map_;
    std::vector<Connection> conns_;  // indexed by handle (handles are small dense integers)
    std::vector<Deadline> heap_;     // min-heap on `at`
};

}  // namespace quic
