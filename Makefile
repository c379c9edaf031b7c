# SPDX-License-Identifier: GPL-2.0
# watchbpf build.  `make` builds build/watchbpf (BPF objects embedded through a
# libbpf skeleton); `make demo` and `make test` are the two commands of the
# README and install what they need first.

BUILD    ?= build
CC       ?= gcc
CLANG    ?= clang-19
BPFTOOL  ?= bpftool
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -Wno-missing-field-initializers \
	    -D_GNU_SOURCE -DWATCHBPF_VERSION='"$(VERSION)"' -I. -I$(BUILD)
LDLIBS   += $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz) \
	    -lelf -lz -lyaml -lcrypto -lkeyutils -lpthread
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	      -I$(BUILD) -I. -mcpu=v3

LIB_SRCS   := $(wildcard lib/*.c fsverity/*.c policy/*.c log/*.c integrity/*.c adopt/*.c learn/*.c) \
	      $(filter-out gatekeeper/main.c,$(wildcard gatekeeper/*.c))
LIB_OBJS   := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS))
MAIN_OBJ   := $(BUILD)/gatekeeper/main.o
BPF_SRCS   := $(wildcard bpf/*.bpf.c)
# maps.bpf.o defines what the others declare extern: it links first
BPF_OBJS   := $(BUILD)/bpf/maps.bpf.o $(filter-out $(BUILD)/bpf/maps.bpf.o,$(patsubst %.c,$(BUILD)/%.o,$(BPF_SRCS)))
UNIT_SRCS  := $(wildcard tests/unit/*.c)
UNIT_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(UNIT_SRCS))
TEST_PROGS := $(addprefix $(BUILD)/progs/,alice bob flood benchops attack evil.so dyntrue token)
TEST_BPF   := $(patsubst tests/progs/%.bpf.c,$(BUILD)/progs/%.bpf.o,$(wildcard tests/progs/*.bpf.c))

.PHONY: all clean deps demo test unit e2e bench bench-report test-progs format lint
.DELETE_ON_ERROR:

all: $(BUILD)/watchbpf

$(BUILD)/watchbpf: $(MAIN_OBJ) $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/vmlinux.h:
	@mkdir -p $(@D)
	@test -r $(VMLINUX_BTF) || { echo "no kernel BTF at $(VMLINUX_BTF): set VMLINUX_BTF=" >&2; exit 1; }
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) $(BUILD)/vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# One BPF object per concern, statically linked into one, like bpftool does.
$(BUILD)/watchbpf.bpf.o: $(BPF_OBJS)
	$(BPFTOOL) gen object $@ $^

$(BUILD)/watchbpf.skel.h: $(BUILD)/watchbpf.bpf.o
	$(BPFTOOL) gen skeleton $< name watchbpf > $@

# the daemon's objects include the generated skeleton
$(filter $(BUILD)/gatekeeper/%,$(LIB_OBJS) $(MAIN_OBJ)): $(BUILD)/watchbpf.skel.h

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# ---- tests -------------------------------------------------------------
$(BUILD)/unit-tests: $(UNIT_OBJS) $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Programs the VM tests run (loaders).  Static, so the initramfs needs no
# more libraries than watchbpf's own.
# Eve's library, preloaded into loaders: dynamic, like what it attacks.
$(BUILD)/progs/evil.so: tests/progs/evil.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -shared -fPIC -o $@ $<

# make bench's dynamically linked program
$(BUILD)/progs/dyntrue: tests/progs/dyntrue.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<

$(BUILD)/progs/%: tests/progs/%.c tests/progs/loader.c tests/progs/runtime.c tests/progs/running.c \
		  tests/progs/signed.c tests/progs/kfuncs.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -static -o $@ $< -lpthread

$(BUILD)/progs/%.bpf.o: tests/progs/%.bpf.c $(BUILD)/vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

deps:
	@bash scripts/deps.sh

unit: $(BUILD)/watchbpf $(BUILD)/unit-tests
	@bash tests/run-unit.sh

# what the VM's disk holds (tests/vm/stage.sh)
test-progs: $(TEST_PROGS) $(TEST_BPF)

e2e: $(BUILD)/watchbpf $(TEST_PROGS) $(TEST_BPF)
	@bash tests/vm/run-suite.sh

test: deps
	@$(MAKE) --no-print-directory all $(BUILD)/unit-tests $(TEST_PROGS) $(TEST_BPF)
	@bash tests/run-all.sh

demo: deps
	@$(MAKE) --no-print-directory all $(TEST_PROGS) $(TEST_BPF)
	@bash tests/vm/demo.sh

# make bench measures and writes docs/benchmarks.md, its plots and their data
# (docs/benchmarks/*.tsv); make bench-report redraws both from that data.
bench: deps
	@$(MAKE) --no-print-directory all test-progs
	@BUILD=$(BUILD) WATCHBPF=$(abspath $(BUILD))/watchbpf bash tests/bench/run.sh

bench-report:
	@bash tests/bench/report.sh docs/benchmarks docs/benchmarks.md

# docs/diagrams/*.svg from their graphviz sources (dot, Debian's graphviz):
# committed, so that the docs read without graphviz; tests/unit/diagram.sh
# checks each SVG names the SHA-256 of its source as it is now.
DIAGRAMS := $(patsubst %.dot,%.svg,$(wildcard docs/diagrams/*.dot))
.PHONY: diagrams
diagrams: $(DIAGRAMS)

docs/diagrams/%.svg: docs/diagrams/%.dot scripts/diagram.sh
	bash scripts/diagram.sh $< $@

format:
	clang-format -i $(shell git ls-files '*.c' '*.h')

lint: $(BUILD)/watchbpf.skel.h
	@# run.c includes the generated skeleton, which the analyzer misreads
	@# as leaking; every other file gets every check
	@for f in $(LIB_SRCS) gatekeeper/main.c; do \
		extra=; [ $$f = gatekeeper/run.c ] && extra=--checks=-clang-analyzer-unix.Malloc; \
		clang-tidy --quiet $$extra $$f -- $(CFLAGS) || exit 1; done
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr -I. -I$(BUILD) --suppress=missingIncludeSystem \
		lib fsverity policy log integrity gatekeeper learn

# ---- fuzzing ---------------------------------------------------------------
# libFuzzer targets (tests/fuzz/, docs/testing.md "Fuzzing") for the code that
# reads untrusted bytes, built again with clang, ASan and UBSan (UB is fatal)
# into $(BUILD)/fuzz/. `make fuzz` runs each for FUZZ_SECONDS from the seeds;
# tests/unit/fuzz.sh builds them with `make fuzz-build`. Of gatekeeper/, which
# needs the BPF skeleton, only config.c (a policy to the maps' form) is in.
FUZZ_SECONDS ?= 60
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS  := -g -O1 -fno-omit-frame-pointer -std=gnu11 -Wall -Wextra -Werror \
		-Wno-missing-field-initializers -D_GNU_SOURCE -DWATCHBPF_VERSION='"$(VERSION)"' \
		-I. $(FUZZ_SAN)
FUZZ_LIB_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(wildcard lib/*.c fsverity/*.c policy/*.c \
		 log/*.c integrity/*.c adopt/*.c learn/*.c) gatekeeper/config.c gatekeeper/tokens.c \
		 tests/fuzz/fuzz_common.c)
FUZZ_TARGETS := $(addprefix $(FUZZ_DIR)/,fuzz_policy fuzz_log fuzz_log_json fuzz_learn)

.PHONY: fuzz fuzz-build

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@bash tests/fuzz/seeds.sh $(FUZZ_DIR)
	@bash tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

fuzz-build: $(FUZZ_TARGETS) $(FUZZ_DIR)/gen-logs

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

# an archive: each target links only what it calls
$(FUZZ_DIR)/libwatchbpf.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_TARGETS): $(FUZZ_DIR)/%: $(FUZZ_DIR)/obj/tests/fuzz/%.o $(FUZZ_DIR)/libwatchbpf.a
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

# the seed logs' writer (tests/fuzz/seeds.sh), sanitized like the rest
$(FUZZ_DIR)/gen-logs: $(FUZZ_DIR)/obj/tests/fuzz/gen_logs.o $(FUZZ_DIR)/libwatchbpf.a
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -o $@ $^ $(LDLIBS)

# ---- man pages -------------------------------------------------------------
# watchbpf(8) and watchbpf-policy(5) from their reStructuredText in docs/man/
# (rst2man: python3-docutils). Not part of `all`: `make install` builds them.
# A warning is an error: tests/unit/man_sync.sh builds them the same way.
RST2MAN    ?= rst2man
MAN_PAGES  := $(BUILD)/man/watchbpf.8 $(BUILD)/man/watchbpf-policy.5

.PHONY: man
man: $(MAN_PAGES)

$(BUILD)/man/%: docs/man/%.rst
	@mkdir -p $(@D)
	$(RST2MAN) --halt=warning $< $@

# ---- install -------------------------------------------------------------
# `make install` (as root; DESTDIR= for a staging tree): the binary, the
# systemd unit with this install's paths, logrotate's snippet, the log
# directory, the man pages, bash completion, and deploy/policy.yaml as the
# policy, once: a policy already there is the admin's and stays as it is.
# README.md, "Install as a service". Man pages go in uncompressed (a
# package's dh_installman and dh_compress compress them).
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
MANDIR     ?= $(PREFIX)/share/man
COMPLETIONSDIR ?= $(PREFIX)/share/bash-completion/completions
# the unit's LogsDirectory=watchbpf: always under /var/log
LOGDIR     := /var/log/watchbpf
INSTALL    ?= install

.PHONY: install uninstall

install: $(BUILD)/watchbpf $(MAN_PAGES)
	$(INSTALL) -d -m 0755 $(DESTDIR)$(SBINDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSCONFDIR)/watchbpf $(DESTDIR)$(SYSCONFDIR)/logrotate.d \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(COMPLETIONSDIR)
	$(INSTALL) -d -m 0750 $(DESTDIR)$(LOGDIR)
	$(INSTALL) -m 0755 $(BUILD)/watchbpf $(DESTDIR)$(SBINDIR)/watchbpf
	sed -e 's|/usr/sbin/watchbpf|$(SBINDIR)/watchbpf|g' \
	    -e 's|/etc/watchbpf/|$(SYSCONFDIR)/watchbpf/|g' \
		deploy/systemd/watchbpf.service > $(BUILD)/watchbpf.service
	$(INSTALL) -m 0644 $(BUILD)/watchbpf.service $(DESTDIR)$(UNITDIR)/watchbpf.service
	$(INSTALL) -m 0644 deploy/logrotate/watchbpf $(DESTDIR)$(SYSCONFDIR)/logrotate.d/watchbpf
	$(INSTALL) -m 0644 $(BUILD)/man/watchbpf.8 $(DESTDIR)$(MANDIR)/man8/watchbpf.8
	$(INSTALL) -m 0644 $(BUILD)/man/watchbpf-policy.5 $(DESTDIR)$(MANDIR)/man5/watchbpf-policy.5
	$(INSTALL) -m 0644 deploy/bash-completion/watchbpf $(DESTDIR)$(COMPLETIONSDIR)/watchbpf
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/watchbpf/policy.yaml ]; then \
		echo "keeping $(DESTDIR)$(SYSCONFDIR)/watchbpf/policy.yaml"; \
	else \
		echo "$(INSTALL) -m 0600 deploy/policy.yaml $(DESTDIR)$(SYSCONFDIR)/watchbpf/policy.yaml"; \
		$(INSTALL) -m 0600 deploy/policy.yaml $(DESTDIR)$(SYSCONFDIR)/watchbpf/policy.yaml; \
	fi
	@echo "next: watchbpf enroll $(SBINDIR)/watchbpf (fs-verity, for --persist);" \
		"systemctl daemon-reload; systemctl enable --now watchbpf"

# The policy and the logs are the admin's: they stay. A pinned state stays
# in force too, until `watchbpf stop --end-enforcement` or a reboot.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/watchbpf $(DESTDIR)$(UNITDIR)/watchbpf.service \
		$(DESTDIR)$(SYSCONFDIR)/logrotate.d/watchbpf \
		$(DESTDIR)$(MANDIR)/man8/watchbpf.8 $(DESTDIR)$(MANDIR)/man5/watchbpf-policy.5 \
		$(DESTDIR)$(COMPLETIONSDIR)/watchbpf
	@echo "kept $(DESTDIR)$(SYSCONFDIR)/watchbpf and $(DESTDIR)$(LOGDIR)"

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
