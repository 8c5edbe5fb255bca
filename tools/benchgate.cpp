// The benchgate tool: works on saved result files with the bench binaries' engine, never measures.
#define BENCHGATE_FULL
#include <benchgate/benchgate.hpp>
#include <benchgate/detail/tool.hpp>

int main(int argc, char** argv) { return benchgate::detail::tool::main(argc, argv); }
