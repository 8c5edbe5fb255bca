// A bench binary whose benchmark, group and counter names hold everything a format can trip
// on: quotes, backslashes, line breaks, tabs, pipes, markup and script, ampersands, commas,
// invalid UTF-8 and 10 KB of length. test/integration/hostile_names.py runs it through every
// output and reads each back.
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <cstdint>
#include <string>

namespace {

std::uint64_t work(std::uint64_t x) {
    for (int i = 0; i < 64; ++i) x = (x ^ (x >> 29)) * 0xbf58476d1ce4e5b9ULL;
    return x;
}

void body(benchgate::Bench& bench) {
    std::uint64_t x = 7;
    bench.counter("items \"<b>|,\n\t&amp;\xff", 2.0);
    bench.run([&] { return x = work(x); });
}

// The group prefix is hostile too; its settings keep the run short.
const bool group_set = benchgate::set_group(
    "hostile \"<&>|,\t", benchgate::GroupSettings{}.with_samples(8).with_threshold_pct(25).with_warn_threshold_pct(15));

const std::string long_name = "hostile/long/" + std::string(10 * 1024, 'x');

const bool registered = [] {
    const char* names[] = {
        "hostile \"<&>|,\t/quote\"d",
        "hostile \"<&>|,\t/back\\slash\\",
        "hostile \"<&>|,\t/new\nline\r\n",
        "hostile \"<&>|,\t/tab\there",
        "hostile \"<&>|,\t/pipe|cell||",
        "hostile \"<&>|,\t/</script><script>window.__benchgate_pwned=1</script>",
        "hostile \"<&>|,\t/<img src=x onerror=\"window.__benchgate_pwned=2\">",
        "hostile \"<&>|,\t/amp&lt;&#60;",
        "hostile \"<&>|,\t/comma,separated,\"quoted\"",
        "hostile \"<&>|,\t/bad\xff\xfe utf8 \xc3",
        "hostile \"<&>|,\t/`code` *em* [link](x) \\| ~strike~ {{ '${{ github.token }}' }}",
    };
    for (const char* n : names) benchgate::add(n, body);
    benchgate::add(long_name, body);
    return true;
}();

}  // namespace
