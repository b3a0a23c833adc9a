# unplanet - split a Planet page into per-author feeds.
# POSIX make; libraries found with pkg-config. See README.md.

VERSION = 0.1.0

PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
SHAREDIR = $(PREFIX)/share/unplanet
MANDIR = $(PREFIX)/share/man/man1
DESTDIR =

CC = cc
PKG_CONFIG = pkg-config
PKGS = libcurl libxml-2.0 libxslt libexslt libpcre2-8 inih libidn2
CFLAGS = -O2 -g
WARNINGS = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# SOURCE_DIGEST, a checksum of the sources, is in every page digest the
# archive keeps (xslt/README.md): a program built from other sources may
# read a post otherwise, and reads every post again rather than trust what
# an earlier one made of it.
UP_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARNINGS) `$(PKG_CONFIG) --cflags $(PKGS)` \
	-DVERSION='"$(VERSION)"' -DXSLTDIR='"$(SHAREDIR)/xslt"' \
	-DSOURCE_DIGEST='"'"`cat $(SRC) $(HDR) | cksum | tr ' ' -`"'"'
UP_LIBS = `$(PKG_CONFIG) --libs $(PKGS)` -lunistring -pthread

# Sanitizer build used by `make check`: same sources, separate objects.
SAN_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

SRC = src/buf.c src/config.c src/date.c src/err.c src/fetch.c src/group.c src/html.c \
	src/main.c src/match.c src/pool.c src/publish.c src/read.c src/state.c src/text.c src/write.c
HDR = src/entities.inc src/buf.h src/config.h src/date.h src/err.h src/fetch.h src/group.h src/html.h \
	src/match.h src/pool.h src/publish.h src/read.h src/state.h src/table.h src/text.h src/version.h src/write.h
# Everything but main.c, for the unit tests.
LIB_SRC = src/buf.c src/config.c src/date.c src/err.c src/fetch.c src/group.c src/html.c \
	src/match.c src/pool.c src/publish.c src/read.c src/state.c src/text.c src/write.c

# ca-certificates: libcurl only recommends it, and without it no https page
# can be fetched.
BUILD_DEPS = gcc make pkg-config libc6-dev libcurl4-openssl-dev libxml2-dev libxslt1-dev \
	libpcre2-dev libinih-dev libidn2-dev libunistring-dev ca-certificates
TEST_DEPS = python3 python3-feedparser sfeed libxml2-utils xsltproc mandoc bsdextrautils systemd \
	nginx-light newsboat chromium valgrind strace gdb faketime

all: unplanet

# The stylesheet folder is compiled in: a program built for another PREFIX
# is rebuilt (`make`, then `make install PREFIX=/opt`). The stamp changes
# only when the folder does.
.build-prefix: FORCE
	@echo '$(SHAREDIR)' | cmp -s - $@ || echo '$(SHAREDIR)' >$@
FORCE:

unplanet: $(SRC) $(HDR) .build-prefix
	$(CC) $(CPPFLAGS) $(UP_CFLAGS) $(CFLAGS) -o $@ $(SRC) $(UP_LIBS) $(LDFLAGS)

unplanet-san: $(SRC) $(HDR)
	$(CC) $(UP_CFLAGS) $(SAN_FLAGS) -o $@ $(SRC) $(UP_LIBS) $(LDFLAGS)

tests/unit: tests/unit.c $(LIB_SRC) $(HDR)
	$(CC) $(UP_CFLAGS) $(SAN_FLAGS) -Isrc -o $@ tests/unit.c $(LIB_SRC) $(UP_LIBS) $(LDFLAGS)

# The sanitizer build whose own allocations fail one at a time (tests/oom.py).
WRAP = -Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc -Wl,--wrap=strdup -Wl,--wrap=strndup \
	-Wl,--wrap=xmlMemSetup
tests/unplanet-oom: $(SRC) $(HDR) tests/failalloc.c
	$(CC) $(UP_CFLAGS) $(SAN_FLAGS) -o $@ $(SRC) tests/failalloc.c $(UP_LIBS) $(WRAP) $(LDFLAGS)

# The sanitizer build with a 1 MiB limit on state and archive files, so a
# test reaches with small pages what a 256 MiB archive does (tests/limits.py).
tests/unplanet-small: $(SRC) $(HDR)
	$(CC) $(UP_CFLAGS) $(SAN_FLAGS) -DSTATE_FILE_MAX='(1u << 20)' -o $@ $(SRC) $(UP_LIBS) $(LDFLAGS)

tests/bench-parse: tests/bench-parse.c
	$(CC) $(UP_CFLAGS) $(CFLAGS) -o $@ tests/bench-parse.c $(UP_LIBS) $(LDFLAGS)

# Speed against the bare HTML parse; prints a table, asserts nothing.
bench:
	@sh tests/deps.sh $(BUILD_DEPS) python3
	@$(MAKE) unplanet tests/bench-parse
	/usr/bin/python3 tests/bench.py tests/out/bench

# libFuzzer targets, with ASan and UBSan (clang). `make fuzz FUZZ_SECONDS=N`
# runs each for N seconds; crashes land in tests/fuzz/regressions/, which
# `make check` replays.
FUZZ_SECONDS = 60
FUZZ_CC = clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

