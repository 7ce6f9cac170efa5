package names

import (
	"unicode"
	"unicode/utf8"
)

// Key returns the loose "skeleton" key of one name. A Cyrillic name is first
// romanised with the first form of [Romanize] (BGN/PCGN Russian, or the
// Ukrainian national system when the name has a Ukrainian-only letter); a
// Latin name is [Normalize]d. The Latin text is then folded so that the
// spellings of the different romanisation systems meet:
//
//   - everything but letters and digits is dropped (spaces, hyphens,
//     apostrophes, symbols), and runs of a doubled letter become one letter;
//   - consonant clusters: schtsch, shch, szcz, sch, sc (šč), sh, sz → s; zh → z;
//     dsch, dzh, dj → dz; tsch, tch, ch, cz, ts, tz → c; kh → h; gh → g;
//     x → ks (English Alexeyevka = Alekseyevka); w → v;
//   - glides: a run of y, i, j right before a, e, o or u is dropped
//     (ya/ia/ja → a, ye/ie/je → e, yu/iu/ju → u, yo/io/jo → o), and the
//     remaining runs of two or more (iy, yi, yy, ij, ...) and a lone j become
//     y, as does a lone i after a vowel (oi/oj/oy → oy);
//   - diacritics are already gone (ë → e, ž → z, č → c, š → s).
//
// The folding is repeated until it no longer changes anything, so
// Key(Key(s)) == Key(s). The key is lower-case ASCII for Latin and Cyrillic
// names (letters of other scripts pass through). Keys are many-to-one on
// purpose: ж and з, ш, щ and с, ч and ц, ye and e all meet, so a match is a
// candidate to rank, not an identity. Key of a name with no letters or digits
// is "".
func Key(s string) string {
	p := normalize(s, true)
	if p == "" {
		return ""
	}
	var w keyWork
	if hasCyrillic(p) {
		w.tr = translit(w.tr[:0], p, primarySystem(p))
		return string(w.keyOfTranslit())
	}
	return skeletonFix(normalize(p, false))
}

// Keys returns every match key a stored name should be indexed under: [Key] of
// the name first, then the Key of each other romanisation from [Romanize]
// (for Cyrillic input the BGN/PCGN, Ukrainian national, ISO 9, scholarly and
// German forms), deduplicated, without empty keys. A Latin name has one key.
func Keys(s string) []string {
	var acc keyAcc
	acc.addAll(normalize(s, true), false)
	return acc.keys
}

// keyWork holds scratch buffers for computing keys.
type keyWork struct {
	tr, a, b []byte
}

// keyOfTranslit returns the key of the romanised text in w.tr. The result
// aliases w's buffers and is valid until the next use of w.
func (w *keyWork) keyOfTranslit() []byte {
	if !isASCII(string(w.tr)) {
		return []byte(skeletonFix(normalize(string(w.tr), false)))
	}
	w.a = filterASCII(w.a[:0], w.tr)
	w.a, w.b = foldToFixpoint(w.a, w.b)
	return w.a
}

// keyAcc accumulates distinct non-empty keys in order.
type keyAcc struct {
	keys []string
	seen map[string]struct{}
	w    keyWork
}

// has reports whether k was already added; it does not allocate.
func (a *keyAcc) has(k []byte) bool {
	if a.seen != nil {
		_, ok := a.seen[string(k)]
		return ok
	}
	for _, x := range a.keys {
		if x == string(k) {
			return true
		}
	}
	return false
}

func (a *keyAcc) add(k []byte) {
	if len(k) == 0 || a.has(k) {
		return
	}
	ks := string(k)
	a.keys = append(a.keys, ks)
	if a.seen != nil {
		a.seen[ks] = struct{}{}
	} else if len(a.keys) >= 16 {
		a.seen = make(map[string]struct{}, 64)
		for _, x := range a.keys {
			a.seen[x] = struct{}{}
		}
	}
}

// addAll adds the keys of the prepared string p: every romanisation, or with
// short set only the primary, BGN and Ukrainian national forms.
func (a *keyAcc) addAll(p string, short bool) {
	if p == "" {
		return
	}
	if !hasCyrillic(p) {
		a.add([]byte(skeletonFix(normalize(p, false))))
		return
	}
	systems, n := systemsFor(p, short)
	for _, sys := range systems[:n] {
		a.w.tr = translit(a.w.tr[:0], p, sys)
		a.add(a.w.keyOfTranslit())
	}
}

