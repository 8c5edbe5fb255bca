// Fuzz target: the duet protocol's reply parsers, as the parent reads the worker: the input's
// first line is the reply to "list" (parse_worker_list), each further line a reply to "bench"
// and to "run" (parse_bench_reply, parse_run_reply). A list it accepts, sent again as the
// worker sends it, parses to the same names; a time it accepts is positive and finite, and the
// worker's own spelling of it parses back exactly; every message is one line.
#include <benchgate/detail/duet.hpp>

#include <cmath>

#include "check.hpp"

using namespace benchgate::detail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::vector<std::string> lines = fuzz::split(fuzz::text(data, size), '\n');

    std::vector<std::string> names;
    const std::string error = parse_worker_list(lines[0], names);
    if (!error.empty()) {
        FUZZ_CHECK(fuzz::one_line(error));
    } else {
        std::string sent = "list [";
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (i) sent += ',';
            json_escape(sent, names[i]);
        }
        sent += "]";
        std::vector<std::string> again;
        FUZZ_CHECK(parse_worker_list(sent, again).empty());
        FUZZ_CHECK(again == names);
    }

    for (std::size_t i = 1; i < lines.size(); ++i) {
        const WorkerReply b = parse_bench_reply(lines[i]);
        FUZZ_CHECK((b.kind == WorkerReply::ok) == (lines[i] == "ready"));
        FUZZ_CHECK(fuzz::one_line(b.message));
        const WorkerReply r = parse_run_reply(lines[i]);
        FUZZ_CHECK(fuzz::one_line(r.message));
        if (r.kind == WorkerReply::ok) {
            FUZZ_CHECK(std::isfinite(r.ns) && r.ns > 0);
            char buf[64];
            std::snprintf(buf, sizeof buf, "time %.17g", r.ns);
            const WorkerReply back = parse_run_reply(buf);
            FUZZ_CHECK(back.kind == WorkerReply::ok && back.ns == r.ns);
        } else if (r.kind == WorkerReply::bad) {
            FUZZ_CHECK(!r.message.empty());
        }
    }
    return 0;
}
