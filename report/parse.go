package report

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tiled-maps/tiled/admin"
	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/geo"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/names"
)

// Token owners: what a word was already read as.
const (
	ownFree   = 0
	ownRegion = 'r'
	ownSource = 's'
	ownSide   = 'c'
	ownDate   = 'd'
	ownPlace  = 'p'
)

// Resolution weights, as in the gazetteer's geocoder: the name first, then context; size never decides.
const (
	scoreExact       = 1.0
	scoreInflected   = 0.85
	scoreSameSpell   = 0.05
	scoreDistrict    = 1.0 // the report names the candidate's district
	scoreOblast      = 0.6 // the report names the candidate's oblast
	scoreArea        = 0.3 // the candidate lies in the outlet's area (by default tiled's border belt)
	scoreNear        = 0.8 // beside another place the report names, falling to 0 at nearKM
	nearKM           = 40.0
	ambiguousMargin  = 0.25
	maxKeysPerLookup = 500
)

// defaultArea is the oblasts tiled maps: the outlet's area when the outlet names none.
var defaultArea = []string{"ru-belgorod", "ru-kursk", "ru-bryansk", "ua-sumy", "ua-kharkiv", "ua-chernihiv"}

type regionMention struct {
	m      admin.Mention
	t0, t1 int
}

type sourceMention struct {
	id     string // registry id; "" for an unregistered or vague attribution
	flag   string // "-", "vague", "new", …
	t0, t1 int
	text   string
}

type sideMention struct {
	side   string // ru, ua, own, enemy
	t0, t1 int
}

type controlMention struct {
	class  string
	t0, t1 int
}

type dateMention struct {
	t0, t1 int
	kind   string // day, monthyear, inmonth, weekday, rel, week, same
	day    int
	month  int
	year   int // 0 when not written
	n      int // weekday number, days or weeks offset
	last   bool
}

type candidate struct {
	place   gazetteer.Place
	score   float64
	reasons []string
}

type mention struct {
	t0, t1     int
	text       string
	cands      []*candidate
	quals      []int // indexes into doc.regions attached to the mention
	best       *candidate
	ambiguous  bool
	unresolved bool
	note       string
}

type doc struct {
	p         *Parser
	text      string
	toks      []token
	owner     []byte
	lang      string
	published ledger.Date
	outlet    string
	regions   []regionMention
	sources   []sourceMention
	sides     []sideMention
	controls  []controlMention
	dates     []dateMention
	mentions  []*mention
	related   int // first token of a "Related coverage" section; len(toks) when none
	inCache   map[inKey]bool
	voice     *claimSource // a source named at the start of the headline ("ISW: …"), whose digest the report is
}

// inKey memoises inRegion: a report names few units and its places lie in few districts.
type inKey struct {
	country, admin1Code, admin1, admin2 string
	region                              *admin.Region
	level, text                         string
}

// in reports whether place p lies in the unit m names, memoised.
func (d *doc) in(p gazetteer.Place, m admin.Mention) bool {
	k := inKey{p.Country, p.Admin1Code, p.Admin1, p.Admin2, m.Region, m.Level, ""}
	if m.Region == nil {
		k.text = m.Text
	}
	if v, ok := d.inCache[k]; ok {
		return v
	}
	if d.inCache == nil {
		d.inCache = map[inKey]bool{}
	}
	v := inRegion(p, m)
	d.inCache[k] = v
	return v
}

// Parse reads text and returns its places and proposed claims. It never writes anything.
func (p *Parser) Parse(ctx context.Context, text string, opts Options) (Result, error) {
	if err := CheckText(text); err != nil {
		return Result{}, err
	}
	if err := CheckLanguage(opts.Language); err != nil {
		return Result{}, err
	}
	d := &doc{p: p, text: text, toks: tokenize(text), outlet: opts.Outlet}
	d.owner = make([]byte, len(d.toks))
	d.lang = opts.Language
	if d.lang == "" {
		d.lang = DetectLanguage(text)
	}
	d.findRegions()
	d.findSources()
	d.findSides()
	d.findDates()
	d.published = opts.Published
	if d.published.IsZero() {
		d.published = d.headerDate()
	}
	if d.published.IsZero() {
		d.published = ledger.Today(p.now())
	}
	d.findControls()
	d.findRelated()
	d.findVoice()
	if err := d.findPlaces(ctx); err != nil {
		return Result{}, err
	}
	d.resolve()
	res := Result{Published: d.published.String(), Language: d.lang, Places: d.places(), Claims: d.claims()}
	return res, nil
}

