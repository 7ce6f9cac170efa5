package names

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Normalize folds s to a canonical comparison form in its own script: Unicode
// NFKC, full case folding, diacritics removed (Latin é→e, ž→z, ë→e, and the
// stroke letters đ ł ø ħ ı → d l o h i; Cyrillic ё→е, while й, ї, і and є are
// kept), every apostrophe-like mark (U+0027 ', U+2019 ’, U+02BC ʼ, U+2032 ′,
// U+02B9 ʹ, U+0060 `, U+00B4 ´, and also ‘ ‛ ʻ ʽ ʺ ″ ” “ ") and the Cyrillic
// soft sign ь and hard sign ъ removed, hyphens, dashes, underscores, dots,
// commas and all other punctuation turned into a space, format characters
// (soft hyphen, zero-width space, ...) removed, control characters treated as
// white space, runs of white space collapsed to one ASCII space, and the result
// trimmed. Invalid UTF-8 is replaced by U+FFFD, so the result is always valid
// UTF-8.
//
// Normalize(Normalize(s)) == Normalize(s) for every string.
func Normalize(s string) string {
	return normalize(s, false)
}

// fastLimit bounds the runes handled by the per-rune tables: for strings made
// only of runes below it (Latin, Greek, Cyrillic, Armenian), with no combining
// marks, the full pipeline maps rune by rune, so a table lookup gives the same
// result much faster. TestFastPathMatchesSlowPath checks that claim.
const fastLimit = 0x530

// foldTables holds the per-rune mappings of the fast path.
type foldTables struct {
	// strip maps a rune to its Normalize form (before white space is
	// collapsed); "" means the rune is removed.
	strip [fastLimit]string
	// keep is the same mapping for the internal "keep signs" form: ь, ъ and
	// ё are kept and every apostrophe-like mark becomes U+0027.
	keep [fastLimit]string
	// slow marks runes below fastLimit (combining marks) that depend on their
	// neighbours and so need the full pipeline.
	slow [fastLimit]bool
}

// tables is built once at package initialisation and only read afterwards.
// It is a variable initialiser (not an init function) so that other package
// variables built with normalize are initialised after it.
var tables = buildFoldTables()

func buildFoldTables() *foldTables {
	t := new(foldTables)
	for r := rune(0); r < fastLimit; r++ {
		if isCombining(r) {
			t.slow[r] = true
			continue
		}
		t.strip[r] = mapSlow(string(r), false)
		t.keep[r] = mapSlow(string(r), true)
	}
	return t
}

func isCombining(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc)
}

// normalize is Normalize (keep == false) or the internal "prepared" form used
// by the romanisations (keep == true), which keeps ь, ъ, ё and apostrophes
// (as U+0027) because the romanisation rules depend on them.
func normalize(s string, keep bool) string {
	tbl := &tables.strip
	if keep {
		tbl = &tables.keep
	}
	var buf []byte
	var small [64]byte
	if len(s) <= len(small) {
		buf = small[:0]
	} else {
		buf = make([]byte, 0, len(s))
	}
	pending := false // a space is owed before the next non-space byte
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if r >= fastLimit || tables.slow[r] {
			return collapseSpaces(mapSlow(s, keep))
		}
		i += size
		m := tbl[r]
		for j := 0; j < len(m); j++ {
			c := m[j]
			if c == ' ' {
				pending = len(buf) > 0
				continue
			}
			if pending {
				buf = append(buf, ' ')
				pending = false
			}
			buf = append(buf, c)
		}
	}
	if string(buf) == s {
		return s
	}
	return string(buf)
}

// collapseSpaces collapses runs of U+0020 and trims them; mapSlow has already
// turned every other white space into U+0020.
func collapseSpaces(s string) string {
	if !strings.Contains(s, "  ") && !strings.HasPrefix(s, " ") && !strings.HasSuffix(s, " ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			pending = b.Len() > 0
			continue
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		b.WriteByte(c)
	}
	return b.String()
}

