# benchgate: the two commands are `make bench` and `make test`. Both install missing Debian
# packages first (as root; otherwise they print the apt-get line and stop).

BUILD ?= build
# The bench targets build in BENCH_BUILD with the bench profile (-O3, NDEBUG, debug info for
# profilers), given to `meson setup` when BENCH_BUILD is first configured; an existing directory
# keeps its options. MESON_OPTS add to it and win, e.g. link-time optimisation in a fresh
# directory: make bench BENCH_BUILD=build-lto MESON_OPTS=-Db_lto=true. `make test` builds in
# BUILD without debug info, which halves its compile time.
BENCH_BUILD ?= build-bench
BENCH_PROFILE ?= meson/bench.ini
MESON_OPTS ?=

BENCH_ARGS ?=
export BENCH_ARGS

# `make test` runs the tests in BUILD, set up with TEST_OPTS: -O1, which compiles in about half
# the time of -O3 (the tests check behaviour and gross effects; speed figures come from the
# bench profile). Then it runs the unit and integration tests again in SANITIZE_BUILD, built
# with AddressSanitizer and UndefinedBehaviorSanitizer (every finding fatal, assertions on) at
# -O0 by clang++-14 when it is installed (a third of g++'s compile time with UBSan), else by
# the default compiler. SANITIZE=0 skips the second pass.
TEST_OPTS ?= -Doptimization=1 -Ddebug=false -Db_ndebug=true
SANITIZE_BUILD ?= build-sanitize
SANITIZE ?= 1
SANITIZE_CXX := $(shell command -v clang++-14 2>/dev/null)
SANITIZE_OPTS = -Db_sanitize=address,undefined -Doptimization=0 -Ddebug=false -Db_ndebug=false \
	$(if $(SANITIZE_CXX),-Db_lundef=false) "-Dcpp_args=-g1 -fno-omit-frame-pointer -fno-sanitize-recover=all"

# make bench-peers: PEERS=quick (default) is tools/peers.py's smoke run, about a minute, whose
# figures only show that everything runs; PEERS=full is the full run (~1.5-2 h). More
# peers.py flags: make bench-peers PEERS=full PEERS_ARGS="--json peers.json".
PEERS ?= quick
PEERS_ARGS ?=
PEER_PACKAGES = libbenchmark-dev catch2
PEER_BINARIES = benches/peers/benchgate_peers benches/peers/gbench_peers benches/peers/catch2_peers

.PHONY: all deps peers-deps browser-deps build bench-build bench bench-quick bench-detailed bench-save bench-compare bench-peers test clean

all: build

deps:
	@tools/install-deps.sh

# The peer frameworks are optional: never installed here, only named (apt-get line, exit 2).
peers-deps: deps
	@tools/install-deps.sh --check $(PEER_PACKAGES)

# The dashboard's browser test drives Debian's chromium with npm's playwright-core (installed
# into test/browser/node_modules). Optional: without them that test skips, so this never stops.
browser-deps: deps
	@tools/install-deps.sh --browser

$(BUILD)/build.ninja: | deps
	meson setup $(BUILD) $(TEST_OPTS) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BENCH_BUILD)/build.ninja: | deps
	meson setup $(BENCH_BUILD) --native-file $(BENCH_PROFILE) -Dtests=false $(MESON_OPTS)

bench-build: deps $(BENCH_BUILD)/build.ninja
	ninja -C $(BENCH_BUILD)

# Every bench suite under $(BUILD)/benches, in one of tools/run-benches.sh's modes. Extra flags
# for every suite: make bench BENCH_ARGS="--filter demo".
bench: bench-build            ## run every bench suite and print its table
	@tools/run-benches.sh $(BENCH_BUILD) run

bench-quick: bench-build      ## short smoke run of every suite
	@tools/run-benches.sh $(BENCH_BUILD) quick

bench-detailed: bench-build   ## full statistics: CIs, outliers, min/mean/max
	@tools/run-benches.sh $(BENCH_BUILD) detailed

bench-save: bench-build       ## save baselines under .benchgate/ (git-ignored)
	@tools/run-benches.sh $(BENCH_BUILD) save

bench-compare: bench-build    ## gate against .benchgate/; nonzero exit on a regression
	@tools/run-benches.sh $(BENCH_BUILD) compare

# A build directory configured before the peers were installed has not looked for them since
# (meson checks optional dependencies at setup): reconfigure when build.ninja lacks a peer.
bench-peers: peers-deps $(BUILD)/build.ninja  ## benchgate, Google Benchmark and Catch2 side by side (PEERS=full: ~2 h)
	$(if $(filter-out quick full,$(PEERS)),$(error PEERS is quick or full, not '$(PEERS)'))
	@for t in $(PEER_BINARIES); do \
	    grep -q "^build $$t:" $(BUILD)/build.ninja || { meson setup --reconfigure $(BUILD) $(MESON_OPTS) || exit $$?; break; }; \
	done
	ninja -C $(BUILD) $(PEER_BINARIES)
	tools/peers.py --build $(BUILD) $(if $(filter full,$(PEERS)),,--quick) $(PEERS_ARGS)

$(SANITIZE_BUILD)/build.ninja: | deps
	$(if $(SANITIZE_CXX),CXX=$(SANITIZE_CXX)) meson setup $(SANITIZE_BUILD) $(SANITIZE_OPTS) $(MESON_OPTS)

# meson test builds only what the selected tests run (`make build` builds everything).
test: deps browser-deps $(BUILD)/build.ninja $(if $(filter 1,$(SANITIZE)),$(SANITIZE_BUILD)/build.ninja)
	@rm -f $(SANITIZE_BUILD)/meson-logs/testlog.json
	status=0; \
	meson test -C $(BUILD) --print-errorlogs || status=1; \
	$(if $(filter 1,$(SANITIZE)),meson test -C $(SANITIZE_BUILD) --print-errorlogs --suite unit --suite integration || status=1;) \
	exit $$status

clean:
	rm -rf $(BUILD) $(BENCH_BUILD) $(SANITIZE_BUILD)

# libFuzzer runs of every parser (fuzz/, tools/fuzz.sh; needs clang-14 and libclang-rt-14-dev):
# each target for FUZZ_SECONDS, one after another; the corpus grows in build-fuzz/corpus (seeded
# from fuzz/corpus), findings land in build-fuzz/findings. make fuzz FUZZ_SECONDS=60 for a short run.
FUZZ_SECONDS ?= 600
.PHONY: fuzz
fuzz: deps
	tools/fuzz.sh run $(FUZZ_SECONDS)
