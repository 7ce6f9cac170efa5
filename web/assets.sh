#!/bin/sh
# Copies the built files of the front-end packages (installed from npm by `make assets` into web/node_modules) into
# web/static/vendor, which the Go binary embeds, with every package's licence in static/vendor/LICENSES.txt.
# Nothing in static/vendor is committed.
set -eu
cd "$(dirname "$0")"
nm=node_modules
out=static/vendor
tmp=static/.vendor.tmp
rm -rf "$tmp"
mkdir -p "$tmp/images"
cp "$nm/leaflet/dist/leaflet.js" "$nm/leaflet/dist/leaflet.css" "$tmp/"
cp "$nm/leaflet/dist/images/"*.png "$tmp/images/"
cp "$nm/maplibre-gl/dist/maplibre-gl-csp.js" "$nm/maplibre-gl/dist/maplibre-gl-csp-worker.js" \
   "$nm/maplibre-gl/dist/maplibre-gl.css" "$tmp/"
cp "$nm/@maplibre/maplibre-gl-leaflet/leaflet-maplibre-gl.js" "$tmp/"
# The source maps are not shipped: drop the comments that point to them.
for f in "$tmp"/*.js; do
  sed -i -e '/^\/\/# sourceMappingURL=/d' "$f"
done

# Licences: every installed package that ships code in the files above (maplibre-gl bundles its dependencies);
# type declarations (@types) ship none.
{
  echo "Third-party software served with tiled's map page (web/static/vendor), with its licences."
  echo "Installed from npm by web/package-lock.json; maplibre-gl's files bundle its dependencies listed here."
  for pj in "$nm"/*/package.json "$nm"/@*/*/package.json; do
    dir=$(dirname "$pj")
    case "$dir" in "$nm"/@types/*) continue ;; esac
    meta=$(node -e '
      const p = require(process.argv[1]);
      const l = typeof p.license === "string" ? p.license : (p.license && p.license.type) || "licence not declared";
      const r = typeof p.repository === "string" ? p.repository : (p.repository && p.repository.url) || "";
      console.log(p.name + "@" + p.version + " (" + l + ")" + (r ? "\nSource: " + r : ""))' "$PWD/$pj")
    echo
    echo "================================================================================"
    echo "$meta"
    echo "================================================================================"
    lic=$(ls "$dir" | grep -iE '^(licen[cs]e|copying)' | head -n1 || true)
    if [ -n "$lic" ]; then cat "$dir/$lic"; else echo "(the package ships no licence file; see its source above)"; fi
  done
} > "$tmp/LICENSES.txt"

rm -rf "$out"
mv "$tmp" "$out"
