package report

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/ledger"
)

// MaxTextBytes bounds the text of one report: a long assessment is some 50 KB; this leaves room for pasted pages.
const MaxTextBytes = 512 << 10

// Errors for bad input. Every one wraps ErrInvalid except ErrTooLarge, which callers map to "payload too large".
var (
	// ErrInvalid wraps every problem with a report's text or options.
	ErrInvalid = errors.New("report: invalid report")
	// ErrTooLarge is returned for a text over MaxTextBytes.
	ErrTooLarge = errors.New("report: text too large")
)

// Languages the parser reads.
const (
	LangEN = "en"
	LangRU = "ru"
	LangUK = "uk"
)

// Kinds of a place mention.
const (
	KindSettlement = "settlement"
	KindRegion     = "region"
)

// PlaceFinder is what the parser needs of the gazetteer.
type PlaceFinder interface {
	// PlacesByKeys returns the places that have a name indexed under any of keys.
	PlacesByKeys(ctx context.Context, keys []string) ([]gazetteer.KeyMatch, error)
}

// Options describe the report being parsed.
type Options struct {
	// Published is the report's date; when zero it is read from the report's first lines ("Published 20 March
	// 2025", "23 марта 2025"), else today.
	Published ledger.Date
	// Outlet names the outlet that published the report ("Kyiv Independent", "ISW"). When it is a registered
	// source, statements the report makes in its own voice are that source's claims.
	Outlet string
	// Language is en, ru or uk; "" detects it from the text.
	Language string
}

// Parser reads reports. Build one per registry state with New; it is safe for concurrent use.
type Parser struct {
	places  PlaceFinder
	sources map[string]ledger.Source
	lx      *lexicon
	srcs    *matcher // the lexicon's source aliases plus the registry's names and ids
	now     func() time.Time
}

// New returns a parser resolving places through places and sources through the registry sources, their names and
// ids, the built-in aliases of lexicon/sources.tsv and the registry's own aliases. now is the clock for reports
// without a date (nil: time.Now).
func New(places PlaceFinder, sources []ledger.Source, now func() time.Time, aliases ...Alias) (*Parser, error) {
	lx, err := defaultLexicon()
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	p := &Parser{places: places, sources: map[string]ledger.Source{}, lx: lx, now: now, srcs: newMatcher()}
	for _, ps := range lx.sources.exact {
		for _, ph := range ps {
			p.srcs.add(ph)
		}
	}
	for _, ps := range lx.sources.prefix {
		for _, ph := range ps {
			p.srcs.add(ph)
		}
	}
	for _, s := range sources {
		p.sources[s.ID] = s
		for _, alias := range []string{s.Name, s.ID} {
			if ws := parsePhrase(alias); len(ws) > 0 && (alias != s.ID || len(alias) > 3) {
				p.srcs.add(&phrase{kind: s.ID, value: "-", words: ws, text: alias})
			}
		}
	}
	for _, a := range aliases {
		if _, ok := p.sources[a.Source]; !ok {
			continue
		}
		if ws := parsePhrase(a.Alias); len(ws) > 0 {
			p.srcs.add(&phrase{kind: a.Source, value: "-", words: ws, text: a.Alias})
		}
	}
	return p, nil
}