// sentEnd returns the index after the last token of i's sentence.
func (d *doc) sentEnd(i int) int {
	j := i
	for j < len(d.toks) && d.toks[j].sent == d.toks[i].sent {
		j++
	}
	return j
}

func (d *doc) sentStart(i int) int {
	j := i
	for j > 0 && d.toks[j-1].sent == d.toks[i].sent {
		j--
	}
	return j
}

func (d *doc) own(t0, t1 int, o byte) {
	for k := t0; k < t1; k++ {
		d.owner[k] = o
	}
}

func (d *doc) free(t0, t1 int) bool {
	for k := t0; k < t1; k++ {
		if d.owner[k] != ownFree {
			return false
		}
	}
	return true
}

// textOf returns the report's text from token t0 to the end of token t1-1.
func (d *doc) textOf(t0, t1 int) string { return d.text[d.toks[t0].bstart:d.toks[t1-1].bend] }

func (d *doc) findRegions() {
	byStart := make(map[int]int, len(d.toks))
	for k, t := range d.toks {
		byStart[t.start] = k
	}
	for _, m := range admin.Default().Find(d.text) {
		t0, ok := byStart[m.Start]
		if !ok {
			continue
		}
		t1 := t0
		for t1 < len(d.toks) && d.toks[t1].end <= m.End {
			t1++
		}
		if t1 == t0 {
			continue
		}
		d.regions = append(d.regions, regionMention{m: m, t0: t0, t1: t1})
		d.own(t0, t1, ownRegion)
	}
}

// cueAt reports whether a cue of kind starts at token i (within its sentence) and the index after it.
func (d *doc) cueAt(kind string, i int) (int, bool) {
	if i < 0 || i >= len(d.toks) {
		return 0, false
	}
	end := d.sentEnd(i)
	for _, ps := range [][]*phrase{d.p.lx.cues.exact[d.toks[i].norm], d.p.lx.cues.prefix[firstRunes(d.toks[i].norm, 2)]} {
		for _, ph := range ps {
			if ph.kind != kind {
				continue
			}
			if e, ok := matchWords(ph.words, d.toks, i, end); ok {
				return e, true
			}
		}
	}
	return 0, false
}

// sayNear reports whether a verb of saying follows within three words of t1, or "according to"/"по словам" stands
// right before t0.
func (d *doc) sayNear(t0, t1 int) bool {
	end := d.sentEnd(t0)
	for k := t1; k < t1+4 && k < end; k++ {
		if _, ok := d.cueAt("say", k); ok {
			return true
		}
	}
	for k := t0 - 2; k < t0-1; k++ { // a phrase of two words: "according to", "по словам"
		if e, ok := d.cueAt("say", k); ok && e == t0 && k >= d.sentStart(t0) {
			return true
		}
	}
	return false
}

func (d *doc) findSources() {
	for i := 0; i < len(d.toks); i++ {
		if d.owner[i] != ownFree {
			continue
		}
		ph, end := d.p.srcs.match(d.toks, i, d.sentEnd(i))
		if ph == nil || !d.free(i, end) {
			continue
		}
		switch ph.value {
		case "upper":
			ok := true
			for k := i; k < end; k++ {
				ok = ok && d.toks[k].upper
			}
			if !ok {
				continue
			}
		case "say":
			if !d.sayNear(i, end) {
				continue
			}
		case "surname":
			seen := false
			for _, s := range d.sources {
				seen = seen || s.id == ph.kind && s.flag == "-"
			}
			if _, say := d.cueAt("say", end); !seen && !say {
				continue
			}
		}
		sm := sourceMention{id: ph.kind, flag: ph.value, t0: i, t1: end, text: d.textOf(i, end)}
		if sm.id == "-" {
			sm.id = ""
		}
		if _, ok := d.p.sources[sm.id]; sm.id != "" && !ok {
			sm.flag, sm.id = "new", "" // a lexicon source missing from this registry: propose it
		}
		if sm.flag == "upper" || sm.flag == "say" || sm.flag == "surname" {
			sm.flag = "-"
		}
		d.sources = append(d.sources, sm)
		d.own(i, end, ownSource)
		i = end - 1
	}
}

