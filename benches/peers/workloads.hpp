// Workloads shared by the side-by-side comparison of benchgate, Google Benchmark and Catch2
// (benches/peers/*_peers.cpp, driven by tools/peers.py). Every framework calls exactly this
// code, so the measured work is identical; only the harness around it differs.
//
// Each workload's amount of work grows by BENCHGATE_PEER_SLOWDOWN percent (default 0, read
// once at static initialisation), so a regression can be injected without recompiling:
//
//   int_hash      ~ a few ns   20 dependent one-cycle add/rotate/xor steps (unrolled)
//   map_lookup    ~ 250 ns     20 rounds of a hit and a miss in a std::unordered_map (dependent)
//   split_join    ~ 20 µs      split 1600 comma-separated words, join them with "; "
//   memcpy_32mib  ~ 2 ms       memcpy of a 32 MiB buffer (memory bound)
//
// The base counts (20 steps, 20 rounds, 1600 words, 32 MiB) are multiples of 20, so the 5%,
// 10% and 25% slowdowns the driver injects are whole units: no rounding.
//
// Every call continues from the state the previous call left (a dependency chain through a
// member), so consecutive calls cannot overlap in the out-of-order window: a call's extra work
// is paid for in full instead of being hidden behind the next call's independent work.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace peers {

// ---------------------------------------------------------------- the injected slowdown
inline double read_slowdown_percent() {
    const char* env = std::getenv("BENCHGATE_PEER_SLOWDOWN");
    if (!env || !*env) return 0.0;
    const double pct = std::atof(env);
    return pct > -100.0 ? pct : 0.0;
}

// Read once, at static initialisation of the binary.
inline const double slowdown_percent = read_slowdown_percent();

// `base` work units scaled by the slowdown, rounded to the nearest unit (at least 1).
inline std::size_t scaled(std::size_t base) {
    const long long n = std::llround(static_cast<double>(base) * (1.0 + slowdown_percent / 100.0));
    return n < 1 ? 1 : static_cast<std::size_t>(n);
}

// ---------------------------------------------------------------- framework-neutral barriers
// The workloads keep their own results alive where it matters (memcpy's destination), so the
// measured code does not depend on which framework's do-not-optimise helper wraps it.
inline void clobber_memory(const void* p) { asm volatile("" : : "r"(p) : "memory"); }

// Forces `x` into a register and hides its value from the optimiser: consecutive steps of a
// chain cannot be folded into one, and costs nothing at run time.
#define PEERS_OPAQUE(x) asm("" : "+r"(x))

// ---------------------------------------------------------------- int_hash (~ a few ns)
// An ARX mix of a 64-bit integer: `steps` dependent steps, each one single-cycle instruction
// (add, rotate or xor with a constant). The steps are a straight line entered through a
// switch, whose target is the same on every call (perfectly predicted), so the time is the
// chain's latency: one cycle per step, plus the framework's per-call overhead.
class IntHash {
public:
    static constexpr std::size_t base_steps = 20;

    IntHash() : steps_(scaled(base_steps)) {}

    std::uint64_t operator()() {
        std::uint64_t h = state_;
        std::size_t n = steps_;
        while (n > 30) {  // only for slowdowns beyond +50%
            h = mix(h, 30);
            n -= 30;
        }
        h = mix(h, n);
        state_ = h;
        return h;
    }

