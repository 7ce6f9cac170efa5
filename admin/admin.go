package admin

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/tiled-maps/tiled/names"
)

// Levels of a unit.
const (
	// LevelOblast is a first-order unit: oblast, krai, republic, federal city.
	LevelOblast = "oblast"
	// LevelDistrict is a second-order unit: district, raion, urban okrug.
	LevelDistrict = "district"
)

// Region is one administrative unit.
type Region struct {
	// ID is a readable slug ("ru-belgorod", "ru-bel-krasnoyaruzhsky").
	ID string `json:"id"`
	// Level is LevelOblast or LevelDistrict.
	Level string `json:"level"`
	// Country is the ISO 3166-1 alpha-2 code.
	Country string `json:"country"`
	// Admin1Code is the GeoNames code of the oblast ("RU.09"); for a district, its oblast's.
	Admin1Code string `json:"admin1_code"`
	// Name is the English name ("Belgorod Oblast").
	Name string `json:"name"`
	// Names are every spelling, the English name first.
	Names []string `json:"names"`
}

//go:embed regions.tsv
var regionsTSV []byte

// defaultLexicon parses the embedded data once; the result is never modified.
var defaultLexicon = sync.OnceValue(func() *Lexicon {
	l, err := Parse(bytes.NewReader(regionsTSV))
	if err != nil {
		panic(fmt.Sprintf("admin: embedded regions.tsv: %v", err))
	}
	return l
})

// Default returns the lexicon of the embedded regions.tsv. It is shared and read-only.
func Default() *Lexicon { return defaultLexicon() }

// Lexicon finds administrative units by name. It is immutable and safe for concurrent use.
type Lexicon struct {
	regions []Region
	byKey   map[string][]entry
	// alone lists the keys of names that stand alone, for prefix matching of their case forms.
	alone []string
	// firsts holds the Key of the first word of every name of several words ("Nizhny Novgorod"), so that Find
	// tries longer windows only where one may start.
	firsts map[string]bool
}

type entry struct {
	region     int
	standalone bool
}

// Regions returns every unit of the lexicon.
func (l *Lexicon) Regions() []Region { return l.regions }

// Region returns the unit with id.
func (l *Lexicon) Region(id string) (Region, bool) {
	for _, r := range l.regions {
		if r.ID == id {
			return r, true
		}
	}
	return Region{}, false
}

// Parse reads a lexicon in the format of regions.tsv; errors name the line.
func Parse(r io.Reader) (*Lexicon, error) {
	l := &Lexicon{byKey: map[string][]entry{}, firsts: map[string]bool{}}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("line %d: want 5 tab-separated fields, got %d", line, len(f))
		}
		if f[1] != LevelOblast && f[1] != LevelDistrict {
			return nil, fmt.Errorf("line %d: level %q: want oblast or district", line, f[1])
		}
		reg := Region{ID: f[0], Level: f[1], Country: f[2], Admin1Code: f[3]}
		idx := len(l.regions)
		for _, n := range strings.Split(f[4], "|") {
			standalone := strings.HasPrefix(n, "~")
			n = strings.TrimPrefix(n, "~")
			if n == "" {
				return nil, fmt.Errorf("line %d: empty name", line)
			}
			if reg.Name == "" {
				reg.Name = n
			}
			reg.Names = append(reg.Names, n)
			if ws := strings.Fields(names.StripAdminWords(n)); len(ws) > 1 {
				for _, k := range names.Keys(ws[0]) {
					l.firsts[k] = true
				}
			}
			for _, k := range adminKeys(n) {
				l.add(k, entry{region: idx, standalone: standalone})
				if standalone && len(k) >= 5 {
					l.alone = append(l.alone, k)
				}
			}
		}
		l.regions = append(l.regions, reg)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *Lexicon) add(k string, e entry) {
	for i, x := range l.byKey[k] {
		if x.region == e.region {
			l.byKey[k][i].standalone = x.standalone || e.standalone
			return
		}
	}
	l.byKey[k] = append(l.byKey[k], e)
}

