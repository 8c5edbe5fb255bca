// Writes a dashboard page of synthetic history, for the browser test (test/browser/dashboard.mjs)
// and the screenshot in docs/dashboard.md.
//
//   dashboard_fixture OUT.html RUNS BENCHMARKS [--hostile] [--machines N]
//
// Two machines (N, up to 8, with --machines), each with RUNS daily runs and the same BENCHMARKS
// benchmarks; from the third machine on, each has fewer runs (RUNS - 5 x its index, at least
// one) and lacks every seventh benchmark (a different seventh on each). The data is
// deterministic: noisy series, some with a step slower (a change point and a REGRESSION
// verdict, a few of them in the newest run), some with a step faster, some drifting, some added
// later, one with a failed run. --hostile gives the first benchmarks names that try to break
// the page (quotes, backslash, control characters, markup, script end tags, invalid UTF-8,
// a 10 KB name), puts markup into the title, a fingerprint, a commit, a trend and a status,
// gives the next six benchmarks odd numbers (no points, no values, zeros, changes and runs
// that point nowhere) and adds a third machine with no runs and no benchmarks.
#define BENCHGATE_FULL
#include <benchgate/benchgate.hpp>
#include <benchgate/report/dashboard.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

namespace {

using namespace benchgate::report;

// splitmix64: the same numbers on every platform (std:: distributions are not).
struct Random {
    std::uint64_t state;
    explicit Random(std::uint64_t seed) : state(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double normal() {
        const double u = 1.0 - uniform(), v = uniform();
        return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
    }
};

std::string iso_date(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string hex_digits(std::uint64_t a, std::uint64_t b, std::size_t n) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += digits[((i < 16 ? a >> (4 * i) : b >> (4 * (i - 16))) & 0xF)];
    return out;
}

const char* const families[] = {
    "json/parse", "json/serialize", "frame/encode", "frame/decode", "hash/fnv1a", "hash/xxh64",
    "sort/std_sort", "sort/radix", "regex/match", "string/to_string", "string/format", "alloc/small",
    "alloc/arena", "map/insert", "map/find", "unordered_map/find", "vector/push_back", "deque/push_back",
    "crc32/slice8", "base64/encode", "base64/decode", "compress/lz4", "compress/zstd", "sha256/block",
    "queue/spsc", "mutex/uncontended", "atomic/fetch_add", "tokenize/csv", "parse/int", "parse/double"};
constexpr std::size_t family_count = sizeof families / sizeof families[0];

// Unique names: family × size, then × thread counts.
std::string benchmark_name(std::size_t i) {
    const std::size_t f = i % family_count, k = i / family_count;
    std::string name = std::string(families[f]) + "/" + std::to_string(64u << (2 * (k % 6)));
    if (k >= 6) name += "/threads:" + std::to_string(k / 6 + 1);
    return name;
}

std::vector<std::string> hostile_names() {
    return {"\"quoted\" 'name'",
            "back\\slash\\name",
            "new\nline",
            "tab\tname",
            "pipe|name",
            "</script><script>alert(1)</script>",
            "amp & ersand &amp; &lt;",
            "comma, name",
            "bad utf8 \xff\xfe end",
            "<img src=x onerror=window.__pwned=1>",
            "</script><script>window.__pwned=1</script>",
            "<!--<script>window.__pwned=1</script>-->",
            "line\xE2\x80\xA8separator",
            "long/" + std::string(10240, 'x')};
}

// The mean of the values of the runs in the last `days` days before `last`.
double mean_of_last(const DashboardSeries& s, const std::vector<std::time_t>& times, std::time_t last, int days) {
    double sum = 0;
    int n = 0;
    for (const auto& p : s.points)
        if (std::isfinite(p.value) && times[p.run] > last - days * 86400) {
            sum += p.value;
            ++n;
        }
    return n ? sum / n : NAN;
}

// Hostile numbers, for the benchmarks after the hostile names: what a history reader might
// produce on odd input. None of it may break a chart.
void make_odd(DashboardSeries& s, std::size_t kind, std::size_t runs) {
    const double nan = std::nan("");
    switch (kind) {
    case 0: s.points.clear(); s.changes.clear(); s.latest = s.mean7 = s.mean30 = s.drift = nan; break;  // no points
    case 1:  // no values at all
        for (auto& p : s.points) p.value = p.lower = p.upper = nan;
        break;
    case 2:  // changes that point nowhere, out of order, with odd factors
        s.changes = {{999, 1, 2, 2}, {s.points.size() - 1, 5, 4, 0.8}, {0, nan, nan, nan}, {1, 1, 1, INFINITY}};
        break;
    case 3:  // zeros, a negative value, a huge one
        for (std::size_t i = 0; i < s.points.size(); ++i) s.points[i].value = s.points[i].lower = s.points[i].upper = 0;
        if (s.points.size() > 2) s.points[1].value = -5, s.points[2].value = 1e15;
        break;
    case 4:  // points of runs that do not exist
        for (std::size_t i = 0; i < s.points.size(); ++i) s.points[i].run = runs + 3 * i;
        break;
    case 5:  // one point, another unit
        s.points.resize(std::min<std::size_t>(1, s.points.size()));
        s.changes.clear();
        s.unit = "instr";
        break;
    default: break;
    }
}

DashboardMachine machine(int which, std::size_t runs, std::size_t benchmarks, bool hostile) {
    static const char* const ids[] = {"3fa9c2d1", "b07e44a8", "5c1d9e07", "e2a4f610", "0b9c3d2e", "7d6e5f40", "a1b2c3d4", "9f8e7d6c"};
    static const char* const fingerprints[] = {
        "Intel Xeon E5-2690 v4 \xC2\xB7 2 cores \xC2\xB7 g++ 12 \xC2\xB7 release",
        "AMD EPYC 7B13 \xC2\xB7 2 cores \xC2\xB7 clang++ 16 \xC2\xB7 release",
        "Apple M2 \xC2\xB7 8 cores \xC2\xB7 clang++ 15 \xC2\xB7 release",
        "Ampere Altra \xC2\xB7 4 cores \xC2\xB7 g++ 12 \xC2\xB7 release",
        "Intel Core i7-12700 \xC2\xB7 12 cores \xC2\xB7 g++ 13 \xC2\xB7 release",
        "AMD Ryzen 9 7950X \xC2\xB7 16 cores \xC2\xB7 g++ 13 \xC2\xB7 release",
        "Intel Xeon Platinum 8375C \xC2\xB7 4 cores \xC2\xB7 g++ 12 \xC2\xB7 release",
        "AWS Graviton3 \xC2\xB7 4 cores \xC2\xB7 g++ 12 \xC2\xB7 release"};
    DashboardMachine m;
    m.id = ids[which];
    m.fingerprint = fingerprints[which];
    if (which >= 2) runs = std::max<std::size_t>(1, runs > 5u * which ? runs - 5u * which : 1);
    if (hostile && which == 1) m.fingerprint = "<i>AMD</i> \"EPYC\" & \xff\xfe \xC2\xB7 </script> \xC2\xB7 release";
    const std::time_t last = 1795838400 + which * 7200;  // 2026-11-28T04:00:00Z, the second machine two hours later
    std::vector<std::time_t> times(runs);
    Random commits(99);
    for (std::size_t r = 0; r < runs; ++r) {
        times[r] = last - static_cast<std::time_t>(runs - 1 - r) * 86400;
        const std::uint64_t a = commits.next(), b = commits.next();
        std::string commit = r % 10 == 9 ? "" : hex_digits(a, b, 40);
        if (hostile && r + 2 == runs) commit = "<b>bold</b> \"'& \xff";
        m.runs.push_back({iso_date(times[r]), commit});
    }
    const std::vector<std::string> nasty = hostile_names();
    for (std::size_t i = 0; i < benchmarks; ++i) {
        Random rng(0xB3C4u + i * 7919u + static_cast<std::uint64_t>(which) * 104729u);
        DashboardSeries s;
        s.name = hostile && i < nasty.size() ? nasty[i] : benchmark_name(i);
        // A level between 3 ns and 2 ms, log-uniform; the second machine 10-40% slower, the others
        // between 40% faster and 40% slower.
        // The level is the benchmark's, the same draw on every machine (the machine's own draw is
        // still taken, so that the rest of its series stays as it was).
        Random common(0xB3C4u + i * 7919u);
        double level = std::exp(std::log(3.0) + common.uniform() * (std::log(2e6) - std::log(3.0)));
        rng.uniform();
        if (which == 1) level *= 1.1 + 0.3 * rng.uniform();
        if (which >= 2) level *= 0.6 + 0.8 * rng.uniform();
        if (which >= 2 && i % 7 == static_cast<std::size_t>(which)) continue;
        const bool noisy = i % 9 == 4;
        const double cv = noisy ? 0.05 : 0.003 + 0.02 * rng.uniform() * rng.uniform();
        const bool step_up = i % 7 == 3, step_down = i % 11 == 5, drifts = i % 13 == 8;
        std::size_t step_run = runs;  // none
        double step_factor = 1.0;
        if (step_up || step_down) {
            step_run = i % 14 == 3 ? runs - 1 : runs / 2 + (i * 3) % std::max<std::size_t>(1, runs / 3);
            step_factor = step_up ? 1.08 + 0.27 * rng.uniform() : 0.74 + 0.16 * rng.uniform();
            if (step_run >= runs || step_run == 0) step_run = runs - 1;
        }
        const std::size_t first_run = i % 17 == 2 ? runs / 3 : 0;
        const std::size_t failed_run = i % 19 == 7 && runs > 4 ? runs - 4 : runs;
        double previous = NAN;
        for (std::size_t r = first_run; r < runs; ++r) {
            double mu = level;
            if (r >= step_run) mu *= step_factor;
            if (drifts && r + 15 > runs) mu *= 1.0 + 0.005 * static_cast<double>(r + 15 - runs);
            DashboardPoint p;
            p.run = r;
            if (r == failed_run) {
                p.status = "FAILED";
                s.points.push_back(p);
                continue;
            }
            const double spike = !noisy && rng.uniform() < 0.03 ? 1.06 + 0.05 * rng.uniform() : 1.0;
            p.value = mu * spike * (1.0 + cv * rng.normal());
            const double half = p.value * (0.6 * cv + 0.002) * (0.7 + 0.6 * rng.uniform());
            p.lower = p.value - half * (0.8 + 0.4 * rng.uniform());
            p.upper = p.value + half * (0.8 + 0.4 * rng.uniform());
            if (!std::isfinite(previous)) p.status = s.points.empty() ? "" : "STABLE";
            else if (r == step_run) p.status = step_factor > 1 ? "REGRESSION" : "IMPROVED";
            else if (spike > 1.0) p.status = "WARN";
            else if (noisy && std::fabs(p.value / previous - 1) > 0.08) p.status = "NOISY";
            else p.status = "STABLE";
            if (hostile && i == 1 && r + 3 == runs) p.status = "<script>window.__pwned=1</script>";
            if (hostile && i == 3 && r + 1 == runs) p.status = "__proto__";
            if (hostile && i == 4 && r + 1 == runs) p.status = "constructor";
            previous = p.value;
            s.points.push_back(p);
        }
        if (step_run < runs && step_run >= first_run) {
            DashboardChange c;
            c.point = step_run - first_run;
            c.before = level;
            c.after = level * step_factor;
            c.factor = step_factor;
            s.changes.push_back(c);
        }
        const DashboardPoint& newest = s.points.back();
        s.latest_status = newest.status;
        s.latest = newest.value;
        s.mean7 = mean_of_last(s, times, last, 7);
        s.mean30 = mean_of_last(s, times, last, 30);
        s.drift = s.mean7 / s.mean30 - 1.0;
        const bool recent_step = step_run < runs && times[step_run] > last - 30 * 86400;
        if (recent_step) s.trend = step_factor > 1 ? "step slower" : "step faster";
        else if (s.drift > 0.02) s.trend = "drifting slower";
        else if (s.drift < -0.02) s.trend = "drifting faster";
        else s.trend = noisy ? "noisy" : "stable";
        if (hostile && i == 2) s.trend = "<b>slower</b> & \"worse\"";
        if (hostile && i >= nasty.size()) make_odd(s, i - nasty.size(), runs);
        m.series.push_back(std::move(s));
    }
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    bool hostile = false;
    long machines = 2;
    bool usage = argc < 4;
    for (int i = 4; i < argc && !usage; ++i) {
        const std::string a = argv[i];
        if (a == "--hostile") hostile = true;
        else if (a == "--machines" && i + 1 < argc) machines = std::strtol(argv[++i], nullptr, 10);
        else usage = true;
    }
    if (usage || machines < 1 || machines > 8) {
        std::fprintf(stderr, "usage: dashboard_fixture OUT.html RUNS BENCHMARKS [--hostile] [--machines N (1-8)]\n");
        return 2;
    }
    const long runs = std::strtol(argv[2], nullptr, 10), benchmarks = std::strtol(argv[3], nullptr, 10);
    if (runs < 1 || benchmarks < 1) {
        std::fprintf(stderr, "dashboard_fixture: RUNS and BENCHMARKS must be positive\n");
        return 2;
    }
    DashboardData data;
    data.generated = "2026-11-28T04:12:00Z";
    if (hostile) data.title = "benchgate <dashboard> & \"friends\" </title></script>\xff";
    for (int m = 0; m < machines; ++m)
        data.machines.push_back(machine(m, static_cast<std::size_t>(runs), static_cast<std::size_t>(benchmarks), hostile));
    if (hostile) data.machines.push_back({"00000000", "", {}, {}});  // a machine with nothing: no runs, no benchmarks
    const std::string page = dashboard_html(data);
    std::FILE* f = std::fopen(argv[1], "wb");
    if (!f || std::fwrite(page.data(), 1, page.size(), f) != page.size() || std::fclose(f) != 0) {
        std::perror(argv[1]);
        return 1;
    }
    std::printf("%s: %zu bytes, %ld machines x %ld benchmarks x %ld runs\n", argv[1], page.size(), machines, benchmarks, runs);
    return 0;
}
