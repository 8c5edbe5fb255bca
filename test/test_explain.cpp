// Explanations of a change: callgrind's per-function output parsed with known answers, names
// grouped, two profiles compared, and the console, JSON and markdown renderings.
#include <catch2/catch.hpp>

#define BENCHGATE_FULL
#include <benchgate/benchgate.hpp>
#include <benchgate/report/explain.hpp>

#include <string>

using namespace benchgate;
using namespace benchgate::detail;

namespace {

// main calls foo twice (inclusive 120); foo recurses once (foo'2, 20 Ir) and calls malloc once
// (10 Ir, one last-level miss). Positions: absolute, relative (+1) and repeated (*).
const char* const dump_text =
    "# callgrind format\n"
    "version: 1\n"
    "creator: callgrind-3.19.0\n"
    "desc: Trigger: Client Request: benchgate:0 allocs=3 bytes=96\n"
    "\n"
    "positions: line\n"
    "events: Ir I1mr D1mr D1mw ILmr DLmr DLmw\n"
    "ob=(1) /bin/prog\n"
    "fl=(1) a.cpp\n"
    "fn=(1) main\n"
    "10 5\n"
    "+1 3\n"
    "cfl=(1)\n"
    "cfn=(2) _Z3fooi\n"
    "calls=2 20\n"
    "* 120 1 2 0 0 1 0\n"
    "fn=(2)\n"
    "20 60 1 1\n"
    "fi=(2) inl.hpp\n"
    "+2 30 0 1\n"
    "fe=(1)\n"
    "cfn=(3) malloc\n"
    "calls=1 5\n"
    "* 10 0 0 0 0 1 0\n"
    "cfn=(4) _Z3fooi'2\n"
    "calls=1 20\n"
    "* 20\n"
    "fn=(3)\n"
    "5 10 0 0 0 0 1\n"
    "fn=(4)\n"
    "20 20\n"
    "\n"
    "summary: 128 2 1 0 0 1 0\n"
    "totals: 128 2 1 0 0 1 0\n";

const FunctionProfile* find(const CallgrindProfile& p, const std::string& name) {
    for (const auto& f : p.functions)
        if (f.name == name) return &f;
    return nullptr;
}

FunctionProfile fn(const std::string& name, std::uint64_t self, std::uint64_t incl, std::uint64_t l1 = 0, std::uint64_t ll = 0) {
    FunctionProfile f;
    f.name = name;
    f.self.ir = self;
    f.self.l1_misses = l1;
    f.self.ll_misses = ll;
    f.incl.ir = incl;
    f.incl.l1_misses = l1;
    f.incl.ll_misses = ll;
    return f;
}

}  // namespace

TEST_CASE("callgrind profile: self and inclusive cost per function, recursion folded, known answers") {
    const CallgrindProfile p = parse_callgrind_profile(dump_text);
    REQUIRE(p.error.empty());
    CHECK(p.index == 0);
    CHECK(p.has_cache);
    CHECK(p.total.ir == 128);
    CHECK(p.total.l1_misses == 3);  // foo: 1 + 1 (first line), 1 (second)
    CHECK(p.total.ll_misses == 1);  // malloc's DLmr
    CHECK(p.total.est_cycles() == 128 + 30 + 100);
    CHECK(p.counted_allocations == 3);
    CHECK(p.counted_bytes == 96);
    REQUIRE(find(p, "main"));
    REQUIRE(find(p, "foo"));
    REQUIRE(find(p, "malloc"));
    CHECK(find(p, "foo'2") == nullptr);  // the recursion level is the same function
    const FunctionProfile& main_fn = *find(p, "main");
    const FunctionProfile& foo = *find(p, "foo");
    CHECK(main_fn.self.ir == 8);
    CHECK(main_fn.incl.ir == 128);
    CHECK(foo.self.ir == 110);       // 60 + 30 (inlined code counts here) + 20 of the recursion
    CHECK(foo.incl.ir == 120);       // + the malloc call; the recursive call is already self cost
    CHECK(foo.incl.ll_misses == 1);
    CHECK(find(p, "malloc")->self.ir == 10);
}

TEST_CASE("callgrind profile: two position columns, no cache simulation, not a dump") {
    const CallgrindProfile p = parse_callgrind_profile(
        "positions: instr line\nevents: Ir\nfn=(1) f\n0x10 3 7\n+4 +1 5\ncfn=(2) g\ncalls=1 0x40 9\n* * 11\nfn=(2)\n0x40 9 11\n");
    REQUIRE(p.error.empty());
    CHECK_FALSE(p.has_cache);
    CHECK(p.index == -1);
    CHECK(p.counted_allocations < 0);
    CHECK(find(p, "f")->self.ir == 12);
    CHECK(find(p, "f")->incl.ir == 23);
    CHECK(find(p, "g")->self.ir == 11);
    CHECK(p.total.ir == 23);
    CHECK_FALSE(parse_callgrind_profile("hello\nworld\n").error.empty());
    // The totals of the older reader agree with the new one on the same text.
    CHECK(parse_callgrind_dump(dump_text).ir == 128);
    CHECK(parse_callgrind_dump(dump_text).est_cycles == parse_callgrind_profile(dump_text).total.est_cycles());
}