// BuiltinAliases returns the built-in aliases of a source id (lexicon/sources.tsv), as written there.
func BuiltinAliases(sourceID string) ([]string, error) {
	lx, err := defaultLexicon()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range []map[string][]*phrase{lx.sources.exact, lx.sources.prefix} {
		for _, ps := range m {
			for _, ph := range ps {
				if ph.kind == sourceID {
					out = append(out, ph.text)
				}
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// Result is what a report says: its places and the claims proposed from it.
type Result struct {
	// Published is the report's date, YYYY-MM-DD.
	Published string `json:"published"`
	// Language is en, ru or uk.
	Language string `json:"language"`
	// Places are the mentions of settlements and regions, in text order.
	Places []Place `json:"places"`
	// Claims are the proposed claims, in text order.
	Claims []Claim `json:"claims"`
}

// Place is one mention of a settlement or an administrative unit.
type Place struct {
	// Mention is the text as written.
	Mention string `json:"mention"`
	// Start and End are character offsets of Mention in the report.
	Start int `json:"start"`
	End   int `json:"end"`
	// ID is the gazetteer id (for a region, the admin lexicon's id); nil when unresolved or ambiguous.
	ID *string `json:"id"`
	// Name is the English name of the place, or the mention when unresolved.
	Name string `json:"name"`
	// Lat and Lon locate a resolved settlement; nil otherwise.
	Lat *float64 `json:"lat"`
	Lon *float64 `json:"lon"`
	// Ambiguous is true when the report does not decide between namesakes; Alternatives lists them.
	Ambiguous    bool     `json:"ambiguous"`
	Alternatives []string `json:"alternatives"`
	// Kind is settlement or region.
	Kind string `json:"kind"`
	// Note explains an unresolved or ambiguous mention.
	Note string `json:"note,omitempty"`
}

// Claim is a proposed claim: a source says a side holds or fights for a settlement.
type Claim struct {
	// Settlement is the gazetteer id.
	Settlement string `json:"settlement"`
	// SettlementName is its English name.
	SettlementName string `json:"settlement_name"`
	// Source is the registry id; nil when the attribution matches no registered source (SourceMention says who).
	Source *string `json:"source"`
	// SourceMention is the words that name the source.
	SourceMention string `json:"source_mention"`
	// Holder is ru, ua, contested or unknown.
	Holder ledger.Holder `json:"holder"`
	// Degree is a ledger degree.
	Degree ledger.Degree `json:"degree"`
	// ValidAt is the date the claim describes, with its precision.
	ValidAt        string           `json:"valid_at"`
	ValidPrecision ledger.Precision `json:"valid_precision"`
	// PublishedAt is the report's date.
	PublishedAt string `json:"published_at"`
	// RelayedBy is the outlet.
	RelayedBy string `json:"relayed_by"`
	// Evidence is a ledger evidence kind, "" when the report does not say.
	Evidence ledger.Evidence `json:"evidence"`
	// Summary says the claim in tiled's own words.
	Summary string `json:"summary"`
	// Confidence is how sure the parser is, 0 to 1.
	Confidence float64 `json:"confidence"`
	// Start and End are the character offsets of the sentence the claim came from.
	Start int `json:"start"`
	End   int `json:"end"`
}

// CheckText returns an error for text that is not a report: empty, too large, not UTF-8, or binary.
func CheckText(text string) error {
	switch {
	case len(text) > MaxTextBytes:
		return fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(text), MaxTextBytes)
	case !utf8.ValidString(text):
		return fmt.Errorf("%w: text is not valid UTF-8", ErrInvalid)
	case strings.TrimSpace(text) == "":
		return fmt.Errorf("%w: text is empty", ErrInvalid)
	}
	ctrl, letters := 0, 0
	for _, r := range text {
		switch {
		case r == 0:
			return fmt.Errorf("%w: text holds NUL bytes (binary data?)", ErrInvalid)
		case unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t':
			ctrl++
		case unicode.IsLetter(r):
			letters++
		}
	}
	if ctrl > 0 && ctrl*20 > letters {
		return fmt.Errorf("%w: text holds control characters (binary data?)", ErrInvalid)
	}
	if letters == 0 {
		return fmt.Errorf("%w: text has no letters", ErrInvalid)
	}
	return nil
}

// CheckLanguage returns an error unless lang is "", en, ru or uk.
func CheckLanguage(lang string) error {
	switch lang {
	case "", LangEN, LangRU, LangUK:
		return nil
	}
	return fmt.Errorf("%w: language %q: want en, ru or uk", ErrInvalid, lang)
}

// DetectLanguage guesses en, ru or uk from the letters of text.
func DetectLanguage(text string) string {
	var cyr, lat, uk, ru int
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
			switch unicode.ToLower(r) {
			case 'і', 'ї', 'є', 'ґ':
				uk++
			case 'ы', 'э', 'ё', 'ъ':
				ru++
			}
		case unicode.Is(unicode.Latin, r):
			lat++
		}
	}
	switch {
	case cyr <= lat:
		return LangEN
	case uk > ru:
		return LangUK
	}
	return LangRU
}
