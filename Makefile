# Cardinality — build, run, test, bench.  `make run` and `make test` do all the set-up.
CC      ?= cc
PKGS    := fcgi libpq jansson yajl libcurl libsodium gumbo libcmark-gfm sqlite3 librsvg-2.0 cairo libmariadb zlib libgvc libcgraph
OPT     ?= -O2 -g
CFLAGS  := $(OPT) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -pthread -Ifcgi
LDLIBS  += -pthread -lpg_query -lcrypt -lcmark-gfm-extensions -lm
BUILD   ?= build
VAR_DIR ?= var
STATIC_DIR ?= static
PORT    ?= 8080
export VAR_DIR PORT

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

LIB_SRC  := $(filter-out fcgi/main.c,$(wildcard fcgi/*.c))
LIB_OBJ  := $(LIB_SRC:fcgi/%.c=$(BUILD)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/%)

# The npm editors (TipTap, Excalidraw, React Flow): installed from editors/package-lock.json and
# bundled by esbuild into static/build/ (ignored), before the static build id is computed.
EDITOR_SRC := $(wildcard editors/src/* editors/src/*/* static/js/lib/*.js) editors/build.mjs
editors: $(STATIC_DIR)/build/.ok
editors/node_modules/.ok: editors/package.json editors/package-lock.json
	cd editors && npm ci --no-audit --no-fund --loglevel=error
	@touch $@
$(STATIC_DIR)/build/.ok: editors/node_modules/.ok $(EDITOR_SRC)
	node editors/build.mjs $(STATIC_DIR)/build
	@touch $@

.PHONY: all editors deps deps-build deps-test run start stop test unit integration browser asan fuzz fuzz-smoke sqltest bench clean node-deps
all: deps-build $(BUILD)/cardinality $(BUILD)/mustache-spec editors $(BUILD)/static.env

deps-build:
	@scripts/deps.sh build
deps:
	@scripts/deps.sh run
deps-test:
	@scripts/deps.sh test

$(BUILD)/obj/%.o: fcgi/%.c fcgi/*.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/libcard.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/cardinality: fcgi/main.c $(BUILD)/libcard.a
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $< $(BUILD)/libcard.a -o $@ $(PKG_LIBS) $(LDLIBS)

# The build id of static/ (scripts/static-id.sh) as CARD_ASSET_VERSION=<id>: the server names its
# assets /static/<id>/…, so each change to any file under static/ gives every page new URLs.
# scripts/stack.sh and the systemd unit (EnvironmentFile) pass it to the server.  Directories
# are prerequisites too, so adding or removing a file recomputes it.  The bundles in build/ are
# represented by build/.ok (their hashed chunk names change with each bundling).
$(BUILD)/static.env: $(shell find $(STATIC_DIR) -path $(STATIC_DIR)/build -prune -o \( -type f -o -type d \) -print) \
                   scripts/static-id.sh $(STATIC_DIR)/build/.ok
	@mkdir -p $(dir $@)
	@echo "CARD_ASSET_VERSION=$$(scripts/static-id.sh $(STATIC_DIR))" > $@.tmp && mv $@.tmp $@

$(BUILD)/mustache-spec: tests/mustache_spec.c $(BUILD)/libcard.a
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $< $(BUILD)/libcard.a -o $@ $(PKG_LIBS) $(LDLIBS)

$(BUILD)/test_%: tests/unit/test_%.c tests/unit/*.h $(BUILD)/libcard.a
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $< $(BUILD)/libcard.a -o $@ $(PKG_LIBS) $(CHECK_LIBS) $(LDLIBS)

unit: deps-test $(UNIT_BIN) $(BUILD)/mustache-spec
	@scripts/run-unit.sh $(BUILD) $(UNIT_BIN)

# ---- running --------------------------------------------------------------------------
run: deps all
	@scripts/stack.sh run
start: deps all
	@scripts/stack.sh start
stop:
	@scripts/stack.sh stop

# ---- tests ----------------------------------------------------------------------------
# The whole suite: unit tests (plain build), the sanitizer build running unit + integration
# tests, SQL-level tests, browser tests and a short fuzzing pass.
test: deps-test all node-deps
	@scripts/run-tests.sh

node-deps: tests/node_modules/.ok
tests/node_modules/.ok: tests/package.json
	cd tests && npm install --no-audit --no-fund --loglevel=error
	@touch $@

ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
asan:
	$(MAKE) BUILD=build-asan OPT="$(ASAN_FLAGS)" build-asan/cardinality build-asan/mustache-spec build-asan/static.env \
	  $(UNIT_SRC:tests/unit/%.c=build-asan/%)

integration: all node-deps
	node --test --test-concurrency=1 tests/integration/
browser: all node-deps
	node --test --test-concurrency=1 tests/browser/
sqltest:
	@scripts/run-sql-tests.sh

FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
# The library is compiled once for every harness (instrumented, not linked with libFuzzer's
# main), then each harness links against it.
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Ifcgi
FUZZ_OBJ := $(LIB_SRC:fcgi/%.c=build-fuzz/obj/%.o)
build-fuzz/obj/%.o: fcgi/%.c fcgi/*.h
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined $(PKG_CFLAGS) -c $< -o $@
build-fuzz/libcard.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c build-fuzz/libcard.a
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) \
	  $< build-fuzz/libcard.a -o $@ $(PKG_LIBS) $(LDLIBS)
fuzz-smoke: $(FUZZ_BIN)
	@scripts/run-fuzz.sh $${FUZZ_SECONDS:-5} $(FUZZ_BIN)
fuzz: $(FUZZ_BIN)
	@scripts/run-fuzz.sh $${FUZZ_SECONDS:-600} $(FUZZ_BIN)

bench: deps-test all
	@scripts/bench.sh

clean:
	rm -rf build build-asan build-fuzz
