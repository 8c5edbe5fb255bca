// Registration, selection by filter, and command-line parsing with environment mirrors.
#include <catch2/catch.hpp>

#define BENCHGATE_FULL
#include <benchgate/benchgate.hpp>

#include <map>
#include <string>
#include <vector>

using namespace benchgate;
using namespace benchgate::detail;

BENCHGATE_BENCH("registry_test/alpha") { bench.run([] { return 1; }); }
BENCHGATE_BENCH("registry_test/beta") { bench.run([] { return 2; }); }

TEST_CASE("macros register benchmarks at static initialisation, in order") {
    std::vector<std::string> names;
    for (const auto& r : registry())
        if (r.name.rfind("registry_test/", 0) == 0) names.push_back(r.name);
    REQUIRE(names == std::vector<std::string>{"registry_test/alpha", "registry_test/beta"});
}

static std::vector<Registration> sample_registry() {
    auto body = [](Bench&) {};
    return {{"frame/encode/64", body}, {"frame/decode/64", body}, {"nat/setup", body}};
}

static std::vector<std::string> names_of(const std::vector<const Registration*>& sel) {
    std::vector<std::string> out;
    for (auto* r : sel) out.push_back(r->name);
    return out;
}

TEST_CASE("filter is an ECMAScript regex searched in the full name") {
    const auto all = sample_registry();
    CHECK(names_of(select(all, "")).size() == 3);
    CHECK(names_of(select(all, "^frame/")) == std::vector<std::string>{"frame/encode/64", "frame/decode/64"});
    CHECK(names_of(select(all, "decode|nat")) == std::vector<std::string>{"frame/decode/64", "nat/setup"});
    CHECK(select(all, "nothing").empty());
    CHECK_THROWS_AS(select(all, "(unclosed"), std::regex_error);
}

TEST_CASE("validation rejects empty and duplicate names") {
    auto body = [](Bench&) {};
    CHECK(validate(sample_registry()).empty());
    CHECK(validate({{"", body}}) == "a benchmark has an empty name");
    CHECK(validate({{"a", body}, {"a", body}}).find("registered twice") != std::string::npos);
}

namespace {
struct Env {
    std::map<std::string, std::string> vars;
    cli::EnvLookup lookup() const {
        return [this](const char* n) -> const char* {
            auto it = vars.find(n);
            return it == vars.end() ? nullptr : it->second.c_str();
        };
    }
};
cli::Parsed parse(std::vector<const char*> args, const Env& env = {}) {
    args.insert(args.begin(), "bench");
    return cli::parse(static_cast<int>(args.size()), args.data(), env.lookup());
}
}  // namespace

TEST_CASE("command line: every documented flag parses") {
    const auto p = parse({"--list", "--filter", "enc", "--quick", "--json", "-", "--profile-time", "2.5",
                          "--color", "never", "--quiet", "--seed", "7"});
    REQUIRE(p.ok());
    CHECK(p.options.list);
    CHECK(p.options.filter == "enc");
    CHECK(p.options.quick);
    CHECK(p.options.output("--json") == "-");
    CHECK(p.options.profile_time == 2.5);
    CHECK(p.options.color == cli::ColorMode::never);
    CHECK(p.options.quiet);
    CHECK(p.options.seed == 7);
    CHECK(parse({"--help"}).options.help);
    CHECK(parse({"--version"}).options.version);
    CHECK(parse({"--filter=a/b"}).options.filter == "a/b");
}

TEST_CASE("command line: bad input names the flag") {
    CHECK(parse({"--bogus"}).error == "unknown option '--bogus'");
    CHECK(parse({"stray"}).error == "unexpected argument 'stray'");
    CHECK(parse({"--filter"}).error.find("'--filter' needs a value") != std::string::npos);
    CHECK(parse({"--color", "blue"}).error.find("'--color' expects auto, always or never") != std::string::npos);
    CHECK(parse({"--profile-time", "-1"}).error.find("'--profile-time'") != std::string::npos);
    CHECK(parse({"--profile-time", "abc"}).error.find("'--profile-time'") != std::string::npos);
    CHECK(parse({"--quick=1"}).error.find("takes no value") != std::string::npos);
    CHECK(parse({"--seed", "-3"}).error.find("'--seed'") != std::string::npos);
}

TEST_CASE("the wait for a fresh process: ten times the first process, at least 20 s, beyond --timeout") {
    cli::Options opt;
    CHECK(cli::fresh_process_wait(opt, 0.2) == std::chrono::seconds(20));
    CHECK(cli::fresh_process_wait(opt, 30.0) == std::chrono::seconds(300));
    opt.timeout = 0;  // --timeout 0: off
    CHECK(cli::fresh_process_wait(opt, 3.5) == std::chrono::seconds(35));
    opt.timeout = 60;
    CHECK(cli::fresh_process_wait(opt, 0.2) == std::chrono::seconds(70));
    CHECK(cli::fresh_process_wait(opt, 1e300) > std::chrono::hours(24 * 365));
}

TEST_CASE("command line: environment mirrors, overridden by flags") {
    Env env;
    env.vars = {{"BENCHGATE_FILTER", "from_env"}, {"BENCHGATE_QUICK", "1"}, {"BENCHGATE_COLOR", "always"}};
    auto p = parse({}, env);
    REQUIRE(p.ok());
    CHECK(p.options.filter == "from_env");
    CHECK(p.options.quick);
    CHECK(p.options.color == cli::ColorMode::always);
    p = parse({"--filter", "from_flag"}, env);
    CHECK(p.options.filter == "from_flag");

    Env off;
    off.vars = {{"BENCHGATE_QUICK", "0"}};
    CHECK_FALSE(parse({}, off).options.quick);

    Env bad;
    bad.vars = {{"BENCHGATE_QUICK", "maybe"}};
    CHECK(parse({}, bad).error.find("BENCHGATE_QUICK") != std::string::npos);
    Env bad_value;
    bad_value.vars = {{"BENCHGATE_PROFILE_TIME", "soon"}};
    CHECK(parse({}, bad_value).error.find("BENCHGATE_PROFILE_TIME") != std::string::npos);
}

TEST_CASE("every flag has an environment name derived from it") {
    CHECK(cli::env_name("--profile-time") == "BENCHGATE_PROFILE_TIME");
    CHECK(cli::env_name("--filter") == "BENCHGATE_FILTER");
    const std::string help = cli::usage("bench");
    for (const auto& f : cli::flags())
        if (f.help) CHECK(help.find(f.name) != std::string::npos);  // internal flags have no help
}
