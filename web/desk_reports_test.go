package web_test

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/tiled-maps/tiled/web"
)

// reviewed is the review screen's data as the desk gets it.
type reviewed struct {
	ID     int64  `json:"id"`
	Text   string `json:"text"`
	Places []struct {
		Mention      string   `json:"mention"`
		ID           *string  `json:"id"`
		Ambiguous    bool     `json:"ambiguous"`
		Alternatives []string `json:"alternatives"`
		Kind         string   `json:"kind"`
	} `json:"places"`
	Claims    []map[string]any `json:"claims"`
	Gazetteer map[string]struct {
		Name string  `json:"name"`
		Lat  float64 `json:"lat"`
	} `json:"gazetteer"`
	Reviews []struct {
		Proposal int    `json:"proposal"`
		Decision string `json:"decision"`
		By       string `json:"by"`
	} `json:"reviews"`
}

// pasteReport posts a report through the desk and returns its review data.
func (c *deskClient) pasteReport(text, outlet, url, published string) reviewed {
	c.t.Helper()
	body, _ := json.Marshal(map[string]string{"text": text, "title": "Test report", "outlet": outlet, "url": url,
		"published_at": published, "language": ""})
	resp, out := c.post("/desk/api/reports", string(body))
	if resp.StatusCode != http.StatusCreated {
		c.t.Fatalf("POST /desk/api/reports = %d %s", resp.StatusCode, out)
	}
	var r struct{ ID int64 }
	json.Unmarshal([]byte(out), &r)
	resp, out = c.do("GET", "/desk/api/reports/"+itoa(r.ID), "", nil)
	if resp.StatusCode != 200 {
		c.t.Fatalf("GET report = %d %s", resp.StatusCode, out)
	}
	var rv reviewed
	if err := json.Unmarshal([]byte(out), &rv); err != nil {
		c.t.Fatal(err)
	}
	return rv
}

// claimBody is a proposal as the card would send it on accept.
func claimBody(p map[string]any, edit map[string]string) string {
	out := map[string]string{}
	for _, k := range []string{"settlement", "source", "holder", "degree", "valid_at", "valid_precision", "published_at", "relayed_by", "evidence", "summary"} {
		if v, ok := p[k].(string); ok && v != "" {
			out[k] = v
		}
	}
	if out["evidence"] == "" {
		out["evidence"] = "milblogger-report"
	}
	for k, v := range edit {
		out[k] = v
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func TestDeskReviewFlow(t *testing.T) {
	e := newDeskEnv(t, web.Config{})
	text, err := os.ReadFile("testdata/reports/dev-02-ru.txt")
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := e.client(t), e.client(t)
	alice.signIn(e.editor)
	bob.signIn(e.admin)
	rv := alice.pasteReport(string(text), "Test outlet", "https://example.org/dev-02", "2025-03-23")
	if len(rv.Claims) < 2 {
		t.Fatalf("dev-02-ru: %d proposals, want at least 2: %+v", len(rv.Claims), rv.Claims)
	}
	for _, c := range rv.Claims {
		if _, ok := rv.Gazetteer[c["settlement"].(string)]; !ok {
			t.Errorf("gazetteer lacks the proposal's settlement %v", c["settlement"])
		}
	}
	// The queue lists it, nothing reviewed.
	resp, out := alice.do("GET", "/desk/api/reports", "", nil)
	if resp.StatusCode != 200 || !strings.Contains(out, `"proposals":`+itoa(int64(len(rv.Claims)))) || !strings.Contains(out, `"reviewed":0`) {
		t.Errorf("queue = %d %s", resp.StatusCode, out)
	}
	base := "/desk/api/reports/" + itoa(rv.ID) + "/proposals/"
	// An edit that makes the claim invalid: the answer names the field and why, nothing is decided.
	resp, out = alice.post(base+"0/accept", claimBody(rv.Claims[0], map[string]string{"valid_at": "2025-03-30"}))
	var eb web.ErrorBody
	json.Unmarshal([]byte(out), &eb)
	if resp.StatusCode != http.StatusUnprocessableEntity || eb.Field != "valid_at" || !strings.Contains(eb.Description, "after published_at") {
		t.Errorf("accept with valid_at after published_at = %d %+v, want 422 on valid_at", resp.StatusCode, eb)
	}
	// Two editors accept the same proposal at once: one wins, the other is told who did.
	var wg sync.WaitGroup
	codes := make([]int, 2)
	bodies := make([]string, 2)
	for i, c := range []*deskClient{alice, bob} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, b := c.post(base+"0/accept", claimBody(rv.Claims[0], nil))
			codes[i], bodies[i] = r.StatusCode, b
		}()
	}
	wg.Wait()
	won, told := 0, 0
	for i := range codes {
		switch {
		case codes[i] == http.StatusCreated && strings.Contains(bodies[i], `"report":{"id":`+itoa(rv.ID)):
			won++
		case codes[i] == http.StatusConflict && strings.Contains(bodies[i], "already_reviewed") && strings.Contains(bodies[i], "already accepted by"):
			told++
		}
	}
	if won != 1 || told != 1 {
		t.Errorf("two accepts at once: %v %v, want one 201 with provenance and one 409 naming the winner", codes, bodies)
	}
	if resp, out := alice.post(base+"1/reject", `{"reason":"not a control claim"}`); resp.StatusCode != http.StatusCreated {
		t.Errorf("reject = %d %s", resp.StatusCode, out)
	}
	if resp, out := bob.post(base+"1/accept", claimBody(rv.Claims[1], nil)); resp.StatusCode != http.StatusConflict {
		t.Errorf("accept after reject = %d %s, want 409", resp.StatusCode, out)
	}
	// The public history shows where the claim came from (outlet, date, URL), never the report's text.
	settlement := rv.Claims[0]["settlement"].(string)
	pub, err := http.Get(e.srv.URL + "/api/settlements/" + settlement)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Body.Close()
	var f struct {
		Properties struct {
			History []struct {
				Report *struct {
					Outlet, URL, Published string
				} `json:"report"`
			} `json:"history"`
		} `json:"properties"`
	}
	json.NewDecoder(pub.Body).Decode(&f)
	found := false
	for _, h := range f.Properties.History {
		if h.Report != nil && h.Report.Outlet == "Test outlet" && h.Report.URL == "https://example.org/dev-02" && h.Report.Published == "2025-03-23" {
			found = true
		}
	}
	if !found {
		t.Errorf("public history = %+v, want a claim from report Test outlet, 2025-03-23", f.Properties.History)
	}
	for _, path := range []string{"/api/settlements/" + settlement, "/api/claims", "/export/settlements.csv"} {
		r, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b := readBody(t, r)
		if strings.Contains(b, "Военкор") || strings.Contains(b, "телеграм") {
			t.Errorf("%s shows the report's text", path)
		}
	}
	// Signed out, the report is out of reach.
	anon := e.client(t)
	if resp, out := anon.do("GET", "/desk/api/reports/"+itoa(rv.ID), "", nil); resp.StatusCode != http.StatusUnauthorized || strings.Contains(out, "Военкор") {
		t.Errorf("report without a session = %d, want 401 and nothing", resp.StatusCode)
	}
}

func readBody(t *testing.T, r *http.Response) string {
	t.Helper()
	defer r.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}