tests/fuzz/fuzz-read: tests/fuzz/fuzz_read.c $(LIB_SRC) $(HDR)
	$(FUZZ_CC) $(UP_CFLAGS) -Wno-unused-command-line-argument $(FUZZ_FLAGS) -Isrc -o $@ \
		tests/fuzz/fuzz_read.c $(LIB_SRC) $(UP_LIBS)

tests/fuzz/fuzz-pipeline: tests/fuzz/fuzz_pipeline.c $(LIB_SRC) $(HDR)
	$(FUZZ_CC) $(UP_CFLAGS) -Wno-unused-command-line-argument $(FUZZ_FLAGS) -Isrc -o $@ \
		tests/fuzz/fuzz_pipeline.c $(LIB_SRC) $(UP_LIBS)

fuzz: deps
	@sh tests/deps.sh clang libclang-rt-14-dev python3
	@$(MAKE) tests/fuzz/fuzz-read tests/fuzz/fuzz-pipeline
	sh tests/fuzz/run.sh $(FUZZ_SECONDS)

# HTML5's named character references for src/text.c, from Python's copy of
# WHATWG's list; the result is committed.
entities:
	/usr/bin/python3 src/entities.py >src/entities.inc.tmp && mv src/entities.inc.tmp src/entities.inc

# Installs what is missing when run as root; otherwise prints the command.
deps:
	@sh tests/deps.sh $(BUILD_DEPS)

test-deps:
	@sh tests/deps.sh $(BUILD_DEPS) $(TEST_DEPS)

demo: deps
	@$(MAKE) unplanet
	rm -rf demo
	./unplanet -v -o demo --base-url http://localhost:8000/ -t 'Django=\bdjango\b' \
		samples/planetpython-2026-04-29.html
	@echo "demo: feeds in demo/authors/ and demo/topics/; open demo/index.html, or serve"
	@echo "      the folder (python3 -m http.server -d demo 8000) and import demo/feeds.opml"
	@echo "      (a quick look only: a real server hides demo/.unplanet/, see samples/nginx.conf)"

check: test-deps
	@$(MAKE) unplanet unplanet-san tests/unit tests/unplanet-oom tests/unplanet-small
	@sh tests/run.sh

# Modes set here, not taken from the umask of whoever installs: the job that
# runs unplanet (www-data, say) must read and run what root installed.
# Paths are quoted (a PREFIX may hold spaces); characters the shell or sed
# would read (quotes, backslash, $, `, |, &) are refused before anything is made.
# install-paths looks for them with GNU make's functions, in the paths as make
# passes them on (a " would end the shell's quoting before its check, and
# a $$ would reach it as a variable); the shell's check is for other makes.
install: install-paths unplanet
	umask 022 && mkdir -p "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(SHAREDIR)/xslt" "$(DESTDIR)$(MANDIR)"
	install -m 755 unplanet "$(DESTDIR)$(BINDIR)/unplanet"
	install -m 644 xslt/*.xsl xslt/README.md "$(DESTDIR)$(SHAREDIR)/xslt/"
	sed -e 's|/usr/local/share/unplanet|$(SHAREDIR)|g' -e 's|/usr/local/bin/unplanet|$(BINDIR)/unplanet|g' unplanet.1 >"$(DESTDIR)$(MANDIR)/unplanet.1"
	chmod 644 "$(DESTDIR)$(MANDIR)/unplanet.1"

uninstall: install-paths
	rm -f "$(DESTDIR)$(BINDIR)/unplanet" "$(DESTDIR)$(MANDIR)/unplanet.1"
	rm -rf "$(DESTDIR)$(SHAREDIR)"

UNSAFE_WHY = quotes, \, $$, `, | and & are not taken in PREFIX, DESTDIR and the like
unsafe = $(findstring ",$1)$(findstring ',$1)$(findstring \,$1)$(findstring `,$1)$(findstring $$,$1)$(findstring |,$1)$(findstring &,$1)

install-paths:
	@$(if $(call unsafe,$(DESTDIR)$(BINDIR)),$(error cannot install to '$(DESTDIR)$(BINDIR)': $(UNSAFE_WHY)),:)
	@$(if $(call unsafe,$(DESTDIR)$(SHAREDIR)),$(error cannot install to '$(DESTDIR)$(SHAREDIR)': $(UNSAFE_WHY)),:)
	@$(if $(call unsafe,$(DESTDIR)$(MANDIR)),$(error cannot install to '$(DESTDIR)$(MANDIR)': $(UNSAFE_WHY)),:)
	@for p in "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(SHAREDIR)" "$(DESTDIR)$(MANDIR)"; do \
		case "$$p" in *[\"\\\`\$$\|\&\']*|'') \
			echo "make: cannot install to '$$p': quotes, \\, \$$, \`, | and & are not taken in PREFIX, DESTDIR and the like" >&2; \
			exit 2;; \
		esac; \
	done

clean:
	rm -rf unplanet .build-prefix unplanet-san tests/unit tests/unplanet-oom tests/unplanet-small tests/bench-parse tests/fuzz/fuzz-read \
		tests/fuzz/fuzz-pipeline demo tests/out

.PHONY: FORCE all deps test-deps demo check bench fuzz entities install uninstall install-paths clean
