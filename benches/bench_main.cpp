// main() for the micro10 suite, kept in its own translation unit so the benchmark files
// never include the reporters or simdjson.
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>
