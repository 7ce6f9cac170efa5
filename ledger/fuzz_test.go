package ledger_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/ledger"
)

// FuzzReadClaims: any input either reads into claims whose every field parsed, and which WriteClaims writes in a
// form ReadClaims reads back unchanged, or fails with a *FieldError naming the file and a line; never a panic.
func FuzzReadClaims(f *testing.F) {
	f.Add(claimsHeader +
		`486816,ru-mod,ru,full,2025-03-13,day,2025-03-13,TASS; Kyiv Independent,,official statement,"Said, with a comma, it retook Sudzha.",,,` + "\n" +
		"ru-bel-demidovka,isw,Contested,attack repelled,2025-03-28,WEEK,2025-03-31,,https://example.org/a,Analyst_Assessment,Assessed.,2,1,\n" +
		"ru-bel-demidovka,isw,,,2025-04-01,,2025-04-01,,,map-update,Withdrawn.,,,2\n")
	f.Add("id,settlement,source,holder,degree,valid_at,published_at,evidence,summary\n7,a,b,ua,full,2025-01-01,2025-01-02,map-update,\"x\"\"y\"\n")
	f.Add("\ufeffsettlement,source,holder,degree,valid_at,published_at,evidence,summary\n")
	f.Add("settlement,source\n\"unterminated\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		var got []ledger.Claim
		err := ledger.ReadClaims(strings.NewReader(in), "c.csv", func(line int, c ledger.Claim) error {
			if line < 2 {
				t.Errorf("ReadClaims(%q) gave a claim on line %d, want a line after the header", in, line)
			}
			checkParsed(t, in, c)
			got = append(got, c)
			return nil
		})
		if err != nil {
			var fe *ledger.FieldError
			if !errors.As(err, &fe) || fe.File != "c.csv" || fe.Line < 1 || !errors.Is(err, ledger.ErrInvalid) {
				t.Fatalf("ReadClaims(%q) error = %v (%T), want a *FieldError naming c.csv and a line", in, err, err)
			}
			return
		}
		var b bytes.Buffer
		if err := ledger.WriteClaims(&b, got); err != nil {
			t.Fatalf("WriteClaims(%+v) = %v", got, err)
		}
		var back []ledger.Claim
		if err := ledger.ReadClaims(&b, "back.csv", func(_ int, c ledger.Claim) error {
			back = append(back, c)
			return nil
		}); err != nil {
			t.Fatalf("ReadClaims(WriteClaims(ReadClaims(%q))) = %v", in, err)
		}
		if !reflect.DeepEqual(back, got) {
			t.Fatalf("ReadClaims(WriteClaims(ReadClaims(%q))) = %+v, want %+v", in, back, got)
		}
	})
}

// checkParsed fails t unless every enumerated field of c holds a valid value and its dates are set.
func checkParsed(t *testing.T, in string, c ledger.Claim) {
	t.Helper()
	switch {
	case !c.Holder.Valid(), c.Degree != "" && !c.Degree.Valid(), !c.ValidPrecision.Valid(), !c.Evidence.Valid(),
		!c.Credibility.Valid(), c.ValidAt.IsZero(), c.PublishedAt.IsZero(), c.ID < 0, c.Supersedes < 0, c.Retracts < 0:
		t.Errorf("ReadClaims(%q) accepted a claim with a bad field: %+v", in, c)
	}
}

// FuzzParseDate: a date ParseDate accepts is a real, non-zero date that String writes back exactly as it was read.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-03-20", "2024-02-29", "0001-01-01", "9999-12-31", "2025-02-30", "2025-3-1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ledger.ParseDate(s)
		if err != nil {
			if !errors.Is(err, ledger.ErrInvalid) {
				t.Fatalf("ParseDate(%q) error = %v, want one matching ErrInvalid", s, err)
			}
			return
		}
		if d.IsZero() || d.String() != s {
			t.Fatalf("ParseDate(%q) = %q (zero: %v), want %q", s, d.String(), d.IsZero(), s)
		}
	})
}
