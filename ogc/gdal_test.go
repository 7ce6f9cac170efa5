package ogc

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// These tests read the service with GDAL's OAPIF driver, the client QGIS and ogr2ogr users reach it through. They
// need ogrinfo on PATH (CI installs gdal-bin) and skip without it.

// served is one items request the test server answered.
type served struct {
	query    string // the raw query
	returned int    // numberReturned
	matched  int    // numberMatched
}

// ogcServer is a test HTTP server routing the OGC API paths under /ogc to a Service, as the web layer will, and
// recording the items requests and any error responses.
type ogcServer struct {
	*httptest.Server
	mu     sync.Mutex
	items  map[string][]served // by collection id
	failed []string            // "status path?query" of error responses
}

// newOGCServer starts a test server for s; it is closed when the test ends.
func newOGCServer(tb testing.TB, s *Service) *ogcServer {
	tb.Helper()
	srv := &ogcServer{items: make(map[string][]served)}
	base := func(r *http.Request) string { return "http://" + r.Host + "/ogc" }
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ogc", func(w http.ResponseWriter, r *http.Request) {
		srv.write(w, r)(s.Landing(base(r), r.URL.Query()))
	})
	mux.HandleFunc("GET /ogc/conformance", func(w http.ResponseWriter, r *http.Request) {
		srv.write(w, r)(s.Conformance(base(r), r.URL.Query()))
	})
	mux.HandleFunc("GET /ogc/api", func(w http.ResponseWriter, r *http.Request) {
		srv.write(w, r)(s.OpenAPI(base(r), r.URL.Query()))
	})
	mux.HandleFunc("GET /ogc/collections", func(w http.ResponseWriter, r *http.Request) {
		srv.write(w, r)(s.Collections(r.Context(), base(r), r.URL.Query()))
	})
	mux.HandleFunc("GET /ogc/collections/{id}", func(w http.ResponseWriter, r *http.Request) {
		srv.write(w, r)(s.Collection(r.Context(), base(r), r.PathValue("id"), r.URL.Query()))
	})
	mux.HandleFunc("GET /ogc/collections/{id}/items", func(w http.ResponseWriter, r *http.Request) {
		doc, err := s.Items(r.Context(), base(r), r.PathValue("id"), r.URL.Query())
		if fc, ok := doc.Body.(*FeatureCollection); ok && err == nil {
			srv.mu.Lock()
			id := r.PathValue("id")
			srv.items[id] = append(srv.items[id], served{r.URL.RawQuery, fc.NumberReturned, matchedOf(fc)})
			srv.mu.Unlock()
		}
		srv.write(w, r)(doc, err)
	})
	mux.HandleFunc("GET /ogc/collections/{id}/items/{fid}", func(w http.ResponseWriter, r *http.Request) {
		srv.write(w, r)(s.Item(r.Context(), base(r), r.PathValue("id"), r.PathValue("fid"), r.URL.Query()))
	})
	srv.Server = httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}

// write returns a function that writes an operation's result as the web layer will: the document as JSON with
// its media type, or the error as ErrorBody says.
func (srv *ogcServer) write(w http.ResponseWriter, r *http.Request) func(Document, error) {
	return func(doc Document, err error) {
		status, body, mediaType := http.StatusOK, doc.Body, doc.MediaType
		b, jerr := json.Marshal(body)
		if err == nil && jerr != nil {
			err = fmt.Errorf("encoding the document: %w", jerr)
		}
		if err != nil {
			var eb map[string]any
			status, eb = ErrorBody(err)
			b, _ = json.Marshal(eb) // a map of strings always encodes
			mediaType = MediaTypeJSON
			srv.mu.Lock()
			srv.failed = append(srv.failed, fmt.Sprintf("%d %s: %v", status, r.URL.RequestURI(), err))
			srv.mu.Unlock()
		}
		w.Header().Set("Content-Type", mediaType)
		w.WriteHeader(status)
		_, _ = w.Write(b) // a failed write means the client went away: nobody to tell
	}
}

// reset forgets the requests recorded so far.
func (srv *ogcServer) reset() {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	srv.items = make(map[string][]served)
	srv.failed = nil
}