    std::size_t steps() const { return steps_; }

private:
    static std::uint64_t mix(std::uint64_t h, std::size_t n) {
#define PEERS_A h += 0x9e3779b97f4a7c15ULL; PEERS_OPAQUE(h)
#define PEERS_R h = (h << 23) | (h >> 41); PEERS_OPAQUE(h)
#define PEERS_X h ^= 0xbf58476d1ce4e5b9ULL; PEERS_OPAQUE(h)
        switch (n) {
        case 30: PEERS_A; [[fallthrough]];
        case 29: PEERS_R; [[fallthrough]];
        case 28: PEERS_X; [[fallthrough]];
        case 27: PEERS_A; [[fallthrough]];
        case 26: PEERS_R; [[fallthrough]];
        case 25: PEERS_X; [[fallthrough]];
        case 24: PEERS_A; [[fallthrough]];
        case 23: PEERS_R; [[fallthrough]];
        case 22: PEERS_X; [[fallthrough]];
        case 21: PEERS_A; [[fallthrough]];
        case 20: PEERS_R; [[fallthrough]];
        case 19: PEERS_X; [[fallthrough]];
        case 18: PEERS_A; [[fallthrough]];
        case 17: PEERS_R; [[fallthrough]];
        case 16: PEERS_X; [[fallthrough]];
        case 15: PEERS_A; [[fallthrough]];
        case 14: PEERS_R; [[fallthrough]];
        case 13: PEERS_X; [[fallthrough]];
        case 12: PEERS_A; [[fallthrough]];
        case 11: PEERS_R; [[fallthrough]];
        case 10: PEERS_X; [[fallthrough]];
        case 9: PEERS_A; [[fallthrough]];
        case 8: PEERS_R; [[fallthrough]];
        case 7: PEERS_X; [[fallthrough]];
        case 6: PEERS_A; [[fallthrough]];
        case 5: PEERS_R; [[fallthrough]];
        case 4: PEERS_X; [[fallthrough]];
        case 3: PEERS_A; [[fallthrough]];
        case 2: PEERS_R; [[fallthrough]];
        case 1: PEERS_X; [[fallthrough]];
        default: break;
        }
#undef PEERS_A
#undef PEERS_R
#undef PEERS_X
        return h;
    }

    std::uint64_t state_ = 0x0123456789abcdefULL;
    std::size_t steps_;
};

// ---------------------------------------------------------------- map_lookup (~250 ns)
// 20 rounds of two lookups in a std::unordered_map<uint64_t, uint64_t> of 512 entries: one key
// that is in the map (a hit) and one that is not (a miss). The value a hit returns picks the
// keys of the next round (the values form one random cycle through all 512 entries), so the
// hits form a dependency chain: latency bound, one 64-bit modulo by a prime (std::hash is the
// identity for integers) and a few dependent loads per round. The last round's value
// carries over to the next call.
//
// The keys are chosen so that every hit key has a bucket to itself and every miss key lands
// in an empty bucket: no collision chains, whose walks would be unpredictable branches. A
// round then costs the same whichever keys it draws, and the time grows with the rounds.
// (Why not a random hit-or-miss per lookup: a miss returns a constant on a predicted path,
// so it carries no dependency and overlaps with the chain; only a fixed hit + miss pair is a
// unit of work whose cost does not depend on how many there are.)
class MapLookup {
public:
    static constexpr std::size_t base_rounds = 20;
    static constexpr std::size_t entries = 512;

    MapLookup() : rounds_(scaled(base_rounds)) {
        map_.rehash(2 * entries);
        const std::uint64_t buckets = map_.bucket_count();  // a prime > 1024 with libstdc++
        const std::uint64_t spare = buckets - entries;       // buckets no hit key uses
        keys_.resize(2 * entries);
        for (std::uint64_t j = 0; j < entries; ++j) {
            keys_[2 * j] = buckets * (3 * j + 1) + j;                        // bucket j
            keys_[2 * j + 1] = buckets * (3 * j + 2) + entries + j % spare;  // an empty bucket
        }
        // Sattolo's shuffle: a random permutation that is a single cycle of length 512.
        std::vector<std::uint64_t> next(entries);
        for (std::uint64_t j = 0; j < entries; ++j) next[j] = j;
        std::uint64_t x = 0x2545f4914f6cdd1dULL;
        for (std::uint64_t j = entries - 1; j > 0; --j) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            std::swap(next[j], next[x % j]);
        }
        for (std::uint64_t j = 0; j < entries; ++j) map_.emplace(keys_[2 * j], next[j]);
    }

    std::uint64_t operator()() {
        std::uint64_t j = state_;
        std::uint64_t misses = 0;
        for (std::size_t r = 0; r < rounds_; ++r) {
            const auto hit = map_.find(keys_[2 * j]);
            const auto miss = map_.find(keys_[2 * j + 1]);
            misses += miss == map_.end();
            j = hit != map_.end() ? hit->second : 0;
        }
        state_ = j;
        return j + misses;
    }

    std::size_t rounds() const { return rounds_; }
    std::size_t buckets() const { return map_.bucket_count(); }

