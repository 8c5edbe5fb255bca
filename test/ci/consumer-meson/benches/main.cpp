// main() and the gate for every suite, compiled once: the suites' own files hold only benchmarks.
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>
