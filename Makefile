# The two commands of the README's quick start:
#   make demo   install what is missing, build, and run the main job
#   make test   install what is missing (test tools too), build, and run the whole test suite
SWIFT ?= swift

.PHONY: demo test build deps test-deps clean

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

build: deps
	$(SWIFT) build -c release --product warehouse

demo: build
	.build/release/warehouse demo

test: test-deps
	python3 scripts/check-layout.py
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build
