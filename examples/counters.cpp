// Throughput and custom counters: rates beside the time, compared as information.
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <cstring>
#include <vector>

// A toy decoder: frames are length-prefixed; some are "corrupt" and retried.
BENCHGATE_BENCH("counters/decode_stream") {
    std::vector<unsigned char> stream;
    for (int i = 0; i < 256; ++i) {
        stream.push_back(static_cast<unsigned char>(8 + i % 24));
        stream.insert(stream.end(), 8 + i % 24, static_cast<unsigned char>(i));
    }
    unsigned long frames = 0, retries = 0;
    bench.throughput_bytes(static_cast<double>(stream.size()));
    bench.run([&] {
        unsigned sum = 0;
        for (std::size_t p = 0; p < stream.size();) {
            const std::size_t len = stream[p];
            for (std::size_t k = 1; k <= len; ++k) sum += stream[p + k];
            if ((sum & 63) == 0) ++retries;  // pretend a checksum failed
            ++frames;
            p += len + 1;
        }
        return sum;
    });
    // Totals over every call (warm-up included) divided by the calls: values per iteration.
    bench.counter("frames", static_cast<double>(frames) / static_cast<double>(bench.calls()), /*rate=*/true);
    bench.counter("retries", static_cast<double>(retries) / static_cast<double>(bench.calls()));
}
