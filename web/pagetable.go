package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/tiled-maps/tiled/atlas"
)

// tableData is the accessible table view: every settlement with its status, a one-paragraph summary of the data
// and links to download exactly that data.
type tableData struct {
	L       lang
	Caption string
	Summary string
	Rows    []tableRow
	GeoJSON string
	CSV     string
	// Paging: a large gazetteer is shown tablePageSize rows at a time, those with claims first.
	PageText string // "Settlements 1–200 of 140 218, those with claims first."; "" when every row is shown
	Next     string // the next page's URL, "" on the last
	NextText string
}

// tableRow is one settlement in the table.
type tableRow struct {
	ID          string
	Names       []langName // the page language's name first
	Region      string
	Status      string // ru, ua, contested, disputed, unknown
	StatusText  string
	Stale       bool
	Approximate bool
	Claimed     bool     // the status rests only on claims of the holder's own side
	Says        []string // "Institute for the Study of War: held by Ukraine"
	Latest      string
}

type langName struct{ Lang, Name string }

// placeView is one source's holder as a tile's holders attribute lists it.
type placeView struct {
	Source, Holder string
	Stale          bool
}

// place is a settlement of the snapshot as the table and the summary read it.
type place struct {
	id, status    string
	basis         string            // confirmed, claimed or ""
	names         map[string]string // "", "ru", "uk"
	region        string
	stale, approx bool
	sources       int
	latest        string
	views         []placeView
	primary       string
}

// parseHolders reads the holders attribute: "isw:ua;ru-mod:ru(stale)".
func parseHolders(s string) []placeView {
	var out []placeView
	for part := range strings.SplitSeq(s, ";") {
		src, holder, ok := strings.Cut(part, ":")
		if !ok {
			continue
		}
		h, stale := strings.CutSuffix(holder, "(stale)")
		out = append(out, placeView{Source: src, Holder: h, Stale: stale})
	}
	return out
}

func propString(p geojson.Properties, k string) string {
	s, _ := p[k].(string)
	return s
}

func propBool(p geojson.Properties, k string) bool {
	b, _ := p[k].(bool)
	return b
}

func propInt(p geojson.Properties, k string) int {
	switch v := p[k].(type) {
	case int:
		return v
	case int64:
		return int(v)
	case float64:
		return int(v)
	}
	return 0
}

func readPlaces(l lang, fc *geojson.FeatureCollection) []place {
	out := make([]place, 0, len(fc.Features))
	for _, f := range fc.Features {
		pr := f.Properties
		p := place{id: propString(pr, "id"), status: propString(pr, "status"), basis: propString(pr, "basis"), stale: propBool(pr, "stale"),
			approx: propBool(pr, "approximate"), sources: propInt(pr, "sources"), latest: propString(pr, "latest"),
			views: parseHolders(propString(pr, "holders")),
			names: map[string]string{"": propString(pr, "name"), "ru": propString(pr, "name_ru"), "uk": propString(pr, "name_uk")}}
		var reg []string
		for _, k := range []string{"admin2", "admin1"} {
			if s := propString(pr, k); s != "" {
				reg = append(reg, s)
			}
		}
		p.region = strings.Join(reg, ", ")
		p.primary = p.names[""]
		if n := p.names[string(l)]; n != "" && l != defaultLang {
			p.primary = n
		}
		out = append(out, p)
	}
	return out
}

