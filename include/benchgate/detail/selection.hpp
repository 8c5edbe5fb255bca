// benchgate: --filter and --shard: which registered benchmarks a run measures (a pattern in
// ECMAScript regex syntax searched anywhere in the full name; one shard of N by a stable hash
// of the name), and the pattern that selects exactly a given list of names (fresh processes).
//
// The pattern is matched by a Thompson automaton, not a backtracking engine: every name is
// read once, left to right, with the set of pattern positions it can be in, so a match costs
// at most (name length) x (pattern size) steps and no recursion, whatever the pattern ("(a+)+$"
// on any name) or the name (a megabyte of it). The syntax is ECMAScript's without what needs
// backtracking: literals, '.', classes ([a-z], [^...], \d \w \s and their negations), '^' and
// '$' (start and end of the name), \b \B, groups ( ) and (?: ), '|', and the quantifiers * + ?
// {n} {n,} {n,m} (lazy forms accepted; for a yes/no match they mean the same). Back-references
// (\1), lookaheads ((?= (?!) and lookbehinds are refused with one line, as are repetition
// counts above 1000, groups nested deeper than 100 and patterns that compile to more than
// 1 000 000 steps.
#pragma once

#include <bitset>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "../registry.hpp"

namespace benchgate::detail {

class NameFilter {
public:
    static constexpr int max_repeat = 1000;
    static constexpr int max_depth = 100;
    static constexpr std::size_t max_program = 1000000;

    NameFilter() = default;
    // Compiles `pattern` (empty: matches every name). Returns "" or one line saying what is
    // wrong and where (the byte offset in the pattern).
    std::string compile(std::string_view pattern) {
        prog_.clear();
        sets_.clear();
        nodes_.clear();
        pattern_ = pattern;
        pos_ = 0;
        error_.clear();
        if (pattern.empty()) return {};
        const int root = parse_alternation(0);
        if (error_.empty() && pos_ < pattern_.size()) fail("an unmatched ')'");
        if (error_.empty()) {
            emit(root);
            push({Op::match, 0, 0});
            if (prog_.size() > max_program) fail_at("it compiles to more than 1000000 steps; split it into shorter patterns", 0);
        }
        nodes_.clear();
        if (!error_.empty()) {
            prog_.clear();
            sets_.clear();
        }
        return error_;
    }

    bool matches_everything() const { return prog_.empty(); }

    // Whether the pattern matches somewhere in `name` (as std::regex_search would).
    bool matches(std::string_view name) const {
        if (prog_.empty()) return true;
        Scan s{name, std::vector<std::uint32_t>(prog_.size(), 0), {}, {}, {}, 0};
        ++s.generation;
        if (add(s, s.current, 0, 0)) return true;
        for (std::size_t at = 0; at < name.size(); ++at) {
            ++s.generation;
            s.next.clear();
            const unsigned char c = static_cast<unsigned char>(name[at]);
            for (const int pc : s.current)
                if (consumes(prog_[static_cast<std::size_t>(pc)], c) && add(s, s.next, pc + 1, at + 1)) return true;
            if (add(s, s.next, 0, at + 1)) return true;
            s.current.swap(s.next);
        }
        return false;
    }

private:
    enum class Op : std::uint8_t { byte, set, split, jump, begin, end, word_boundary, not_word_boundary, match };
    struct Inst {
        Op op;
        int x;  // byte: the byte; set: the set's index; split, jump: a target
        int y;  // split: the other target
    };
    enum class Kind : std::uint8_t { empty, byte, set, assertion, concat, alternation, repeat };
    struct Node {
        Kind kind;
        int value = 0;  // byte, set index or assertion Op
        int min = 0, max = 0;  // repeat; max -1: unbounded
        std::vector<int> kids;
    };
    struct Scan {
        std::string_view name;
        std::vector<std::uint32_t> mark;  // the generation in which a step was last added
        std::vector<int> current, next, stack;
        std::uint32_t generation;
    };

