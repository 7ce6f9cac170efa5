package atlas

import (
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"image/color"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	gkml "github.com/twpayne/go-geom/encoding/kml"
	"github.com/twpayne/go-kml/v3"

	"github.com/tiled-maps/tiled/geo"
	"github.com/tiled-maps/tiled/ledger"
)

var exportParams = map[string]bool{"as_of": true, "source": true, "known_on": true, "bbox": true}

// CSVColumns are the columns of /export/settlements.csv; wkt holds the point as WKT (EPSG:4326, lon lat).
var CSVColumns = []string{"id", "name", "name_ru", "name_uk", "country", "admin1", "admin2", "population",
	"feature_code", "approximate", "precision_km", "status", "disputed", "stale", "sources", "latest", "holders",
	"as_of", "view", "wkt"}

// exportSet resolves an export's view and the places it covers, ordered by id.
func (a *Atlas) exportSet(ctx context.Context, q url.Values) (*ledger.Index, View, []*place, error) {
	if err := onlyParams(q, exportParams); err != nil {
		return nil, View{}, nil, err
	}
	pix, lix, err := a.state(ctx)
	if err != nil {
		return nil, View{}, nil, err
	}
	view, err := a.parseView(lix, q.Get("as_of"), q.Get("source"), q.Get("known_on"))
	if err != nil {
		return nil, view, nil, err
	}
	b := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	if s := q.Get("bbox"); s != "" {
		if b, err = parseBBox("bbox", s); err != nil {
			return nil, view, nil, err
		}
	}
	var ps []*place
	pix.within(b, func(p *place) { ps = append(ps, p) })
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
	return lix, view, ps, nil
}