// itemsServed returns the items requests for collection id recorded since the last reset.
func (srv *ogcServer) itemsServed(id string) []served {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return append([]served(nil), srv.items[id]...)
}

// errors returns the error responses recorded since the last reset.
func (srv *ogcServer) errors() []string {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return append([]string(nil), srv.failed...)
}

// ogrinfo runs ogrinfo with args and returns its standard output, failing the test if it fails or reports an error.
func ogrinfo(tb testing.TB, args ...string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ogrinfo", args...)
	cmd.Env = append(os.Environ(),
		"NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost", // never send the test server's URL to a proxy
		"GDAL_HTTP_TIMEOUT=30",
		"CPL_DEBUG=OFF",
		"GDAL_HTTP_MAX_RETRY=0",
	)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil || strings.Contains(stderr.String(), "ERROR") {
		tb.Fatalf("ogrinfo %s: %v\nstderr:\n%s\nstdout:\n%s", strings.Join(args, " "), err, stderr.String(),
			truncate(stdout.String(), 2000))
	}
	return stdout.String()
}

// truncate returns s cut to n bytes.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// needOGRInfo skips the test when ogrinfo is not on PATH.
func needOGRInfo(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		tb.Skip("ogrinfo not on PATH (install gdal-bin): skipping the GDAL tests")
	}
}

