# benchgate: the two commands are `make bench` and `make test`. Both install missing Debian
# packages first (as root; otherwise they print the apt-get line and stop).

BUILD ?= build
MESON_OPTS ?=

BENCH_ARGS ?=
export BENCH_ARGS

.PHONY: all deps build bench bench-quick bench-detailed bench-save bench-compare test clean

all: build

deps:
	@tools/install-deps.sh

$(BUILD)/build.ninja: | deps
	meson setup $(BUILD) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# The seed's workflow. Extra flags for every suite: make bench BENCH_ARGS="--filter demo".
bench: build            ## run every bench suite and print its table
	@tools/run-benches.sh $(BUILD) run

bench-quick: build      ## short smoke run of every suite
	@tools/run-benches.sh $(BUILD) quick

bench-detailed: build   ## full statistics: CIs, outliers, min/mean/max
	@tools/run-benches.sh $(BUILD) detailed

bench-save: build       ## save baselines under .benchgate/ (git-ignored)
	@tools/run-benches.sh $(BUILD) save

bench-compare: build    ## gate against .benchgate/; nonzero exit on a regression
	@tools/run-benches.sh $(BUILD) compare

test: build
	meson test -C $(BUILD) --print-errorlogs

clean:
	rm -rf $(BUILD)
