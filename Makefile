# yoi-tickets - build, test, run.
#   make            library + CLI (build/libyoitickets.a, build/yoi-tickets)
#   make run        the narrated lifecycle walkthrough in a temporary repo
#   make test       unit + end-to-end suites
#   make asan       the whole suite under ASan + UBSan (in build/asan)
#   make bench      scripts/bench.sh (SCALE=1 adds the scaling section)
#   make browser-test  render --html checked in headless Chromium
#   make mcp-test   the MCP server driven by the official TypeScript SDK
#                   client (Node; the SDK is installed into build/node/)
#   make fuzz       libFuzzer targets (tests/fuzz/): FUZZ_RUNS executions
#                   with FUZZ_SEED, at most FUZZ_SECONDS each (scripts/fuzz.sh)
#   make install    PREFIX=/usr/local DESTDIR= (uninstall: the same)
#   make man        build/man/man1/*.1 from the help pages
#   make install-test  install, build against it, uninstall (scripts/)

PKGS    := libgit2 yaml-0.1 libcmark jansson
BUILD   ?= build
PREFIX  ?= /usr/local
CC      ?= cc
SAN     ?=

DEPS_OK := $(BUILD)/.deps-ok

CFLAGS_BASE := -std=c17 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE \
	-Iinclude -Isrc -I$(BUILD)/gen -MMD -MP
ifneq ($(SAN),)
CFLAGS_BASE += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
LDFLAGS_SAN := -fsanitize=address,undefined
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
PKG_LIBS_SHARED := $(PKG_LIBS)
# libgit2 and the other libraries linked statically (STATIC=1, the
# default): loading libgit2.so and the ~20 libraries it needs costs a
# process about twice the spawn of a trivial program (README,
# Performance). The archives come with the -dev packages deps.sh installs
# (libgit2-dev brings libmbedtls-dev, libssh2-1-dev, libssl-dev,
# libhttp-parser-dev, libpcre2-dev, zlib1g-dev). The list is explicit:
# `pkg-config --static --libs libgit2` omits libssh2's libcrypto and the
# GSS-API. GSS-API (shared only) is loaded on first use instead (gitgss.c),
# and the TLS set-up libgit2 does not need is deferred (gitinit.c, --wrap).
# STATIC=0 links the shared libraries as pkg-config gives them. The
# executable stays position-independent (ASLR); its ~21,000 relative
# relocations (mostly libcrypto's tables) are packed (DT_RELR, glibc 2.36).
STATIC ?= 1
ifeq ($(STATIC),1)
CFLAGS_BASE += -DYOI_GIT2_STATIC
PKG_LIBS   = -Wl,-z,pack-relative-relocs \
	-Wl,--wrap=mbedtls_x509_crt_parse_file \
	-Wl,--wrap=mbedtls_ctr_drbg_seed -Wl,--wrap=mbedtls_havege_init \
	-Wl,--wrap=libssh2_init \
	-Wl,-u,__wrap_mbedtls_x509_crt_parse_file -Wl,-u,gss_init_sec_context \
	-Wl,-Bstatic -lgit2 -lmbedtls -lmbedx509 -lmbedcrypto -lhttp_parser \
	-lssh2 -lcrypto -lpcre2-8 -lz -lyaml -lcmark -ljansson -Wl,-Bdynamic \
	-ldl
endif
CRIT_CFLAGS = $(shell pkg-config --cflags criterion 2>/dev/null)
CRIT_LIBS   = $(shell pkg-config --libs criterion 2>/dev/null)

ALL_CFLAGS = $(CFLAGS_BASE) $(PKG_CFLAGS) $(CFLAGS)
ALL_LIBS   = $(LDFLAGS_SAN) $(LDFLAGS) $(PKG_LIBS) -lpthread

