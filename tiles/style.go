package tiles

// Colours of the settlement circles by FieldStatus: the Okabe–Ito palette, distinguishable with the common forms
// of colour blindness. The page's legend uses the same constants.
const (
	ColorRU        = "#D55E00" // vermillion
	ColorUA        = "#0072B2" // blue
	ColorDisputed  = "#CC79A7" // reddish purple, drawn with a dark stroke
	ColorContested = "#E69F00" // orange
	ColorUnknown   = "#999999" // grey
	// ColorDisputedStroke rings disputed places, so they read as such without relying on hue.
	ColorDisputedStroke = "#000000"
)

// StatusColor returns the circle colour of a FieldStatus value; ColorUnknown for any other value.
func StatusColor(status string) string {
	switch status {
	case StatusRU:
		return ColorRU
	case StatusUA:
		return ColorUA
	case StatusDisputed:
		return ColorDisputed
	case StatusContested:
		return ColorContested
	default:
		return ColorUnknown
	}
}

// Ids of the sources and layers in the style, for the page's event handlers and queryRenderedFeatures.
const (
	StyleSourceSettlements = "settlements"
	StyleSourceBasemap     = "basemap"
	StyleLayerBackground   = "background"
	StyleLayerBasemap      = "basemap"
	StyleLayerSettlements  = "settlements"
	StyleLayerLabels       = "settlement-labels"
)

// StyleOptions describe the map to Style.
type StyleOptions struct {
	// Name is the style's name.
	Name string
	// TileJSONURL is the URL of the TileJSON document of the settlement tiles (required).
	TileJSONURL string
	// Layer is the vector layer's name in the tiles; "" means DefaultLayer.
	Layer string
	// BasemapTiles is the URL template of a raster basemap ({z}/{x}/{y}); "" means no basemap.
	BasemapTiles string
	// BasemapAttribution is shown for the basemap, e.g. "© OpenStreetMap contributors".
	BasemapAttribution string
	// BasemapTileSize is the basemap's tile size in pixels; 0 means 256.
	BasemapTileSize int
	// BasemapMaxZoom is the basemap's highest zoom; 0 means 19.
	BasemapMaxZoom int
	// Glyphs is the URL template of the glyph PBFs, with {fontstack} and {range}; "" means no label layer, since a
	// symbol layer with text needs glyphs.
	Glyphs string
	// Fonts is the text-font stack of the labels; nil means {"Noto Sans Regular"}.
	Fonts []string
	// LabelField is the attribute the labels show; "" means FieldName (FieldNameUK or FieldNameRU for a page in
	// that language).
	LabelField string
	// LabelMinZoom is the zoom from which labels are drawn; 0 means 9.
	LabelMinZoom float64
	// Center (longitude, latitude) and Zoom are the initial view; zero means the Kursk–Sumy border belt at zoom 7.
	Center [2]float64
	Zoom   float64
	// QGIS draws the settlements within what QGIS's MapBox GL style converter (QgsMapBoxGlStyleConverter, QGIS
	// 3.22) understands; see Style.
	QGIS bool
}

