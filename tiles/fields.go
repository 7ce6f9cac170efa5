package tiles

import (
	"hash/fnv"
	"math"
	"strconv"

	"github.com/tiled-maps/tiled/ledger"
)

// The attributes of a settlement in a tile. Web handlers fill Feature.Props with these keys; the TileJSON and the
// style read them.
const (
	// FieldID is the settlement's stable id (string): the GeoNames id where known, else a slug.
	FieldID = "id"
	// FieldName is the display name (string), the BGN/PCGN romanisation.
	FieldName = "name"
	// FieldNameRU is the Russian name (string), "" when unknown.
	FieldNameRU = "name_ru"
	// FieldNameUK is the Ukrainian name (string), "" when unknown.
	FieldNameUK = "name_uk"
	// FieldPopulation is the population (number), 0 when unknown.
	FieldPopulation = "population"
	// FieldFeatureCode is the GeoNames feature code (string: PPL, PPLA2, …).
	FieldFeatureCode = "feature_code"
	// FieldApproximate is true (boolean) when the point was derived, not read from a source; the place lies
	// within FieldPrecisionKM of it.
	FieldApproximate = "approximate"
	// FieldPrecisionKM is the radius in km within which the place lies (number), 0 when exact.
	FieldPrecisionKM = "precision_km"
	// FieldStatus is the consensus on who holds the place (string): one of StatusRU, StatusUA, StatusContested,
	// StatusDisputed, StatusUnknown.
	FieldStatus = "status"
	// FieldDisputed is true (boolean) when the sources disagree, i.e. FieldStatus is StatusDisputed.
	FieldDisputed = "disputed"
	// FieldStale is true (boolean) when every source's latest claim is older than the staleness window.
	FieldStale = "stale"
	// FieldSources is the number of sources with a view of the place (number).
	FieldSources = "sources"
	// FieldLatest is the date of the latest claim (string, YYYY-MM-DD), "" when there is none.
	FieldLatest = "latest"
	// FieldHolders lists each source's holder (string): "source:holder" pairs sorted by source id and joined by
	// ";", a stale view marked "(stale)", e.g. "isw:ua;ru-mod:ru(stale)". MVT has no arrays.
	FieldHolders = "holders"
	// FieldView is the id of the source whose view the tile shows (string), or ViewConsensus.
	FieldView = "view"
	// FieldRank is the feature's place in the tile's order (number, 0 first): places with claims first, then by
	// population. Use it as the symbol sort key, so that a place with claims is placed before, and never hidden
	// under, one without.
	FieldRank = "rank"
	// FieldLabel is true (boolean) when the map should name the place at this zoom: every place with claims, and
	// the most populous others of the tile (tiles.DefaultLabels), so that towns are named at low zooms.
	FieldLabel = "label"
)

// The values of FieldStatus: the ledger's consensus values.
const (
	StatusRU        = string(ledger.ConsensusRU)
	StatusUA        = string(ledger.ConsensusUA)
	StatusContested = string(ledger.ConsensusContested)
	StatusDisputed  = string(ledger.ConsensusDisputed)
	StatusUnknown   = string(ledger.ConsensusUnknown)
)

// ViewConsensus is the value of FieldView when the tile shows the consensus of all sources.
const ViewConsensus = "consensus"

// Field describes one attribute of the settlement layer.
type Field struct {
	// Name is the attribute's key, one of the Field* constants.
	Name string `json:"name"`
	// Type is the JSON type of its values: "string", "number" or "boolean".
	Type string `json:"type"`
	// Description says what it holds, for the TileJSON's vector_layers.
	Description string `json:"description"`
}