private:
    std::unordered_map<std::uint64_t, std::uint64_t> map_;
    std::vector<std::uint64_t> keys_;
    std::uint64_t state_ = 0;
    std::size_t rounds_;
};

// ---------------------------------------------------------------- split_join (~20 µs)
// Splits a line of 1600 comma-separated words (3 to 12 letters) into string_views and joins
// them back with "; " into a fresh string, as a typical split/join helper pair would.
class SplitJoin {
public:
    static constexpr std::size_t base_words = 1600;

    SplitJoin() : words_(scaled(base_words)) {
        std::uint64_t x = 0x9e3779b97f4a7c15ULL;
        for (std::size_t i = 0; i < words_; ++i) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            const std::size_t len = 3 + x % 10;
            for (std::size_t c = 0; c < len; ++c) line_ += static_cast<char>('a' + (x >> (8 + 2 * c)) % 26);
            if (i + 1 < words_) line_ += ',';
        }
    }

    std::uint64_t operator()() {
        // The previous call's result picks the separator's first character (either one: the
        // work is the same), chaining the calls like the other workloads.
        const char sep_first = state_ & 1 ? ';' : ':';
        std::vector<std::string_view> parts;
        std::string_view rest(line_);
        for (;;) {
            const std::size_t comma = rest.find(',');
            parts.push_back(rest.substr(0, comma));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
        std::string out;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            if (i) {
                out += sep_first;
                out += ' ';
            }
            out.append(parts[i].data(), parts[i].size());
        }
        state_ = out.size() + static_cast<unsigned char>(out[out.size() / 2]);
        return state_;
    }

    std::size_t words() const { return words_; }

private:
    std::string line_;
    std::uint64_t state_ = 0;
    std::size_t words_;
};

// ---------------------------------------------------------------- memcpy_32mib (~2 ms)
// Copies a 32 MiB buffer into another (both touched at construction, so no page faults are
// measured). The first byte of the source is the previous call's result.
//
// A slowdown copies more bytes, not bigger buffers: after the full 32 MiB, a prefix of
// (slowdown x 32 MiB) is copied again. The footprint, and so the cache regime, stays the same.
// Bigger buffers would not scale linearly on the reference machine: 40 MiB buffers (+25%)
// took 3.05 ms instead of 2.30 ms (+32%), 48 MiB ones 6.1 ms: 64 MiB of source + destination
// fit the cache share this guest gets, 80 MiB do not.
class Memcpy32MiB {
public:
    static constexpr std::size_t buffer_bytes = std::size_t{32} << 20;

    Memcpy32MiB()
        : bytes_(scaled(buffer_bytes / 64) * 64),
          src_(static_cast<unsigned char*>(std::aligned_alloc(64, buffer_bytes))),
          dst_(static_cast<unsigned char*>(std::aligned_alloc(64, buffer_bytes))) {
        for (std::size_t i = 0; i < buffer_bytes; ++i) src_.get()[i] = static_cast<unsigned char>(i * 131);
        std::memset(dst_.get(), 0, buffer_bytes);
    }

    std::uint64_t operator()() {
        src_.get()[0] = static_cast<unsigned char>(state_);
        for (std::size_t left = bytes_; left != 0;) {
            const std::size_t n = left < buffer_bytes ? left : buffer_bytes;
            std::memcpy(dst_.get(), src_.get(), n);
            clobber_memory(dst_.get());
            left -= n;
        }
        state_ = dst_.get()[buffer_bytes / 2] + dst_.get()[0] + 1u;
        return state_;
    }

    // Bytes copied per call.
    std::size_t bytes() const { return bytes_; }

private:
    struct Free {
        void operator()(unsigned char* p) const { std::free(p); }
    };
    std::size_t bytes_;
    std::unique_ptr<unsigned char, Free> src_, dst_;
    std::uint64_t state_ = 0;
};

// One instance of each workload per process, built on first use: the set-up (64 MiB of
// buffers, a 512-entry map) is paid once whichever framework calls it and however often
// that framework re-enters the benchmark function.
template <class W>
W& instance() {
    static W w;
    return w;
}

}  // namespace peers
