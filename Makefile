# Patchbay — every task a newcomer needs. `make demo` runs the main job,
# `make test` runs every test; both install what they need first.

GO        ?= go
BIN       := $(CURDIR)/.bin
# A release tag (v1.2.3) when there is one, else v0.0.0-<commit>.
VERSION   ?= $(shell git describe --tags --match 'v*' --dirty 2>/dev/null || echo v0.0.0-$$(git rev-parse --short HEAD 2>/dev/null || echo dev))
COMMIT    ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS   := -X github.com/patchbay-dev/patchbay/internal/buildinfo.Version=$(VERSION) \
             -X github.com/patchbay-dev/patchbay/internal/buildinfo.Commit=$(COMMIT)
VSCODE    := ide/vscode
RUNAPP    := testdata/runapp
CONTRACT  := providers/contracttest/testdata
DEMO_HOME := $(CURDIR)/.demo-home

# Pinned tool versions, installed from the Go module proxy into .bin/.
BUF_VERSION                  := v1.75.0
PROTOC_GEN_GO_VERSION        := v1.36.12
PROTOC_GEN_CONNECT_GO_VERSION := v1.21.1
GRPCURL_VERSION              := v1.9.4
STRIPE_MOCK_VERSION          := v0.203.0
STATICCHECK_VERSION          := v0.8.2

export PATH := $(BIN):$(PATH)

.PHONY: all build generate lint test test-go test-vscode test-e2e screenshots demo tools system-deps bench eval load soak clean

all: build

## tools: pinned Go tools into .bin/, the npm packages of the extension, of
## testdata/runapp and of the contract tests
tools: $(BIN)/buf $(BIN)/protoc-gen-go $(BIN)/protoc-gen-connect-go $(BIN)/grpcurl $(BIN)/stripe-mock $(BIN)/staticcheck $(VSCODE)/node_modules/.package-lock.json $(RUNAPP)/node_modules/.package-lock.json $(CONTRACT)/node_modules/.package-lock.json

# Each install says what it is doing: on a fresh machine `go install` is
# silent for minutes while it downloads and compiles; later runs skip what
# .bin/ already has.
define go-install
	@echo "== installing $(notdir $@) $(2) into .bin/ (first run only)"
	GOBIN=$(BIN) $(GO) install $(1)@$(2)
endef

$(BIN)/buf:
	$(call go-install,github.com/bufbuild/buf/cmd/buf,$(BUF_VERSION))
$(BIN)/protoc-gen-go:
	$(call go-install,google.golang.org/protobuf/cmd/protoc-gen-go,$(PROTOC_GEN_GO_VERSION))
$(BIN)/protoc-gen-connect-go:
	$(call go-install,connectrpc.com/connect/cmd/protoc-gen-connect-go,$(PROTOC_GEN_CONNECT_GO_VERSION))
$(BIN)/grpcurl:
	$(call go-install,github.com/fullstorydev/grpcurl/cmd/grpcurl,$(GRPCURL_VERSION))
$(BIN)/stripe-mock:
	$(call go-install,github.com/stripe/stripe-mock,$(STRIPE_MOCK_VERSION))
$(BIN)/staticcheck:
	$(call go-install,honnef.co/go/tools/cmd/staticcheck,$(STATICCHECK_VERSION))
$(VSCODE)/node_modules/.package-lock.json: $(VSCODE)/package-lock.json
	@echo "== installing the extension's npm packages (npm ci in $(VSCODE))"
	cd $(VSCODE) && npm ci --no-audit --no-fund
# The real app the end-to-end run test starts (official stripe and
# express-openid-connect packages, from the npm registry).
$(RUNAPP)/node_modules/.package-lock.json: $(RUNAPP)/package-lock.json
	@echo "== installing $(RUNAPP)'s npm packages (npm ci)"
	cd $(RUNAPP) && npm ci --no-audit --no-fund
# The providers' published API descriptions (@octokit/openapi,
# @netlify/open-api) and Stoplight Prism, which the TestContract… tests
# check Patchbay's requests against (docs/providers.md, Contract tests).
$(CONTRACT)/node_modules/.package-lock.json: $(CONTRACT)/package-lock.json
	@echo "== installing the contract tests' API descriptions and Prism (npm ci in $(CONTRACT))"
	cd $(CONTRACT) && npm ci --no-audit --no-fund

