// Bodies with a known peak of live heap bytes, for test/integration/memory.py. Built with
// allocation counting; every figure below is in requested bytes (the size header the counting
// operator new adds is not part of it).
//
//   MEMORY_PATTERNS_SCALE=F   mem/blocks holds F times as many blocks (F: 1 to 4; default 1)
//                             and mem/loop frees blocks F times as large
#define BENCHGATE_COUNT_ALLOCATIONS
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

int scale() {
    const char* s = std::getenv("MEMORY_PATTERNS_SCALE");
    const int f = s ? std::atoi(s) : 1;
    return f >= 1 && f <= 4 ? f : 1;
}

constexpr int blocks = 16;
constexpr std::size_t block_bytes = 1000;

}  // namespace

// 16 blocks of 1000 bytes live at once, then freed: peak 16 000 (x MEMORY_PATTERNS_SCALE).
BENCHGATE_BENCH("mem/blocks") {
    const int n = blocks * scale();
    bench.run([n] {
        char* held[blocks * 4];
        for (int i = 0; i < n; ++i) held[i] = new char[block_bytes];
        for (int i = 0; i < n; ++i) delete[] held[i];
        return n;
    });
}

// 100 blocks of 1000 bytes, each freed before the next: peak 1000 (x MEMORY_PATTERNS_SCALE).
BENCHGATE_BENCH("mem/loop") {
    const std::size_t k = block_bytes * static_cast<std::size_t>(scale());
    bench.run([k] {
        std::size_t sum = 0;
        for (int i = 0; i < 100; ++i) {
            char* p = new char[k];
            benchgate::do_not_optimize(p);
            sum += static_cast<std::size_t>(p[0] = 1);
            delete[] p;
        }
        return sum;
    });
}

// Growth by doubling to 100 ints: capacities 1, 2, 4, ..., 128; the peak is at the last
// reallocation, old and new buffer live together: 64 * 4 + 128 * 4 = 768 bytes.
BENCHGATE_BENCH("mem/vector_growth") {
    bench.run([] {
        std::vector<int> v;
        for (int i = 0; i < 100; ++i) v.push_back(i);
        return v.size();
    });
}

// Over-aligned new: a 192-byte object aligned to 64 and a 100-byte block aligned to 256, live
// together: peak 292. The alignment is checked: a misaligned block fails the benchmark.
struct alignas(64) Aligned {
    char bytes[192];
};
BENCHGATE_BENCH("mem/aligned") {
    bench.run([] {
        Aligned* a = new Aligned;
        void* b = ::operator new(100, std::align_val_t{256});
        const bool ok = reinterpret_cast<std::uintptr_t>(a) % 64 == 0 && reinterpret_cast<std::uintptr_t>(b) % 256 == 0;
        ::operator delete(b, std::align_val_t{256});
        delete a;
        if (!ok) throw std::runtime_error("over-aligned new returned a misaligned block");
        return ok;
    });
}

// Nothrow new of 500 bytes: peak 500.
BENCHGATE_BENCH("mem/nothrow") {
    bench.run([] {
        char* p = new (std::nothrow) char[500];
        benchgate::do_not_optimize(p);
        delete[] p;
        return p != nullptr;
    });
}

// 16 bytes leaked per call: a measured batch of n calls ends 16 n bytes above its start, so
// the peak is 16 x the largest batch (the largest of the result's "iterations"). The blocks
// are never freed, but their addresses are kept in a static array (no heap of its own), so
// LeakSanitizer in the sanitized build sees them reachable: a --quick run makes about ten
// thousand calls, far below the array's size.
namespace {
char* leaked[1 << 20];
std::size_t leaked_count = 0;
}  // namespace

BENCHGATE_BENCH("mem/leak") {
    bench.run([] {
        char* p = new char[16];
        if (leaked_count < sizeof leaked / sizeof leaked[0]) leaked[leaked_count++] = p;
        benchgate::do_not_optimize(p);
        return p;
    });
}

// Four threads each hold a 1000-byte block until all four hold theirs: at least 4000 bytes
// live; std::thread's own state (one small object per thread, live while it runs) adds a
// few dozen bytes each. The bound checked: 4000 <= peak <= 4000 + 4 * 256.
BENCHGATE_BENCH("mem/threads") {
    bench.run([] {
        std::atomic<int> holding{0};
        std::thread t[4];
        for (auto& th : t)
            th = std::thread([&holding] {
                char* p = new char[1000];
                benchgate::do_not_optimize(p);
                holding.fetch_add(1);
                // Bounded wait (about 1 s at most) for the other three.
                for (int spins = 0; holding.load() < 4 && spins < 1000000; ++spins) std::this_thread::yield();
                delete[] p;
            });
        for (auto& th : t) th.join();
        return holding.load();
    });
}

// No allocation at all: peak 0.
BENCHGATE_BENCH("mem/none") {
    std::uint64_t x = 1;
    bench.run([&x] { return x = x * 6364136223846793005ULL + 1442695040888963407ULL; });
}

// 1 MiB made before bench.run (setup, not measured) and a 100-character string per call
// (101 bytes with its terminator): peak 101.
BENCHGATE_BENCH("mem/setup_excluded") {
    std::vector<char> input(1 << 20, 'x');
    bench.run([&input] {
        std::string s(input.data(), 100);
        return s.size();
    });
}

// 16 MiB of malloc'd pages touched on the first call (calibration) and kept: the resident
// set grows by at least 16 MiB across the benchmark's first round (no operator new: peak 0).
BENCHGATE_BENCH("mem/touch_pages") {
    static char* pages = nullptr;
    bench.run([] {
        if (!pages) {
            pages = static_cast<char*>(std::malloc(16u << 20));
            if (!pages) throw std::runtime_error("malloc of 16 MiB failed");
            std::memset(pages, 1, 16u << 20);
        }
        return pages[4096];
    });
}
