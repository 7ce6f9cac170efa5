package atlas

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/tiled-maps/tiled/geo"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/tiles"
)

// claimedBoost lifts places that have claims above every uncontested place when tiles are thinned.
const claimedBoost = 1e12

// holders renders each source's holder compactly ("isw:ua;ru-mod:ru"), for formats without arrays (MVT, CSV).
func holders(st ledger.Status) string {
	var b strings.Builder
	for i, v := range st.Views {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(v.Source)
		b.WriteByte(':')
		b.WriteString(string(v.Holder))
		if v.Stale {
			b.WriteString("(stale)")
		}
	}
	return b.String()
}

func viewName(v View) string {
	if v.Source == "" {
		return "consensus"
	}
	return v.Source
}

func dateString(d ledger.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// flatProps are the attributes every format shares: the place and its status in flat form.
func flatProps(p *place, st ledger.Status, v View) map[string]any {
	props := map[string]any{
		"id": p.ID, "name": p.Name, "country": p.Country, "feature_code": p.FeatureCode,
		"approximate": p.Approximate, "status": string(st.Consensus), "disputed": st.Disputed,
		"stale": st.Stale, "sources": st.Sources, "latest": dateString(st.Latest), "holders": holders(st),
		"view": viewName(v), "as_of": v.AsOf.String(), "as_of_reason": v.Reason(), "basis": string(st.Basis),
	}
	if !v.KnownOn.IsZero() {
		props["known_on"] = v.KnownOn.String()
	}
	opt := map[string]string{"name_ru": p.NameRU, "name_uk": p.NameUK, "admin1": p.Admin1, "admin2": p.Admin2}
	for k, s := range opt {
		if s != "" {
			props[k] = s
		}
	}
	if p.Population > 0 {
		props["population"] = p.Population
	}
	if p.PrecisionKM > 0 {
		props["precision_km"] = p.PrecisionKM
	}
	return props
}

// tileAttrs appends the MVT attributes of a settlement (see tiles.Fields) to dst, in key order: flatProps without
// the fields a tile leaves out (country, admin1, admin2, as_of, as_of_reason, known_on) and without the id, which
// tiles.Build writes. It builds no map: a low-zoom tile makes hundreds of these.
func tileAttrs(dst []tiles.Attr, p *place, st ledger.Status, v View) []tiles.Attr {
	dst = append(dst,
		tiles.BoolAttr("approximate", p.Approximate),
		tiles.StringAttr("basis", string(st.Basis)),
		tiles.BoolAttr("disputed", st.Disputed),
		tiles.StringAttr("feature_code", p.FeatureCode),
		tiles.StringAttr("holders", holders(st)),
		tiles.StringAttr("latest", dateString(st.Latest)),
		tiles.StringAttr("name", p.Name))
	if p.NameRU != "" {
		dst = append(dst, tiles.StringAttr("name_ru", p.NameRU))
	}
	if p.NameUK != "" {
		dst = append(dst, tiles.StringAttr("name_uk", p.NameUK))
	}
	if p.Population > 0 {
		dst = append(dst, tiles.IntAttr("population", p.Population))
	}
	if p.PrecisionKM > 0 {
		dst = append(dst, tiles.FloatAttr("precision_km", p.PrecisionKM))
	}
	return append(dst,
		tiles.IntAttr("sources", int64(st.Sources)),
		tiles.BoolAttr("stale", st.Stale),
		tiles.StringAttr("status", string(st.Consensus)),
		tiles.StringAttr("view", viewName(v)))
}

// priorityOf ranks a place for thinning: its population, lifted above every place without a view when it has one.
func priorityOf(population int64, st ledger.Status) float64 {
	pr := float64(population)
	if st.Sources > 0 {
		pr += claimedBoost
	}
	return pr
}

// point rounds to 6 decimals (about 0.1 m), as RFC 7946 suggests.
func point(p orb.Point) orb.Point {
	return orb.Point{geo.Round(p.Lon(), 6), geo.Round(p.Lat(), 6)}
}

// feature is the GeoJSON feature of a settlement with its status. precision_km is written as a decimal always
// (4.0, not 4): GDAL and QGIS type a field from the first values they see, and a field typed integer turns 4.5 into
// 4 (GDAL) or 0 (QGIS), which reads as an exact location.
func feature(p *place, st ledger.Status, v View) *geojson.Feature {
	f := geojson.NewFeature(point(p.Point))
	f.ID = p.ID
	f.Properties = flatProps(p, st, v)
	if km, ok := f.Properties["precision_km"].(float64); ok {
		f.Properties["precision_km"] = Decimal(km)
	}
	return f
}

// Decimal is a number that JSON always writes with a decimal point (4.0, 4.5, 1e+21), so that readers which type a
// field by its first values type it as real.
type Decimal float64

// MarshalJSON writes d with at least one digit after the decimal point.
func (d Decimal) MarshalJSON() ([]byte, error) {
	f := float64(d)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("atlas: decimal %v is not a JSON number", f)
	}
	bits := 64
	if float64(float32(f)) == f { // stored as float32 (the place index): write 0.3, not 0.30000001192092896
		bits = 32
	}
	b := strconv.AppendFloat(nil, f, 'f', -1, bits)
	if len(b) > 21 { // as encoding/json: exponent form for very large numbers
		b = strconv.AppendFloat(b[:0], f, 'e', -1, bits)
	}
	if !bytes.ContainsAny(b, ".e") {
		b = append(b, '.', '0')
	}
	return b, nil
}