func (d *doc) findSides() {
	for i := 0; i < len(d.toks); i++ {
		if d.owner[i] != ownFree {
			continue
		}
		ph, end := d.p.lx.sides.match(d.toks, i, d.sentEnd(i))
		if ph == nil || !d.free(i, end) {
			continue
		}
		d.sides = append(d.sides, sideMention{side: ph.kind, t0: i, t1: end})
		d.own(i, end, ownSide)
		i = end - 1
	}
}

func (d *doc) findControls() {
	for i := 0; i < len(d.toks); i++ {
		if o := d.owner[i]; o == ownSource || o == ownRegion || o == ownDate {
			continue
		}
		ph, end := d.p.lx.control.match(d.toks, i, d.sentEnd(i))
		if ph == nil {
			continue
		}
		d.controls = append(d.controls, controlMention{class: ph.kind, t0: i, t1: end})
		i = end - 1
	}
}

// findVoice reads a headline that opens with a registered source and a colon ("ISW: Russian troops reach …",
// "DeepState: ЗСУ …"): the report is that source's digest, and what it says without another speaker is the
// source's. Only sources that publish digests (analysts, maps, channels, correspondents) count: "Syrskyi: …" heads
// a quote, not a digest.
func (d *doc) findVoice() {
	for _, sm := range d.sources {
		if sm.t0 != 0 {
			break
		}
		kind := strings.ToLower(d.p.sources[sm.id].Kind)
		digest := strings.Contains(kind, "analyst") || strings.Contains(kind, "osint") || strings.Contains(kind, "telegram") ||
			strings.Contains(kind, "correspondent") || strings.Contains(kind, "map")
		if digest && sm.t1 < len(d.toks) && d.toks[sm.t1].sent == 0 && strings.HasPrefix(strings.TrimSpace(d.toks[sm.t1-1].gap), ":") {
			d.voice = &claimSource{id: sm.id, mention: sm.text, inherited: true}
		}
	}
}

// findRelated finds a short line that opens a section of other stories ("Related coverage", "Читайте также").
func (d *doc) findRelated() {
	d.related = len(d.toks)
	for i := range d.toks {
		if !d.toks[i].sentStart {
			continue
		}
		end, ok := d.cueAt("related", i)
		if ok && d.sentEnd(i)-i <= 4 && end <= d.sentEnd(i) {
			d.related = i
			return
		}
	}
}

