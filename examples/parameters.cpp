// Parameterised benchmarks: one axis, named axes (their product), and a complexity fit.
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <algorithm>
#include <numeric>
#include <vector>

// One unnamed axis: instances "params/sort/64", "params/sort/512", "params/sort/4096".
BENCHGATE_BENCH_P("params/sort", benchgate::range(64, 4096)) {
    std::vector<int> input(static_cast<std::size_t>(bench.param()));
    std::iota(input.rbegin(), input.rend(), 0);
    bench.throughput_elements(static_cast<double>(input.size()));
    bench.run_batched([&] { return input; }, [](std::vector<int>& v) {
        std::sort(v.begin(), v.end());
        return v.front();
    });
}

// Named axes: "params/fill/size:1024/stride:1", ... (the product of both axes).
BENCHGATE_BENCH_P("params/fill", benchgate::Params().axis("size", {1024, 65536}).axis("stride", {1, 16})) {
    std::vector<char> buf(static_cast<std::size_t>(bench.param("size")));
    const auto stride = static_cast<std::size_t>(bench.param("stride"));
    bench.throughput_bytes(static_cast<double>(buf.size() / stride));
    bench.run([&] {
        for (std::size_t i = 0; i < buf.size(); i += stride) buf[i] = static_cast<char>(i);
        benchgate::do_not_optimize(buf.data());
    });
}

// complexity(): fit O(1) ... O(n^3) over the axis and print the best.
BENCHGATE_BENCH_P("params/linear_search", benchgate::Params().axis("n", benchgate::range(256, 65536, 4)).complexity()) {
    std::vector<int> v(static_cast<std::size_t>(bench.param("n")));
    std::iota(v.begin(), v.end(), 0);
    const int wanted = static_cast<int>(v.size()) - 1;  // the last element: a full scan
    bench.run([&] { return std::find(v.begin(), v.end(), wanted) - v.begin(); });
}
