#!/bin/sh
# report.sh RESULTS.tsv MEMORY.tsv LOAD_BEFORE LOAD_AFTER DURATION: the load test's Markdown tables and targets.
set -eu
RESULTS=$1 MEMORY=$2

printf '## Load test results\n\n'
printf 'Loopback, wrk %s per run (2 threads, 1 for one connection), load average %s before and %s after; %s cores.\n\n' \
	"$5" "$3" "$4" "$(nproc)"
printf '| store | server | gzip | conns | req/s | p50 ms | p99 ms | errors | non-2xx | MB |\n'
printf '|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n'
awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s | %s | %.2f | %.2f | %s | %s | %.1f |\n", $1, $2, $3, $4, $7, $8, $9, $10, $11, $12 / 1e6 }' "$RESULTS"

printf '\n## Ratios\n\n'
printf 'tiled/nginx: requests/s (target ≥ 0.70 warm at 64 connections) and p99 (target ≤ 2.0); tiled/TileServer GL: requests/s (target ≥ 10).\n\n'
printf '| store | gzip | conns | warm/nginx req/s | warm/nginx p99 | cold/nginx req/s | warm/TSGL req/s | cold/TSGL req/s |\n'
printf '|---|---|---:|---:|---:|---:|---:|---:|\n'
awk -F'\t' '
NR > 1 { k = $1 SUBSEP $3 SUBSEP $4; rps[k, $2] = $7; p99[k, $2] = $9; if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
function r(a, b) { return (b > 0) ? sprintf("%.2f", a / b) : "–" }
END {
	for (i = 1; i <= n; i++) {
		k = order[i]; split(k, f, SUBSEP)
		if (!((k, "nginx") in rps)) continue
		printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", f[1], f[2], f[3],
			r(rps[k, "tiled-warm"], rps[k, "nginx"]), r(p99[k, "tiled-warm"], p99[k, "nginx"]),
			r(rps[k, "tiled-cold"], rps[k, "nginx"]),
			r(rps[k, "tiled-warm"], rps[k, "tileserver-gl"]), r(rps[k, "tiled-cold"], rps[k, "tileserver-gl"])
	}
}' "$RESULTS"

printf '\n## Targets\n\n'
awk -F'\t' '
NR > 1 && $4 == 64 { rps[$1, $3, $2] = $7; p99[$1, $3, $2] = $9; ds[$1] = 1; gz[$3] = 1 }
NR > 1 && $2 == "tiled-cold-z8-12" { cold[$1] = $8 }
function ok(c) { return c ? "met" : "MISSED" }
END {
	for (d in ds) for (g in gz) {
		w = rps[d, g, "tiled-warm"]; x = rps[d, g, "nginx"]; t = rps[d, g, "tileserver-gl"]
		if (x > 0) printf "- %s, %s, 64 connections: warm tiled %.0f%% of nginx req/s (≥ 70%%: %s), p99 %.2f× nginx (≤ 2×: %s), %.1f× TileServer GL (≥ 10×: %s)\n",
			d, g, 100 * w / x, ok(w >= 0.7 * x), p99[d, g, "tiled-warm"] / p99[d, g, "nginx"], ok(p99[d, g, "tiled-warm"] <= 2 * p99[d, g, "nginx"]),
			(t > 0 ? w / t : 0), ok(t > 0 && w >= 10 * t)
	}
	for (d in cold) printf "- %s: cold tiles z8–z12 over HTTP, one connection: median %.2f ms (< 5 ms: %s)\n", d, cold[d], ok(cold[d] < 5)
}' "$RESULTS" | sort
awk -F'\t' '{ printf "- %s store, %s: peak RSS (VmHWM) %s MB over the whole run incl. 64 connections (< 200 MB: %s)\n", $1, $2, $3, ($3 < 200 ? "met" : "MISSED") }' "$MEMORY"
