package report

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/tiled-maps/tiled/names"
)

//go:embed lexicon/*.tsv
var lexiconFS embed.FS

// phrase is one lexicon entry: a sequence of word patterns with what it means.
type phrase struct {
	kind  string   // the class, side, cue kind, date kind or source id
	value string   // the flag of a source alias, the number of a date word
	words []string // normalised words; "x*" a prefix, "~" a gap of up to three words
	text  string   // the phrase as written in the file
}

// matcher finds lexicon phrases in tokens, longest first.
type matcher struct {
	exact  map[string][]*phrase // by first word
	prefix map[string][]*phrase // by the first two runes of a first-word prefix
}

func newMatcher() *matcher {
	return &matcher{exact: map[string][]*phrase{}, prefix: map[string][]*phrase{}}
}

func (m *matcher) add(p *phrase) {
	if len(p.words) == 0 {
		return
	}
	first := p.words[0]
	if strings.HasSuffix(first, "*") {
		k := firstRunes(strings.TrimSuffix(first, "*"), 2)
		m.prefix[k] = append(m.prefix[k], p)
		return
	}
	m.exact[first] = append(m.exact[first], p)
}

func firstRunes(s string, n int) string {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// wordMatches reports whether pattern matches the normalised word w.
func wordMatches(pattern, w string) bool {
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(w, p)
	}
	return pattern == w
}

// match returns the longest phrase matching toks from i (not beyond limit) and the index after it.
func (m *matcher) match(toks []token, i, limit int) (*phrase, int) {
	var best *phrase
	bestEnd := i
	try := func(ps []*phrase) {
		for _, p := range ps {
			if end, ok := matchWords(p.words, toks, i, limit); ok && (end > bestEnd || end == bestEnd && best != nil && len(p.words) > len(best.words)) {
				best, bestEnd = p, end
			}
		}
	}
	w := toks[i].norm
	try(m.exact[w])
	try(m.prefix[firstRunes(w, 2)])
	return best, bestEnd
}

// matchWords matches pattern words against toks from i; "~" skips zero to three words.
func matchWords(ws []string, toks []token, i, limit int) (int, bool) {
	if len(ws) == 0 {
		return i, true
	}
	if ws[0] == "~" {
		for skip := 0; skip <= 3 && i+skip <= limit; skip++ {
			if end, ok := matchWords(ws[1:], toks, i+skip, limit); ok {
				return end, true
			}
		}
		return 0, false
	}
	if i >= limit || !wordMatches(ws[0], toks[i].norm) {
		return 0, false
	}
	if len(ws) > 1 && ws[1] != "~" && i+1 < limit && breaksPhrase(toks[i].gap) {
		return 0, false
	}
	return matchWords(ws[1:], toks, i+1, limit)
}

// breaksPhrase reports whether punctuation between two words keeps a phrase from spanning them.
func breaksPhrase(gap string) bool { return strings.ContainsAny(gap, ".,;:!?()[]\n—–\"«»“”") }

// normWord normalises one word of a lexicon phrase or of the text.
func normWord(w string) string {
	star := strings.HasSuffix(w, "*")
	w = strings.TrimSuffix(w, "*")
	n := names.Normalize(w)
	if star {
		n += "*"
	}
	return n
}

func parsePhrase(text string) []string {
	var out []string
	for _, w := range strings.Fields(text) {
		if w == "~" {
			out = append(out, w)
			continue
		}
		if n := normWord(w); n != "" && n != "*" {
			out = append(out, n)
		}
	}
	return out
}

// lexicon holds the embedded word lists, parsed once; it is never modified after.
type lexicon struct {
	control, sides, sources, cues, dates *matcher
	// cueWords holds single-word cues by kind for quick tests.
	cueWords map[string]map[string]bool
}

var defaultLexicon = sync.OnceValues(loadLexicon)

func loadLexicon() (*lexicon, error) {
	lx := &lexicon{control: newMatcher(), sides: newMatcher(), sources: newMatcher(), cues: newMatcher(),
		dates: newMatcher(), cueWords: map[string]map[string]bool{}}
	files := []struct {
		name  string
		cols  int
		into  *matcher
		onRow func(p *phrase)
	}{
		{"control.tsv", 2, lx.control, nil},
		{"sides.tsv", 2, lx.sides, nil},
		{"sources.tsv", 3, lx.sources, nil},
		{"cues.tsv", 2, lx.cues, func(p *phrase) {
			if len(p.words) == 1 {
				if lx.cueWords[p.kind] == nil {
					lx.cueWords[p.kind] = map[string]bool{}
				}
				lx.cueWords[p.kind][p.words[0]] = true
			}
		}},
		{"dates.tsv", 3, lx.dates, nil},
	}
	for _, f := range files {
		b, err := lexiconFS.ReadFile("lexicon/" + f.name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		line := 0
		for sc.Scan() {
			line++
			t := sc.Text()
			if strings.TrimSpace(t) == "" || strings.HasPrefix(t, "#") {
				continue
			}
			cols := strings.Split(t, "\t")
			if len(cols) != f.cols {
				return nil, fmt.Errorf("report: lexicon/%s line %d: want %d tab-separated fields, got %d", f.name, line, f.cols, len(cols))
			}
			p := &phrase{kind: cols[0], text: cols[len(cols)-1]}
			if f.cols == 3 {
				p.value = cols[1]
			}
			if f.name == "dates.tsv" {
				if _, err := strconv.Atoi(p.value); err != nil {
					return nil, fmt.Errorf("report: lexicon/%s line %d: %q is not a number", f.name, line, p.value)
				}
			}
			p.words = parsePhrase(p.text)
			if len(p.words) == 0 {
				return nil, fmt.Errorf("report: lexicon/%s line %d: empty phrase", f.name, line)
			}
			f.into.add(p)
			if f.onRow != nil {
				f.onRow(p)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	return lx, nil
}

// isCue reports whether the normalised word w is a one-word cue of kind.
func (lx *lexicon) isCue(kind, w string) bool { return lx.cueWords[kind][w] }
