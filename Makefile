# The two commands of the README's quick start:
#   make demo   install what is missing, build, and run the main job
#   make test   install what is missing (test tools too), build, and run the whole test suite
# Installing (README, "Installing on a server"):
#   make install [PREFIX=/usr/local] [DESTDIR=...]   the binary, man page, completions, units, example
#   make uninstall                                    removes exactly those files
#   make deb                                          .build/warehouse_VERSION_ARCH.deb (dpkg-deb)
SWIFT ?= swift
PREFIX ?= /usr/local
DESTDIR ?=
RELEASE := .build/release/warehouse
GENERATED := .build/dist

BIN_DIR := $(DESTDIR)$(PREFIX)/bin
MAN_DIR := $(DESTDIR)$(PREFIX)/share/man/man1
BASH_DIR := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSH_DIR := $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISH_DIR := $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
UNIT_DIR := $(DESTDIR)$(PREFIX)/lib/systemd/system
DOC_DIR := $(DESTDIR)$(PREFIX)/share/doc/warehouse

INSTALLED := $(BIN_DIR)/warehouse $(MAN_DIR)/warehouse.1 $(BASH_DIR)/warehouse $(ZSH_DIR)/_warehouse \
	$(FISH_DIR)/warehouse.fish $(UNIT_DIR)/warehouse-etl.service $(UNIT_DIR)/warehouse-etl.timer \
	$(DOC_DIR)/examples/warehouse.yaml

.PHONY: demo test build deps test-deps clean dist install uninstall deb

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

# The Swift runtime and Foundation linked in, so the binary runs on a server with only
# libsqlite3-0, libcurl4 and zlib1g (scripts/test-install.sh checks that).
build: deps
	$(SWIFT) build -c release --static-swift-stdlib --product warehouse

demo: build
	$(RELEASE) demo

test: test-deps
	python3 scripts/check-layout.py
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	scripts/test-sdks.sh
	scripts/test-install.sh

# The man page and completions, generated from the argument parser's own description of the commands.
dist: build
	@mkdir -p $(GENERATED)
	$(RELEASE) --generate-completion-script bash > $(GENERATED)/warehouse.bash
	$(RELEASE) --generate-completion-script zsh > $(GENERATED)/_warehouse
	$(RELEASE) --generate-completion-script fish > $(GENERATED)/warehouse.fish
	python3 scripts/make-man.py $(RELEASE) > $(GENERATED)/warehouse.1

install: dist
	install -D -m 0755 $(RELEASE) $(BIN_DIR)/warehouse
	install -D -m 0644 $(GENERATED)/warehouse.1 $(MAN_DIR)/warehouse.1
	install -D -m 0644 $(GENERATED)/warehouse.bash $(BASH_DIR)/warehouse
	install -D -m 0644 $(GENERATED)/_warehouse $(ZSH_DIR)/_warehouse
	install -D -m 0644 $(GENERATED)/warehouse.fish $(FISH_DIR)/warehouse.fish
	sed 's|/usr/local/bin/warehouse|$(PREFIX)/bin/warehouse|' contrib/systemd/warehouse-etl.service > $(GENERATED)/warehouse-etl.service
	install -D -m 0644 $(GENERATED)/warehouse-etl.service $(UNIT_DIR)/warehouse-etl.service
	install -D -m 0644 contrib/systemd/warehouse-etl.timer $(UNIT_DIR)/warehouse-etl.timer
	install -D -m 0644 contrib/warehouse.yaml $(DOC_DIR)/examples/warehouse.yaml

uninstall:
	rm -f $(INSTALLED)
	-rmdir $(DOC_DIR)/examples $(DOC_DIR) 2>/dev/null

deb: dist
	scripts/make-deb.sh

clean:
	rm -rf .build
