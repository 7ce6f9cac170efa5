package ledger

import "testing"

// TestCodesRoundTrip: every enum value survives the index's compact codes, and no two share one.
func TestCodesRoundTrip(t *testing.T) {
	check := func(name string, n int, ok func(i int) bool) {
		t.Helper()
		for i := range n {
			if !ok(i) {
				t.Errorf("%s value %d does not round-trip", name, i)
			}
		}
	}
	check("holder", len(Holders()), func(i int) bool { v := Holders()[i]; return holderOf(holderCode(v)) == v && holderCode(v) != 0 })
	check("degree", len(Degrees()), func(i int) bool { v := Degrees()[i]; return degreeOf(degreeCode(v)) == v && degreeCode(v) != 0 })
	check("precision", len(Precisions()), func(i int) bool {
		v := Precisions()[i]
		return precisionOf(precisionCode(v)) == v && precisionCode(v) != 0
	})
	check("evidence", len(Evidences()), func(i int) bool {
		v := Evidences()[i]
		return evidenceOf(evidenceCode(v)) == v && evidenceCode(v) != 0
	})
	if degreeCode("") != 0 || degreeOf(0) != "" {
		t.Error("the empty degree does not map to code 0")
	}
}