// featureCount returns the number after "Feature Count: " in ogrinfo's output, failing the test without one.
func featureCount(tb testing.TB, out string) int {
	tb.Helper()
	m := regexp.MustCompile(`(?m)^Feature Count: (\d+)$`).FindStringSubmatch(out)
	if m == nil {
		tb.Fatalf("no Feature Count in ogrinfo's output:\n%s", truncate(out, 2000))
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// sumReturned returns the features the server sent over the requests whose query holds want (all when "").
func sumReturned(reqs []served, want string) (sum, n int) {
	for _, r := range reqs {
		if strings.Contains(r.query, want) {
			sum += r.returned
			n++
		}
	}
	return sum, n
}

func TestGDAL(t *testing.T) {
	needOGRInfo(t)
	srv := newOGCServer(t, newTestService(t))
	root := "OAPIF:" + srv.URL + "/ogc"
	checkClean := func(t *testing.T) {
		t.Helper()
		if errs := srv.errors(); len(errs) > 0 {
			t.Errorf("the service answered GDAL with errors:\n%s", strings.Join(errs, "\n"))
		}
	}

	t.Run("layers", func(t *testing.T) {
		srv.reset()
		out := ogrinfo(t, "-ro", "-so", root)
		for _, want := range []string{"1: settlements (title: Settlements) (Point)", "2: claims (title: Control claims) (Point)"} {
			if !strings.Contains(out, want) {
				t.Errorf("ogrinfo %s lists no %q:\n%s", root, want, out)
			}
		}
		checkClean(t)
	})

	for _, tc := range []struct {
		layer string
		count int
		more  []string
	}{
		{"settlements", numSettlements, []string{"Extent: (34.000000, 50.200000) - (37.500000, 51.600000)", "name: String",
			"population: Integer"}},
		{"claims", numClaims, []string{"claimed_on: Date", "holder: String"}},
	} {
		t.Run("summary "+tc.layer, func(t *testing.T) {
			srv.reset()
			out := ogrinfo(t, "-ro", "-so", root, tc.layer)
			if !strings.Contains(out, "Layer name: "+tc.layer) {
				t.Errorf("ogrinfo -so %s: no layer name:\n%s", tc.layer, out)
			}
			if got := featureCount(t, out); got != tc.count {
				t.Errorf("ogrinfo -so %s: Feature Count %d, want %d", tc.layer, got, tc.count)
			}
			for _, want := range tc.more {
				if !strings.Contains(out, want) {
					t.Errorf("ogrinfo -so %s lacks %q:\n%s", tc.layer, want, out)
				}
			}
			checkClean(t)
		})
	}

	// GDAL reads every feature by following the next links, 10 to a page.
	t.Run("paging", func(t *testing.T) {
		srv.reset()
		out := ogrinfo(t, "-ro", "-al", "-q", "-oo", "PAGE_SIZE=10", root, "settlements")
		if got := strings.Count(out, "OGRFeature(settlements):"); got != numSettlements {
			t.Errorf("ogrinfo -al read %d features, want %d", got, numSettlements)
		}
		for i := 1; i <= numSettlements; i++ {
			if !strings.Contains(out, fmt.Sprintf("name (String) = Settlement %02d\n", i)) {
				t.Errorf("ogrinfo -al did not read Settlement %02d", i)
			}
		}
		reqs := srv.itemsServed("settlements")
		// Keyset paging: each next link starts after the last feature of the page before.
		for last := 10; last < numSettlements; last += 10 {
			if _, n := sumReturned(reqs, fmt.Sprintf("cursor=%d", last)); n == 0 {
				t.Errorf("GDAL never asked for the page after feature %d; requests: %v", last, reqs)
			}
		}
		checkClean(t)
	})

	// -spat makes GDAL send bbox and also filter on its side, so the count alone would not show the server
	// honoured the box: check how many features the server sent for the requests with a bbox.
	t.Run("bbox", func(t *testing.T) {
		box := orb.Bound{Min: orb.Point{35.2, 50.3}, Max: orb.Point{36.6, 51.0}}
		want := 0
		for i := range numSettlements {
			if box.Contains(settlementPoint(i)) {
				want++
			}
		}
		if want == 0 || want == numSettlements {
			t.Fatalf("the test box holds %d settlements: choose one that holds some", want)
		}
		srv.reset()
		out := ogrinfo(t, "-ro", "-so", "-oo", "PAGE_SIZE=4", "-spat", "35.2", "50.3", "36.6", "51.0", root, "settlements")
		if got := featureCount(t, out); got != want {
			t.Errorf("ogrinfo -spat: Feature Count %d, want %d", got, want)
		}
		reqs := srv.itemsServed("settlements")
		t.Logf("GDAL's items requests: %v", reqs)
		sent, n := sumReturned(reqs, "bbox=")
		if n == 0 || sent != want {
			t.Errorf("the server sent %d features in %d requests with a bbox, want %d", sent, n, want)
		}
		checkClean(t)
	})

	// A -where on a date field becomes datetime=…; on a property the OpenAPI definition lists as a parameter, it
	// becomes that parameter. Neither is then filtered again by GDAL, so the features read are the server's.
	t.Run("datetime and filter", func(t *testing.T) {
		claimsWhere := func(keep func(i int) bool) int {
			n := 0
			for i := range numClaims {
				if keep(i) {
					n++
				}
			}
			return n
		}
		tests := []struct {
			name, where, wantQuery string
			want                   int
		}{
			{"date range", "claimed_on >= '2025-02-01' AND claimed_on <= '2025-02-28'", "datetime=",
				claimsWhere(func(i int) bool { return claimDate(i).Month() == time.February })},
			{"date from", "claimed_on >= '2025-03-01'", "datetime=",
				claimsWhere(func(i int) bool { return claimDate(i).Month() >= time.March })},
			{"holder", "holder = 'ua'", "holder=ua",
				claimsWhere(func(i int) bool { return claimHolder(i) == "ua" })},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				srv.reset()
				out := ogrinfo(t, "-ro", "-al", "-q", "-oo", "PAGE_SIZE=5", "-where", tc.where, root, "claims")
				if got := strings.Count(out, "OGRFeature(claims):"); got != tc.want {
					t.Errorf("ogrinfo -where %q read %d features, want %d", tc.where, got, tc.want)
				}
				reqs := srv.itemsServed("claims")
				t.Logf("GDAL's items requests: %v", reqs)
				sent, n := sumReturned(reqs, tc.wantQuery)
				if n == 0 || sent != tc.want {
					t.Errorf("the server sent %d features in %d requests with %s, want %d; requests: %v",
						sent, n, tc.wantQuery, tc.want, reqs)
				}
				checkClean(t)
			})
		}
	})

	t.Run("collection URL", func(t *testing.T) {
		srv.reset()
		out := ogrinfo(t, "-ro", "-so", "OAPIF:"+srv.URL+"/ogc/collections/claims")
		if !strings.Contains(out, "1: claims") {
			t.Errorf("ogrinfo on the collection URL:\n%s", out)
		}
		checkClean(t)
	})
}