// skeletonFix returns the key of normalised Latin text x: the skeleton
// folding is applied until it is stable, re-normalising non-ASCII results in
// between, so that the result r satisfies skeleton(normalize(r)) == r.
func skeletonFix(x string) string {
	y := skeleton(x)
	for range 16 {
		if isASCII(y) {
			return y // skeleton's folding already reached its fixpoint
		}
		z := skeleton(normalize(y, false))
		if z == y {
			return y
		}
		y = z
	}
	return y
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// skeleton keeps the letters and digits of normalised text and folds them to
// the fixpoint of the Key rules.
func skeleton(x string) string {
	var sa, sb [64]byte
	a, b := sa[:0], sb[:0]
	for i := 0; i < len(x); {
		c := x[i]
		if c < utf8.RuneSelf {
			i++
			if isAlnum(c) {
				a = append(a, lowerASCII(c))
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(x[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			a = append(a, x[i:i+size]...)
		}
		i += size
	}
	a, _ = foldToFixpoint(a, b)
	if string(a) == x {
		return x
	}
	return string(a)
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z'
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// filterASCII appends the letters and digits of ASCII text src to dst, in
// lower case.
func filterASCII(dst, src []byte) []byte {
	for _, c := range src {
		if isAlnum(c) {
			dst = append(dst, lowerASCII(c))
		}
	}
	return dst
}

// foldToFixpoint applies the Key rules (double letters, clusters, glides) to
// a until none changes it; tmp is scratch. It returns the result and the
// scratch buffer (either may have been reallocated).
func foldToFixpoint(a, tmp []byte) ([]byte, []byte) {
	a, _ = collapseDoubles(a)
	for range 32 {
		var c1, c2, c3 bool
		tmp, c1 = foldClusters(tmp[:0], a)
		a, tmp = tmp, a
		a, c2 = foldGlides(a)
		a, c3 = collapseDoubles(a)
		if !c1 && !c2 && !c3 {
			break
		}
	}
	return a, tmp
}

// collapseDoubles replaces runs of one repeated rune by a single rune, in
// place, and reports whether it changed anything.
func collapseDoubles(b []byte) ([]byte, bool) {
	out := b[:0]
	changed := false
	last, lastSize := -1, 0 // start and size of the last rune written to out
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if lastSize == 1 && out[last] == c {
				changed = true
			} else {
				last, lastSize = len(out), 1
				out = append(out, c)
			}
			i++
			continue
		}
		_, size := utf8.DecodeRune(b[i:])
		if size == lastSize && string(out[last:last+lastSize]) == string(b[i:i+size]) {
			changed = true
		} else {
			last, lastSize = len(out), size
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out, changed
}

// clusterRules are tried longest first at every position.
type clusterRule struct{ from, to string }

var clusterRules = []clusterRule{
	{"schtsch", "s"},
	{"shch", "s"},
	{"szcz", "s"},
	{"dsch", "dz"},
	{"tsch", "c"},
	{"sch", "s"},
	{"tch", "c"},
	{"sc", "s"},
	{"zh", "z"},
	{"sh", "s"},
	{"sz", "s"},
	{"cz", "c"},
	{"ch", "c"},
	{"kh", "h"},
	{"gh", "g"},
	{"ts", "c"},
	{"tz", "c"},
	{"dj", "dz"},
	{"x", "ks"},
	{"w", "v"},
}

// clusterByFirst indexes clusterRules by their first byte.
var clusterByFirst = func() (t [256][]clusterRule) {
	for _, r := range clusterRules {
		t[r.from[0]] = append(t[r.from[0]], r)
	}
	return t
}()

// foldClusters appends b with the cluster rules applied to dst and reports
// whether a rule applied.
func foldClusters(dst, b []byte) ([]byte, bool) {
	changed := false
	for i := 0; i < len(b); {
		c := b[i]
		matched := false
		for _, r := range clusterByFirst[c] {
			if len(b)-i >= len(r.from) && string(b[i:i+len(r.from)]) == r.from {
				dst = append(dst, r.to...)
				i += len(r.from)
				matched, changed = true, true
				break
			}
		}
		if !matched {
			dst = append(dst, c)
			i++
		}
	}
	return dst, changed
}

func isGlide(c byte) bool { return c == 'y' || c == 'i' || c == 'j' }

func isKeyVowel(c byte) bool { return c == 'a' || c == 'e' || c == 'o' || c == 'u' }

// foldGlides applies the glide rules in place and reports whether it changed
// anything.
func foldGlides(b []byte) ([]byte, bool) {
	out := b[:0] // the output never outgrows the input
	changed := false
	for i := 0; i < len(b); {
		c := b[i]
		if !isGlide(c) {
			out = append(out, c)
			i++
			continue
		}
		j := i
		for j < len(b) && isGlide(b[j]) {
			j++
		}
		switch {
		case j < len(b) && isKeyVowel(b[j]):
			// glide before a vowel: dropped
			changed = true
		case j-i >= 2 || c == 'j':
			out = append(out, 'y')
			changed = true
		case c == 'i' && len(out) > 0 && isKeyVowel(out[len(out)-1]):
			out = append(out, 'y')
			changed = true
		default:
			out = append(out, c)
		}
		i = j
	}
	return out, changed
}
