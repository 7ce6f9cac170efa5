#!/bin/sh
# report.sh RESULTS.tsv MEMORY.tsv LOAD_BEFORE LOAD_AFTER DURATION: the load test's Markdown tables and targets.
set -eu
RAW=$1 MEMORY=$2

# Each cell was measured in several runs (column 13): aggregate into one row per cell with the medians of req/s,
# p50 and p99 (the columns the tables below read) and the runs' min–max of req/s and p99 (columns 13–16).
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT
awk -F'\t' -v OFS='\t' '
function median(arr, n,   i, j, t) {
	for (i = 2; i <= n; i++) { t = arr[i]; for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j + 1] = arr[j]; arr[j + 1] = t }
	return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
}
NR == 1 { print $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "runs", "rps_min", "rps_max", "p99_min", "p99_max"; next }
{ k = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4; if (!(k in n)) order[++m] = k; n[k]++; row[k, n[k]] = $0 }
END {
	for (o = 1; o <= m; o++) {
		k = order[o]; c = n[k]; req = 0; sec = 0; err = 0; bad = 0; by = 0
		rlo = 1e18; rhi = 0; plo = 1e18; phi = 0
		for (i = 1; i <= c; i++) {
			split(row[k, i], f, "\t")
			r[i] = f[7]; p5[i] = f[8]; p9[i] = f[9]; req += f[5]; sec += f[6]; err += f[10]; bad += f[11]; by += f[12]
			if (f[7] < rlo) rlo = f[7]; if (f[7] > rhi) rhi = f[7]; if (f[9] < plo) plo = f[9]; if (f[9] > phi) phi = f[9]
		}
		split(k, key, SUBSEP)
		print key[1], key[2], key[3], key[4], req, sec, median(r, c), median(p5, c), median(p9, c), err, bad, by, c, rlo, rhi, plo, phi
	}
}' "$RAW" >"$RESULTS"

printf '## Load test results\n\n'
printf 'Loopback, wrk %s per run (2 threads, 1 for one connection), each cell run several times with the servers'"'"' order\n' "$5"
printf 'rotating; medians, with the runs'"'"' [min–max]. Load average %s before and %s after; %s cores.\n\n' "$3" "$4" "$(nproc)"
printf '| store | server | gzip | conns | runs | req/s [min–max] | p50 ms | p99 ms [min–max] | errors | non-2xx | MB |\n'
printf '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s | %s | %.0f [%.0f–%.0f] | %.2f | %.2f [%.2f–%.2f] | %s | %s | %.1f |\n", $1, $2, $3, $4, $13, $7, $14, $15, $8, $9, $16, $17, $10, $11, $12 / 1e6 }' "$RESULTS"

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
