package ledger

import (
	"bytes"
	"fmt"
	"time"
)

// Date is a calendar date, with no time of day and no zone. The zero Date means "no date".
type Date struct {
	n int32 // days since 0001-01-01, plus one; 0 is the zero Date
}

// unixEpochDay is the day number (as in Date.n) of 1970-01-01.
const unixEpochDay = 719162 + 1

// DateFormat is the layout of a Date in text: YYYY-MM-DD.
const DateFormat = "2006-01-02"

// theatreZone is the clock Today reads: UTC+3, Moscow time and Kyiv summer time, the later of the two theatre
// clocks, so that nothing published "today" anywhere in the theatre counts as in the future.
var theatreZone = time.FixedZone("UTC+3", 3*60*60)

// MakeDate returns the date y-m-d; out-of-range months and days are normalised as time.Date does.
func MakeDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	return Date{n: int32(u/86400) + unixEpochDay}
}

// Today returns the date of now in the theatre (UTC+3): the latest date a publication may carry.
func Today(now time.Time) Date { return DateOf(now.In(theatreZone)) }

// ParseDate parses a date written YYYY-MM-DD, from 0001-01-01 on (year 0000 has no Date: 0000-12-31 would be the
// zero Date, "no date").
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateFormat, s)
	if err != nil || len(s) != len(DateFormat) || t.Year() < 1 {
		return Date{}, fmt.Errorf("%w: date %q: want YYYY-MM-DD", ErrInvalid, s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d.n == 0 }

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time {
	return time.Unix(int64(d.n-unixEpochDay)*86400, 0).UTC()
}

// String returns d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format(DateFormat)
}

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return Date{n: d.n + int32(n)} }

// Sub returns the number of days from e to d (positive when d is later).
func (d Date) Sub(e Date) int { return int(d.n - e.n) }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.n < e.n }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.n > e.n }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.n < e.n:
		return -1
	case d.n > e.n:
		return 1
	}
	return 0
}

// MarshalText writes d as YYYY-MM-DD (empty for the zero Date).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON writes d as a "YYYY-MM-DD" string, or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads a "YYYY-MM-DD" string or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*d = Date{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("%w: date %s: want a \"YYYY-MM-DD\" string", ErrInvalid, b)
	}
	return d.UnmarshalText(b[1 : len(b)-1])
}
