package report

import (
	"fmt"
	"strings"

	"github.com/tiled-maps/tiled/ledger"
)

// summarize writes a claim in tiled's own neutral words, from its fields only (never the report's sentence).
func summarize(c Claim, sources map[string]ledger.Source) string {
	who, says := "An unregistered source ("+c.SourceMention+")", "says"
	if c.Source != nil {
		if s, ok := sources[*c.Source]; ok {
			who = s.Name
			if strings.HasSuffix(s.Kind, "s") { // a group of speakers ("Telegram channels"): "Russian military bloggers say"
				says = "say"
			}
		}
	}
	side := map[ledger.Holder]string{ledger.HolderRU: "Russian", ledger.HolderUA: "Ukrainian"}[c.Holder]
	place := c.SettlementName
	var what string
	switch c.Degree {
	case ledger.DegreeFull:
		what = fmt.Sprintf("%s forces control %s", side, place)
	case ledger.DegreePartial:
		what = fmt.Sprintf("%s forces control part of %s", side, place)
	case ledger.DegreeAdvance:
		what = fmt.Sprintf("%s forces advanced in %s", side, place)
	case ledger.DegreePresence:
		what = fmt.Sprintf("%s forces are present in %s", side, place)
	case ledger.DegreeFighting:
		what = fmt.Sprintf("%s is contested, with fighting there", place)
	case ledger.DegreeInfiltration:
		what = fmt.Sprintf("%s groups infiltrated %s", side, place)
	case ledger.DegreeEncircled:
		what = fmt.Sprintf("%s forces at %s are encircled", side, place)
	case ledger.DegreeAttackRepelled:
		what = fmt.Sprintf("an attack on %s was repelled and %s forces hold it", place, side)
	default:
		what = fmt.Sprintf("the situation in %s is unclear", place)
	}
	d, err := ledger.ParseDate(c.ValidAt)
	if err != nil {
		return fmt.Sprintf("%s %s %s.", who, says, what)
	}
	return fmt.Sprintf("%s %s %s (as of %s).", who, says, what, formatDate(d, c.ValidPrecision))
}