# The front ends (the CLI, the MCP server) are not in the library.
LIB_SRC  := $(filter-out src/cli/% src/mcp/%,$(wildcard src/*/*.c))
CLI_SRC  := $(wildcard src/cli/*.c) $(wildcard src/mcp/*.c)
UNIT_SRC := $(wildcard tests/unit/*.c)
E2E_SRC  := $(wildcard tests/e2e/*.c)
RES      := $(shell find resources/prompts -type f | LC_ALL=C sort)

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/resources.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/obj/%.o)
# The option parser (CLI plumbing) is unit-tested on argv arrays.
UNIT_CLI := $(BUILD)/obj/src/cli/options.o $(BUILD)/obj/src/cli/cli.o
E2E_OBJ  := $(E2E_SRC:%.c=$(BUILD)/obj/%.o)
# The fault-injection build: same sources, YOI_FAULT_INJECTION defined.
FAULT_OBJ := $(LIB_SRC:%.c=$(BUILD)/fault/%.o) $(BUILD)/obj/gen/resources.o \
	$(CLI_SRC:%.c=$(BUILD)/fault/%.o)

LIB      := $(BUILD)/libyoitickets.a
BIN      := $(BUILD)/yoi-tickets
FAULTBIN := $(BUILD)/yoi-tickets-fault
UNIT     := $(BUILD)/tests/unit-tests
E2E      := $(BUILD)/tests/e2e-tests

.PHONY: all run test layers tour unit e2e asan bench browser-test install clean deps fuzz \
	fuzz-build mcp-test
.DEFAULT_GOAL := all

all: $(LIB) $(BIN)

deps: $(DEPS_OK)
$(DEPS_OK): scripts/deps.sh
	@sh scripts/deps.sh
	@mkdir -p $(@D) && touch $@

$(BUILD)/embed: scripts/embed.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) -std=c17 -Wall -Wextra -Werror -O2 -o $@ $<

$(BUILD)/gen/resources.c: $(BUILD)/embed $(RES) Makefile
	@mkdir -p $(@D)
	$(BUILD)/embed resources/prompts $(RES) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/resources.o: $(BUILD)/gen/resources.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/fault/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DYOI_FAULT_INJECTION -c -o $@ $<

$(BUILD)/obj/tests/%.o: tests/%.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CRIT_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) -o $@ $(CLI_OBJ) $(LIB) $(ALL_LIBS)

$(FAULTBIN): $(FAULT_OBJ)
	$(CC) -o $@ $(FAULT_OBJ) $(ALL_LIBS)

$(UNIT): $(UNIT_OBJ) $(UNIT_CLI) $(LIB)
	@mkdir -p $(@D)
	$(CC) -o $@ $(UNIT_OBJ) $(UNIT_CLI) $(LIB) $(ALL_LIBS) $(CRIT_LIBS)

$(E2E): $(E2E_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) -o $@ $(E2E_OBJ) $(LIB) $(ALL_LIBS) $(CRIT_LIBS)

# libFuzzer targets (tests/fuzz/fuzz_<name>.c), one per parser and merge,
# built with clang under ASan + UBSan in build/fuzz; `make -j2 fuzz` builds
# them and runs each for FUZZ_SECONDS on a copy of tests/fuzz/corpus/<name>.
FUZZ_BUILD   := build/fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 20
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := -std=c17 -Wall -Wextra -Werror -O1 -g -fno-omit-frame-pointer \
	-D_GNU_SOURCE -Iinclude -Isrc -I$(FUZZ_BUILD)/gen $(FUZZ_SAN) -MMD -MP
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES   := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/obj/%.o) \
	$(FUZZ_BUILD)/obj/gen/resources.o

$(FUZZ_BUILD)/gen/resources.c: $(BUILD)/embed $(RES) Makefile
	@mkdir -p $(@D)
	$(BUILD)/embed resources/prompts $(RES) > $@.tmp && mv $@.tmp $@

$(FUZZ_BUILD)/obj/gen/%.o: $(FUZZ_BUILD)/gen/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) \
		-c -o $@ $<

$(FUZZ_BUILD)/.deps-ok: scripts/deps.sh
	@sh scripts/deps.sh --fuzz
	@mkdir -p $(@D) && touch $@

$(FUZZ_BUILD)/obj/%.o: %.c | $(DEPS_OK) $(FUZZ_BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) \
		-c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS_SHARED) -lpthread

# Objects of the pattern chain above are kept, not deleted as intermediate.
.SECONDARY: $(FUZZ_LIB_OBJ) $(FUZZ_NAMES:%=$(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.o)

fuzz-build: $(FUZZ_BINS)

fuzz-run-%: $(FUZZ_BUILD)/fuzz_%
	@sh scripts/fuzz.sh $(FUZZ_BUILD) $* $(FUZZ_SECONDS)

fuzz: $(FUZZ_BINS)
	@$(MAKE) -k --no-print-directory $(FUZZ_NAMES:%=fuzz-run-%)

run: all
	@sh scripts/walkthrough.sh $(BIN)

# Criterion runs tests of one binary in parallel; -j2 matches the machine.
unit: $(UNIT)
	$(UNIT) -j2 --short-filename

e2e: $(BIN) $(FAULTBIN) $(E2E)
	YOI_BIN=$(abspath $(BIN)) YOI_FAULT_BIN=$(abspath $(FAULTBIN)) \
	YOI_SRCDIR=$(abspath .) $(E2E) -j2 --short-filename

test: layers unit e2e tour

# The library's layering rule (docs/architecture.md).
layers:
	@sh scripts/layers.sh

# The README's tour is the output of scripts/tour.sh, byte for byte.
tour: all
	@sh scripts/tour.sh $(BIN) README.md

# Criterion does not fail a test on a LeakSanitizer report, so the log is
# searched too: any sanitizer report fails the target.
asan:
	@mkdir -p build
	@{ LSAN_OPTIONS=suppressions=$(abspath scripts/lsan.supp):print_suppressions=0 \
		$(MAKE) BUILD=build/asan SAN=1 test 2>&1; echo $$? >build/asan.status; } \
		| tee build/asan.log
	@test "$$(cat build/asan.status)" = 0
	@! grep -n "Sanitizer\|runtime error:" build/asan.log

# The benchmark's store generator and timer, linked against the library so
# that the store it writes is exactly the engine's format.
$(BUILD)/bench-gen: scripts/bench_gen.c $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ scripts/bench_gen.c $(LIB) $(ALL_LIBS)

# The import benchmark: a beads source and its one-process create baseline.
$(BUILD)/bench-import: scripts/bench_import.c $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ scripts/bench_import.c $(LIB) $(ALL_LIBS)

# The start-up baseline: a trivial C program, linked as cc links one.
$(BUILD)/bench-noop: scripts/bench_noop.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) -std=c17 -Wall -Wextra -Werror -O2 -o $@ $<

bench: all $(BUILD)/bench-gen $(BUILD)/bench-noop $(BUILD)/bench-import
	sh scripts/bench.sh

# The HTML board (render --html) in headless Chromium; fails without it.
browser-test: all
	sh scripts/browser-test.sh $(BIN)

# The MCP server end to end with the official SDK client (tests/mcp/):
# the SDK, pinned by tests/mcp/package-lock.json, is installed by npm ci
# into $(BUILD)/node/, where the tests run.
NODE_DIR := $(BUILD)/node
$(NODE_DIR)/.deps-ok: scripts/deps.sh tests/mcp/package.json \
		tests/mcp/package-lock.json
	@sh scripts/deps.sh --mcp
	@mkdir -p $(@D)
	cp tests/mcp/package.json tests/mcp/package-lock.json $(@D)/
	cd $(@D) && npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

mcp-test: $(BIN) $(NODE_DIR)/.deps-ok
	cp tests/mcp/*.test.mjs $(NODE_DIR)/
	cd $(NODE_DIR) && YOI_BIN=$(abspath $(BIN)) node --test *.test.mjs

# ---- man pages, completion, shared library, install (issue 18) ----------
# Man pages: scripts/mkman.c renders the help pages (resources/prompts/
# help/*.md, what `help CMD` prints) with cmark's man renderer, one page per
# command of `yoi-tickets help`. Completion scripts: `yoi-tickets
# completion SHELL`. The shared library: the library's sources again,
# compiled -fPIC into build/pic/, linked against the shared libgit2,
# libyaml, cmark and jansson (the static build's --wrap set-up is the
# executable's own: YOI_GIT2_STATIC is left out).
VERSION    := $(shell sed -n 's/^\#define YOI_VERSION *"\(.*\)"/\1/p' src/cli/cli.h)
SOMAJOR    := $(firstword $(subst ., ,$(VERSION)))
SONAME     := libyoitickets.so.$(SOMAJOR)
SHLIB      := $(BUILD)/libyoitickets.so.$(VERSION)
PIC_OBJ    := $(LIB_SRC:%.c=$(BUILD)/pic/%.o) $(BUILD)/pic/gen/resources.o
PKG_LIBS_DYN = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
MAN_DIR    := $(BUILD)/man/man1
HELP_MD    := $(wildcard resources/prompts/help/*.md)
MAN_STAMP  := $(BUILD)/man/.stamp
COMP_FILES := $(BUILD)/completion/yoi-tickets.bash \
	$(BUILD)/completion/_yoi-tickets $(BUILD)/completion/yoi-tickets.fish

BINDIR     := $(PREFIX)/bin
LIBDIR     := $(PREFIX)/lib
INCDIR     := $(PREFIX)/include
MANDIR     := $(PREFIX)/share/man
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR := $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR := $(PREFIX)/share/fish/vendor_completions.d

.PHONY: man completion shared install uninstall install-test
all: man completion shared

$(BUILD)/mkman: scripts/mkman.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) -std=c17 -Wall -Wextra -Werror -O2 $(PKG_CFLAGS) -o $@ $< \
		$(shell pkg-config --libs libcmark 2>/dev/null || echo -lcmark)

$(MAN_STAMP): $(BUILD)/mkman $(HELP_MD) $(BIN)
	@rm -rf $(MAN_DIR) && mkdir -p $(MAN_DIR)
	$(BIN) help > $(BUILD)/man/commands.txt
	$(BUILD)/mkman $(MAN_DIR) resources/prompts/help \
		"yoi-tickets $(VERSION)" < $(BUILD)/man/commands.txt
	@touch $@

man: $(MAN_STAMP)

$(BUILD)/completion/yoi-tickets.bash: $(BIN)
	@mkdir -p $(@D)
	$(BIN) completion bash > $@.tmp && mv $@.tmp $@
$(BUILD)/completion/_yoi-tickets: $(BIN)
	@mkdir -p $(@D)
	$(BIN) completion zsh > $@.tmp && mv $@.tmp $@
$(BUILD)/completion/yoi-tickets.fish: $(BIN)
	@mkdir -p $(@D)
	$(BIN) completion fish > $@.tmp && mv $@.tmp $@

completion: $(COMP_FILES)

$(BUILD)/pic/gen/resources.o: $(BUILD)/gen/resources.c
	@mkdir -p $(@D)
	$(CC) $(filter-out -DYOI_GIT2_STATIC,$(ALL_CFLAGS)) -fPIC -c -o $@ $<

$(BUILD)/pic/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(filter-out -DYOI_GIT2_STATIC,$(ALL_CFLAGS)) -fPIC -c -o $@ $<

$(SHLIB): $(PIC_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--no-undefined -o $@ \
		$(PIC_OBJ) $(LDFLAGS_SAN) $(LDFLAGS) $(PKG_LIBS_DYN) -lpthread

shared: $(SHLIB)

# What install writes, relative to $(DESTDIR): uninstall removes exactly
# these (and the include/yoi folder when it is left empty).
HEADERS := $(notdir $(wildcard include/yoi/*.h))
INSTALLED = $(BINDIR)/yoi-tickets $(LIBDIR)/libyoitickets.a \
	$(LIBDIR)/libyoitickets.so.$(VERSION) $(LIBDIR)/$(SONAME) \
	$(LIBDIR)/libyoitickets.so $(LIBDIR)/pkgconfig/yoitickets.pc \
	$(HEADERS:%=$(INCDIR)/yoi/%) \
	$(patsubst resources/prompts/help/%.md,$(MANDIR)/man1/yoi-tickets-%.1,\
		$(filter-out %/yoi-tickets.md,$(HELP_MD))) $(MANDIR)/man1/yoi-tickets.1 \
	$(BASHCOMPDIR)/yoi-tickets $(ZSHCOMPDIR)/_yoi-tickets \
	$(FISHCOMPDIR)/yoi-tickets.fish

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCDIR)/yoi $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/yoi-tickets
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libyoitickets.a
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/libyoitickets.so.$(VERSION)
	ln -sf libyoitickets.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libyoitickets.so
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' \
		'includedir=$${prefix}/include' '' 'Name: yoitickets' \
		'Description: plain-file ticket engine driven by git' \
		'Version: $(VERSION)' 'Requires.private: $(PKGS)' \
		'Libs: -L$${libdir} -lyoitickets' 'Libs.private: -lpthread' \
		'Cflags: -I$${includedir}' \
		> $(DESTDIR)$(LIBDIR)/pkgconfig/yoitickets.pc
	chmod 644 $(DESTDIR)$(LIBDIR)/pkgconfig/yoitickets.pc
	install -m 644 include/yoi/*.h $(DESTDIR)$(INCDIR)/yoi/
	install -m 644 $(MAN_DIR)/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(BUILD)/completion/yoi-tickets.bash \
		$(DESTDIR)$(BASHCOMPDIR)/yoi-tickets
	install -m 644 $(BUILD)/completion/_yoi-tickets \
		$(DESTDIR)$(ZSHCOMPDIR)/_yoi-tickets
	install -m 644 $(BUILD)/completion/yoi-tickets.fish \
		$(DESTDIR)$(FISHCOMPDIR)/yoi-tickets.fish

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(INCDIR)/yoi 2>/dev/null

# Install into a temporary prefix (and a DESTDIR), build a C program
# against it with pkg-config, run the installed binary from elsewhere,
# check the man pages, uninstall and check that nothing is left.
install-test: all
	sh scripts/install-test.sh

# make test runs it too (about 2 s once built); not under SAN=1, where the
# shared library would need the sanitizer runtime loaded first.
ifeq ($(SAN),)
test: install-test
endif

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