func atoiSmall(s string) (int, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// findDates reads the date expressions of the report.
func (d *doc) findDates() {
	for i := 0; i < len(d.toks); i++ {
		if d.owner[i] == ownSource {
			continue
		}
		if dm, ok := d.numericDate(i); ok {
			d.dates = append(d.dates, dm)
			d.own(dm.t0, dm.t1, ownDate)
			i = dm.t1 - 1
			continue
		}
		ph, end := d.p.lx.dates.match(d.toks, i, d.sentEnd(i))
		if ph == nil {
			continue
		}
		n, _ := strconv.Atoi(ph.value)
		dm := dateMention{t0: i, t1: end, kind: ph.kind, n: n}
		switch ph.kind {
		case "month":
			dm.month = n
			t0, t1 := i, end
			var days []int
			// Days before the month: "18 March", "18 and 19 March", "18–19 марта".
			for k := i - 1; k >= 0 && k >= i-4 && d.toks[k].sent == d.toks[i].sent; k-- {
				if v, ok := atoiSmall(d.toks[k].text); ok && v >= 1 && v <= 31 && len(d.toks[k].text) <= 2 {
					days = append(days, v)
					t0 = k
					continue
				}
				if isCoord(d.toks[k].norm) {
					continue
				}
				break
			}
			// Days after it: "March 18", "March 18 and 19".
			if len(days) == 0 {
				for k := end; k < len(d.toks) && k < end+4 && d.toks[k].sent == d.toks[i].sent; k++ {
					if v, ok := atoiSmall(d.toks[k].text); ok && v >= 1 && v <= 31 && len(d.toks[k].text) <= 2 {
						days = append(days, v)
						t1 = k + 1
						continue
					}
					if isCoord(d.toks[k].norm) && k+1 < len(d.toks) && isDigit(d.toks[k+1].text) {
						continue
					}
					break
				}
			}
			if t1 < len(d.toks) {
				if v, ok := atoiSmall(d.toks[t1].text); ok && v >= 1900 && v <= 2100 {
					dm.year = v
					t1++
				}
			}
			if _, ok := d.cueAtDates("lastyear", t1); ok {
				dm.last = true
			}
			switch {
			case len(days) > 0:
				dm.kind, dm.day = "day", days[0]
				for _, v := range days {
					dm.day = max(dm.day, v)
				}
			case dm.year > 0:
				dm.kind = "monthyear"
			default:
				continue // "May" alone is not a date
			}
			dm.t0, dm.t1 = t0, t1
		case "inmonth":
			dm.month = n
			dm.last = strings.Contains(ph.text, "last")
			if _, ok := d.cueAtDates("lastyear", end); ok {
				dm.last = true
			}
		case "lastyear":
			continue
		}
		d.dates = append(d.dates, dm)
		for k := dm.t0; k < dm.t1; k++ {
			if d.owner[k] == ownFree {
				d.owner[k] = ownDate
			}
		}
		i = max(i, dm.t1-1)
	}
}

// numericDate reads a date written in digits at token i: 18.03.2025, 18/03/2025, 2025-03-18.
func (d *doc) numericDate(i int) (dateMention, bool) {
	if i+2 >= len(d.toks) {
		return dateMention{}, false
	}
	a, b, c := d.toks[i], d.toks[i+1], d.toks[i+2]
	sep := strings.TrimSpace(a.gap)
	if sep == "" || sep != strings.TrimSpace(b.gap) || len(sep) != 1 || !strings.Contains("./-", sep) ||
		a.gap != sep || b.gap != sep {
		return dateMention{}, false
	}
	x, ok1 := atoiSmall(a.text)
	y, ok2 := atoiSmall(b.text)
	z, ok3 := atoiSmall(c.text)
	if !ok1 || !ok2 || !ok3 {
		return dateMention{}, false
	}
	day, month, year := x, y, z
	if len(a.text) == 4 && sep == "-" {
		year, month, day = x, y, z
	}
	if year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1 || day > 31 {
		return dateMention{}, false
	}
	return dateMention{t0: i, t1: i + 3, kind: "day", day: day, month: month, year: year}, true
}

func (d *doc) cueAtDates(kind string, i int) (int, bool) {
	if i >= len(d.toks) {
		return 0, false
	}
	ph, end := d.p.lx.dates.match(d.toks, i, d.sentEnd(i))
	if ph != nil && ph.kind == kind {
		return end, true
	}
	return 0, false
}

func isCoord(w string) bool {
	switch w {
	case "and", "и", "і", "та", "й", "to", "по", "до":
		return true
	}
	return false
}

// headerDate returns a full date (day, month and year) written in the report's first three lines.
func (d *doc) headerDate() ledger.Date {
	for _, dm := range d.dates {
		if d.toks[dm.t0].para > 2 {
			break
		}
		if dm.kind == "day" && dm.year > 0 {
			return ledger.MakeDate(dm.year, monthOf(dm.month), dm.day)
		}
	}
	return ledger.Date{}
}

// findPlaces finds the settlement mentions: capitalised words and phrases of up to three words the gazetteer
// knows, in one lookup for the whole report.
func (d *doc) findPlaces(ctx context.Context) error {
	type span struct {
		t0, t1 int
		keys   []string
	}
	var spans []span
	keySet := map[string]bool{}
	for i := range d.toks {
		if !d.placeStart(i) {
			continue
		}
		for n := 1; n <= 3 && i+n <= len(d.toks); n++ {
			j := i + n - 1
			if j > i && (!d.toks[j].cap || d.owner[j] != ownFree || d.toks[j].sent != d.toks[i].sent ||
				strings.TrimSpace(d.toks[j-1].gap) != "") {
				break
			}
			keys := names.QueryKeys(d.textOf(i, j+1))
			if len(keys) == 0 {
				continue
			}
			spans = append(spans, span{i, j + 1, keys})
			for _, k := range keys {
				keySet[k] = true
			}
		}
	}
	if len(spans) == 0 {
		return nil
	}
	all := make([]string, 0, len(keySet))
	for k := range keySet {
		all = append(all, k)
	}
	sort.Strings(all)
	byKey := map[string][]gazetteer.KeyMatch{}
	for len(all) > 0 {
		n := min(len(all), maxKeysPerLookup)
		ms, err := d.p.places.PlacesByKeys(ctx, all[:n])
		if err != nil {
			return fmt.Errorf("report: looking up places: %w", err)
		}
		for _, m := range ms {
			byKey[m.Key] = append(byKey[m.Key], m)
		}
		all = all[n:]
	}
	// The longest span with matches at each start wins; spans do not overlap.
	next := 0
	for si := 0; si < len(spans); {
		i := spans[si].t0
		var best *span
		var bestC []*candidate
		for ; si < len(spans) && spans[si].t0 == i; si++ {
			if c := candidates(d.textOf(spans[si].t0, spans[si].t1), spans[si].keys, byKey); len(c) > 0 {
				s := spans[si]
				best, bestC = &s, c
			}
		}
		if best == nil || i < next || !d.keepPlace(best.t0, best.t1) {
			continue
		}
		if d.districtByTown(best.t0, best.t1, bestC) {
			next = best.t1 + 1
			continue
		}
		d.mentions = append(d.mentions, &mention{t0: best.t0, t1: best.t1, text: d.textOf(best.t0, best.t1), cands: bestC})
		d.own(best.t0, best.t1, ownPlace)
		next = best.t1
	}
	return nil
}

// districtByTown reads a town's name followed by a district word ("the Krasnaya Yaruga district", "Sudzha
// district") as the district the town is the centre of, not as the town.
func (d *doc) districtByTown(t0, t1 int, cands []*candidate) bool {
	if t1 >= len(d.toks) || strings.TrimSpace(d.toks[t1-1].gap) != "" {
		return false
	}
	switch d.toks[t1].norm {
	case "district", "raion", "rayon", "район", "района", "районе", "районі", "району":
	default:
		return false
	}
	m := admin.Mention{Level: admin.LevelDistrict, Text: d.textOf(t0, t1+1), Start: d.toks[t0].start, End: d.toks[t1].end}
	for _, c := range cands {
		if c.place.Admin2 == "" {
			continue
		}
		for _, r := range admin.Default().Lookup(c.place.Admin2) {
			if r.Level == admin.LevelDistrict {
				rr := r
				m.Region = &rr
				break
			}
		}
		if m.Region != nil {
			break
		}
	}
	d.regions = append(d.regions, regionMention{m: m, t0: t0, t1: t1 + 1})
	sort.SliceStable(d.regions, func(i, j int) bool { return d.regions[i].t0 < d.regions[j].t0 })
	d.own(t0, t1+1, ownRegion)
	return true
}

// placeStart reports whether a place name may start at token i.
func (d *doc) placeStart(i int) bool {
	t := d.toks[i]
	if !t.cap || d.owner[i] != ownFree || utf8.RuneCountInString(t.norm) < 3 {
		return false
	}
	if t.upper && utf8.RuneCountInString(t.text) <= 5 {
		return false // an acronym: "ISW", "ВСУ", "SHOT"
	}
	return !d.p.lx.isCue("prep", t.norm)
}

// keepPlace applies what tells a place name from a person's or an organisation's name.
func (d *doc) keepPlace(t0, t1 int) bool {
	lx := d.p.lx
	toks := d.toks
	titleCase := d.titleCase(toks[t0].sent)
	// Part of a longer capitalised name: "Kyiv Independent", "Vladimir Romanov".
	if !titleCase && t1 < len(toks) && toks[t1].sent == toks[t0].sent && d.owner[t1] == ownFree && toks[t1].cap &&
		strings.TrimSpace(toks[t1-1].gap) == "" && !lx.isCue("prep", toks[t1].norm) {
		return false
	}
	if p := t0 - 1; p >= 0 && toks[p].sent == toks[t0].sent {
		gap := strings.TrimSpace(toks[p].gap)
		// After a capitalised word inside a sentence: a surname ("Andriy Popov"); a sentence-opening word before a
		// place ("Separately Krasnopillia") is an ordinary word.
		if !titleCase && gap == "" && d.owner[p] == ownFree && toks[p].cap && !toks[p].sentStart && !lx.isCue("prep", toks[p].norm) {
			return false
		}
		if gap == "." && utf8.RuneCountInString(toks[p].text) == 1 && toks[p].cap {
			return false // an initial: "V. Popov"
		}
		if lx.isCue("title", toks[p].norm) && (gap == "" || gap == ".") {
			return false
		}
	}
	// A common word opening a sentence ("Sad news …", "Сад …").
	if toks[t0].sentStart && t1-t0 == 1 && lx.isCue("common", toks[t0].norm) {
		return false
	}
	return true
}

// titleCase reports whether sentence sent is written in Title Case (an English headline: "Russia Retakes Sudzha"):
// most of its longer words are capitalised, so capitals say nothing about names.
func (d *doc) titleCase(sent int) bool {
	long, caps := 0, 0
	for _, t := range d.toks {
		if t.sent < sent {
			continue
		}
		if t.sent > sent {
			break
		}
		if utf8.RuneCountInString(t.text) >= 4 && isLatin(t.text) {
			long++
			if t.cap {
				caps++
			}
		}
	}
	return long >= 3 && caps*10 >= long*8
}

// candidates scores the places found under a span's keys by their best name match.
func candidates(text string, keys []string, byKey map[string][]gazetteer.KeyMatch) []*candidate {
	qn := names.Normalize(text)
	byID := map[string]*candidate{}
	var out []*candidate
	for r, k := range keys {
		for _, m := range byKey[k] {
			s := scoreInflected
			if r == 0 {
				s = scoreExact
			}
			if names.Normalize(m.Name) == qn {
				s = scoreExact + scoreSameSpell
			}
			c := byID[m.Place.ID]
			if c == nil {
				c = &candidate{place: m.Place}
				byID[m.Place.ID] = c
				out = append(out, c)
			}
			c.score = math.Max(c.score, s)
		}
	}
	return out
}

// inRegion reports whether place p lies in the unit a region mention names.
func inRegion(p gazetteer.Place, m admin.Mention) bool {
	lx := admin.Default()
	if m.Region != nil {
		if m.Region.Country != "" && p.Country != "" && m.Region.Country != p.Country {
			return false
		}
		if m.Level == admin.LevelOblast {
			return p.Admin1Code != "" && p.Admin1Code == m.Region.Admin1Code || lx.Same(m.Region.Name, p.Admin1)
		}
		if p.Admin2 == "" {
			return false
		}
		for _, n := range m.Region.Names {
			if lx.Same(n, p.Admin2) {
				return true
			}
		}
		return false
	}
	if m.Level == admin.LevelOblast {
		return lx.Same(m.Text, p.Admin1)
	}
	return p.Admin2 != "" && lx.Same(m.Text, p.Admin2)
}

// attachQualifiers finds the districts and oblasts that place a mention: right after it, joined only by words
// such as "a village in the", a comma or the genitive ("Демидовка Краснояружского района").
func (d *doc) attachQualifiers(m *mention) {
	k := m.t1
	steps := 0
	for k < len(d.toks) && d.toks[k].sent == d.toks[m.t0].sent && steps < 8 {
		if strings.ContainsAny(d.toks[k-1].gap, ".;:!?\n") {
			return
		}
		if d.owner[k] == ownRegion {
			for ri, r := range d.regions {
				if r.t0 == k {
					m.quals = append(m.quals, ri)
					k = r.t1
					steps = 0
					break
				}
			}
			if k < len(d.toks) && d.owner[k] == ownRegion {
				return
			}
			continue
		}
		if d.owner[k] == ownSide || d.p.lx.isCue("connect", d.toks[k].norm) {
			k++
			steps++
			continue
		}
		return
	}
}

// resolve decides each settlement mention with the whole report as context.
func (d *doc) resolve() {
	area := map[string]bool{}
	lx := admin.Default()
	if d.outlet != "" {
		for _, m := range lx.Find(d.outlet) {
			if m.Region != nil {
				area[m.Region.ID] = true
			}
		}
	}
	if len(area) == 0 {
		for _, id := range defaultArea {
			area[id] = true
		}
	}
	var areaRegions []admin.Mention
	for _, r := range lx.Regions() {
		if area[r.ID] {
			rr := r
			areaRegions = append(areaRegions, admin.Mention{Region: &rr, Level: rr.Level})
		}
	}
	for _, m := range d.mentions {
		d.attachQualifiers(m)
		if len(m.quals) > 0 {
			kept := m.cands[:0]
			for _, c := range m.cands {
				ok := true
				for _, q := range m.quals {
					ok = ok && d.in(c.place, d.regions[q].m)
				}
				if ok {
					kept = append(kept, c)
				}
			}
			if len(kept) == 0 {
				var qs []string
				for _, q := range m.quals {
					qs = append(qs, d.regions[q].m.Text)
				}
				m.unresolved = true
				m.note = fmt.Sprintf("the gazetteer has no %s in %s", m.text, strings.Join(qs, ", "))
			}
			m.cands = kept
		}
		for _, c := range m.cands {
			seenD, seenO := false, false
			for _, r := range d.regions {
				if !d.in(c.place, r.m) {
					continue
				}
				if r.m.Level == admin.LevelDistrict && !seenD {
					c.score += scoreDistrict
					seenD = true
					c.reasons = append(c.reasons, "district named: "+r.m.Text)
				}
				if r.m.Level == admin.LevelOblast && !seenO {
					c.score += scoreOblast
					seenO = true
					c.reasons = append(c.reasons, "oblast named: "+r.m.Text)
				}
			}
			for _, r := range areaRegions {
				if d.in(c.place, r) {
					c.score += scoreArea
					break
				}
			}
		}
	}
	// Nearby places reinforce each other: first the mentions with one candidate, then the best of the others.
	var anchors [2][]gazetteer.Place
	seen := map[string]bool{}
	for _, m := range d.mentions {
		if len(m.cands) == 1 && !seen[m.cands[0].place.ID] {
			seen[m.cands[0].place.ID] = true
			anchors[0] = append(anchors[0], m.cands[0].place)
		}
	}
	for pass := 0; pass < 2; pass++ {
		if pass == 1 {
			seen = map[string]bool{}
			for _, m := range d.mentions {
				if m.best != nil && !m.ambiguous && !seen[m.best.place.ID] {
					seen[m.best.place.ID] = true
					anchors[1] = append(anchors[1], m.best.place)
				}
			}
		}
		for _, m := range d.mentions {
			if len(m.cands) == 0 {
				continue
			}
			bestNear := make([]float64, len(m.cands))
			if len(m.cands) > 1 {
				for ci, c := range m.cands {
					for _, op := range anchors[pass] {
						if op.ID == c.place.ID {
							continue
						}
						// An approximate place lies anywhere within its precision radius: it is as near as that
						// radius allows.
						dist := geo.DistanceKM(c.place.Point, op.Point)
						if c.place.Approximate {
							dist = max(0, dist-c.place.PrecisionKM)
						}
						if op.Approximate {
							dist = max(0, dist-op.PrecisionKM)
						}
						if dist < nearKM {
							bestNear[ci] = math.Max(bestNear[ci], scoreNear*(1-dist/nearKM))
						}
					}
				}
			}
			scores := make([]float64, len(m.cands))
			for ci, c := range m.cands {
				scores[ci] = c.score + bestNear[ci]
			}
			order := make([]int, len(m.cands))
			for i := range order {
				order[i] = i
			}
			sort.SliceStable(order, func(a, b int) bool {
				if scores[order[a]] != scores[order[b]] {
					return scores[order[a]] > scores[order[b]]
				}
				return m.cands[order[a]].place.ID < m.cands[order[b]].place.ID
			})
			m.best = m.cands[order[0]]
			m.ambiguous = len(order) > 1 && scores[order[0]]-scores[order[1]] < ambiguousMargin
			if pass == 1 {
				sorted := make([]*candidate, len(order))
				for i, o := range order {
					sorted[i] = m.cands[o]
				}
				m.cands = sorted
			}
		}
	}
	for _, m := range d.mentions {
		if m.ambiguous {
			m.note = fmt.Sprintf("%d places of this name; the report does not say which", len(m.cands))
		}
	}
}

// places returns the result's place list: settlements and regions in text order.
func (d *doc) places() []Place {
	var out []Place
	for _, m := range d.mentions {
		pl := Place{Mention: m.text, Start: d.toks[m.t0].start, End: d.toks[m.t1-1].end, Kind: KindSettlement,
			Alternatives: []string{}, Name: m.text, Note: m.note}
		switch {
		case m.unresolved || m.best == nil:
		case m.ambiguous:
			pl.Ambiguous = true
			for _, c := range m.cands {
				pl.Alternatives = append(pl.Alternatives, c.place.ID)
			}
		default:
			id := m.best.place.ID
			lat, lon := m.best.place.Point.Lat(), m.best.place.Point.Lon()
			pl.ID, pl.Name, pl.Lat, pl.Lon = &id, m.best.place.Name, &lat, &lon
		}
		out = append(out, pl)
	}
	for _, r := range d.regions {
		pl := Place{Mention: r.m.Text, Start: r.m.Start, End: r.m.End, Kind: KindRegion, Name: r.m.Name(), Alternatives: []string{}}
		if r.m.Region != nil {
			id := r.m.Region.ID
			pl.ID = &id
		}
		out = append(out, pl)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	if out == nil {
		out = []Place{}
	}
	return out
}
