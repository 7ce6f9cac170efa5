package names

import (
	"fmt"
	"testing"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

func TestZZCherokee(t *testing.T) {
	for _, s := range []string{"ꭵ", "Ꭵ", "ᏸ", "Ᏸ"} {
		f := cases.Fold().String(s)
		fmt.Printf("%q %U -> nfkc %U fold %U\n", s, []rune(s), []rune(norm.NFKC.String(s)), []rune(f))
	}
}
