package ledger_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/ledger"
)

const claimsHeader = "settlement,source,holder,degree,valid_at,valid_precision,published_at,relayed_by,relay_url,evidence,summary,credibility,supersedes,retracts\n"

func TestReadClaims(t *testing.T) {
	in := claimsHeader +
		`486816,ru-mod,ru,full,2025-03-13,day,2025-03-13,TASS; Kyiv Independent,,official statement,"Said, with a comma, it retook Sudzha.",,,` + "\n" +
		"ru-bel-demidovka,isw,Contested,attack repelled,2025-03-28,WEEK,2025-03-31,,https://example.org/a,Analyst_Assessment,Assessed.,2,1,\n" +
		"ru-bel-demidovka,isw,,,2025-04-01,,2025-04-01,,,map-update,Withdrawn.,,,2\n"
	var got []ledger.Claim
	var lines []int
	err := ledger.ReadClaims(strings.NewReader(in), "c.csv", func(line int, c ledger.Claim) error {
		got = append(got, c)
		lines = append(lines, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || lines[0] != 2 || lines[2] != 4 {
		t.Fatalf("ReadClaims read %d claims on lines %v, want 3 on 2..4", len(got), lines)
	}
	c := got[0]
	if c.SettlementID != "486816" || c.Evidence != ledger.EvidenceOfficialStatement || c.Credibility != ledger.CredibilityUnknown ||
		c.Summary != "Said, with a comma, it retook Sudzha." || c.RelayedBy != "TASS; Kyiv Independent" || c.ValidPrecision != ledger.PrecisionDay {
		t.Errorf("row 2 = %+v", c)
	}
	c = got[1]
	if c.Holder != ledger.HolderContested || c.Degree != ledger.DegreeAttackRepelled || c.ValidPrecision != ledger.PrecisionWeek ||
		c.Evidence != ledger.EvidenceAnalystAssessment || c.Credibility != 2 || c.Supersedes != 1 || c.RelayURL != "https://example.org/a" {
		t.Errorf("row 3 = %+v", c)
	}
	c = got[2]
	if c.Retracts != 2 || c.Holder != ledger.HolderUnknown || c.Degree != "" || c.ValidPrecision != ledger.PrecisionDay {
		t.Errorf("row 4 (retraction) = %+v", c)
	}
}

func TestReadClaimsErrors(t *testing.T) {
	const good = "486816,ru-mod,ru,full,2025-03-13,day,2025-03-13,TASS,,official-statement,Retook Sudzha.,,,\n"
	tests := []struct {
		name  string
		in    string
		field string
		line  int
	}{
		{"unknown column", "settlement,source,holder,degree,valid_at,published_at,evidence,summary,colour\n", "header", 1},
		{"missing column", "settlement,source,holder,valid_at,published_at,evidence,summary\n", "header", 1},
		{"empty file", "", "header", 1},
		{"bad holder", claimsHeader + good + "486816,ru-mod,russia,full,2025-03-13,day,2025-03-13,,,official-statement,x,,,\n", "holder", 3},
		{"missing holder", claimsHeader + "486816,ru-mod,,full,2025-03-13,day,2025-03-13,,,official-statement,x,,,\n", "holder", 2},
		{"bad degree", claimsHeader + "486816,ru-mod,ru,captured,2025-03-13,day,2025-03-13,,,official-statement,x,,,\n", "degree", 2},
		{"malformed valid_at", claimsHeader + "486816,ru-mod,ru,full,13.03.2025,day,2025-03-13,,,official-statement,x,,,\n", "valid_at", 2},
		{"impossible published_at", claimsHeader + "486816,ru-mod,ru,full,2025-03-13,day,2025-02-30,,,official-statement,x,,,\n", "published_at", 2},
		{"bad precision", claimsHeader + "486816,ru-mod,ru,full,2025-03-13,year,2025-03-13,,,official-statement,x,,,\n", "valid_precision", 2},
		{"bad evidence", claimsHeader + "486816,ru-mod,ru,full,2025-03-13,day,2025-03-13,,,rumour,x,,,\n", "evidence", 2},
		{"bad credibility", claimsHeader + "486816,ru-mod,ru,full,2025-03-13,day,2025-03-13,,,official-statement,x,7,,\n", "credibility", 2},
		{"bad supersedes", claimsHeader + "486816,ru-mod,ru,full,2025-03-13,day,2025-03-13,,,official-statement,x,,abc,\n", "supersedes", 2},
		{"ragged row", claimsHeader + "486816,ru-mod,ru\n", "record", 2},
		{"quoted newline keeps line numbers", claimsHeader + "486816,ru-mod,ru,full,2025-03-13,day,2025-03-13,,,official-statement,\"two\nlines\",,,\n" +
			"486816,ru-mod,ru,bad,2025-03-13,day,2025-03-13,,,official-statement,x,,,\n", "degree", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ledger.ReadClaims(strings.NewReader(tt.in), "c.csv", func(int, ledger.Claim) error { return nil })
			var fe *ledger.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("ReadClaims error = %v, want a *FieldError", err)
			}
			if fe.File != "c.csv" || fe.Line != tt.line || fe.Field != tt.field {
				t.Errorf("ReadClaims error at %s:%d field %s, want c.csv:%d field %s (%v)", fe.File, fe.Line, fe.Field, tt.line, tt.field, err)
			}
			if !errors.Is(err, ledger.ErrInvalid) {
				t.Errorf("ReadClaims error = %v, want ErrInvalid", err)
			}
			if !strings.HasPrefix(err.Error(), "c.csv:") {
				t.Errorf("ReadClaims error = %q, want it to start with the file and line", err)
			}
		})
	}
}

func TestReadClaimsCallbackError(t *testing.T) {
	boom := errors.New("boom")
	err := ledger.ReadClaims(strings.NewReader(claimsHeader+
		"486816,ru-mod,ru,full,2025-03-13,day,2025-03-13,,,official-statement,x,,,\n"), "c.csv",
		func(int, ledger.Claim) error { return boom })
	if !errors.Is(err, boom) || err.Error() != "c.csv:2: boom" {
		t.Errorf("ReadClaims error = %v, want c.csv:2: boom", err)
	}
}

func TestWriteClaimsRoundTrip(t *testing.T) {
	var in []ledger.Claim
	err := ledger.ReadClaims(strings.NewReader(claimsHeader+
		`486816,ru-mod,ru,full,2025-03-13,week,2025-03-14,"A, B",https://example.org/x,official-statement,"Quoted ""word"".",3,,`+"\n"),
		"c.csv", func(_ int, c ledger.Claim) error { in = append(in, c); return nil })
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ledger.WriteClaims(&buf, in); err != nil {
		t.Fatal(err)
	}
	var out []ledger.Claim
	if err := ledger.ReadClaims(&buf, "out.csv", func(_ int, c ledger.Claim) error { out = append(out, c); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0] != in[0] {
		t.Errorf("round trip = %+v, want %+v", out, in)
	}
}

func TestReadSources(t *testing.T) {
	in := "id,name,kind,alignment,url,notes\n" +
		"isw,Institute for the Study of War,analyst organisation,independent,https://www.understandingwar.org/,US think tank\n" +
		"romanov,Vladimir Romanov,war correspondent,RU,,\n"
	var got []ledger.Source
	if err := ledger.ReadSources(strings.NewReader(in), "s.csv", func(_ int, s ledger.Source) error {
		got = append(got, s)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].Alignment != ledger.AlignmentRU || got[0].Reliability != ledger.ReliabilityF {
		t.Errorf("ReadSources = %+v", got)
	}
	tests := []struct {
		name, row, field string
	}{
		{"bad alignment", "x,X,official,neutral,,", "alignment"},
		{"bad id", "Bad Id,X,official,ru,,", "id"},
		{"no name", "x,,official,ru,,", "name"},
		{"bad url", "x,X,official,ru,mil.ru,", "url"},
		{"id consensus", "consensus,X,official,ru,,", "id"},
		{"name consensus", "x, Consensus,official,ru,,", "name"},
		{"long id", strings.Repeat("a", ledger.MaxID+1) + ",X,official,ru,,", "id"},
		{"long name", "x," + strings.Repeat("я", ledger.MaxName+1) + ",official,ru,,", "name"},
		{"long kind", "x,X," + strings.Repeat("k", ledger.MaxName+1) + ",ru,,", "kind"},
		{"long url", "x,X,official,ru,https://mil.ru/" + strings.Repeat("a", ledger.MaxURL) + ",", "url"},
		{"long notes", "x,X,official,ru,," + strings.Repeat("n", ledger.MaxNotes+1), "notes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ledger.ReadSources(strings.NewReader("id,name,kind,alignment,url,notes\n"+tt.row+"\n"), "s.csv",
				func(int, ledger.Source) error { return nil })
			var fe *ledger.FieldError
			if !errors.As(err, &fe) || fe.Line != 2 || fe.Field != tt.field {
				t.Errorf("ReadSources(%q) error = %v, want s.csv:2 field %s", tt.row, err, tt.field)
			}
		})
	}
}

func TestClaimValidate(t *testing.T) {
	valid := func() ledger.Claim {
		return ledger.Claim{SettlementID: "486816", SourceID: "ru-mod", Holder: ledger.HolderRU, Degree: ledger.DegreeFull,
			ValidAt: ledger.MakeDate(2025, 3, 13), ValidPrecision: ledger.PrecisionDay, PublishedAt: ledger.MakeDate(2025, 3, 13),
			Evidence: ledger.EvidenceOfficialStatement, Summary: "Retook Sudzha.", Credibility: 6}
	}
	today := ledger.MakeDate(2025, 4, 1)
	tests := []struct {
		name   string
		mutate func(*ledger.Claim)
		field  string
	}{
		{"valid", func(*ledger.Claim) {}, ""},
		{"published today", func(c *ledger.Claim) { c.PublishedAt = today }, ""},
		{"published in the future", func(c *ledger.Claim) { c.PublishedAt = today.AddDays(1) }, "published_at"},
		{"valid after published", func(c *ledger.Claim) { c.ValidAt = c.PublishedAt.AddDays(1) }, "valid_at"},
		{"no degree", func(c *ledger.Claim) { c.Degree = "" }, "degree"},
		{"no degree, unknown holder", func(c *ledger.Claim) { c.Degree, c.Holder = "", ledger.HolderUnknown }, ""},
		{"no degree, retraction", func(c *ledger.Claim) { c.Degree, c.Retracts = "", 4 }, ""},
		{"supersedes and retracts", func(c *ledger.Claim) { c.Supersedes, c.Retracts = 3, 4 }, "retracts"},
		{"corrects itself", func(c *ledger.Claim) { c.ID, c.Supersedes = 3, 3 }, "supersedes"},
		{"no summary", func(c *ledger.Claim) { c.Summary = "" }, "summary"},
		{"long summary", func(c *ledger.Claim) { c.Summary = strings.Repeat("ж", ledger.MaxSummary+1) }, "summary"},
		{"credibility 0", func(c *ledger.Claim) { c.Credibility = 0 }, "credibility"},
		{"relative relay url", func(c *ledger.Claim) { c.RelayURL = "/news/1" }, "relay_url"},
		{"no settlement", func(c *ledger.Claim) { c.SettlementID = "" }, "settlement"},
		{"bad holder", func(c *ledger.Claim) { c.Holder = "RU" }, "holder"},
		{"valid 1900-01-01", func(c *ledger.Claim) { c.ValidAt = ledger.MakeDate(1900, 1, 1) }, ""},
		{"valid before 1900", func(c *ledger.Claim) { c.ValidAt = ledger.MakeDate(1899, 12, 31) }, "valid_at"},
		{"valid in year 0024", func(c *ledger.Claim) { c.ValidAt = ledger.MakeDate(24, 9, 1) }, "valid_at"},
		{"published before 1900", func(c *ledger.Claim) {
			c.ValidAt, c.PublishedAt = ledger.MakeDate(1024, 1, 1), ledger.MakeDate(1024, 1, 2)
		}, "valid_at"},
		{"long settlement id", func(c *ledger.Claim) { c.SettlementID = strings.Repeat("1", ledger.MaxID+1) }, "settlement"},
		{"long source id", func(c *ledger.Claim) { c.SourceID = strings.Repeat("a", ledger.MaxID+1) }, "source"},
		{"long relayed_by", func(c *ledger.Claim) { c.RelayedBy = strings.Repeat("T", ledger.MaxNotes+1) }, "relayed_by"},
		{"long relay url", func(c *ledger.Claim) { c.RelayURL = "https://t.me/" + strings.Repeat("a", ledger.MaxURL) }, "relay_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.mutate(&c)
			err := c.Validate(today)
			var fe *ledger.FieldError
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.field != "" && (!errors.As(err, &fe) || fe.Field != tt.field):
				t.Errorf("Validate() = %v, want an error in field %s", err, tt.field)
			}
		})
	}
}