## system-deps: Debian packages some tests drive (Chromium, Secret Service)
system-deps:
	scripts/system-deps.sh

## build: the patchbay binary, the provider fakes (patchbay-fakes: the
## extension's integration and end-to-end tests run against them) and the
## extension bundle
build: $(VSCODE)/node_modules/.package-lock.json
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/patchbay ./cmd/patchbay
	$(GO) build -o bin/patchbay-fakes ./providers/providertest/cmd/patchbay-fakes
	cd $(VSCODE) && npm run --silent build

## generate: regenerate Go and TypeScript code from proto/
generate: tools
	buf format -w
	buf generate

## lint: fails when generated code is stale, go.mod/go.sum are not tidy or
## buf/gofmt/vet/staticcheck complain
lint: tools
	buf lint
	buf format --diff --exit-code
	@# Compares the working tree's API with main's last commit: catches a
	@# breaking edit before it is committed, and on a branch before it merges.
	@if git rev-parse --verify -q main >/dev/null; then buf breaking --against '.git#branch=main'; fi
	buf generate
	@git diff --exit-code -- gen $(VSCODE)/src/gen || (echo "generated code is stale: run 'make generate' and commit" >&2; exit 1)
	@test -z "$$(git status --porcelain -- gen $(VSCODE)/src/gen)" || (echo "generated code is stale: run 'make generate' and commit" >&2; git status --porcelain -- gen $(VSCODE)/src/gen >&2; exit 1)
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v '^gen/'))" || (echo "gofmt needed:" >&2; gofmt -l $$(git ls-files '*.go' | grep -v '^gen/') >&2; exit 1)
	@$(GO) mod tidy -diff >/dev/null || (echo "go.mod/go.sum are not tidy: run 'go mod tidy' and commit; it would change:" >&2; $(GO) mod tidy -diff >&2; exit 1)
	$(GO) vet ./...
	@# staticcheck skips generated code (gen/) by itself.
	staticcheck ./...
	cd $(VSCODE) && npm run --silent typecheck

## test: every test (Go, extension, editor end-to-end); installs what it needs first
test: tools system-deps build
	$(MAKE) lint
	$(MAKE) test-go test-vscode test-e2e

# Every package under the race detector: on 2 cores that costs ≈5 min of
# the run, warm (the analyzer's and providers' packages are quick, engine
# and daemon take longest), cheap enough not to pick packages by hand.
test-go:
	PATCHBAY_REQUIRE_TOOLS=1 PATCHBAY_BIN=$(CURDIR)/bin/patchbay $(GO) test -race -count=1 -timeout 15m ./...

# scripts/no-skips.sh fails a run that skipped anything: on a fresh clone
# `make test` has built and installed everything its tests need.
TEST_BINS := PATCHBAY_BIN=$(CURDIR)/bin/patchbay PATCHBAY_FAKES_BIN=$(CURDIR)/bin/patchbay-fakes

test-vscode:
	cd $(VSCODE) && $(TEST_BINS) PATCHBAY_REQUIRE_TOOLS=1 $(CURDIR)/scripts/no-skips.sh npm test
	cd $(VSCODE) && PATCHBAY_REQUIRE_TOOLS=1 $(CURDIR)/scripts/no-skips.sh npm run --silent test:webview

# code-server (VS Code in a browser, from npm) is the real VS Code host of
# the end-to-end test; see ide/vscode/README.md.
CODE_SERVER := $(CURDIR)/$(VSCODE)/.code-server/node_modules/.bin/code-server
$(CODE_SERVER):
	cd $(VSCODE) && test/e2e/install-code-server.sh .code-server

test-e2e: $(CODE_SERVER)
	$(GO) build -o bin/patchbay-fakes ./providers/providertest/cmd/patchbay-fakes
	cd $(VSCODE) && npm run --silent package
	cd $(VSCODE) && CODE_SERVER=$(CODE_SERVER) $(TEST_BINS) PATCHBAY_REQUIRE_TOOLS=1 $(CURDIR)/scripts/no-skips.sh npm run --silent test:e2e

