# Keeta's front door. `make run` and `make test` set everything up from a fresh Debian 12.
.PHONY: run test deps build debug sanitize unit-test sanitize-test fuzz-test browser-test \
        bench bench-load fuzz clean

PORT ?= 5000
DATA ?= data/sample.csv
FUZZ_SECONDS ?= 20
JOBS ?= $(shell nproc)

run: build
	./build/release/keeta serve --data $(DATA) --port $(PORT)

test: deps
	$(MAKE) unit-test sanitize-test fuzz-test browser-test
	@echo "make test: all suites passed"

deps:
	@./scripts/install-deps.sh

build: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

debug: deps
	cmake --preset debug >/dev/null
	cmake --build --preset debug -j $(JOBS)

unit-test: build
	ctest --preset release -j $(JOBS)

sanitize-test: deps
	cmake --preset sanitize >/dev/null
	cmake --build --preset sanitize -j $(JOBS)
	ctest --preset sanitize -j $(JOBS)

fuzz-build: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)

fuzz-test: fuzz-build
	./scripts/run-fuzz.sh $(FUZZ_SECONDS)

fuzz: fuzz-build
	./scripts/run-fuzz.sh 600

browser-test: build
	node --test tests/browser/

bench: build
	./scripts/bench.sh

bench-load: build
	./bench/wrk.sh

clean:
	rm -rf build
