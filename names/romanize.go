package names

import (
	"unicode"
	"unicode/utf8"
)

// system identifies a romanisation system.
type system uint8

const (
	sysBGN       system = iota // BGN/PCGN 1947 for Russian (і ї є ґ read as i yi ye g)
	sysUK                      // Ukrainian national system, KMU resolution 55 of 2010
	sysISO                     // ISO 9:1995, folded to ASCII
	sysScholarly               // scholarly (Czech-style) transliteration, folded to ASCII
	sysGerman                  // German press/Duden-style transcription
	sysBGNYo                   // BGN/PCGN with ё written yo (common English press spelling)
)

// Romanization tables for а..я (U+0430..U+044F); context-dependent letters are
// overridden in translit.
var (
	//                  а    б    в    г    д    е    ж     з    и    й    к    л    м    н    о    п    р    с    т    у    ф    х     ц     ч     ш     щ       ъ  ы    ь  э    ю     я
	bgnTab       = [32]string{"a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"}
	ukTab        = [32]string{"a", "b", "v", "h", "d", "e", "zh", "z", "y", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "iu", "ia"}
	isoTab       = [32]string{"a", "b", "v", "g", "d", "e", "z", "z", "i", "j", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "h", "c", "c", "s", "s", "", "y", "", "e", "u", "a"}
	scholarlyTab = [32]string{"a", "b", "v", "g", "d", "e", "z", "z", "i", "j", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "x", "c", "c", "s", "sc", "", "y", "", "e", "ju", "ja"}
	germanTab    = [32]string{"a", "b", "w", "g", "d", "e", "sch", "s", "i", "j", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "ch", "z", "tsch", "sch", "schtsch", "", "y", "", "e", "ju", "ja"}
)

func tableFor(sys system) *[32]string {
	switch sys {
	case sysUK:
		return &ukTab
	case sysISO:
		return &isoTab
	case sysScholarly:
		return &scholarlyTab
	case sysGerman:
		return &germanTab
	default:
		return &bgnTab
	}
}

