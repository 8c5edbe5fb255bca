# benchgate: the two commands are `make bench` and `make test`. Both install missing Debian
# packages first (as root; otherwise they print the apt-get line and stop).

BUILD ?= build
MESON_OPTS ?=

.PHONY: all deps build bench test clean

all: build

deps:
	@tools/install-deps.sh

$(BUILD)/build.ninja: | deps
	meson setup $(BUILD) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Runs every bench suite and prints its table.
bench: build
	@tools/run-benches.sh $(BUILD)

test: build
	meson test -C $(BUILD) --print-errorlogs

clean:
	rm -rf $(BUILD)
