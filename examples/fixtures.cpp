// Fixtures, per-sample setup, and manual timing of only part of an iteration.
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>

// A fixture is built once per benchmark, before its first round, and torn down after its last.
struct TempFile : benchgate::Fixture {
    std::string path;
    void setup(benchgate::Bench&) override {
        path = "/tmp/benchgate-fixture-" + std::to_string(::getpid());
        std::ofstream(path) << std::string(64 * 1024, 'x');
    }
    void teardown() override { std::remove(path.c_str()); }
};

BENCHGATE_FIXTURE(TempFile, "fixtures/read_64k") {
    std::string buf(64 * 1024, '\0');
    bench.throughput_bytes(static_cast<double>(buf.size()));
    bench.run([&] {
        std::FILE* f = std::fopen(path.c_str(), "rb");
        const std::size_t n = std::fread(buf.data(), 1, buf.size(), f);
        std::fclose(f);
        return n;
    });
}

// per_sample: reset state before every timed batch, outside the timing.
BENCHGATE_BENCH("fixtures/map_insert_fresh") {
    std::map<int, int> m;
    int next = 0;
    bench.per_sample([&] {
        m.clear();
        next = 0;
    });
    bench.run([&] { return m.emplace(next++, 1).second; });
}

// run_custom: the body times only what matters (here the lookup, not the string building).
BENCHGATE_BENCH("fixtures/lookup_only") {
    std::map<std::string, int> m;
    for (int i = 0; i < 1000; ++i) m["key" + std::to_string(i)] = i;
    bench.run_custom([&](std::uint64_t iterations) {
        benchgate::Stopwatch timer;
        long found = 0;
        for (std::uint64_t i = 0; i < iterations; ++i) {
            const std::string key = "key" + std::to_string(i % 1000);  // preparation: not timed
            timer.start();
            found += m.count(key);
            timer.stop();
        }
        benchgate::do_not_optimize(found);
        return timer.elapsed_ns();
    });
}
