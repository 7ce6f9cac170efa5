package report

import (
	"fmt"
	"time"

	"github.com/tiled-maps/tiled/ledger"
)

func monthOf(n int) time.Month { return time.Month(n) }

// resolveDate turns a date mention into a date and precision, relative to the report's date pub; prev is the date
// last mentioned ("the same day"). ok is false when it cannot be placed.
func resolveDate(dm dateMention, pub, prev ledger.Date, prevPrec ledger.Precision) (ledger.Date, ledger.Precision, bool) {
	pt := pub.Time()
	switch dm.kind {
	case "day":
		y := dm.year
		if y == 0 {
			y = pt.Year()
			if dm.last {
				y--
			} else if ledger.MakeDate(y, monthOf(dm.month), dm.day).After(pub) {
				y--
			}
		}
		return ledger.MakeDate(y, monthOf(dm.month), dm.day), ledger.PrecisionDay, true
	case "monthyear", "inmonth":
		y := dm.year
		if y == 0 {
			y = pt.Year()
			switch {
			case dm.last && dm.month >= int(pt.Month()):
				y--
			case !dm.last && dm.month > int(pt.Month()):
				y--
			}
		}
		return ledger.MakeDate(y, monthOf(dm.month), 1), ledger.PrecisionMonth, true
	case "weekday":
		// The last such weekday on or before the report's date ("said on Monday" in Monday's report is that day).
		wd := int(pt.Weekday())
		if wd == 0 {
			wd = 7
		}
		back := (wd - dm.n + 7) % 7
		return pub.AddDays(-back), ledger.PrecisionDay, true
	case "rel":
		return pub.AddDays(dm.n), ledger.PrecisionDay, true
	case "week":
		return pub.AddDays(7 * dm.n), ledger.PrecisionWeek, true
	case "same":
		if prev.IsZero() {
			return pub, ledger.PrecisionDay, true
		}
		return prev, prevPrec, true
	}
	return ledger.Date{}, "", false
}

// formatDate writes a date for a summary: "18 March 2025", "the week of 10 March 2025", "March 2025".
func formatDate(d ledger.Date, p ledger.Precision) string {
	t := d.Time()
	switch p {
	case ledger.PrecisionMonth:
		return fmt.Sprintf("%s %d", t.Month(), t.Year())
	case ledger.PrecisionWeek:
		return fmt.Sprintf("the week of %d %s %d", t.Day(), t.Month(), t.Year())
	}
	return fmt.Sprintf("%d %s %d", t.Day(), t.Month(), t.Year())
}
