// benchgate: the umbrella header.
//
// Every bench translation unit gets the authoring API: registration macros, `Bench` and
// `Stopwatch`, parameters, fixtures, groups, the optimisation barriers and the result model.
// That is all a file of benchmarks compiles. The engine (runner, drivers, statistics,
// comparison, reporters, the JSON reader on simdjson, the command line) comes in only where
// main() is defined: put
//     #define BENCHGATE_MAIN
// before the include in exactly one translation unit of the bench binary (or define
// BENCHGATE_FULL to get the whole library without main, e.g. in tests). Define
// BENCHGATE_COUNT_ALLOCATIONS too in that file to count allocations per iteration.
#pragma once

#include "version.hpp"
#include "barriers.hpp"
#include "clock.hpp"
#include "result.hpp"
#include "bench.hpp"
#include "params.hpp"
#include "fixture.hpp"
#include "group.hpp"
#include "registry.hpp"

#if defined(BENCHGATE_MAIN) || defined(BENCHGATE_FULL)
// Analysis: pure functions over results (also what the benchgate tool is built on).
#include "stats.hpp"
#include "paired_stats.hpp"
#include "complexity.hpp"
#include "compare.hpp"
#include "confirmation.hpp"
#include "result_file.hpp"
#include "exit_codes.hpp"
#include "report/format.hpp"
#include "report/console.hpp"
#include "report/markdown.hpp"
#include "report/csv.hpp"
#include "report/json.hpp"
#include "report/exporters.hpp"
// The engine: measuring, processes, files, the command line.
#include "detail/allocation_counting.hpp"  // with BENCHGATE_COUNT_ALLOCATIONS: replaces operator new/delete
#include "detail/runner.hpp"
#include "detail/session.hpp"
#endif

#if defined(BENCHGATE_MAIN)
int main(int argc, char** argv) { return ::benchgate::detail::cli::main(argc, argv); }
#endif