// ExportCSV writes the settlements with their status as CSV (CSVColumns) to w. Parameters are validated before
// anything is written.
func (a *Atlas) ExportCSV(ctx context.Context, q url.Values, w io.Writer) error {
	lix, view, ps, err := a.exportSet(ctx, q)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVColumns); err != nil {
		return err
	}
	for i, p := range ps {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil { // the client went away: stop
				return err
			}
		}
		props := flatProps(p, lix.StatusOf(p.ID, view.Query), view)
		rec := make([]string, len(CSVColumns))
		for i, c := range CSVColumns {
			if c == "wkt" {
				pt := point(p.Point)
				rec[i] = "POINT (" + strconv.FormatFloat(pt.Lon(), 'f', -1, 64) + " " + strconv.FormatFloat(pt.Lat(), 'f', -1, 64) + ")"
				continue
			}
			switch v := props[c].(type) {
			case nil:
			case string:
				rec[i] = neutralizeCell(v)
			default:
				rec[i] = fmt.Sprint(v)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// neutralizeCell defuses a text cell that a spreadsheet would read as a formula (OWASP, CSV injection): one starting
// with =, +, -, @, a tab or a carriage return gets a leading apostrophe, which spreadsheets show as text. Numbers are
// written by the caller and never pass through here.
func neutralizeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// kmlText makes s safe as the text of a KML name or description: Google Earth renders both as HTML in its balloons,
// so markup in a place name or a claim's summary is escaped and shows as the characters typed.
var kmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// holderColours match the map's colour-blind-safe (Okabe–Ito) palette.
var holderColours = map[string]color.RGBA{
	"ru": {0xD5, 0x5E, 0x00, 0xFF}, "ua": {0x00, 0x72, 0xB2, 0xFF}, "disputed": {0xCC, 0x79, 0xA7, 0xFF},
	"contested": {0xE6, 0x9F, 0x00, 0xFF}, "unknown": {0x99, 0x99, 0x99, 0xFF},
}

// ExportKML writes KML for Google Earth: a folder with each settlement that has claims, styled by its status as of
// the date, and a folder with every claim in force as a placemark whose TimeSpan runs from its valid_at to the
// next claim of the same source about the same settlement, so Google Earth's time slider replays the reports.
func (a *Atlas) ExportKML(ctx context.Context, q url.Values, w io.Writer) error {
	lix, view, ps, err := a.exportSet(ctx, q)
	if err != nil {
		return err
	}
	// Streamed: the document's head, then one placemark at a time, so that memory does not grow with the ledger.
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	open := func(name string, attr ...xml.Attr) error {
		return enc.EncodeToken(xml.StartElement{Name: xml.Name{Local: name}, Attr: attr})
	}
	closeEl := func(name string) error { return enc.EncodeToken(xml.EndElement{Name: xml.Name{Local: name}}) }
	if err := errors.Join(open("kml", xml.Attr{Name: xml.Name{Local: "xmlns"}, Value: kml.Namespace}), open("Document")); err != nil {
		return err
	}
	head := []kml.Element{kml.Name("tiled: front-line settlements as of " + view.AsOf.String()),
		kml.Description(DefaultAttribution)}
	styles := make([]string, 0, len(holderColours))
	for h := range holderColours {
		styles = append(styles, h)
	}
	sort.Strings(styles)
	for _, h := range styles {
		head = append(head, kml.SharedStyle("status-"+h, kml.IconStyle(kml.Color(holderColours[h]), kml.Scale(1.1))))
	}
	for _, el := range head {
		if err := enc.Encode(el); err != nil {
			return err
		}
	}
	folder := func(name string, each func(p *place, hist []ledger.Entry) error) error {
		if err := open("Folder"); err != nil {
			return err
		}
		if err := enc.Encode(kml.Name(name)); err != nil {
			return err
		}
		for i, p := range ps {
			if i%256 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			hist, err := lix.History(ctx, p.ID)
			if err != nil {
				return err
			}
			if len(hist) > 0 {
				if err := each(p, hist); err != nil {
					return err
				}
			}
		}
		return closeEl("Folder")
	}
	err = folder("Status as of "+view.AsOf.String(), func(p *place, _ []ledger.Entry) error {
		st := lix.StatusOf(p.ID, view.Query)
		pt, err := gkml.Encode(geo.ToGeomPoint(point(p.Point)))
		if err != nil {
			return err
		}
		desc := fmt.Sprintf("Consensus as of %s: %s. Sources: %s.", view.AsOf, st.Consensus, holders(st))
		if p.Approximate {
			desc += fmt.Sprintf(" Approximate location (±%g km).", p.PrecisionKM)
		}
		return enc.Encode(kml.Placemark(kml.Name(kmlText(p.Name)), kml.Description(kmlText(desc)),
			kml.StyleURL("#status-"+string(st.Consensus)), pt))
	})
	if err != nil {
		return err
	}
	err = folder("Claims over time", func(p *place, hist []ledger.Entry) error {
		pt, err := gkml.Encode(geo.ToGeomPoint(point(p.Point)))
		if err != nil {
			return err
		}
		for i, e := range hist {
			if !e.InForce() {
				continue
			}
			span := []kml.Element{kml.Begin(e.ValidAt.Time())}
			if end, ok := replacedOn(hist, i); ok {
				span = append(span, kml.End(end.Time()))
			}
			err := enc.Encode(kml.Placemark(
				kml.Name(kmlText(fmt.Sprintf("%s — %s: %s (%s)", p.Name, e.SourceID, e.Holder, e.Degree))),
				kml.Description(kmlText(fmt.Sprintf("%s Valid %s (%s), published %s, relayed by %s. Evidence: %s.",
					e.Summary, e.ValidAt, e.ValidPrecision, e.PublishedAt, orNone(e.RelayedBy), e.Evidence))),
				kml.TimeSpan(span...), kml.StyleURL("#status-"+holderStyle(e.Holder)), pt))
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := errors.Join(closeEl("Document"), closeEl("kml")); err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}

// replacedOn returns the date from which the in-force claim hist[i] no longer gives its source's view: the valid_at
// of the source's next claim in force in the history's order (valid_at, then published_at, then the order recorded,
// the order the ledger's status uses), even on the same day. ok is false while the claim is its source's last.
func replacedOn(hist []ledger.Entry, i int) (ledger.Date, bool) {
	for _, later := range hist[i+1:] {
		if later.SourceID == hist[i].SourceID && later.InForce() {
			return later.ValidAt, true
		}
	}
	return ledger.Date{}, false
}

func holderStyle(h ledger.Holder) string {
	if _, ok := holderColours[string(h)]; ok {
		return string(h)
	}
	return "unknown"
}

func orNone(s string) string {
	if s == "" {
		return "(not recorded)"
	}
	return s
}
