// The bisect's search, on known answers: the first bad commit of a range found in about log2(n)
// tests, skipped commits stepped around, and named among the suspects when they hide the answer.
#include <catch2/catch.hpp>
#include <benchgate/detail/tool/bisect.hpp>

#include <cmath>
#include <cstddef>
#include <set>

using benchgate::detail::tool::BisectSearch;
using State = BisectSearch::State;

namespace {

// Runs the search on n commits whose first bad one is `first_bad`, with `broken` commits that
// cannot be tested; returns the suspects and counts the tests.
std::vector<std::size_t> bisect(std::size_t n, std::size_t first_bad, const std::set<std::size_t>& broken, int& tests) {
    BisectSearch s(n);
    tests = 0;
    for (std::size_t i = s.next(); i != BisectSearch::none; i = s.next()) {
        ++tests;
        s.mark(i, broken.count(i) ? State::skipped : (i >= first_bad ? State::bad : State::good));
    }
    return s.suspects();
}

}  // namespace

TEST_CASE("bisect: every first bad commit of 64 found in at most 6 tests") {
    for (std::size_t bad = 1; bad <= 64; ++bad) {
        int tests = 0;
        const auto suspects = bisect(64, bad, {}, tests);
        INFO("first bad " << bad);
        REQUIRE(suspects == std::vector<std::size_t>{bad});
        CHECK(tests <= 6);
    }
}

TEST_CASE("bisect: ranges of every size up to 300 take ceil(log2(n)) tests at most") {
    for (std::size_t n = 1; n <= 300; ++n)
        for (std::size_t bad : {std::size_t(1), n / 3 + 1, n / 2 + 1, n}) {
            if (bad < 1 || bad > n) continue;
            int tests = 0;
            REQUIRE(bisect(n, bad, {}, tests) == std::vector<std::size_t>{bad});
            CHECK(tests <= static_cast<int>(std::ceil(std::log2(static_cast<double>(n)))));
        }
}

TEST_CASE("bisect: a commit that cannot be tested is stepped around") {
    int tests = 0;
    // The broken commit is not next to the answer: the answer is still exact.
    CHECK(bisect(64, 37, {32, 20}, tests) == std::vector<std::size_t>{37});
    CHECK(tests <= 8);
    // The broken commit is right before the first bad one: both are suspects, as git bisect says.
    CHECK(bisect(64, 37, {36}, tests) == std::vector<std::size_t>{36, 37});
    // Every commit but the bad one is broken: all of them are suspects.
    std::set<std::size_t> all;
    for (std::size_t i = 1; i < 8; ++i) all.insert(i);
    CHECK(bisect(8, 8, all, tests) == std::vector<std::size_t>{1, 2, 3, 4, 5, 6, 7, 8});
    CHECK(tests == 7);
}

TEST_CASE("bisect: a range of one commit needs no test") {
    int tests = 0;
    CHECK(bisect(1, 1, {}, tests) == std::vector<std::size_t>{1});
    CHECK(tests == 0);
}
