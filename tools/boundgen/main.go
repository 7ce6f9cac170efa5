// Command boundgen writes tiled's reference layer of state borders from Natural Earth's 1:10m admin-0 countries,
// as the npm package world-atlas (pinned in web/package.json) ships them in TopoJSON:
//
//	go run ./tools/boundgen -in web/node_modules/world-atlas/countries-10m.json -out data/boundaries.geojson
//
// It keeps the land borders (arcs two countries share), drops coastlines, clips them to -bbox, and writes an
// RFC 7946 FeatureCollection of LineStrings, each with the two countries' names ("Russia|Ukraine") and which lies
// on the left and on the right of the line's direction (for labels on either side), coordinates
// rounded to 5 decimals (about a metre, far below the source's accuracy). The same input gives the same bytes.
// Natural Earth is in the public domain; world-atlas is under the ISC licence (data/README.md).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "boundgen:", err)
		}
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("boundgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "web/node_modules/world-atlas/countries-10m.json", "world-atlas TopoJSON of admin-0 countries")
	out := fs.String("out", "data/boundaries.geojson", "GeoJSON file to write")
	bbox := fs.String("bbox", "20,40,60,62", "minLon,minLat,maxLon,maxLat: keep the borders inside it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	box, err := parseBBox(*bbox)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(*in)
	if err != nil {
		return fmt.Errorf("%w (run make assets: npm ci installs world-atlas in web/node_modules)", err)
	}
	fc, err := borders(b, box)
	if err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	if err := os.WriteFile(*out, fc, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "boundgen: wrote %s (%d bytes)\n", *out, len(fc))
	return nil
}

func parseBBox(s string) ([4]float64, error) {
	var b [4]float64
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return b, fmt.Errorf("-bbox %q: want minLon,minLat,maxLon,maxLat", s)
	}
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return b, fmt.Errorf("-bbox %q: %v", s, err)
		}
		b[i] = v
	}
	if b[0] >= b[2] || b[1] >= b[3] {
		return b, fmt.Errorf("-bbox %q: min must be below max", s)
	}
	return b, nil
}

// topology is the part of a TopoJSON document boundgen reads.
type topology struct {
	Type      string `json:"type"`
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Objects map[string]struct {
		Geometries []struct {
			Type       string            `json:"type"`
			Arcs       json.RawMessage   `json:"arcs"`
			Properties map[string]string `json:"properties"`
		} `json:"geometries"`
	} `json:"objects"`
	Arcs [][][2]float64 `json:"arcs"`
}

// borders returns the GeoJSON of the land borders of a world-atlas countries topology inside box.
func borders(raw []byte, box [4]float64) ([]byte, error) {
	var topo topology
	if err := json.Unmarshal(raw, &topo); err != nil {
		return nil, err
	}
	countries, ok := topo.Objects["countries"]
	if topo.Type != "Topology" || !ok {
		return nil, errors.New("not a TopoJSON topology with a countries object")
	}
	// Which countries use each arc, and on which side. Rings run clockwise around their country (TopoJSON as
	// world-atlas writes it), so a country that uses an arc forwards lies on its right, one that uses it
	// reversed on its left.
	users := make([][]string, len(topo.Arcs))
	right := make([]string, len(topo.Arcs))
	left := make([]string, len(topo.Arcs))
	for _, g := range countries.Geometries {
		name := g.Properties["name"]
		var idx []int
		collect(g.Arcs, &idx)
		for _, i := range idx {
			side := right
			if i < 0 {
				i, side = ^i, left
			}
			if i >= len(users) {
				return nil, fmt.Errorf("arc %d out of range", i)
			}
			if !slices.Contains(users[i], name) {
				users[i] = append(users[i], name)
			}
			side[i] = name
		}
	}
	type feature struct {
		Type       string            `json:"type"`
		Geometry   map[string]any    `json:"geometry"`
		Properties map[string]string `json:"properties"`
	}
	fc := struct {
		Type        string    `json:"type"`
		Attribution string    `json:"attribution"`
		Features    []feature `json:"features"`
	}{Type: "FeatureCollection", Features: []feature{},
		Attribution: "Natural Earth 1:10m admin-0 countries (public domain), via the npm package world-atlas@2.0.2"}
	for i, arc := range topo.Arcs {
		if len(users[i]) != 2 {
			continue // a coastline (one country) or an unused arc
		}
		pts := decode(arc, &topo)
		if disputedLine(users[i], pts) {
			continue
		}
		for _, part := range clip(pts, box) {
			coords := make([][2]float64, len(part))
			for j, p := range part {
				coords[j] = [2]float64{round5(p[0]), round5(p[1])}
			}
			coords = slices.CompactFunc(coords, func(a, b [2]float64) bool { return a == b })
			if len(coords) < 2 {
				continue
			}
			names := slices.Clone(users[i])
			slices.Sort(names)
			fc.Features = append(fc.Features, feature{Type: "Feature",
				Geometry: map[string]any{"type": "LineString", "coordinates": coords},
				Properties: map[string]string{"kind": "admin0", "countries": strings.Join(names, "|"),
					"left": left[i], "right": right[i]}})
		}
	}
	b, err := json.Marshal(fc)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// disputedLine reports a line tiled does not draw: Natural Earth's default worldview draws Crimea as part of
// Russia, with a Russia–Ukraine border across the Perekop isthmus. A reference layer must not adjudicate
// sovereignty, so that line (every Russia–Ukraine arc lying wholly south of 46.3° N) is left out, and Crimea is
// drawn with no land border at all. data/README.md and the About panel say so.
func disputedLine(countries []string, pts [][2]float64) bool {
	if !slices.Contains(countries, "Russia") || !slices.Contains(countries, "Ukraine") {
		return false
	}
	for _, p := range pts {
		if p[1] > 46.3 {
			return false
		}
	}
	return true
}

// collect appends every arc index found in a (nested) TopoJSON arcs array.
func collect(raw json.RawMessage, out *[]int) {
	var n int
	if json.Unmarshal(raw, &n) == nil {
		*out = append(*out, n)
		return
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		for _, r := range list {
			collect(r, out)
		}
	}
}

// decode turns a (quantized, delta-encoded when the topology has a transform) arc into lon/lat points.
func decode(arc [][2]float64, topo *topology) [][2]float64 {
	pts := make([][2]float64, len(arc))
	var x, y float64
	for i, p := range arc {
		if topo.Transform == nil {
			pts[i] = p
			continue
		}
		x, y = x+p[0], y+p[1]
		pts[i] = [2]float64{x*topo.Transform.Scale[0] + topo.Transform.Translate[0], y*topo.Transform.Scale[1] + topo.Transform.Translate[1]}
	}
	return pts
}

// clip keeps the runs of a line inside box, each extended by the first point outside it on either side so the
// line reaches the edge (tiles clip it again).
func clip(pts [][2]float64, box [4]float64) [][][2]float64 {
	in := func(p [2]float64) bool { return p[0] >= box[0] && p[0] <= box[2] && p[1] >= box[1] && p[1] <= box[3] }
	var parts [][][2]float64
	var cur [][2]float64
	for i, p := range pts {
		if in(p) {
			if cur == nil && i > 0 {
				cur = append(cur, pts[i-1])
			}
			cur = append(cur, p)
			continue
		}
		if cur != nil {
			parts = append(parts, append(cur, p))
			cur = nil
		}
	}
	if cur != nil {
		parts = append(parts, cur)
	}
	return parts
}

func round5(v float64) float64 { return math.Round(v*1e5) / 1e5 }
