// benchgate: the umbrella header.
//
// Every bench translation unit gets the authoring API: registration, the timed loop,
// do_not_optimize, statistics and the result model. Define BENCHGATE_COUNT_ALLOCATIONS too in
// the main file to count allocations per iteration (alloc.hpp). The runner, the reporters, the baseline
// reader (simdjson) and the command line come in where main() is defined: put
//     #define BENCHGATE_MAIN
// before the include in exactly one translation unit of the bench binary (or define
// BENCHGATE_FULL to get the whole library without main). Keeping simdjson out of the other
// translation units keeps them quick to compile.
#pragma once

#include "config.hpp"
#include "result.hpp"
#include "stats.hpp"
#include "clock.hpp"
#include "measure.hpp"
#include "registry.hpp"
#include "alloc.hpp"  // with BENCHGATE_COUNT_ALLOCATIONS and BENCHGATE_MAIN: replaces operator new/delete

#if defined(BENCHGATE_MAIN) || defined(BENCHGATE_FULL)
#include "json_writer.hpp"
#include "sysinfo.hpp"
#include "baseline.hpp"
#include "report/format.hpp"
#include "complexity.hpp"
#include "callgrind.hpp"
#include "perf_counters.hpp"
#include "compare.hpp"
#include "process.hpp"
#include "report/console.hpp"
#include "report/markdown.hpp"
#include "report/csv.hpp"
#include "report/json.hpp"
#include "runner.hpp"
#include "cli.hpp"
#endif

#if defined(BENCHGATE_MAIN)
int main(int argc, char** argv) { return ::benchgate::cli::main(argc, argv); }
#endif
