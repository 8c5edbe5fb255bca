// Registration, selection by filter, and command-line parsing with environment mirrors.
#include <catch2/catch.hpp>

#define BENCHGATE_FULL
#include <benchgate/benchgate.hpp>

#include <chrono>
#include <cstdlib>
#include <map>
#include <regex>
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
    CHECK_THROWS_AS(select(all, "(unclosed"), std::invalid_argument);
}

TEST_CASE("validation rejects empty and duplicate names") {
    auto body = [](Bench&) {};
    CHECK(validate(sample_registry()).empty());
    CHECK(validate({{"", body}}) == "a benchmark has an empty name");
    CHECK(validate({{"a", body}, {"a", body}}).find("registered twice") != std::string::npos);
}

TEST_CASE("validation: 100 000 names checked for duplicates in well under a second") {
    // A name is looked up in an index, not compared with every earlier one (5e9 comparisons: 20 s).
    auto body = [](Bench&) {};
    // The sanitized build (make test's second pass, -O0 with AddressSanitizer) checks a fifth as many.
    const int count = std::getenv("TEST_SANITIZED_BUILD") ? 20000 : 100000;
    std::vector<Registration> many;
    many.reserve(static_cast<std::size_t>(count) + 1);
    for (int i = 0; i < count; ++i) many.emplace_back("many/" + std::to_string(i), body);
    const auto start = std::chrono::steady_clock::now();
    CHECK(validate(many).empty());
    many.emplace_back("many/4711", body);
    CHECK(validate(many) == "benchmark name \"many/4711\" is registered twice");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("complexity: 25 000 families of 4 instances each fitted in seconds") {
    // Each family's instances are gathered in one pass over the selection, not in a scan of it
    // per family (2.5e9 comparisons: 8 s).
    auto body = [](Bench&) {};
    // The sanitized build (make test's second pass, -O0 with AddressSanitizer) checks a fifth as many.
    const int count = std::getenv("TEST_SANITIZED_BUILD") ? 20000 : 100000;
    std::vector<Registration> regs;
    std::vector<BenchmarkResult> results;
    regs.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        const std::int64_t n = std::int64_t{1} << (i % 4);
        Registration r("f/" + std::to_string(i / 4) + "/" + std::to_string(n), body);
        r.family = "f/" + std::to_string(i / 4);
        r.params = {{"n", n}};
        r.complexity = true;
        regs.push_back(std::move(r));
        BenchmarkResult b;
        b.name = regs.back().name;
        b.estimates.median.point = 3.0 * static_cast<double>(n);
        results.push_back(std::move(b));
    }
    std::vector<const Registration*> selected;
    for (const auto& r : regs) selected.push_back(&r);
    const auto start = std::chrono::steady_clock::now();
    const std::vector<ComplexityFit> fits = detail::fit_families(selected, results);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    REQUIRE(fits.size() == static_cast<std::size_t>(count / 4));
    CHECK(fits.back().family == "f/" + std::to_string(count / 4 - 1));
    CHECK(fits.back().axis == "n");
    CHECK(fits.back().best == "O(n)");
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

// The filter against std::regex as the reference, on patterns and names where std::regex is safe.
TEST_CASE("filter: the documented syntax matches as std::regex_search does") {
    const std::vector<std::string> patterns = {
        "", "a", "^frame/", "64$", "^frame/(en|de)code/64$", "enc.de", "x*", "^x*$", "a+b?c{2}", "c{2,}", "c{1,2}d",
        "[a-c]+", "[^/]+/[^/]+$", "\\d+$", "\\D", "\\w+", "\\W", "\\s", "\\S+", "\\bde", "\\Bde", "code\\b",
        "(?:en|de)code", "a|b|", "()", "(a*)*", "(a+)+$", "\\.", "\\/", "[.]", "[-a]", "[a-]", "[\\]]", "[\\d-]",
        "\\x41", "\\u0041", "\\t", "colou?r", "a{0}b", "(ab){2}", ".*", "^$", "[]", "[^]", "a*?b", "a+?", "a??",
        "\\(1\\)", "nat|^frame/decode", "[A-Z]", "\\}", "}", "]", "\\0",
    };
    const std::vector<std::string> names = {
        "", "a", "frame/encode/64", "frame/decode/64", "nat/setup", "xxx", "aabcc", "abccc", "cd", "ccd", "a b",
        "colour", "color", "ABC", "abab", "b", "(1)", "x/y", "a}", "]", "line\nbreak", "tab\there", "decode-",
        "encode_z", std::string("nul\0byte", 8), "\xc3\xa9t\xc3\xa9", "de",
    };
    for (const auto& p : patterns) {
        NameFilter f;
        INFO("pattern '" << p << "'");
        REQUIRE(f.compile(p).empty());
        const std::regex re(p, std::regex::ECMAScript);
        for (const auto& n : names) {
            INFO("name '" << n << "'");
            CHECK(f.matches(n) == std::regex_search(n, re));
        }
    }
}

TEST_CASE("filter: linear in the name, no recursion: hostile patterns and names end at once") {
    NameFilter nested;
    REQUIRE(nested.compile("(a+)+$").empty());
    const auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(nested.matches(std::string(41, 'a') + "b"));
    CHECK_FALSE(nested.matches(std::string(100000, 'a') + "b"));
    CHECK(nested.matches(std::string(100000, 'a')));
    NameFilter star;
    REQUIRE(star.compile("quickstart/x*$").empty());
    CHECK(star.matches("quickstart/" + std::string(1 << 20, 'x')));  // std::regex recursed once per character here
    CHECK_FALSE(star.matches(std::string(1 << 20, 'q')));
    NameFilter alternatives;
    REQUIRE(alternatives.compile("(x|xx|x*)*y").empty());
    CHECK_FALSE(alternatives.matches(std::string(50000, 'x')));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("filter: what it refuses, with one line naming the problem and where") {
    const std::vector<std::pair<std::string, std::string>> refused = {
        {"(", "without its ')'"}, {"a)", "unmatched ')'"}, {"[a", "without its ']'"}, {"*a", "nothing to repeat"},
        {"a**", "after a quantifier"}, {"a{2", "without its '}'"}, {"a{3,2}", "m below n"}, {"a{1001}", "above 1000"},
        {"(a)\\1", "back-references"}, {"a(?=b)", "lookaheads"}, {"(?<=a)b", "lookaheads"}, {"\\", "at the end"},
        {"\\q", "unknown escape"}, {"[z-a]", "out of order"}, {"^*", "after an anchor"}, {"\\u00e9", "beyond ASCII"},
        {std::string(200, '(') + std::string(200, ')'), "nested more than 100"}, {"(a{1000}){1000}", "1000000 steps"},
        {"{", "nothing to repeat"}, {"[\\d-z]", "cannot start a range"}, {"[a-\\w]", "cannot end a range"},
    };
    for (const auto& [pattern, needle] : refused) {
        NameFilter f;
        const std::string problem = f.compile(pattern);
        INFO("pattern '" << pattern << "': " << problem);
        CHECK(problem.find(needle) != std::string::npos);
        CHECK(problem.find("offset") != std::string::npos);
        CHECK(problem.find('\n') == std::string::npos);
        CHECK_THROWS_AS(select(sample_registry(), pattern), std::invalid_argument);
    }
}

TEST_CASE("command line: a bad --filter names where it came from") {
    auto p = parse({"--filter", "(a"});
    CHECK(p.error.find("option '--filter'") == 0);
    Env env;
    env.vars = {{"BENCHGATE_FILTER", "(a"}};
    p = parse({}, env);
    CHECK(p.error.find("environment variable BENCHGATE_FILTER") == 0);
    CHECK(p.error.find("--filter") == std::string::npos);
}

TEST_CASE("command line: numbers are decimal; --threshold 0 and below the warn band narrow it") {
    for (const char* bad : {"0x10", "inf", "nan", " 10", "10 ", "1e", ".", "+", "1.2.3", "0x1p3"}) {
        INFO(bad);
        CHECK(parse({"--threshold", bad}).error.find("option '--threshold' expects a percentage") == 0);
    }
    CHECK(parse({"--threshold", "1e1"}).options.gate.threshold == Approx(0.10));
    CHECK(parse({"--threshold", ".5"}).options.gate.threshold == Approx(0.005));
    auto zero = parse({"--threshold", "0"});
    REQUIRE(zero.ok());
    CHECK(zero.options.gate.threshold == 0.0);
    CHECK(zero.options.gate.warn_threshold == 0.0);
    auto three = parse({"--threshold", "3"});
    REQUIRE(three.ok());
    CHECK(three.options.gate.warn_threshold == Approx(0.03));
    CHECK(parse({"--threshold", "3", "--warn-threshold", "4"}).error == "option '--warn-threshold' must not exceed '--threshold'");
    CHECK(parse({"--threshold", "3", "--warn-threshold", "2"}).options.gate.warn_threshold == Approx(0.02));
}