// mapSlow is the full normalisation pipeline except for the collapsing of
// white space: apostrophes, NFKC, full case folding, NFD, removal of
// non-spacing marks (keeping й, ї and, when keep is set, ё), the character
// mappings of Normalize, and NFC.
func mapSlow(s string, keep bool) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	// Apostrophes go first: NFKC turns U+00B4 ´ and U+1FFD into a space plus a
	// combining accent, which would split the word.
	s = strings.Map(func(r rune) rune {
		if isApostrophe(r) {
			if keep {
				return '\''
			}
			return -1
		}
		return r
	}, s)
	s = norm.NFKC.String(s)
	s = cases.Fold().String(s)
	s = norm.NFD.String(s)

	out := make([]rune, 0, len(s))
	// base is the base rune of the current segment if it was emitted
	// unchanged, at out[baseAt]; spacing marks (Mc) may follow it, since
	// canonical ordering puts marks of low combining class (such as a virama)
	// before the diaeresis or breve.
	base, baseAt := rune(-1), 0
	for _, r := range s {
		if unicode.In(r, unicode.Mn, unicode.Me) {
			switch {
			case base == 'и' && r == 0x0306: // й
				out[baseAt] = 'й'
				base = -1
			case base == 'і' && r == 0x0308: // ї
				out[baseAt] = 'ї'
				base = -1
			case base == 'е' && r == 0x0308 && keep: // ё
				out[baseAt] = 'ё'
				base = -1
			}
			continue
		}
		if unicode.Is(unicode.Mc, r) {
			out = append(out, r)
			continue
		}
		base = -1
		switch {
		case isApostrophe(r):
			if keep {
				out = append(out, '\'')
			}
		case r == 'ь' || r == 'ъ':
			if keep {
				out = append(out, r)
			}
		case r == 'ё':
			// Only reachable if NFD left it composed, which it does not; kept
			// for clarity.
			if keep {
				out = append(out, r)
			} else {
				out = append(out, 'е')
			}
		case r == ' ' || unicode.IsSpace(r) || unicode.Is(unicode.Cc, r):
			out = append(out, ' ')
		case unicode.Is(unicode.Cf, r):
			// soft hyphen, zero-width space, BOM, bidi controls: dropped
		case unicode.IsPunct(r):
			out = append(out, ' ')
		case r >= 0xAB70 && r <= 0xABBF:
			// Cherokee small letters fold to the capitals (CaseFolding.txt);
			// x/text/cases folds the capitals to small letters and back, so
			// the fold is fixed here to stay idempotent.
			out = append(out, r-0xAB70+0x13A0)
		case r >= 0x13F8 && r <= 0x13FD:
			out = append(out, r-8)
		default:
			if m, ok := latinExtra[r]; ok {
				out = append(out, []rune(m)...)
				continue
			}
			out = append(out, r)
			base, baseAt = r, len(out)-1
		}
	}
	res := string(out)
	for _, r := range res {
		if r >= fastLimit {
			// Hangul jamo and spacing marks of other scripts recompose.
			return norm.NFC.String(res)
		}
	}
	return res
}

// latinExtra folds Latin letters whose diacritic is not a combining mark
// under NFD (strokes, ligatures, special forms).
var latinExtra = map[rune]string{
	'đ': "d", 'ð': "d", 'ł': "l", 'ŀ': "l", 'ø': "o", 'ħ': "h", 'ı': "i",
	'ŧ': "t", 'ƀ': "b", 'ɨ': "i", 'ʉ': "u", 'ƶ': "z", 'ȥ': "z", 'æ': "ae",
	'œ': "oe", 'þ': "th", 'ŋ': "n", 'ɫ': "l", 'ɍ': "r", 'ɇ': "e", 'ȼ': "c",
}

// isApostrophe reports whether r is an apostrophe-like mark (including the
// prime and quote characters that romanisations use for ь and ъ).
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '`', '"',
		0x00B4, // ´ acute accent
		0x02B9, // ʹ modifier prime (ISO 9 ь)
		0x02BA, // ʺ modifier double prime (ISO 9 ъ)
		0x02BB, // ʻ
		0x02BC, // ʼ modifier apostrophe (BGN ь)
		0x02BD, // ʽ
		0x02EE, // ˮ
		0x2018, // ‘
		0x2019, // ’
		0x201B, // ‛
		0x201C, // “
		0x201D, // ” (BGN ъ)
		0x2032, // ′ prime
		0x2033, // ″ double prime
		0xFF07, // ＇
		0xFF02: // ＂
		return true
	}
	return false
}
