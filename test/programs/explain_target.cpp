// A bench binary with changes of known kinds to inject, for the explanation checks
// (test/integration/explain.py). One body, "explain/mixed", calls ten named functions; the
// environment variable EXPLAIN_CHANGE=K (1..10) changes function K alone, so that the function
// an explanation ranks first can be checked against the one changed:
//
//    1 checksum_block   more work (1.5x the rounds)
//    2 make_label       an added allocation per call (the allocator's functions become NEW)
//    3 validate_record  a new function called (NEW)
//    4 sum_column       a cache-unfriendly layout: the same sum down columns instead of rows
//    5 hash_text        a second pass over the text
//    6 find_item        a linear search instead of a binary one
//    7 fib              deeper recursion
//    8 accumulate_n<4>  a template instantiation doing more work
//    9 apply_all's lambda  a heavier lambda
//   10 Circle::area     a virtual function doing more work
//
// "explain/one_ms" is a body of about 1 ms, for the cost of an explanation.
#define BENCHGATE_MAIN
#define BENCHGATE_COUNT_ALLOCATIONS  // the explanation's allocations and bytes per iteration
#include <benchgate/benchgate.hpp>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#define NOINLINE __attribute__((noinline))

namespace {

int change() {
    static const int k = [] {
        const char* e = std::getenv("EXPLAIN_CHANGE");
        return e ? std::atoi(e) : 0;
    }();
    return k;
}

NOINLINE std::uint64_t checksum_block(const std::vector<std::uint32_t>& v) {
    const std::size_t rounds = change() == 1 ? 3 : 2;
    std::uint64_t s = 0;
    for (std::size_t r = 0; r < rounds; ++r)
        for (std::uint32_t x : v) s = (s ^ x) * 0x100000001b3ULL;
    return s;
}

NOINLINE std::size_t make_label(std::uint64_t x) {
    if (change() == 2) {
        // A heap buffer per call, as a careless refactoring adds one.
        std::unique_ptr<char[]> buf(new char[64]);
        benchgate::do_not_optimize(buf.get());
        buf[0] = static_cast<char>(x);
        return static_cast<std::size_t>(buf[0]) & 7;
    }
    char buf[64];
    benchgate::do_not_optimize(buf);
    buf[0] = static_cast<char>(x);
    return static_cast<std::size_t>(buf[0]) & 7;
}

NOINLINE std::uint64_t validate_record(const std::vector<std::uint32_t>& v) {
    std::uint64_t bad = 0;
    for (std::size_t i = 0; i + 1 < v.size(); i += 3) bad += v[i] > v[i + 1];
    return bad;
}

constexpr std::size_t side = 256;  // a 256 x 256 matrix of ints: 256 KiB, beyond L1

NOINLINE std::uint64_t sum_column(const std::vector<std::uint32_t>& m) {
    std::uint64_t s = 0;
    if (change() == 4) {
        for (std::size_t c = 0; c < side; ++c)
            for (std::size_t r = 0; r < side; ++r) s += m[r * side + c];  // stride of a row: a cache line each
    } else {
        for (std::size_t r = 0; r < side; ++r)
            for (std::size_t c = 0; c < side; ++c) s += m[r * side + c];
    }
    return s;
}

NOINLINE std::uint64_t hash_text(const std::string& t) {
    std::uint64_t h = 1469598103934665603ULL;
    const int passes = change() == 5 ? 2 : 1;
    for (int p = 0; p < passes; ++p)
        for (unsigned char c : t) h = (h ^ c) * 1099511628211ULL;
    return h;
}

NOINLINE std::size_t find_item(const std::vector<std::uint32_t>& sorted, std::uint32_t key) {
    if (change() == 6) {
        for (std::size_t i = 0; i < sorted.size(); ++i)
            if (sorted[i] >= key) return i;
        return sorted.size();
    }
    std::size_t lo = 0, hi = sorted.size();
    while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        if (sorted[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

NOINLINE std::uint64_t fib(int n) { return n < 2 ? static_cast<std::uint64_t>(n) : fib(n - 1) + fib(n - 2); }

template <int N>
NOINLINE std::uint64_t accumulate_n(const std::vector<std::uint32_t>& v) {
    std::uint64_t s = 0;
    const int times = change() == 8 ? 2 * N : N;
    for (int t = 0; t < times; ++t)
        for (std::size_t i = 0; i < v.size(); i += 4) s += v[i] >> t;
    return s;
}

NOINLINE std::uint64_t apply_all(const std::vector<std::uint32_t>& v) {
    const int extra = change() == 9 ? 24 : 8;
    auto step = [extra](std::uint64_t acc, std::uint32_t x) __attribute__((noinline)) {
        for (int i = 0; i < extra; ++i) acc = acc * 31 + (x >> (i & 7));
        return acc;
    };
    std::uint64_t acc = 0;
    for (std::size_t i = 0; i < v.size(); i += 8) acc = step(acc, v[i]);
    return acc;
}

struct Shape {
    virtual ~Shape() = default;
    virtual double area() const = 0;
};
struct Circle : Shape {
    double r = 1.5;
    NOINLINE double area() const override {
        double a = 0;
        const int terms = change() == 10 ? 600 : 200;
        for (int i = 0; i < terms; ++i) a += r * r * 3.14159 / (i + 1);
        return a;
    }
};
struct Square : Shape {
    double s = 2.0;
    NOINLINE double area() const override {
        double a = 0;
        for (int i = 0; i < 200; ++i) a += s * s / (i + 1);
        return a;
    }
};

std::vector<std::uint32_t> numbers(std::size_t n) {
    std::vector<std::uint32_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint32_t>(i * 2654435761u);
    return v;
}

}  // namespace

BENCHGATE_BENCH("explain/mixed") {
    const std::vector<std::uint32_t> block = numbers(2048);
    const std::vector<std::uint32_t> matrix = numbers(side * side);
    std::vector<std::uint32_t> sorted = numbers(1024);
    for (std::size_t i = 0; i < sorted.size(); ++i) sorted[i] = static_cast<std::uint32_t>(i * 3);
    const std::string text(1500, 'x');
    std::vector<std::unique_ptr<Shape>> shapes;
    shapes.push_back(std::make_unique<Circle>());
    shapes.push_back(std::make_unique<Square>());
    std::uint32_t key = 0;
    bench.run([&] {
        std::uint64_t r = checksum_block(block);
        r += make_label(r);
        if (change() == 3) r += validate_record(block);
        r += sum_column(matrix);
        r += hash_text(text);
        key = (key + 997) % 3072;
        r += find_item(sorted, key);
        r += fib(change() == 7 ? 16 : 14);
        r += accumulate_n<4>(block);
        r += apply_all(block);
        for (const auto& s : shapes) r += static_cast<std::uint64_t>(s->area());
        return r;
    });
}

// About 1 ms a call: the cost of explaining a body that long.
BENCHGATE_BENCH("explain/one_ms") {
    const std::vector<std::uint32_t> block = numbers(4096);
    bench.run([&] {
        std::uint64_t s = 0;
        for (int round = 0; round < 120; ++round) s += checksum_block(block) >> round % 7;
        return s;
    });
}
