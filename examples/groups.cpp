// Group settings: a slow end-to-end group with fewer samples and wider verdict bands.
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <thread>

BENCHGATE_GROUP("e2e", benchgate::GroupSettings{}.with_samples(12).with_threshold_pct(25).with_warn_threshold_pct(15));

BENCHGATE_BENCH("e2e/handshake") {
    bench.run([] {
        std::this_thread::sleep_for(std::chrono::microseconds(200));  // stands in for I/O
        return 1;
    });
}

BENCHGATE_BENCH("unit/checksum") {
    unsigned x = 1;
    bench.run([&] { return x = x * 2654435761u + 1; });
}
