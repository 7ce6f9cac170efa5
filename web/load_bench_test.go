package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/internal/testdb"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/web"
)

// BenchmarkTilesOverHTTP serves warm tiles over loopback HTTP to 64 concurrent keep-alive clients, with the JSON
// request log tiled serve writes (to io.Discard): the server side of "make loadtest" in one process, for
// go test -cpuprofile. The client's cost is in the profile too; read the server's functions.
func BenchmarkTilesOverHTTP(b *testing.B) {
	db := testdb.Open(b)
	if _, err := seed.Load(context.Background(), db); err != nil {
		b.Fatal(err)
	}
	a := atlas.New(atlas.Config{CacheBytes: 64 << 20, Now: func() time.Time { return fixedNow }},
		atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot})
	s := web.New(web.Config{BasemapTiles: "none"}, a, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	srv := httptest.NewServer(s.Handler())
	b.Cleanup(srv.Close)
	var urls []string
	for z := maptile.Zoom(6); z <= 12; z++ {
		t := maptile.At([2]float64{35.27056, 51.19139}, z)
		for dx := uint32(0); dx < 2; dx++ {
			urls = append(urls, srv.URL+"/tiles/"+strconv.Itoa(int(z))+"/"+strconv.Itoa(int(t.X+dx))+"/"+
				strconv.Itoa(int(t.Y))+".mvt?as_of=2025-03-30")
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	get := func(u string) {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := client.Do(req)
		if err != nil {
			b.Error(err)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Errorf("GET %s: %d", u, resp.StatusCode)
		}
	}
	for _, u := range urls {
		get(u) // warm the cache
	}
	var next atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			get(urls[int(next.Add(1))%len(urls)])
		}
	})
}
