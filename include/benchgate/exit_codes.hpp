// benchgate: the exit codes of a bench binary (and of the tools on the same engine).
#pragma once

namespace benchgate {

enum ExitCode : int {
    exit_ok = 0,          // no regression
    exit_regression = 1,  // at least one REGRESSION (or MISSING with --fail-on-missing)
    exit_usage = 2,       // bad flag, unreadable or malformed input, unwritable output
    exit_failed = 3,      // a benchmark body failed (threw, called exit(), outlasted --timeout)
};
// An interrupted run (SIGINT, SIGTERM) exits 128 + the signal's number, 130 or 143, and writes
// nothing.

}  // namespace benchgate