func TestParseEnums(t *testing.T) {
	tests := []struct {
		in   string
		want ledger.Evidence
	}{
		{"geolocated footage", ledger.EvidenceGeolocatedFootage},
		{"Official Statement", ledger.EvidenceOfficialStatement},
		{" map-update ", ledger.EvidenceMapUpdate},
		{"milblogger_report", ledger.EvidenceMilbloggerReport},
	}
	for _, tt := range tests {
		if got, err := ledger.ParseEvidence(tt.in); got != tt.want || err != nil {
			t.Errorf("ParseEvidence(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := ledger.ParseHolder("russia"); !errors.Is(err, ledger.ErrInvalid) {
		t.Errorf("ParseHolder(%q) error = %v, want ErrInvalid", "russia", err)
	}
	if got, err := ledger.ParseReliability("b"); got != ledger.ReliabilityB || err != nil {
		t.Errorf("ParseReliability(%q) = %q, %v, want B", "b", got, err)
	}
	if _, err := ledger.ParseReliability("G"); err == nil {
		t.Errorf("ParseReliability(%q) = nil error, want one", "G")
	}
	if got, err := ledger.ParseCredibility("2"); got != 2 || err != nil {
		t.Errorf("ParseCredibility(%q) = %d, %v, want 2", "2", got, err)
	}
}