TEST_CASE("function names: demangled, grouped by function, templates and lambdas elided, capped") {
    CHECK(function_group("_Z3fooi") == "foo");
    CHECK(function_group("_Z3fooi'2") == "foo");
    CHECK(function_group("_Z3bari.isra.0") == "bar");
    CHECK(function_group("bar(int) [clone .isra.0]") == "bar");
    CHECK(function_group("double benchgate::detail::time_batch<benchgate_body_0(benchgate::Bench&)::{lambda()#1}>(void*, unsigned long)") ==
          "benchgate::detail::time_batch<benchgate_body_0::{lambda#1}>");
    CHECK(function_group("std::vector<int, std::allocator<int> >::push_back(int const&)") ==
          "std::vector<int, std::allocator<...> >::push_back");
    CHECK(function_group("(anonymous namespace)::Circle::area() const") == "{anon}::Circle::area");
    CHECK(function_group("operator new(unsigned long)") == "operator new");
    CHECK(function_group("operator delete(void*, unsigned long)") == "operator delete");
    CHECK(function_group("foo(int)::{lambda(int)#1}::operator()(int) const") == "foo::{lambda#1}::operator()");
    CHECK(function_group("unsigned long accumulate_n<4>(std::vector<unsigned int, std::allocator<unsigned int> > const&)") ==
          "accumulate_n<4>");
    CHECK(function_group("std::function<void (int)>::operator()(int) const") == "std::function<void (int)>::operator()");
    CHECK(function_group("bool operator<<int>(X<int> const&, X<int> const&)") == "operator<<int>");
    CHECK(function_group("0x000000000001ab70") == "0x000000000001ab70");
    CHECK(function_group("(below main)") == "(below main)");
    // Overloads are one row.
    CHECK(function_group("ns::f(int)") == function_group("ns::f(double, char)"));
    // Long names are capped, start and end kept.
    std::string deep = "a";
    for (int i = 0; i < 40; ++i) deep += "::namespace_level_" + std::to_string(i);
    const std::string capped = function_group(deep + "::leaf(int)", 80);
    CHECK(capped.size() <= 80);
    CHECK(capped.rfind("a::namespace_level_0", 0) == 0);
    CHECK(capped.find("...") != std::string::npos);
    CHECK(capped.substr(capped.size() - 6) == "::leaf");
    // A first level of template arguments longer than 60 bytes is elided.
    CHECK(function_group("f<" + std::string(70, 'x') + ">(int)") == "f<...>");
}

TEST_CASE("diff of two profiles: ranked by change in self cost per iteration, NEW and GONE marked") {
    CallgrindProfile base, head;
    base.has_cache = head.has_cache = true;
    base.functions = {fn("main", 100, 1000), fn("steady", 300, 300), fn("slower", 200, 200), fn("removed", 50, 50),
                      fn("misses", 100, 100, 0, 0)};
    head.functions = {fn("main", 100, 1500), fn("steady", 300, 300), fn("slower", 500, 500), fn("added", 80, 80),
                      fn("misses", 100, 100, 10, 2)};
    const auto d = diff_profiles(base, head, 10);
    // slower: +30 cycles/op; misses: (10*10 + 100*2)/10 = +30 cycles/op with no instruction
    // change (tie broken by the inclusive change, then name); added +8; removed -5. main and
    // steady: own cost unchanged, not listed.
    REQUIRE(d.size() == 4);
    CHECK(d[0].name == "misses");
    CHECK(d[0].self_ir_change() == 0);
    CHECK(d[0].self_cycles_change() == Approx(30));
    CHECK(d[1].name == "slower");
    CHECK(d[1].self_ir_change() == Approx(30));
    CHECK(d[1].mark == FunctionMark::changed);
    CHECK(d[2].name == "added");
    CHECK(d[2].mark == FunctionMark::added);
    CHECK(std::string(to_string(d[2].mark)) == "NEW");
    CHECK(d[2].head_self_ir == Approx(8));
    CHECK(d[3].name == "removed");
    CHECK(d[3].mark == FunctionMark::gone);
    CHECK(d[3].self_ir_change() == Approx(-5));
    CHECK(diff_profiles(base, head, 10, 2).size() == 2);
    // Without the cache simulation the ranking is by instructions: misses drops out.
    base.has_cache = false;
    const auto by_ir = diff_profiles(base, head, 10);
    CHECK(by_ir[0].name == "slower");
}