## screenshots: the README's pictures (docs/screenshots), taken by the
## end-to-end tests that save them; `make test` saves them under
## ide/vscode/test-results/e2e/screenshots instead
SCREENSHOT_TESTS := panels systemMap codeServer
screenshots: build $(CODE_SERVER)
	cd $(VSCODE) && npm run --silent package && node esbuild.mjs --tests
	cd $(VSCODE) && CODE_SERVER=$(CODE_SERVER) $(TEST_BINS) PATCHBAY_REQUIRE_TOOLS=1 PATCHBAY_SCREENSHOTS=docs $(CURDIR)/scripts/no-skips.sh \
		node --test --test-reporter=spec --test-concurrency=1 $(foreach t,$(SCREENSHOT_TESTS),out/test/e2e/$(t).test.js)

## eval: the analyzer's accuracy on the development corpus (eval/README.md):
## re-creates the corpus outside the repository, prints precision/recall/F1
## per kind and every miss. EVAL_FLAGS=-quiet prints the scores only.
eval:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/patchbay ./cmd/patchbay
	scripts/eval.sh $(EVAL_FLAGS)

## load: 20 clients plan and apply 10 environments of one PostgreSQL
## database against the fakes for 60 s (LOAD_DURATION=...), loopback
## only; 0 errors and 0 duplicates or it fails. Figures: docs/load-test.md
load: system-deps
	PATCHBAY_LOAD_DURATION=$(or $(LOAD_DURATION),60s) $(GO) test -count=1 -run '^TestLoad$$' -v -timeout 15m ./engine/

## soak: the kill loop (two workspaces applied, re-URLed and destroyed
## through the real daemon while it is SIGKILLed at random provider calls,
## then 0 duplicates, orphans and lost secrets at patchbay-fakes) and the
## load test (50 clients, flat memory, 0 errors), SOAK_DURATION in all
## (default 10m, half each), loopback only. Figures: docs/reliability.md
SOAK_DURATION ?= 10m
soak:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(or $(SOAK_BIN),$(CURDIR)/bin/patchbay-soak) ./cmd/patchbay
	PATCHBAY_BIN=$(or $(SOAK_BIN),$(CURDIR)/bin/patchbay-soak) PATCHBAY_SOAK_DURATION=$(SOAK_DURATION) \
		$(GO) test -count=1 -run '^TestSoak' -v -timeout 3h ./cmd/patchbay/

## bench: Go benchmarks (see docs/benchmarks.md for the corpus script)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./analyzer/... ./engine/...

## fuzz: every analyzer fuzz target for FUZZTIME each (default 10m; `make
## test` runs only their seeds). Failing inputs land in testdata/fuzz/.
FUZZTIME ?= 10m
FUZZ_TARGETS := \
	./analyzer:FuzzJSEnvLex ./analyzer:FuzzPrefilter ./analyzer:FuzzIgnoreRule ./analyzer:FuzzIgnorer ./analyzer/golang:FuzzExtract \
	./analyzer/manifests:FuzzParse ./analyzer/envfiles:FuzzReaders \
	./analyzer/treesitter/javascript:FuzzExtract ./analyzer/treesitter/typescript:FuzzExtract \
	./analyzer/treesitter/typescript:FuzzExtractTSX ./analyzer/treesitter/python:FuzzExtract \
	./analyzer/treesitter/ruby:FuzzExtract ./analyzer/treesitter/php:FuzzExtract \
	./analyzer/treesitter/java:FuzzExtract ./analyzer/treesitter/csharp:FuzzExtract
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; echo "== $$pkg $$fn ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

## demo: the main job on embedded defaults: a daemon in .demo-home, the
## bundled example workspace analyzed through it, grpcurl listing the API.
## It needs only grpcurl of the tools, so a first run installs just that.
demo: $(BIN)/grpcurl
	@echo "== building bin/patchbay (the first build compiles the tree-sitter grammars, C: minutes; later ones take seconds)"
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/patchbay ./cmd/patchbay
	scripts/demo.sh

clean:
	rm -rf bin .bin $(DEMO_HOME) $(VSCODE)/dist $(VSCODE)/node_modules $(CONTRACT)/node_modules