// Fields returns the attributes of the settlement layer, in a fixed order. Each call returns a new slice.
func Fields() []Field {
	return []Field{
		{FieldID, "string", "Stable settlement id: the GeoNames id where known, else a slug"},
		{FieldName, "string", "Display name (BGN/PCGN romanisation)"},
		{FieldNameRU, "string", "Name in Russian, empty when unknown"},
		{FieldNameUK, "string", "Name in Ukrainian, empty when unknown"},
		{FieldPopulation, "number", "Population, 0 when unknown"},
		{FieldFeatureCode, "string", "GeoNames feature code (PPL, PPLA2, ...)"},
		{FieldApproximate, "boolean", "True when the point is derived, not sourced; the place lies within precision_km"},
		{FieldPrecisionKM, "number", "Radius in km within which the place lies, 0 when exact"},
		{FieldStatus, "string", "Consensus on who holds the place: ru, ua, contested, disputed or unknown"},
		{FieldDisputed, "boolean", "True when the sources disagree (status is disputed)"},
		{FieldStale, "boolean", "True when every source's latest claim is older than the staleness window"},
		{FieldSources, "number", "Number of sources with a view of the place"},
		{FieldLatest, "string", "Date of the latest claim, YYYY-MM-DD; empty when there is none"},
		{FieldHolders, "string", "Each source's holder as source:holder pairs joined by ';', sorted by source (isw:ua;ru-mod:ru)"},
		{FieldView, "string", "Id of the single source whose view is shown, or consensus"},
		{FieldRank, "number", "Place in the tile's order, 0 first: places with claims first, then by population; a symbol sort key"},
		{FieldLabel, "boolean", "True when the map should name the place at this zoom: places with claims and the tile's most populous others"},
	}
}

// FeatureID is the MVT feature id of the settlement id: the number itself for a GeoNames id (digits only, below
// 2^52), else a 52-bit FNV-1a hash of the id with bit 52 set, so that it never equals a GeoNames id and stays below
// 2^53, the largest integer JavaScript (MapLibre's feature state) holds exactly. The FieldID attribute keeps the id
// as text.
func FeatureID(id string) uint64 {
	if n, err := strconv.ParseUint(id, 10, 64); err == nil && n < 1<<52 {
		return n
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()&(1<<52-1) | 1<<52
}

// mbtilesTypes maps a field's JSON type to the type name MBTiles 1.3 metadata uses for it.
var mbtilesTypes = map[string]string{"string": "String", "number": "Number", "boolean": "Boolean"}

// FieldTypes returns the attributes of the settlement layer with their types as MBTiles 1.3 names them ("String",
// "Number", "Boolean"): the fields of vector_layers in MBTiles and tile directory metadata, from which GDAL types
// its fields.
func FieldTypes() map[string]string {
	out := make(map[string]string)
	for _, f := range Fields() {
		out[f.Name] = mbtilesTypes[f.Type]
	}
	return out
}

// CenterZoom returns the zoom at which bounds (west, south, east, north) fill a map of about 1024×768 pixels, within
// minZoom..maxZoom: the zoom of a TileJSON center that shows the whole tile set at once.
func CenterZoom(bounds [4]float64, minZoom, maxZoom int) int {
	w, h := bounds[2]-bounds[0], mercY(bounds[3])-mercY(bounds[1])
	z := maxZoom
	if w > 0 || h > 0 {
		// A world of 256·2^z pixels; the bounds take w/360 of its width and h (in mercator units of 2π) of its height.
		zx, zy := math.Inf(1), math.Inf(1)
		if w > 0 {
			zx = math.Log2(1024 / 256 * 360 / w)
		}
		if h > 0 {
			zy = math.Log2(768 / 256 * 2 * math.Pi / h)
		}
		z = int(math.Floor(math.Min(zx, zy)))
	}
	return max(minZoom, min(maxZoom, z))
}

// mercY is the spherical mercator ordinate of latitude lat, in radians of the unit sphere.
func mercY(lat float64) float64 {
	lat = math.Max(-85.05112878, math.Min(85.05112878, lat))
	return math.Log(math.Tan(math.Pi/4 + lat*math.Pi/360))
}
