package report

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tiled-maps/tiled/names"
)

// token is a word of the report.
type token struct {
	text       string // as written (an English possessive "'s" cut off)
	norm       string // names.Normalize(text)
	start, end int    // character (rune) offsets in the report
	bstart     int    // byte offsets
	bend       int
	gap        string // the text between this word and the next
	cap        bool   // starts with an upper-case letter
	upper      bool   // every letter is upper case (an acronym: "ISW", "ВСУ")
	sent       int    // sentence index
	sentStart  bool   // first word of its sentence
	para       int    // paragraph (line block) index
}

// tokenize splits text into words: runs of letters, digits and marks joined by inner hyphens and apostrophes.
func tokenize(text string) []token {
	var out []token
	runeIdx, i := 0, 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			runeIdx++
			continue
		}
		t := token{start: runeIdx, bstart: i}
		for i < len(text) {
			r, size = utf8.DecodeRuneInString(text[i:])
			if isWordRune(r) || isJoiner(r) && i > t.bstart && joins(text[t.bstart:i], text[i+size:]) {
				i += size
				runeIdx++
				continue
			}
			break
		}
		t.bend, t.end = i, runeIdx
		t.text = text[t.bstart:t.bend]
		// An English possessive belongs to the word before it: "Russia's" reads as "Russia".
		for _, poss := range []string{"'s", "’s", "ʼs"} {
			if s, ok := strings.CutSuffix(t.text, poss); ok && s != "" && isLatin(s) {
				t.text = s
				t.bend -= len(poss)
				t.end -= utf8.RuneCountInString(poss)
				break
			}
		}
		t.norm = names.Normalize(t.text)
		first, _ := utf8.DecodeRuneInString(t.text)
		t.cap = unicode.IsUpper(first)
		t.upper = t.cap && strings.ToUpper(t.text) == t.text && utf8.RuneCountInString(t.text) > 1
		out = append(out, t)
	}
	for k := range out {
		end := len(text)
		if k+1 < len(out) {
			end = out[k+1].bstart
		}
		out[k].gap = text[out[k].bend:end]
	}
	markSentences(out)
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

func isJoiner(r rune) bool {
	switch r {
	case '-', '\'', '’', 'ʼ', '‐', '‑':
		return true
	}
	return false
}

// joins reports whether a hyphen or apostrophe between before and after joins two words into one: only between
// letters ("Gora-Podol", "Russia's"), not between digits ("18-19").
func joins(before, after string) bool {
	a, _ := utf8.DecodeLastRuneInString(before)
	b, _ := utf8.DecodeRuneInString(after)
	return unicode.IsLetter(a) && unicode.IsLetter(b)
}

func isLatin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}

// markSentences sets the sentence and paragraph of every token. A sentence ends at a line break, or at ". ! ?"
// followed by a capitalised word or a digit, unless the word before is an initial or a short abbreviation.
func markSentences(toks []token) {
	sent, para := 0, 0
	for k := range toks {
		toks[k].sent, toks[k].para = sent, para
		toks[k].sentStart = k == 0 || toks[k-1].sent != sent
		if k+1 == len(toks) {
			break
		}
		gap := toks[k].gap
		switch {
		case strings.Contains(gap, "\n"):
			sent++
			if strings.Count(gap, "\n") >= 2 || strings.Contains(gap, "\n") {
				para++
			}
		case strings.TrimSpace(gap) == "." && gap == "." && isDigit(toks[k].text) && isDigit(toks[k+1].text):
			// 18.03.2025, 3.5 km: not a sentence end
		case strings.ContainsAny(gap, ".!?…") && (toks[k+1].cap || isDigit(toks[k+1].text) || strings.ContainsAny(gap, "!?")):
			if strings.Contains(gap, ".") && !strings.ContainsAny(gap, "!?") && isAbbreviation(toks[k]) {
				continue
			}
			sent++
		}
	}
}

func isDigit(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsDigit(r)
}

// isAbbreviation reports whether a word followed by a full stop is an initial ("V.") or a short abbreviation
// ("St.", "Gen.", "с.", "пос.") rather than the end of a sentence.
func isAbbreviation(t token) bool {
	n := utf8.RuneCountInString(t.text)
	if n == 1 && !isDigit(t.text) { // "V." is an initial; "on April 2." ends a sentence
		return true
	}
	switch t.norm {
	case "st", "gen", "col", "lt", "mr", "mrs", "ms", "dr", "pos", "пос", "обл", "г", "с", "смт", "пгт", "ст", "им", "vs", "no",
		"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "gov", "sgt", "capt", "maj":
		return true
	}
	return false
}