// Romanize returns the Latin romanisations of a Cyrillic name under each
// standard, each passed through [Normalize] (lower case, no apostrophes, no
// diacritics), deduplicated, in a stable order:
//
//   - for Russian or script-neutral Cyrillic: BGN/PCGN Russian, the Ukrainian
//     national system (only if the name has none of the Russian-only letters
//     ё ы э ъ), ISO 9 folded to ASCII, the scholarly transliteration (х→x,
//     я→ja) folded to ASCII, a German-style transcription (в→w, ж→sch, ч→tsch),
//     and, if the name has ё, BGN with ё written "yo";
//   - for a name with a Ukrainian-only letter (і ї є ґ): the Ukrainian national
//     system first, then BGN/PCGN Russian (reading і ї є ґ as i yi ye g), ISO 9,
//     scholarly and German.
//
// The first element is the form that [Key] uses. Latin letters and other
// characters of a mixed name pass through unchanged. A name without Cyrillic
// letters is returned as []string{Normalize(s)}; a name that normalises to
// the empty string gives nil.
func Romanize(s string) []string {
	p := normalize(s, true)
	if p == "" {
		return nil
	}
	if !hasCyrillic(p) {
		n := normalize(s, false)
		if n == "" {
			return nil
		}
		return []string{n}
	}
	systems, n := systemsFor(p, false)
	out := make([]string, 0, n)
	var buf []byte
	for _, sys := range systems[:n] {
		buf = translit(buf[:0], p, sys)
		f := normalize(string(buf), false)
		if f == "" || contains(out, f) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// systemsFor lists the romanisation systems that apply to the prepared
// Cyrillic string p, primary first. With short set, only the systems used for
// case-ending candidates in QueryKeys (primary, BGN, Ukrainian national).
func systemsFor(p string, short bool) ([6]system, int) {
	uk, ru, yo := scriptHints(p)
	var sys [6]system
	n := 0
	add := func(s system) { sys[n] = s; n++ }
	if uk && !ru {
		add(sysUK)
		add(sysBGN)
	} else {
		add(sysBGN)
		if !ru || uk {
			add(sysUK)
		}
	}
	if short {
		return sys, n
	}
	add(sysISO)
	add(sysScholarly)
	add(sysGerman)
	if yo {
		add(sysBGNYo)
	}
	return sys, n
}

// primarySystem is the system whose form Key uses.
func primarySystem(p string) system {
	uk, ru, _ := scriptHints(p)
	if uk && !ru {
		return sysUK
	}
	return sysBGN
}

// scriptHints reports whether p has a Ukrainian-only letter (і ї є ґ), a
// Russian-only letter (ё ы э ъ), and ё.
func scriptHints(p string) (uk, ru, yo bool) {
	for _, r := range p {
		switch r {
		case 'і', 'ї', 'є', 'ґ':
			uk = true
		case 'ы', 'э', 'ъ':
			ru = true
		case 'ё':
			ru, yo = true, true
		}
	}
	return uk, ru, yo
}

func hasCyrillic(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < utf8.RuneSelf {
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= 0x400 && r <= 0x52F {
			return true
		}
		i += size - 1
	}
	return false
}

// isCyrVowel reports whether r is a Cyrillic vowel letter (lower case).
func isCyrVowel(r rune) bool {
	switch r {
	case 'а', 'е', 'ё', 'и', 'о', 'у', 'ы', 'э', 'ю', 'я', 'і', 'ї', 'є':
		return true
	}
	return false
}

// isCyrLetter reports whether r is one of the lower-case letters the tables
// cover.
func isCyrLetter(r rune) bool {
	return r >= 'а' && r <= 'я' || r == 'ё' || r == 'є' || r == 'і' || r == 'ї' || r == 'ґ'
}

// translit appends the romanisation of the prepared (lower-case, signs kept)
// string p under sys to dst. Letters outside the tables pass through.
func translit(dst []byte, p string, sys system) []byte {
	tab := tableFor(sys)
	prev := rune(0)
	for i, r := range p {
		if !isCyrLetter(r) && r != '\'' {
			dst = utf8.AppendRune(dst, r)
			prev = r
			continue
		}
		initial := !isWordRune(prev)
		// "soft" position: where BGN writes е as ye (word start, after a
		// vowel, й, ь, ъ or an apostrophe).
		soft := initial || isCyrVowel(prev) || prev == 'й' || prev == 'ь' || prev == 'ъ' || prev == '\''
		var out string
		switch r {
		case '\'':
			out = ""
		case 'ё':
			switch sys {
			case sysBGN:
				out = pick(soft, "ye", "e")
			case sysBGNYo:
				out = pick(soft || !isHushing(prev), "yo", "o")
			case sysGerman:
				out = pick(soft || !isHushing(prev), "jo", "o")
			case sysUK:
				out = pick(initial, "yo", "io")
			default: // ISO ë, scholarly ë, folded
				out = "e"
			}
		case 'є':
			switch sys {
			case sysUK:
				out = pick(initial, "ye", "ie")
			case sysBGN, sysBGNYo:
				out = "ye"
			case sysISO:
				out = "e"
			default:
				out = "je"
			}
		case 'і':
			out = "i"
		case 'ї':
			switch sys {
			case sysUK:
				out = pick(initial, "yi", "i")
			case sysBGN, sysBGNYo:
				out = "yi"
			case sysISO:
				out = "i"
			default:
				out = "ji"
			}
		case 'ґ':
			out = "g"
		default:
			out = tab[r-'а']
			switch sys {
			case sysBGN, sysBGNYo:
				if r == 'е' && soft {
					out = "ye"
				}
			case sysUK:
				switch r {
				case 'г':
					if prev == 'з' {
						out = "gh"
					}
				case 'й':
					out = pick(initial, "y", "i")
				case 'ю':
					out = pick(initial, "yu", "iu")
				case 'я':
					out = pick(initial, "ya", "ia")
				}
			case sysGerman:
				switch r {
				case 'е':
					if soft {
						out = "je"
					}
				case 'й':
					out = pick(isCyrVowel(nextRune(p, i+len("й"))), "j", "i")
				case 'с':
					if isCyrVowel(prev) && isCyrVowel(nextRune(p, i+len("с"))) {
						out = "ss"
					}
				}
			}
		}
		dst = append(dst, out...)
		prev = r
	}
	return dst
}

// isWordRune reports whether r continues a word (a letter or an apostrophe);
// a Cyrillic letter after anything else is word-initial.
func isWordRune(r rune) bool {
	switch {
	case r == 0 || r == ' ':
		return false
	case r == '\'' || isCyrLetter(r) || 'a' <= r && r <= 'z':
		return true
	case r < utf8.RuneSelf:
		return false
	}
	return unicode.IsLetter(r)
}

// nextRune returns the rune of p at byte offset j, or 0 at the end.
func nextRune(p string, j int) rune {
	if j >= len(p) {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(p[j:])
	return r
}

func isHushing(r rune) bool { return r == 'ж' || r == 'ч' || r == 'ш' || r == 'щ' }

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
