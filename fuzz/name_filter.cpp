// Fuzz target: --filter's matcher (NameFilter in detail/selection.hpp). The input is a pattern,
// a NUL, and a name. A pattern compiles or is refused with one line; matching any name ends
// without recursion (libFuzzer's timeout is a finding); the empty pattern matches every name;
// the exact-names pattern of a name matches that name and no longer one.
#include <benchgate/detail/selection.hpp>

#include "check.hpp"

using namespace benchgate::detail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::text(data, size);
    const std::size_t nul = input.find('\0');
    const std::string_view pattern = input.substr(0, nul);
    const std::string name(nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1));

    NameFilter f;
    const std::string problem = f.compile(pattern);
    FUZZ_CHECK(fuzz::one_line(problem));
    if (problem.empty()) {
        (void)f.matches(name);
        (void)f.matches("");
        (void)f.matches(name + name);
    } else {
        FUZZ_CHECK(problem.find("(at offset ") != std::string::npos);
    }
    FUZZ_CHECK(NameFilter().compile("").empty());
    NameFilter all;
    all.compile("");
    FUZZ_CHECK(all.matches(name));

    if (!name.empty() && name.size() < 4096) {
        NameFilter exact;
        FUZZ_CHECK(exact.compile(exact_names_pattern({name})).empty());
        FUZZ_CHECK(exact.matches(name));
        FUZZ_CHECK(!exact.matches(name + "x"));
        FUZZ_CHECK(!exact.matches("x" + name));
    }
    return 0;
}
