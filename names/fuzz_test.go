package names

import (
	"testing"
	"unicode/utf8"
)

// FuzzRomanize: every romanisation is a non-empty, distinct, valid UTF-8 string already in normal form, and the
// first is the form Key folds: Key(s) == Key(Romanize(s)[0]).
func FuzzRomanize(f *testing.F) {
	for _, s := range idempotenceInputs {
		f.Add(s)
	}
	for _, s := range []string{"Прилесье", "Гоптаровка", "Попівка", "Ёлкино", "Щигры", "Подъёмный", "Їжаківка", "Ґрунь",
		"Sudzha", "Суджа-2", "в Поповке", "Мала Ґоптарівка"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rs := Romanize(s)
		seen := map[string]bool{}
		for i, r := range rs {
			switch {
			case r == "":
				t.Fatalf("Romanize(%q)[%d] is empty: %q", s, i, rs)
			case !utf8.ValidString(r):
				t.Fatalf("Romanize(%q)[%d] = %q is not valid UTF-8", s, i, r)
			case seen[r]:
				t.Fatalf("Romanize(%q) = %q repeats %q", s, rs, r)
			case Normalize(r) != r:
				t.Fatalf("Normalize(Romanize(%q)[%d]) = %q, want %q", s, i, Normalize(r), r)
			}
			seen[r] = true
		}
		if len(rs) > 0 {
			if k, k0 := Key(s), Key(rs[0]); k != k0 {
				t.Fatalf("Key(%q) = %q, want Key(Romanize(%q)[0] = %q) = %q", s, k, s, rs[0], k0)
			}
		}
	})
}
