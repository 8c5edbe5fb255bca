// Fuzz target: reading a history entry (history::parse_entry: the file's text as a run with
// summaries allowed, and its "created" time) and the entry-name parsers (is_entry_name,
// is_summary_name, machine_of_name, parse_time). The input's first line is the file name, the
// rest the file. An entry it accepts must summarise (as retention rewrites it) into a file
// that reads back, and its time and machine must give an entry name that parses back.
#include <benchgate/detail/history.hpp>

#include "check.hpp"

using namespace benchgate;
using namespace benchgate::detail;

namespace {

void check_name(const std::string& name) {
    const bool entry = history::is_entry_name(name);
    const bool summary = history::is_summary_name(name);
    const std::string machine = history::machine_of_name(name);
    FUZZ_CHECK(machine.find('-') == std::string::npos);
    FUZZ_CHECK(machine.size() < name.size() || name.empty());
    if (entry) {
        FUZZ_CHECK(name.size() >= 22);
        FUZZ_CHECK(name[8] == 'T' && name[15] == 'Z' && name[16] == '-');
    }
    if (summary) FUZZ_CHECK(name.size() > 13);
}

// A time that parses formats to text that parses to the same second.
void check_time(const std::string& iso) {
    date::sys_seconds t;
    if (!history::parse_time(iso, t)) return;
    const std::string again = history::format_time(t);
    date::sys_seconds u;
    FUZZ_CHECK(history::parse_time(again, u));
    FUZZ_CHECK(u == t);
    // A time with a four-digit year names an entry, whose machine is the one given.
    const std::string name = history::entry_name(t, "0123456789abcdef", "0c3e9a71") + ".json";
    FUZZ_CHECK(history::is_entry_name(name));
    FUZZ_CHECK(history::machine_of_name(name) == "0c3e9a71");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::text(data, size);
    const std::size_t nl = input.find('\n');
    const std::string name(input.substr(0, nl));
    std::string content(nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1));
    check_name(name);
    check_time(name);

    history::Entry e;
    const std::string error = history::parse_entry("hist", name, padded(content), e);
    if (!error.empty()) {
        FUZZ_CHECK(fuzz::one_line(error));
        FUZZ_CHECK(error.rfind("hist/" + one_line(name) + ": ", 0) == 0);
        return 0;
    }
    FUZZ_CHECK(e.file == name);
    FUZZ_CHECK(e.machine == machine_id(e.run.context));
    check_time(e.run.created);
    // What retention writes for this entry reads back as an entry with the same benchmarks.
    std::string summary = to_json(history::summarized(e.run), false);
    history::Entry s;
    const std::string again = history::parse_entry("hist", name, padded(summary), s);
    if (!again.empty()) std::fprintf(stderr, "re-read: %s\n", again.c_str());
    FUZZ_CHECK(again.empty());
    FUZZ_CHECK(s.time == e.time);
    FUZZ_CHECK(s.machine == e.machine);
    FUZZ_CHECK(s.run.benchmarks.size() == e.run.benchmarks.size());
    for (std::size_t i = 0; i < s.run.benchmarks.size(); ++i) {
        const BenchmarkResult& a = e.run.benchmarks[i];
        const BenchmarkResult& b = s.run.benchmarks[i];
        FUZZ_CHECK(a.name == b.name);
        FUZZ_CHECK(b.samples.empty());
        FUZZ_CHECK(b.summary() || b.failed());
        if (a.summary()) FUZZ_CHECK(b.summary_of == a.summary_of);
        else if (!a.samples.empty()) FUZZ_CHECK(b.summary_of == a.samples.size());
    }
    return 0;
}
