package tiles

import (
	"net/url"
	"strings"
)

// TileJSONVersion is the version of the TileJSON specification TileJSON writes.
const TileJSONVersion = "3.0.0"

// DataVersionParam is the query parameter TileJSON adds to every tile URL template to carry the data version, so
// that a change of data changes the URLs and browser caches need no revalidation.
const DataVersionParam = "v"

// TileJSONOptions describe the tile set to TileJSON.
type TileJSONOptions struct {
	// Name, Description and Attribution are shown by clients; Attribution may hold HTML links.
	Name        string
	Description string
	Attribution string
	// Version is the tile set's semver version; "" means "1.0.0".
	Version string
	// Tiles are the tile URL templates, with {z}, {x} and {y} and the TileSuffix, e.g.
	// "https://example.org/tiles/{z}/{x}/{y}.mvt?asof=2025-03-01".
	Tiles []string
	// DataVersion, when not "", is added to every template as the DataVersionParam query parameter.
	DataVersion string
	// MinZoom and MaxZoom bound the zooms with tiles; MaxZoom 0 means DefaultMaxZoom.
	MinZoom int
	MaxZoom int
	// Bounds is west, south, east, north in degrees; the zero value means the whole Web Mercator world.
	Bounds [4]float64
	// Center is longitude, latitude and zoom; the zero value means the centre of Bounds at the zoom that shows
	// them whole (CenterZoom).
	Center [3]float64
	// Layer is the vector layer's id; "" means DefaultLayer.
	Layer string
	// LayerDescription describes the vector layer; "" means a description of settlements.
	LayerDescription string
}

// TileJSONDoc is a TileJSON 3.0.0 document for a vector tile set with one layer; encode it with encoding/json.
type TileJSONDoc struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name,omitempty"`
	Description  string        `json:"description,omitempty"`
	Attribution  string        `json:"attribution,omitempty"`
	Version      string        `json:"version"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       [4]float64    `json:"bounds"`
	Center       [3]float64    `json:"center"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// VectorLayer describes a layer of the tiles in a TileJSONDoc.
type VectorLayer struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	MinZoom     int    `json:"minzoom"`
	MaxZoom     int    `json:"maxzoom"`
	// Fields maps each attribute to its description, as Fields lists them.
	Fields map[string]string `json:"fields"`
}

// worldBounds is the Web Mercator world, west, south, east, north.
func worldBounds() [4]float64 { return [4]float64{-180, -85.05112877980659, 180, 85.05112877980659} }

// TileJSON returns the TileJSON document of the settlement tiles: scheme xyz, the templates of opt.Tiles with the
// data version added, and one vector layer whose fields are Fields.
func TileJSON(opt TileJSONOptions) TileJSONDoc {
	if opt.Version == "" {
		opt.Version = "1.0.0"
	}
	if opt.MaxZoom == 0 {
		opt.MaxZoom = DefaultMaxZoom
	}
	if opt.Bounds == [4]float64{} {
		opt.Bounds = worldBounds()
	}
	if opt.Center == [3]float64{} {
		b := opt.Bounds
		opt.Center = [3]float64{(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, float64(CenterZoom(b, opt.MinZoom, opt.MaxZoom))}
	}
	if opt.Layer == "" {
		opt.Layer = DefaultLayer
	}
	if opt.LayerDescription == "" {
		opt.LayerDescription = "Settlements as points, with who each source says holds them"
	}
	tiles := make([]string, len(opt.Tiles))
	for i, t := range opt.Tiles {
		tiles[i] = withQuery(t, DataVersionParam, opt.DataVersion)
	}
	fields := make(map[string]string)
	for _, f := range Fields() {
		fields[f.Name] = f.Description
	}
	return TileJSONDoc{
		TileJSON:    TileJSONVersion,
		Name:        opt.Name,
		Description: opt.Description,
		Attribution: opt.Attribution,
		Version:     opt.Version,
		Scheme:      "xyz",
		Tiles:       tiles,
		MinZoom:     opt.MinZoom,
		MaxZoom:     opt.MaxZoom,
		Bounds:      opt.Bounds,
		Center:      opt.Center,
		VectorLayers: []VectorLayer{{
			ID:          opt.Layer,
			Description: opt.LayerDescription,
			MinZoom:     opt.MinZoom,
			MaxZoom:     opt.MaxZoom,
			Fields:      fields,
		}},
	}
}

// withQuery adds name=value to the URL template u, before any fragment; an empty value leaves u alone. The
// template is not parsed as a URL: its {z}/{x}/{y} must stay as written.
func withQuery(u, name, value string) string {
	if value == "" {
		return u
	}
	u, frag, hasFrag := strings.Cut(u, "#")
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
		if strings.HasSuffix(u, "?") || strings.HasSuffix(u, "&") {
			sep = ""
		}
	}
	u += sep + url.QueryEscape(name) + "=" + url.QueryEscape(value)
	if hasFrag {
		u += "#" + frag
	}
	return u
}