// buildTable makes the table view of a snapshot: the settlements of fc (largest and claimed first, as the API
// orders them), for the date asOf and the source (or "" for the consensus).
// Only rows v.Offset to v.Offset+tablePageSize are listed; total is the number of settlements in the view.
func buildTable(tx texts, v viewQuery, base, asOf string, sources []sourceInfo, fc *geojson.FeatureCollection, total int) tableData {
	l, source := v.Lang, v.Source
	names := map[string]string{}
	for _, s := range sources {
		names[s.ID] = s.Name
	}
	places := readPlaces(l, fc)
	view := tx.get(l, "table.view.consensus")
	if source != "" {
		view = tx.format(l, "table.view.source", "source", nameOr(names, source))
	}
	q := url.Values{"as_of": {asOf}}
	if source != "" {
		q.Set("source", source)
	}
	t := tableData{L: l, Caption: tx.format(l, "table.caption", "date", tx.date(l, asOf), "view", view),
		Summary: summarize(tx, l, asOf, source, names, places, max(total, len(places))),
		CSV:     base + "/export/settlements.csv?" + q.Encode()}
	q.Set("limit", strconv.Itoa(atlas.MaxLimit))
	t.GeoJSON = base + "/api/settlements?" + q.Encode()
	from := min(v.Offset, len(places))
	to := min(from+tablePageSize, len(places))
	if from > 0 || to < total {
		t.PageText = tx.format(l, "table.page", "from", strconv.Itoa(from+1), "to", strconv.Itoa(to), "total", strconv.Itoa(total))
	}
	if to < total && to < atlas.MaxLimit {
		nv := v
		nv.Lat, nv.Lon, nv.Zoom, nv.Place = "", "", "", ""
		nv.AsOf = asOf
		nq := nv.values()
		nq.Set("offset", strconv.Itoa(to))
		t.Next = "/table?" + nq.Encode()
		t.NextText = tx.format(l, "table.next", "n", strconv.Itoa(min(tablePageSize, total-to)), "total", strconv.Itoa(total))
	}
	for _, p := range places[from:to] {
		r := tableRow{ID: p.id, Region: p.region, Status: p.status, Stale: p.stale, Approximate: p.approx,
			Claimed: p.basis == "claimed", StatusText: tx.get(l, "status."+p.status)}
		if p.basis != "" {
			r.StatusText += ", " + tx.get(l, "basis."+p.basis)
		}
		if p.latest != "" {
			r.Latest = tx.date(l, p.latest)
		}
		r.Names = append(r.Names, langName{string(l), p.primary})
		shown := map[string]bool{p.primary: true}
		for _, k := range []string{"", "uk", "ru"} {
			if n := p.names[k]; n != "" && !shown[n] {
				shown[n] = true
				lk := k
				if lk == "" {
					lk = string(defaultLang)
				}
				r.Names = append(r.Names, langName{lk, n})
			}
		}
		if p.stale && p.status != "unknown" {
			r.StatusText += " (" + tx.get(l, "status.stale") + ")"
		}
		for _, v := range p.views {
			s := nameOr(names, v.Source) + ": " + tx.get(l, "holder."+v.Holder)
			if v.Stale {
				s += " (" + tx.get(l, "status.stale") + ")"
			}
			r.Says = append(r.Says, s)
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}

func nameOr(names map[string]string, id string) string {
	if n, ok := names[id]; ok {
		return n
	}
	return id
}

// holderOrder is the order the summary names holders in.
var holderOrder = []string{"ru", "ua", "contested", "unknown"}

// summarize writes the one-paragraph summary of a snapshot: how many settlements have claims and from how many
// sources, which ones the sources disagree about and who says what, and what they agree on.
//
// places are the first settlements of the view, those with claims first; totalN is how many the view has.
func summarize(tx texts, l lang, asOf, source string, names map[string]string, places []place, totalN int) string {
	date := tx.date(l, asOf)
	total := strconv.Itoa(totalN)
	claimed := 0
	seen := map[string]bool{}
	for _, p := range places {
		if p.sources > 0 {
			claimed++
		}
		for _, v := range p.views {
			seen[v.Source] = true
		}
	}
	if claimed == 0 {
		return tx.format(l, "summary.none", "date", date, "total", total)
	}
	list := func(ps []place) string {
		if len(ps) == 0 {
			return "0"
		}
		var ns []string
		for i, p := range ps {
			if i == 8 {
				ns = append(ns, tx.format(l, "table.more", "n", strconv.Itoa(len(ps)-8)))
				break
			}
			if p.basis == "claimed" {
				ns = append(ns, p.primary+" ("+tx.get(l, "basis.claimed")+")")
			} else {
				ns = append(ns, p.primary)
			}
		}
		return strconv.Itoa(len(ps)) + " (" + strings.Join(ns, ", ") + ")"
	}
	by := map[string][]place{}
	var stale []place
	for _, p := range places {
		if p.stale && p.status != "unknown" {
			stale = append(stale, p)
			continue
		}
		by[p.status] = append(by[p.status], p)
	}
	agreeKey := "summary.agree"
	var parts []string
	if source != "" {
		parts = append(parts, tx.format(l, "summary.source", "date", date, "source", nameOr(names, source),
			"claimed", strconv.Itoa(claimed), "total", total))
		agreeKey = "summary.according"
	} else {
		parts = append(parts, tx.format(l, "summary.claims", "date", date, "sources", tx.plural(l, "n.sources", len(seen)),
			"claimed", strconv.Itoa(claimed), "total", total))
		if d := by["disputed"]; len(d) > 0 {
			var items []string
			for _, p := range d {
				items = append(items, p.primary+" ("+whoSaysWhat(tx, l, names, p.views)+")")
			}
			parts = append(parts, tx.format(l, "summary.disagree", "n", strconv.Itoa(len(d)), "list", strings.Join(items, ", ")))
		}
	}
	parts = append(parts, tx.format(l, agreeKey, "ru", list(by["ru"]), "ua", list(by["ua"]), "contested", list(by["contested"])))
	if len(stale) > 0 {
		parts = append(parts, tx.format(l, "summary.stale", "list", list(stale)))
	}
	return strings.Join(parts, " ")
}

// whoSaysWhat groups the current views by holder: "contested according to A, B; held by Russia according to C".
func whoSaysWhat(tx texts, l lang, names map[string]string, views []placeView) string {
	groups := map[string][]string{}
	for _, v := range views {
		if !v.Stale && v.Holder != "unknown" {
			groups[v.Holder] = append(groups[v.Holder], nameOr(names, v.Source))
		}
	}
	var out []string
	for _, h := range holderOrder {
		if g := groups[h]; len(g) > 0 {
			slices.Sort(g)
			out = append(out, tx.get(l, "holder."+h)+" "+tx.format(l, "summary.according_to", "sources", strings.Join(g, ", ")))
		}
	}
	return strings.Join(out, "; ")
}