    static bool word(std::string_view s, std::size_t i) {
        if (i >= s.size()) return false;
        const unsigned char c = static_cast<unsigned char>(s[i]);
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    bool consumes(const Inst& i, unsigned char c) const {
        return i.op == Op::byte ? c == static_cast<unsigned char>(i.x) : i.op == Op::set && sets_[static_cast<std::size_t>(i.x)][c];
    }

    // Adds `pc` and every step reachable from it without reading a byte, at offset `at`, to
    // `list`. True when the match step is reached.
    bool add(Scan& s, std::vector<int>& list, int start, std::size_t at) const {
        s.stack.clear();
        s.stack.push_back(start);
        while (!s.stack.empty()) {
            const int pc = s.stack.back();
            s.stack.pop_back();
            std::uint32_t& m = s.mark[static_cast<std::size_t>(pc)];
            if (m == s.generation) continue;
            m = s.generation;
            const Inst& i = prog_[static_cast<std::size_t>(pc)];
            switch (i.op) {
            case Op::match: return true;
            case Op::byte:
            case Op::set: list.push_back(pc); break;
            case Op::jump: s.stack.push_back(i.x); break;
            case Op::split:
                s.stack.push_back(i.y);
                s.stack.push_back(i.x);
                break;
            case Op::begin:
                if (at == 0) s.stack.push_back(pc + 1);
                break;
            case Op::end:
                if (at == s.name.size()) s.stack.push_back(pc + 1);
                break;
            case Op::word_boundary:
            case Op::not_word_boundary: {
                const bool boundary = (at > 0 && word(s.name, at - 1)) != word(s.name, at);
                if (boundary == (i.op == Op::word_boundary)) s.stack.push_back(pc + 1);
                break;
            }
            }
        }
        return false;
    }

    // ------------------------------------------------------------ parsing
    void fail_at(const std::string& what, std::size_t at) {
        if (error_.empty()) error_ = what + " (at offset " + std::to_string(at) + ")";
    }
    void fail(const std::string& what) { fail_at(what, pos_); }
    bool more() const { return error_.empty() && pos_ < pattern_.size(); }
    char peek() const { return pattern_[pos_]; }

    int node(Kind k, int value = 0) {
        nodes_.push_back(Node{k, value, 0, 0, {}});
        return static_cast<int>(nodes_.size() - 1);
    }
    int new_set(const std::bitset<256>& s) {
        sets_.push_back(s);
        return node(Kind::set, static_cast<int>(sets_.size() - 1));
    }

    int parse_alternation(int depth) {
        if (depth > max_depth) {
            fail("groups nested more than " + std::to_string(max_depth) + " deep");
            return node(Kind::empty);
        }
        std::vector<int> options{parse_concatenation(depth)};
        while (more() && peek() == '|') {
            ++pos_;
            options.push_back(parse_concatenation(depth));
        }
        if (options.size() == 1) return options[0];
        const int n = node(Kind::alternation);
        nodes_[static_cast<std::size_t>(n)].kids = std::move(options);
        return n;
    }

    int parse_concatenation(int depth) {
        std::vector<int> parts;
        while (more() && peek() != '|' && peek() != ')') parts.push_back(parse_repeat(depth));
        if (parts.size() == 1) return parts[0];
        const int n = node(Kind::concat);
        nodes_[static_cast<std::size_t>(n)].kids = std::move(parts);
        return n;
    }

    bool parse_count(int& out) {
        const std::size_t start = pos_;
        long v = 0;
        while (pos_ < pattern_.size() && peek() >= '0' && peek() <= '9') {
            v = v * 10 + (peek() - '0');
            if (v > max_repeat) {
                fail_at("a repetition count above " + std::to_string(max_repeat), start);
                return false;
            }
            ++pos_;
        }
        out = static_cast<int>(v);
        return pos_ > start;
    }

    int parse_repeat(int depth) {
        const std::size_t start = pos_;
        int atom = parse_atom(depth);
        while (more()) {
            int lo = 0, hi = -1;
            const char c = peek();
            if (c == '*') ++pos_;
            else if (c == '+') ++pos_, lo = 1;
            else if (c == '?') ++pos_, hi = 1;
            else if (c == '{') {
                const std::size_t brace = pos_++;
                if (!parse_count(lo)) {
                    if (error_.empty()) fail_at("'{' starts no repetition count {n}, {n,} or {n,m}; write \\{ for the character", brace);
                    return atom;
                }
                hi = lo;
                if (pos_ < pattern_.size() && peek() == ',') {
                    ++pos_;
                    hi = -1;
                    if (pos_ < pattern_.size() && peek() != '}' && !parse_count(hi) && error_.empty())
                        fail_at("a malformed repetition count", brace);
                }
                if (!error_.empty()) return atom;
                if (pos_ >= pattern_.size() || peek() != '}') {
                    fail_at("a repetition count without its '}'", brace);
                    return atom;
                }
                ++pos_;
                if (hi >= 0 && hi < lo) {
                    fail_at("a repetition count {n,m} with m below n", brace);
                    return atom;
                }
            } else {
                break;
            }
            if (pos_ < pattern_.size() && peek() == '?') ++pos_;  // lazy: the same yes/no answer
            const Kind k = nodes_[static_cast<std::size_t>(atom)].kind;
            if (k == Kind::assertion) {
                fail_at("a quantifier after an anchor or \\b", start);
                return atom;
            }
            const int r = node(Kind::repeat);
            nodes_[static_cast<std::size_t>(r)].min = lo;
            nodes_[static_cast<std::size_t>(r)].max = hi;
            nodes_[static_cast<std::size_t>(r)].kids = {atom};
            atom = r;
            if (more() && (peek() == '*' || peek() == '+' || peek() == '?' || peek() == '{')) {
                fail("a quantifier after a quantifier (nothing to repeat)");
                return atom;
            }
        }
        return atom;
    }

    static std::bitset<256> class_set(char c) {
        std::bitset<256> s;
        switch (c) {
        case 'd':
        case 'D':
            for (int b = '0'; b <= '9'; ++b) s.set(static_cast<std::size_t>(b));
            break;
        case 'w':
        case 'W':
            for (int b = 0; b < 256; ++b)
                if ((b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_') s.set(static_cast<std::size_t>(b));
            break;
        default:  // s, S
            for (int b : {' ', '\t', '\n', '\v', '\f', '\r'}) s.set(static_cast<std::size_t>(b));
        }
        if (c == 'D' || c == 'W' || c == 'S') s.flip();
        return s;
    }

    static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    // An escape after '\' (pos_ at the character after it): a byte (returned, 0-255), a set
    // (`set` filled, -2 returned), an assertion (-3, `assertion` set; outside classes only) or
    // -1 after an error. `in_class`: \b is a backspace there.
    int parse_escape(bool in_class, std::bitset<256>& set, Op& assertion) {
        const std::size_t at = pos_ - 1;
        if (pos_ >= pattern_.size()) {
            fail_at("a '\\' at the end of the pattern", at);
            return -1;
        }
        const char c = pattern_[pos_++];
        switch (c) {
        case 'd': case 'D': case 'w': case 'W': case 's': case 'S': set = class_set(c); return -2;
        case 't': return '\t';
        case 'n': return '\n';
        case 'r': return '\r';
        case 'f': return '\f';
        case 'v': return '\v';
        case 'b':
            if (in_class) return '\b';
            assertion = Op::word_boundary;
            return -3;
        case 'B':
            if (in_class) break;
            assertion = Op::not_word_boundary;
            return -3;
        case '0':
            if (pos_ < pattern_.size() && peek() >= '0' && peek() <= '9') break;
            return 0;
        case 'c':
            if (pos_ < pattern_.size() && ((peek() >= 'a' && peek() <= 'z') || (peek() >= 'A' && peek() <= 'Z')))
                return pattern_[pos_++] % 32;
            break;
        case 'x':
        case 'u': {
            const std::size_t digits = c == 'x' ? 2 : 4;
            int v = 0;
            for (std::size_t i = 0; i < digits; ++i) {
                const int h = pos_ + i < pattern_.size() ? hex(pattern_[pos_ + i]) : -1;
                if (h < 0) {
                    fail_at(std::string("\\") + c + " needs " + std::to_string(digits) + " hexadecimal digits", at);
                    return -1;
                }
                v = v * 16 + h;
            }
            pos_ += digits;
            if (v > 0x7f && c == 'u') {
                fail_at("\\u beyond ASCII is not supported: write the character itself (names are matched as UTF-8 bytes)", at);
                return -1;
            }
            return v;
        }
        default:
            if (c >= '1' && c <= '9') {
                fail_at("back-references (\\1 ... \\9) are not supported: they need a backtracking matcher", at);
                return -1;
            }
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return static_cast<unsigned char>(c);
        }
        fail_at(std::string("an unknown escape \\") + c, at);
        return -1;
    }

    int parse_class() {
        const std::size_t open = pos_ - 1;
        std::bitset<256> s;
        bool negate = false;
        if (pos_ < pattern_.size() && peek() == '^') {
            negate = true;
            ++pos_;
        }
        // One member: a byte (0-255) or a set (-2); -1 after an error.
        auto member = [&](std::bitset<256>& set) -> int {
            const char c = pattern_[pos_++];
            if (c != '\\') return static_cast<unsigned char>(c);
            Op ignored{};
            return parse_escape(true, set, ignored);
        };
        for (;;) {
            if (!error_.empty()) return node(Kind::empty);
            if (pos_ >= pattern_.size()) {
                fail_at("a '[' without its ']'", open);
                return node(Kind::empty);
            }
            if (peek() == ']') {
                ++pos_;
                break;
            }
            std::bitset<256> first_set;
            const int lo = member(first_set);
            if (lo == -1) continue;
            const bool range = pos_ + 1 < pattern_.size() && peek() == '-' && pattern_[pos_ + 1] != ']';
            if (lo == -2) {
                if (range) fail("a class escape (\\d, \\w, \\s) cannot start a range; write '-' last for the character");
                s |= first_set;
                continue;
            }
            if (range) {
                const std::size_t dash = pos_++;
                std::bitset<256> second_set;
                const int hi = member(second_set);
                if (hi == -1) continue;
                if (hi == -2) {
                    fail_at("a class escape (\\d, \\w, \\s) cannot end a range; write '-' last for the character", dash);
                    continue;
                }
                if (hi < lo) {
                    fail_at("a range out of order in a class", dash);
                    continue;
                }
                for (int b = lo; b <= hi; ++b) s.set(static_cast<std::size_t>(b));
                continue;
            }
            s.set(static_cast<std::size_t>(lo));
        }
        if (negate) s.flip();
        return new_set(s);
    }

    int parse_atom(int depth) {
        const std::size_t at = pos_;
        const char c = pattern_[pos_++];
        switch (c) {
        case '(': {
            if (pos_ < pattern_.size() && peek() == '?') {
                if (pos_ + 1 < pattern_.size() && pattern_[pos_ + 1] == ':') {
                    pos_ += 2;
                } else {
                    fail_at("lookaheads and lookbehinds ((?= (?! (?<= (?<!) are not supported: they need a backtracking matcher", at);
                    return node(Kind::empty);
                }
            }
            const int inner = parse_alternation(depth + 1);
            if (!error_.empty()) return inner;
            if (pos_ >= pattern_.size() || peek() != ')') {
                fail_at("a '(' without its ')'", at);
                return inner;
            }
            ++pos_;
            return inner;
        }
        case '[': return parse_class();
        case '.': {
            std::bitset<256> s;
            s.set();
            s.reset('\n').reset('\r');
            return new_set(s);
        }
        case '^': return node(Kind::assertion, static_cast<int>(Op::begin));
        case '$': return node(Kind::assertion, static_cast<int>(Op::end));
        case '*':
        case '+':
        case '?':
            fail_at(std::string("'") + c + "' with nothing to repeat; write \\" + c + " for the character", at);
            return node(Kind::empty);
        case '{':
            fail_at("'{' with nothing to repeat; write \\{ for the character", at);
            return node(Kind::empty);
        case '\\': {
            std::bitset<256> set;
            Op assertion{};
            const int v = parse_escape(false, set, assertion);
            if (v == -1) return node(Kind::empty);
            if (v == -2) return new_set(set);
            if (v == -3) return node(Kind::assertion, static_cast<int>(assertion));
            return node(Kind::byte, v);
        }
        default: return node(Kind::byte, static_cast<unsigned char>(c));
        }
    }

    // ------------------------------------------------------------ code
    void push(Inst i) {
        if (prog_.size() <= max_program) prog_.push_back(i);
    }
    int here() const { return static_cast<int>(prog_.size()); }

    void emit(int n) {
        if (prog_.size() > max_program) return;
        const Node& nd = nodes_[static_cast<std::size_t>(n)];
        switch (nd.kind) {
        case Kind::empty: break;
        case Kind::byte: push({Op::byte, nd.value, 0}); break;
        case Kind::set: push({Op::set, nd.value, 0}); break;
        case Kind::assertion: push({static_cast<Op>(nd.value), 0, 0}); break;
        case Kind::concat:
            for (int k : nd.kids) emit(k);
            break;
        case Kind::alternation: {
            std::vector<std::size_t> jumps;
            for (std::size_t k = 0; k < nd.kids.size(); ++k) {
                if (k + 1 < nd.kids.size()) {
                    const std::size_t split = prog_.size();
                    push({Op::split, here() + 1, 0});
                    emit(nd.kids[k]);
                    jumps.push_back(prog_.size());
                    push({Op::jump, 0, 0});
                    if (split < prog_.size()) prog_[split].y = here();
                } else {
                    emit(nd.kids[k]);
                }
            }
            for (std::size_t j : jumps)
                if (j < prog_.size()) prog_[j].x = here();
            break;
        }
        case Kind::repeat: {
            const int kid = nd.kids[0];
            for (int i = 0; i < nd.min; ++i) emit(kid);
            if (nd.max < 0) {  // L: split body, out; body; jump L
                const std::size_t loop = prog_.size();
                push({Op::split, here() + 1, 0});
                emit(kid);
                push({Op::jump, static_cast<int>(loop), 0});
                if (loop < prog_.size()) prog_[loop].y = here();
            } else {  // (kid (kid ...)?)? as splits to a common end
                std::vector<std::size_t> splits;
                for (int i = nd.min; i < nd.max; ++i) {
                    splits.push_back(prog_.size());
                    push({Op::split, here() + 1, 0});
                    emit(kid);
                }
                for (std::size_t s : splits)
                    if (s < prog_.size()) prog_[s].y = here();
            }
            break;
        }
        }
    }

    std::vector<Inst> prog_;
    std::vector<std::bitset<256>> sets_;
    std::vector<Node> nodes_;
    std::string_view pattern_;
    std::size_t pos_ = 0;
    std::string error_;
};

// The registrations whose full name matches `filter` (see NameFilter; empty matches all).
// Throws std::invalid_argument with NameFilter's one line on a pattern it refuses.
inline std::vector<const Registration*> select(const std::vector<Registration>& all, const std::string& filter) {
    NameFilter f;
    if (std::string problem = f.compile(filter); !problem.empty()) throw std::invalid_argument(problem);
    std::vector<const Registration*> out;
    for (const auto& r : all)
        if (f.matches(r.name)) out.push_back(&r);
    return out;
}

// The hash that assigns a benchmark to a shard: FNV-1a 64 over the bytes of its full name
// (offset basis 14695981039346656037, prime 1099511628211). It depends on the name alone, so
// a benchmark stays in its shard across runs, builds and machines, whatever else is registered.
inline std::uint64_t shard_hash(std::string_view name) {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : name) h = (h ^ c) * 1099511628211ULL;
    return h;
}

// Shard `index` of `count` (1-based, as --shard I/N spells it) holds the names whose hash mod
// `count` is index - 1: every name lands in exactly one shard of N.
inline bool in_shard(std::string_view name, int index, int count) {
    return count > 0 && shard_hash(name) % static_cast<std::uint64_t>(count) == static_cast<std::uint64_t>(index - 1);
}

// `selected` without the benchmarks of other shards (count 0: no sharding, all of them).
inline std::vector<const Registration*> select_shard(const std::vector<const Registration*>& selected, int index, int count) {
    if (count <= 0) return selected;
    std::vector<const Registration*> out;
    for (const Registration* r : selected)
        if (in_shard(r->name, index, count)) out.push_back(r);
    return out;
}

// An ECMAScript pattern matching exactly one of `names`.
inline std::string exact_names_pattern(const std::vector<std::string>& names) {
    std::string p = "^(?:";
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) p += '|';
        for (char c : names[i]) {
            if (std::string_view("\\^$.*+?()[]{}|").find(c) != std::string_view::npos) p += '\\';
            p += c;
        }
    }
    return p + ")$";
}

}  // namespace benchgate::detail