// adminKeys returns the admin keys of a unit name under every romanisation.
func adminKeys(name string) []string {
	stripped := names.StripAdminWords(name)
	if stripped == "" {
		return nil
	}
	var out []string
	for _, k := range names.Keys(stripped) {
		if ak := names.AdminKey(k); ak != "" && !contains(out, ak) {
			out = append(out, ak)
		}
	}
	return out
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// Lookup returns the units a name may denote ("Oryol Oblast", "Орловской области", "Orel"), best level first when
// the name carries an administrative word.
func (l *Lexicon) Lookup(name string) []Region {
	var out []Region
	for _, e := range l.lookupKey(names.AdminKey(name), true) {
		out = append(out, l.regions[e.region])
	}
	level := levelOfWords(name)
	if level != "" {
		sortLevel(out, level)
	}
	return out
}

// lookupKey returns the entries under k; with prefix set, a standalone name's key may also be a prefix of k (case
// forms of "Сумщина").
func (l *Lexicon) lookupKey(k string, prefix bool) []entry {
	if k == "" {
		return nil
	}
	if es := l.byKey[k]; len(es) > 0 {
		return es
	}
	if !prefix {
		return nil
	}
	for _, a := range l.alone {
		if len(k) > len(a) && len(k)-len(a) <= 3 && strings.HasPrefix(k, a) {
			var out []entry
			for _, e := range l.byKey[a] {
				if e.standalone {
					out = append(out, e)
				}
			}
			return out
		}
	}
	return nil
}

func sortLevel(rs []Region, level string) {
	j := 0
	for i := range rs {
		if rs[i].Level == level {
			rs[i], rs[j] = rs[j], rs[i]
			j++
		}
	}
}

// levelOfWords returns the level an administrative word in s implies, or "".
func levelOfWords(s string) string {
	for _, w := range strings.Fields(names.Normalize(s)) {
		if lv, ok := adminWordLevel(w); ok {
			return lv
		}
	}
	return ""
}

// Same reports whether a and b name the same unit: equal admin keys (or a stem of at least four letters that
// begins the other), or names the lexicon gives to one unit ("Oryol Oblast" and "Orel Oblast", "Kharkov" and
// "Kharkiv Oblast").
func (l *Lexicon) Same(a, b string) bool {
	ka, kb := names.AdminKey(a), names.AdminKey(b)
	if ka == "" || kb == "" {
		return false
	}
	if ka == kb {
		return true
	}
	if len(ka) > len(kb) {
		ka, kb = kb, ka
	}
	if len(ka) >= 4 && strings.HasPrefix(kb, ka) {
		return true
	}
	ea, eb := l.lookupKey(names.AdminKey(a), false), l.lookupKey(names.AdminKey(b), false)
	la, lb := levelOfWords(a), levelOfWords(b)
	for _, x := range ea {
		for _, y := range eb {
			if x.region != y.region {
				continue
			}
			lv := l.regions[x.region].Level
			if (la == "" || la == lv) && (lb == "" || lb == lv) {
				return true
			}
		}
	}
	return false
}

// adminWordLevel reports whether the normalised word w is an administrative word and the level it implies.
func adminWordLevel(w string) (string, bool) {
	if lv, ok := adminWordLevels[w]; ok {
		return lv, true
	}
	return "", false
}

// adminWordLevels maps administrative words (Normalize form) to the level they imply. "region" is taken for an
// oblast: reports write "Kursk region" for the oblast and name districts as districts. A governor governs an oblast,
// and a city's name before "incursion", "offensive", "direction" or "axis" names its oblast too ("the Kursk
// incursion", "Курское направление").
var adminWordLevels = func() map[string]string {
	m := map[string]string{}
	for _, w := range strings.Fields(`oblast oblasts oblasti region regions regional krai kray province provinces
		область области областей областях областью областям обл край края крае краю краем республика республики
		республике області областю областях областям governor governors губернатор губернатора
		incursion offensive operation direction axis front sector направление направлении направления операция
		операции наступление напрямок напрямку напрямки операція операції наступ`) {
		m[names.Normalize(w)] = LevelOblast
	}
	for _, w := range strings.Fields(`district districts raion raions rayon rayons okrug район района районе районом
		району районы районов районах районі районів районами округ округа округе округом`) {
		m[names.Normalize(w)] = LevelDistrict
	}
	return m
}()

// Mention is a unit named in a text.
type Mention struct {
	// Region is the unit, nil for a district the lexicon does not know ("Korenevsky district" of another oblast).
	Region *Region
	// Level is the unit's level (LevelOblast or LevelDistrict).
	Level string
	// Text is the words as written, the administrative word included.
	Text string
	// Start and End are the character (rune) offsets of Text in the input.
	Start, End int
}

// Name returns the unit's English name, or the text as written for an unknown unit.
func (m Mention) Name() string {
	if m.Region != nil {
		return m.Region.Name
	}
	return m.Text
}

// word is a token of running text with its character offsets.
type word struct {
	text       string // as written
	norm       string // names.Normalize
	start, end int    // rune offsets
	byteStart  int
	byteEnd    int
	gap        string // the text between this word and the next
}

// words splits s into words: runs of letters, digits, marks, apostrophes and inner hyphens.
func words(s string) []word {
	var out []word
	runeIdx := 0
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += size
			runeIdx++
			continue
		}
		w := word{start: runeIdx, byteStart: i}
		for i < len(s) {
			r, size = utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) || (isJoiner(r) && i+size < len(s) && nextIsLetter(s[i+size:]) && i > w.byteStart) {
				i += size
				runeIdx++
				continue
			}
			break
		}
		w.byteEnd, w.end = i, runeIdx
		// An English possessive: "Belgorod's governor" names Belgorod.
		for _, poss := range []string{"'s", "’s", "ʼs"} {
			if strings.HasSuffix(s[w.byteStart:w.byteEnd], poss) && w.byteEnd-len(poss) > w.byteStart {
				w.byteEnd -= len(poss)
				w.end -= utf8.RuneCountInString(poss)
				break
			}
		}
		w.text = s[w.byteStart:w.byteEnd]
		w.norm = names.Normalize(w.text)
		out = append(out, w)
	}
	for k := range out {
		end := len(s)
		if k+1 < len(out) {
			end = out[k+1].byteStart
		}
		out[k].gap = s[out[k].byteEnd:end]
	}
	return out
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// isJoiner reports whether r joins two letters into one word: hyphens and apostrophes.
func isJoiner(r rune) bool {
	switch r {
	case '-', '\'', '’', 'ʼ', '‐', '‑':
		return true
	}
	return false
}

func nextIsLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

func isCapitalized(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// breaks reports whether the gap between two words ends a phrase (sentence or clause punctuation).
func breaks(gap string) bool { return strings.ContainsAny(gap, ".;:!?()[]\n—") }

// incursionWords and intoWords introduce an oblast by its centre's name: "the incursion into Kursk".
var (
	incursionWords = map[string]bool{"incursion": true, "offensive": true, "operation": true, "invasion": true,
		"вторжение": true, "вторжения": true, "вторжении": true, "операция": true, "операции": true, "вторгнення": true,
		"операція": true, "операції": true, "наступ": true, "наступление": true, "наступления": true}
	intoWords = map[string]bool{"into": true, "in": true, "в": true, "во": true, "у": true, "на": true}
)

// coordinators join unit names before a plural administrative word ("Belgorod and Kursk regions").
var coordinators = map[string]bool{"and": true, "or": true, "и": true, "или": true, "і": true, "й": true,
	"та": true, "чи": true, "або": true}

// fillers may stand between a list of names and its administrative word ("Sumy and Kharkiv, two Ukrainian
// regions").
var fillers = map[string]bool{"two": true, "three": true, "both": true, "ukrainian": true, "russian": true,
	"border": true, "neighbouring": true, "neighboring": true, "the": true, "две": true, "двух": true, "дві": true,
	"двох": true, "приграничных": true, "приграничные": true, "прикордонних": true, "прикордонні": true,
	"российских": true, "украинских": true, "українських": true, "російських": true}

// Find returns the units named in text, in order, with character offsets.
func (l *Lexicon) Find(text string) []Mention {
	ws := words(text)
	var out []Mention
	for i := 0; i < len(ws); i++ {
		if !isCapitalized(ws[i].text) {
			continue
		}
		m, next, ok := l.matchAt(text, ws, i)
		if !ok {
			continue
		}
		out = append(out, m...)
		i = next - 1
	}
	return out
}

// nameAt finds the longest run of up to three words at i whose admin key the lexicon knows; it returns the
// entries and the index after the run.
func (l *Lexicon) nameAt(ws []word, i int) ([]entry, int) {
	for n := 3; n >= 1; n-- {
		if i+n > len(ws) || n > 1 && !l.firsts[names.Key(ws[i].text)] {
			continue
		}
		ok := true
		for k := i; k < i+n-1; k++ {
			if breaks(ws[k].gap) || strings.Contains(ws[k].gap, ",") {
				ok = false
			}
		}
		for k := i; k < i+n; k++ {
			if _, adm := adminWordLevel(ws[k].norm); adm || coordinators[ws[k].norm] || fillers[ws[k].norm] {
				ok = false
			}
		}
		if !ok {
			continue
		}
		var sb strings.Builder
		for k := i; k < i+n; k++ {
			if k > i {
				sb.WriteByte(' ')
			}
			sb.WriteString(ws[k].text)
		}
		if es := l.lookupKey(names.AdminKey(sb.String()), n == 1); len(es) > 0 {
			return es, i + n
		}
	}
	return nil, i
}

// matchAt reads the unit names that start at word i; it returns the mentions and the index of the first word
// after them.
func (l *Lexicon) matchAt(text string, ws []word, i int) ([]Mention, int, bool) {
	es, j := l.nameAt(ws, i)
	if len(es) == 0 {
		// An unknown district: a capitalised -sk- adjective and a district word.
		if j := i + 1; j < len(ws) && !breaks(ws[i].gap) && isAdjective(ws[i].norm) {
			if lv, ok := adminWordLevel(ws[j].norm); ok && lv == LevelDistrict {
				return []Mention{{Level: lv, Text: text[ws[i].byteStart:ws[j].byteEnd], Start: ws[i].start, End: ws[j].end}}, j + 1, true
			}
		}
		return nil, i, false
	}
	// Directly followed by an administrative word.
	if !breaks(ws[j-1].gap) && j < len(ws) {
		if lv, ok := adminWordLevel(ws[j].norm); ok {
			return []Mention{l.mention(text, ws, i, j+1, es, lv)}, j + 1, true
		}
	}
	// A list of names ending in a plural administrative word: "Belgorod and Kursk regions", "Sumy and Kharkiv, two
	// Ukrainian regions".
	type run struct {
		i, j int
		es   []entry
	}
	list := []run{{i, j, es}}
	k := j
	for k < len(ws) && !breaks(ws[k-1].gap) {
		switch {
		case coordinators[ws[k].norm] || fillers[ws[k].norm]:
			k++
			continue
		}
		if lv, ok := adminWordLevel(ws[k].norm); ok && len(list) > 1 {
			var out []Mention
			for _, r := range list {
				out = append(out, l.mention(text, ws, r.i, r.j, r.es, lv))
			}
			return out, k + 1, true
		}
		if isCapitalized(ws[k].text) {
			if es2, j2 := l.nameAt(ws, k); len(es2) > 0 {
				list = append(list, run{k, j2, es2})
				k = j2
				continue
			}
		}
		break
	}
	// After "incursion into", "offensive in", "вторжение в": an oblast named by its centre ("the incursion into
	// Kursk").
	if i >= 2 && intoWords[ws[i-1].norm] && incursionWords[ws[i-2].norm] && !breaks(ws[i-2].gap) && !breaks(ws[i-1].gap) {
		for _, e := range es {
			if l.regions[e.region].Level == LevelOblast {
				return []Mention{l.mention(text, ws, i, j, []entry{e}, LevelOblast)}, j, true
			}
		}
	}
	// A colloquial name that stands alone ("Сумщина").
	for _, e := range es {
		if e.standalone {
			return []Mention{l.mention(text, ws, i, j, []entry{e}, "")}, j, true
		}
	}
	return nil, i, false
}

func (l *Lexicon) mention(text string, ws []word, i, j int, es []entry, level string) Mention {
	pick := es[0]
	if level != "" {
		for _, e := range es {
			if l.regions[e.region].Level == level {
				pick = e
				break
			}
		}
	}
	r := &l.regions[pick.region]
	if level == "" {
		level = r.Level
	}
	if r.Level != level {
		// "Kursky district" read through the name of an oblast: an unknown unit of the asked level.
		return Mention{Level: level, Text: text[ws[i].byteStart:ws[j-1].byteEnd], Start: ws[i].start, End: ws[j-1].end}
	}
	return Mention{Region: r, Level: level, Text: text[ws[i].byteStart:ws[j-1].byteEnd], Start: ws[i].start, End: ws[j-1].end}
}

// isAdjective reports whether a normalised word looks like a Russian, Ukrainian or romanised -sk- adjective.
func isAdjective(w string) bool {
	for _, suf := range []string{"sky", "skiy", "skyi", "skyy", "skij", "ский", "ского", "ском", "ськ", "ський",
		"ського", "ському", "ськiй", "цкий", "цкого", "цький", "цького", "ckiy", "tsky", "tskyi"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}