// Style returns a MapLibre GL style (version 8) drawing the settlement tiles: an optional raster basemap, a
// circle per settlement coloured by FieldStatus (see StatusColor), sized by population and zoom, more transparent
// when FieldStale, drawn as a hollow ring in its colour when FieldApproximate and with a dark ring when
// FieldDisputed; and, when opt.Glyphs is set, a label layer from opt.LabelMinZoom. Encode it with encoding/json.
//
// The vector source promotes FieldID to the feature id, so the page can use feature state by settlement id.
//
// With opt.QGIS the settlements are drawn as QGIS 3.22's converter understands them: it turns a match whose labels
// are single values into `"status" IN ()` and a step inside a zoom interpolation into an empty size, and does not
// request the attributes a data-defined colour reads, so the one data-driven layer draws nothing there. Instead each
// status has a layer of its own, chosen by filter (which the converter does translate), in its colour, hollow
// where the location is approximate, sized by zoom alone.
func Style(opt StyleOptions) map[string]any {
	if opt.Layer == "" {
		opt.Layer = DefaultLayer
	}
	if opt.BasemapTileSize == 0 {
		opt.BasemapTileSize = 256
	}
	if opt.BasemapMaxZoom == 0 {
		opt.BasemapMaxZoom = 19
	}
	if opt.Fonts == nil {
		opt.Fonts = []string{"Noto Sans Regular"}
	}
	if opt.LabelField == "" {
		opt.LabelField = FieldName
	}
	if opt.LabelMinZoom == 0 {
		opt.LabelMinZoom = 9
	}
	if opt.Center == [2]float64{} && opt.Zoom == 0 {
		opt.Center, opt.Zoom = [2]float64{35.5, 51.2}, 7
	}

	sources := map[string]any{
		StyleSourceSettlements: map[string]any{
			"type":      "vector",
			"url":       opt.TileJSONURL,
			"promoteId": FieldID,
		},
	}
	layers := []any{
		map[string]any{
			"id":    StyleLayerBackground,
			"type":  "background",
			"paint": map[string]any{"background-color": "#f4f3ef"},
		},
	}
	if opt.BasemapTiles != "" {
		src := map[string]any{
			"type":     "raster",
			"tiles":    []string{opt.BasemapTiles},
			"tileSize": opt.BasemapTileSize,
			"maxzoom":  opt.BasemapMaxZoom,
		}
		if opt.BasemapAttribution != "" {
			src["attribution"] = opt.BasemapAttribution
		}
		sources[StyleSourceBasemap] = src
		layers = append(layers, map[string]any{
			"id":     StyleLayerBasemap,
			"type":   "raster",
			"source": StyleSourceBasemap,
			"paint":  map[string]any{"raster-saturation": -0.6, "raster-opacity": 0.85},
		})
	}

	get := func(field string) []any { return []any{"get", field} }
	flag := func(field string) []any { return []any{"boolean", get(field), false} }
	population := []any{"number", get(FieldPopulation), 0}
	// radius steps by population at each zoom stop: villages, towns (≥ 10 000), cities (≥ 100 000).
	radius := func(village, town, city float64) []any {
		return []any{"step", population, village, 10000, town, 100000, city}
	}
	statusColor := []any{"match", get(FieldStatus),
		StatusRU, ColorRU,
		StatusUA, ColorUA,
		StatusDisputed, ColorDisputed,
		StatusContested, ColorContested,
		ColorUnknown,
	}
	if opt.QGIS {
		layers = append(layers, qgisLayers(opt.Layer)...)
	} else {
		layers = append(layers, map[string]any{
			"id":           StyleLayerSettlements,
			"type":         "circle",
			"source":       StyleSourceSettlements,
			"source-layer": opt.Layer,
			"layout": map[string]any{
				// Larger places are drawn over smaller ones.
				"circle-sort-key": population,
			},
			"paint": map[string]any{
				"circle-radius": []any{"interpolate", []any{"linear"}, []any{"zoom"},
					5, radius(1.5, 2.5, 4),
					9, radius(3, 4.5, 6),
					13, radius(5, 6.5, 8),
				},
				"circle-color": statusColor,
				// Approximate places are hollow rings; stale ones fade.
				"circle-opacity": []any{"*",
					[]any{"case", flag(FieldApproximate), 0.15, 0.9},
					[]any{"case", flag(FieldStale), 0.5, 1},
				},
				"circle-stroke-color": []any{"case",
					flag(FieldDisputed), ColorDisputedStroke,
					flag(FieldApproximate), statusColor,
					"#ffffff",
				},
				"circle-stroke-width": []any{"case",
					flag(FieldDisputed), 1.5,
					flag(FieldApproximate), 1.5,
					0.5,
				},
				"circle-stroke-opacity": []any{"case", flag(FieldStale), 0.5, 1},
			},
		})
	}

	style := map[string]any{
		"version": 8,
		"center":  opt.Center,
		"zoom":    opt.Zoom,
		"sources": sources,
	}
	if opt.Name != "" {
		style["name"] = opt.Name
	}
	if opt.Glyphs != "" {
		style["glyphs"] = opt.Glyphs
		layers = append(layers, map[string]any{
			"id":           StyleLayerLabels,
			"type":         "symbol",
			"source":       StyleSourceSettlements,
			"source-layer": opt.Layer,
			"minzoom":      opt.LabelMinZoom,
			"layout": map[string]any{
				"text-field":    get(opt.LabelField),
				"text-font":     opt.Fonts,
				"text-size":     12,
				"text-anchor":   "top",
				"text-offset":   []any{0, 0.6},
				"text-optional": true,
				// Larger places win label collisions (lower sort keys are placed first).
				"symbol-sort-key": []any{"-", 0, population},
			},
			"paint": map[string]any{
				"text-color":      "#222222",
				"text-halo-color": "#ffffff",
				"text-halo-width": 1.2,
			},
		})
	}
	style["layers"] = layers
	return style
}

// qgisLayers are the settlement layers of the QGIS variant of the style (StyleOptions.QGIS): for each status, exact
// places as filled circles and approximate ones as rings, in the status's colour, with radii interpolated by zoom.
func qgisLayers(sourceLayer string) []any {
	radius := []any{"interpolate", []any{"linear"}, []any{"zoom"}, 5, 2.5, 9, 4.5, 13, 6.5}
	var out []any
	for _, st := range []struct{ status, color string }{
		{StatusUnknown, ColorUnknown}, {StatusContested, ColorContested}, {StatusDisputed, ColorDisputed},
		{StatusUA, ColorUA}, {StatusRU, ColorRU},
	} {
		stroke := "#ffffff"
		if st.status == StatusDisputed {
			stroke = ColorDisputedStroke
		}
		for _, approx := range []bool{false, true} {
			id, opacity, strokeColor, strokeWidth := StyleLayerSettlements+"-"+st.status, 0.9, stroke, 0.5
			if approx {
				id, opacity, strokeColor, strokeWidth = id+"-approximate", 0.15, st.color, 1.5
			}
			out = append(out, map[string]any{
				"id":           id,
				"type":         "circle",
				"source":       StyleSourceSettlements,
				"source-layer": sourceLayer,
				"filter": []any{"all", []any{"==", []any{"get", FieldStatus}, st.status},
					[]any{"==", []any{"get", FieldApproximate}, approx}},
				"paint": map[string]any{
					"circle-radius":       radius,
					"circle-color":        st.color,
					"circle-opacity":      opacity,
					"circle-stroke-color": strokeColor,
					"circle-stroke-width": strokeWidth,
				},
			})
		}
	}
	return out
}
