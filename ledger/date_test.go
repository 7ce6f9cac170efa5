package ledger_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/ledger"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"2025-03-20", "2025-03-20", false},
		{"2024-02-29", "2024-02-29", false},
		{"0001-01-01", "0001-01-01", false},
		{"1969-12-31", "1969-12-31", false},
		{"2025-02-29", "", true},
		{"2025-3-20", "", true},
		{"2025-03-20T00:00:00Z", "", true},
		{"20.03.2025", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ledger.ParseDate(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseDate(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ledger.ErrInvalid) {
				t.Errorf("ParseDate(%q) error = %v, want ErrInvalid", tt.in, err)
			}
			if got.String() != tt.want {
				t.Errorf("ParseDate(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDateArithmetic(t *testing.T) {
	a, b := ledger.MakeDate(2025, time.March, 1), ledger.MakeDate(2025, time.April, 1)
	if got := b.Sub(a); got != 31 {
		t.Errorf("Sub = %d, want 31", got)
	}
	if got := a.AddDays(31); got != b {
		t.Errorf("AddDays(31) = %s, want %s", got, b)
	}
	if !a.Before(b) || b.Before(a) || !b.After(a) || a.Compare(b) != -1 || a.Compare(a) != 0 {
		t.Error("ordering of 2025-03-01 and 2025-04-01 is wrong")
	}
	if !(ledger.Date{}).IsZero() || a.IsZero() {
		t.Error("IsZero is wrong")
	}
	if got := a.Time(); !got.Equal(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Time() = %v", got)
	}
}

func TestToday(t *testing.T) {
	tests := []struct {
		now  time.Time
		want string
	}{
		{time.Date(2025, 3, 20, 20, 59, 0, 0, time.UTC), "2025-03-20"},
		{time.Date(2025, 3, 20, 21, 0, 0, 0, time.UTC), "2025-03-21"}, // midnight in Moscow
	}
	for _, tt := range tests {
		if got := ledger.Today(tt.now).String(); got != tt.want {
			t.Errorf("Today(%v) = %s, want %s", tt.now, got, tt.want)
		}
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		A ledger.Date `json:"a"`
		B ledger.Date `json:"b,omitzero"`
		C ledger.Date `json:"c"`
	}
	b, err := json.Marshal(doc{A: ledger.MakeDate(2025, 3, 20)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"a":"2025-03-20","c":null}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	var back doc
	if err := json.Unmarshal(b, &back); err != nil || back.A != ledger.MakeDate(2025, 3, 20) || !back.C.IsZero() {
		t.Errorf("Unmarshal(%s) = %+v, %v", b, back, err)
	}
	if err := json.Unmarshal([]byte(`{"a":"20/03/2025"}`), &back); !errors.Is(err, ledger.ErrInvalid) {
		t.Errorf("Unmarshal of a bad date: error = %v, want ErrInvalid", err)
	}
}
