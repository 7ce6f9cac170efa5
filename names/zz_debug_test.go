package names

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestZZDebug(t *testing.T) {
	in := os.Getenv("NAMES_DEBUG")
	if in == "" {
		t.Skip()
	}
	for _, a := range strings.Split(in, "|") {
		fmt.Printf("%q\n  N=%q\n  R=%q\n  K=%q\n  Ks=%q\n  Q=%q\n  A=%q\n", a, Normalize(a), Romanize(a), Key(a), Keys(a), QueryKeys(a), AdminKey(a))
	}
}