TEST_CASE("totals per iteration: allocations when the binary counts them, unknown otherwise") {
    CallgrindProfile p = parse_callgrind_profile(dump_text);
    ProfileTotals t = profile_totals(p, 4);
    CHECK(t.ir == Approx(32));
    CHECK(t.est_cycles == Approx(258.0 / 4));
    CHECK(t.allocations == Approx(0.75));
    CHECK(t.bytes == Approx(24));
    CHECK(t.allocations_source == "operator new");
    p.counted_allocations = p.counted_bytes = -1;
    t = profile_totals(p, 1);
    CHECK(std::isnan(t.allocations));
    CHECK(std::isnan(t.bytes));
    CHECK(t.allocations_source.empty());
}

TEST_CASE("explanations in the console, JSON and a markdown <details> block") {
    const CallgrindProfile base = parse_callgrind_profile(dump_text);
    CallgrindProfile head = base;
    head.functions.push_back(fn("ns::new_<fn>", 40, 40));
    head.total.ir += 40;
    Explanation x;
    x.name = "suite/a|b";
    x.iterations = 4;
    x.base = profile_totals(base, 4);
    x.head = profile_totals(head, 4);
    x.ranked_by_cycles = true;
    x.functions = diff_profiles(base, head, 4);
    x.seconds = 2.5;
    REQUIRE(x.functions.size() == 1);
    const std::string console = report::console_explanation(x, report::Style{});
    CHECK(console.find("Explanation of suite/a|b") != std::string::npos);
    CHECK(console.find("ns::new_<fn>") != std::string::npos);
    CHECK(console.find("NEW") != std::string::npos);
    CHECK(console.find("+31.2%") != std::string::npos);  // 168 / 128 instructions
    const std::string md = report::markdown_explanation(x);
    CHECK(md.rfind("<details><summary>", 0) == 0);
    CHECK(md.find("</details>") != std::string::npos);
    CHECK(md.find("<code>ns::new_&lt;fn&gt; (+10.00 est. cycles/op, NEW)</code>") != std::string::npos);
    CHECK(md.find("| ns::new\\_\\<fn\\> |") != std::string::npos);
    CHECK(md.find("suite/a|b") != std::string::npos);

    GateReport gate;
    gate.explanations.push_back(x);
    Explanation failed;
    failed.name = "suite/slow";
    failed.note = "HEAD did not finish";
    gate.explanations.push_back(failed);
    RunResult run;
    const std::string json = report::json_report(run, &gate);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(simdjson::padded_string(json)).get(doc) == simdjson::SUCCESS);
    simdjson::dom::array xs;
    REQUIRE(doc["explanations"].get_array().get(xs) == simdjson::SUCCESS);
    REQUIRE(xs.size() == 2);
    const auto first = xs.at(0).value();
    CHECK(first["name"].get_string().value() == "suite/a|b");
    CHECK(first["ranked_by"].get_string().value() == "estimated_cycles");
    CHECK(first["head"]["instructions"].get_double().value() == Approx(42));
    CHECK(first["functions"].at(0)["mark"].get_string().value() == "NEW");
    CHECK(first["functions"].at(0)["head_self_instructions"].get_double().value() == Approx(10));
    const auto second = xs.at(1).value();
    CHECK(second["note"].get_string().value() == "HEAD did not finish");
    CHECK(second["functions"].error() == simdjson::NO_SUCH_FIELD);
    const std::string comment = report::markdown_comparison(gate);
    CHECK(comment.find("### Explanations") != std::string::npos);
    CHECK(comment.find("not explained</summary>") != std::string::npos);
}

TEST_CASE("--explain flags: needs --against, bad values refused in one line") {
    const char* a1[] = {"bench", "--explain"};
    auto p = cli::parse(2, a1);
    REQUIRE(p.ok());
    CHECK(p.options.explain);
    CHECK(cli::conflicting_options(p.options).find("needs --against") != std::string::npos);
    const char* a2[] = {"bench", "--explain-filter", "a(", "--against", "x"};
    CHECK_FALSE(cli::parse(5, a2).ok());
    const char* a3[] = {"bench", "--explain-iterations", "0"};
    CHECK_FALSE(cli::parse(3, a3).ok());
    const char* a4[] = {"bench", "--explain-filter", "hash", "--against", "x", "--explain-timeout", "5", "--explain-iterations", "7"};
    p = cli::parse(9, a4);
    REQUIRE(p.ok());
    CHECK(p.options.explain);
    CHECK(p.options.explain_filter == "hash");
    CHECK(p.options.explain_timeout == 5);
    CHECK(p.options.explain_iterations == 7);
    CHECK(cli::conflicting_options(p.options).empty());
}
