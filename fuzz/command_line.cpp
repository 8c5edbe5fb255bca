// Fuzz target: the command-line parsers: a bench binary's cli::parse and the tool's
// parse_args. The input splits into arguments at NUL bytes; after an empty argument (two NULs)
// come environment variables NAME=VALUE that cli::parse reads as mirrors. What parses must be
// within the documented ranges; every error is one line.
#include <benchgate/detail/tool/args.hpp>

#include <cmath>
#include <map>

#include "check.hpp"

using namespace benchgate::detail;

namespace {

void check_options(const cli::Options& o) {
    FUZZ_CHECK(o.shard_count >= 0 && o.shard_count <= 10000);
    FUZZ_CHECK(o.shard_count == 0 ? o.shard_index == 0 : o.shard_index >= 1 && o.shard_index <= o.shard_count);
    FUZZ_CHECK(o.confirm >= 0 && o.confirm <= 20);
    FUZZ_CHECK(o.processes >= 1 && o.processes <= 20);
    FUZZ_CHECK(o.pin_cpu >= -2 && o.pin_cpu < 4096);
    FUZZ_CHECK(o.gate.warn_threshold <= o.gate.threshold);
    for (double v : {o.gate.threshold, o.gate.warn_threshold, o.gate.noise, o.gate.alpha, o.worker_timeout, o.time_budget})
        FUZZ_CHECK(std::isfinite(v) && v >= 0);
    FUZZ_CHECK(o.gate.alpha > 0 && o.gate.alpha < 1);
    FUZZ_CHECK(o.profile_time >= 0 && o.profile_time <= 86400);
    FUZZ_CHECK(o.callgrind_child >= 0 && o.callgrind_child <= 1000000);
    for (const auto& kv : o.against_env) FUZZ_CHECK(kv.find('=') != std::string::npos && kv[0] != '=');
    FUZZ_CHECK(o.outputs.size() == benchgate::report::exporters().size());
}

// The flag sets of the tool's commands (history, trend, import-gbench, merge).
const std::vector<std::vector<tool::ArgSpec>>& specs() {
    static const std::vector<std::vector<tool::ArgSpec>> all = {
        {{"--keep", true}, {"--keep-samples", true}, {"--help", false}},
        {{"--threshold", true}, {"--warn-threshold", true}, {"--noise", true}, {"--filter", true}, {"--fail-on-drift", false}, {"--help", false}},
        {{"-o", true}, {"--time", true}, {"--help", false}, {"-h", false}},
        {{"-o", true}, {"--allow-mixed", false}, {"--help", false}, {"-h", false}},
    };
    return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> pieces = fuzz::split(fuzz::text(data, size), '\0');
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    bool in_env = false;
    for (const auto& p : pieces) {
        if (in_env) {
            const auto eq = p.find('=');
            if (eq != std::string::npos) env[p.substr(0, eq)] = p.substr(eq + 1);
        } else if (p.empty() && !args.empty()) {
            in_env = true;
        } else {
            args.push_back(p);
        }
    }

    std::vector<const char*> argv = {"bench"};
    for (const auto& a : args) argv.push_back(a.c_str());
    const cli::Parsed parsed = cli::parse(static_cast<int>(argv.size()), argv.data(), [&](const char* n) -> const char* {
        const auto it = env.find(n);
        return it == env.end() ? nullptr : it->second.c_str();
    });
    if (parsed.ok()) check_options(parsed.options);
    else FUZZ_CHECK(fuzz::one_line(parsed.error));

    const auto& spec = specs()[size % specs().size()];
    const tool::Args a = tool::parse_args(args, spec);
    if (!a.error.empty()) {
        FUZZ_CHECK(fuzz::one_line(a.error));
        return 0;
    }
    FUZZ_CHECK(a.positional.size() + a.values.size() <= args.size());
    for (const auto& [flag, value] : a.values) {
        const tool::ArgSpec* s = nullptr;
        for (const auto& x : spec)
            if (flag == x.name) s = &x;
        FUZZ_CHECK(s != nullptr);
        if (!s->takes_value) FUZZ_CHECK(value.empty());
    }
    for (const auto& p : a.positional) FUZZ_CHECK(p.size() < 2 || p[0] != '-' || p == "-");
    std::size_t keep = 0;
    const std::string problem = tool::count_value(a, "--keep", 1, 100000, keep);
    if (problem.empty()) FUZZ_CHECK(!a.has("--keep") || (keep >= 1 && keep <= 100000));
    else FUZZ_CHECK(fuzz::one_line(problem));
    return 0;
}
