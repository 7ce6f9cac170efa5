package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tiled-maps/tiled/atlas"
	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/postgres"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/store"
	"github.com/tiled-maps/tiled/web"
)

func serverCommands() []command {
	return []command{
		{"serve", "serve [--addr HOST:PORT] [--seed=false] [flags]",
			"serve tiles, GeoJSON, OGC API Features and the map (loads the seed data into a fresh store)", cmdServe},
		{"token", "token create NAME [--role editor|admin] | list | sessions | revoke NAME", "manage the tokens that guard writes and their desk sessions", cmdToken},
	}
}

// Config is what serve is configured with, from flags and environment (TILED_ADDR, TILED_PUBLIC_URL, …).
type Config struct {
	DB   string
	Seed bool
	// FirstToken makes and prints an admin token when the store has none (see auth.Service.FirstAdmin).
	FirstToken bool
	Web        web.Config
	Atlas      atlas.Config
	LogFormat  string
}

func envOr(e env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

func cmdServe(ctx context.Context, e env, args []string) error {
	var cfg Config
	var cacheMB int64
	var writeRate, writeRateIP, readRateIP, trusted string
	fs := newFlags(e, "serve", "serve [--db PATH] [--addr HOST:PORT] [flags]", &cfg.DB)
	fs.StringVar(&cfg.Web.Addr, "addr", envOr(e, "TILED_ADDR", "127.0.0.1:8080"), "listen address ($TILED_ADDR)")
	fs.StringVar(&cfg.Web.PublicURL, "public-url", e.getenv("TILED_PUBLIC_URL"), "public base URL for links; default: from each request ($TILED_PUBLIC_URL)")
	fs.StringVar(&cfg.Web.FrameAncestors, "frame-ancestors", envOr(e, "TILED_FRAME_ANCESTORS", "*"), "CSP frame-ancestors: who may embed the map ($TILED_FRAME_ANCESTORS)")
	fs.StringVar(&cfg.Web.BasemapTiles, "basemap", e.getenv("TILED_BASEMAP"), "raster XYZ basemap URL template of a provider you may use; \"none\" (default) draws tiled's own reference layer only ($TILED_BASEMAP)")
	fs.StringVar(&cfg.Web.BasemapAttribution, "basemap-attribution", e.getenv("TILED_BASEMAP_ATTRIBUTION"), "attribution of a custom basemap")
	fs.Int64Var(&cacheMB, "cache-mb", 128, "tile cache size in MB (0 disables the cache)")
	fs.IntVar(&cfg.Atlas.StaleDays, "stale-days", 30, "a claim older than this many days is stale and does not vote")
	fs.IntVar(&cfg.Atlas.MaxZoom, "max-zoom", 14, "highest tile zoom served")
	fs.DurationVar(&cfg.Atlas.SessionTTL, "session-ttl", auth.DefaultSessionTTL, "how long a desk session lasts before the editor signs in again")
	fs.BoolVar(&cfg.Seed, "seed", true, "load the embedded seed data when the store holds no places")
	fs.BoolVar(&cfg.FirstToken, "first-token", true, "when the store holds no token, make an admin token and print it once, to sign in to the desk")
	fs.StringVar(&cfg.LogFormat, "log", envOr(e, "TILED_LOG", "json"), "log format: json or text")
	fs.StringVar(&writeRate, "write-rate", envOr(e, "TILED_WRITE_RATE", "60/m"), "writes each token may make: N/s, N/m, N/h, or off ($TILED_WRITE_RATE)")
	fs.StringVar(&writeRateIP, "write-rate-ip", envOr(e, "TILED_WRITE_RATE_IP", "120/m"), "write attempts each client IP may make: N/s, N/m, N/h, or off ($TILED_WRITE_RATE_IP)")
	fs.StringVar(&readRateIP, "read-rate-ip", envOr(e, "TILED_READ_RATE_IP", "30/m"), "expensive reads (whole exports, pages over 1000) each client IP may make: N/s, N/m, N/h, or off ($TILED_READ_RATE_IP)")
	fs.IntVar(&cfg.Web.MaxExports, "max-exports", web.DefaultMaxExports, "/export/ responses in progress at once; past it the answer is 429")
	fs.IntVar(&cfg.Web.MaxConns, "max-conns", web.DefaultMaxConns, "connections open at once; past it the longest-idle is closed, or the new one refused (-1: no bound)")
	fs.IntVar(&cfg.Web.MaxConnsPerIP, "max-conns-ip", web.DefaultMaxConnsPerIP, "connections open at once from one client address, trusted proxies excepted (-1: no bound)")
	fs.DurationVar(&cfg.Web.IdleTimeout, "idle-timeout", web.DefaultIdleTimeout, "close a keep-alive connection idle this long")
	fs.StringVar(&trusted, "trusted-proxies", e.getenv("TILED_TRUSTED_PROXIES"), "comma-separated CIDRs of reverse proxies whose X-Forwarded-For gives the client IP; none: the peer address ($TILED_TRUSTED_PROXIES)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	var err error
	if cfg.Web.WriteRate, err = web.ParseRate(writeRate); err != nil {
		return usagef("--write-rate: %v", err)
	}
	if cfg.Web.WriteRateIP, err = web.ParseRate(writeRateIP); err != nil {
		return usagef("--write-rate-ip: %v", err)
	}
	if cfg.Web.ReadRateIP, err = web.ParseRate(readRateIP); err != nil {
		return usagef("--read-rate-ip: %v", err)
	}
	if cfg.Web.TrustedProxies, err = web.ParsePrefixes(trusted); err != nil {
		return usagef("--trusted-proxies: %v", err)
	}
	if cfg.Web.MaxConns == 0 || cfg.Web.MaxConnsPerIP == 0 || cfg.Web.IdleTimeout <= 0 {
		return usagef("--max-conns and --max-conns-ip must be ≥ 1 (or -1 for no bound), --idle-timeout positive")
	}
	if cacheMB < 0 || cfg.Atlas.StaleDays < 1 || cfg.Atlas.MaxZoom < 0 || cfg.Atlas.MaxZoom > 22 || cfg.Atlas.SessionTTL < time.Minute {
		return usagef("--cache-mb must be >= 0, --stale-days >= 1, --max-zoom in 0..22, --session-ttl at least 1m")
	}
	cfg.Atlas.CacheBytes = cacheMB << 20
	logw := newFlushWriter(e.stderr, 200*time.Millisecond)
	defer logw.Close()
	var handler slog.Handler = slog.NewJSONHandler(logw, nil)
	if cfg.LogFormat == "text" {
		handler = slog.NewTextHandler(logw, nil)
	}
	log := slog.New(handler)
	db, err := openServed(ctx, cfg.DB, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if cfg.Seed {
		loaded, err := seed.Load(ctx, db)
		if errors.Is(err, ledger.ErrExists) && db.Kind() == store.KindPostgres {
			// Several servers started at once on an empty database: another one seeded it first.
			log.Info("the seed data was loaded by another server", "db", db.Location())
		} else if err != nil {
			return err
		}
		if loaded {
			log.Info("loaded the seed data into a fresh store", "db", db.Location())
		}
	}
	var listener *postgres.Listener
	deps := atlas.Deps{Places: db.Gazetteer(), Ledger: db.Ledger(), Tokens: db.Tokens(), Snapshot: db.Snapshot,
		Reports: db.Reports(), Aliases: db.Aliases(),
		Status: func() (string, string) {
			if listener == nil {
				return string(db.Kind()), ""
			}
			if listener.Status().Connected {
				return string(db.Kind()), "connected"
			}
			return string(db.Kind()), "reconnecting"
		}}
	deps.Sessions, deps.Reviews = db.Sessions(), db.Reviews()
	a := atlas.New(cfg.Atlas, deps)
	defer a.Close() // removes the export files
	if err := a.Ready(ctx); err != nil {
		return err
	}
	// A first start after an import (or after many writes) stores the ledger index's snapshot, so that the next
	// start reads it instead of every claim; meanwhile the server serves. Shutting down cancels it and waits.
	snapCtx, stopSnap := context.WithCancel(ctx)
	snapDone := make(chan struct{})
	go func() {
		defer close(snapDone)
		t0 := time.Now()
		saved, err := a.SaveLedgerSnapshot(snapCtx)
		switch {
		case err != nil && snapCtx.Err() == nil:
			log.Warn("storing the ledger index's snapshot failed; the next start reads every claim", "error", err)
		case saved:
			log.Info("stored the ledger index's snapshot for the next start", "duration", time.Since(t0).String())
		}
	}()
	defer func() { stopSnap(); <-snapDone }()
	cfg.Web.Storage = db.Storage
	if pg := db.Postgres(); pg != nil {
		// Writes through other servers on the database arrive as notifications: bring the atlas's views to the
		// new data version at once rather than on the next request, applying only what changed (the same path as
		// this server's own writes). A failed refresh is retried by the next request.
		lctx, stop := context.WithCancel(ctx)
		defer stop()
		listener = pg.Listen(lctx, log, func(c postgres.Change) {
			if err := a.Refresh(lctx); err != nil && lctx.Err() == nil {
				log.Warn("refresh after a write by another server failed", "version", c.Version, "error", err)
			}
		})
	}
	var first string
	if cfg.FirstToken {
		if first, err = (auth.Service{Store: db.Tokens()}).FirstAdmin(ctx, "first-admin"); err != nil {
			return err
		}
	}
	srv := web.New(cfg.Web, a, log)
	return srv.Run(ctx, func(addr string) {
		fmt.Fprintf(e.stdout, "tiled: serving %s on http://%s (map at http://%s/)\n", db.Location(), addr, addr)
		if first != "" {
			fmt.Fprintf(e.stdout, "tiled: the store had no tokens, so it made the admin token \"first-admin\"; sign in to the desk at http://%s/desk with\n\n    %s\n\nIt is shown only now. Make editors' tokens in the desk (Tokens) or with \"tiled token create\"; \"tiled token revoke first-admin\" ends it.\n", addr, first)
		}
	})
}

// openServed opens the store for serve. A PostgreSQL database that does not answer is retried with exponential
// backoff (1 s doubling to 30 s), each failure logged, until it answers or ctx ends: a server started before its
// database, or restarted while it is down, waits for it rather than exiting into a crash loop. A schema newer than
// this build is not retried.
func openServed(ctx context.Context, location string, log *slog.Logger) (*store.Store, error) {
	backoff := time.Second
	for attempt := 1; ; attempt++ {
		db, err := openDB(ctx, location)
		if err == nil || !postgres.IsDSN(location) || errors.Is(err, postgres.ErrSchema) || ctx.Err() != nil {
			return db, err
		}
		log.Warn("the database does not answer; retrying", "db", postgres.Redact(location), "attempt", attempt,
			"wait", backoff.String(), "error", err)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

func cmdToken(ctx context.Context, e env, args []string) error {
	var dbPath, role string
	var asJSON bool
	const usage = "token [--db PATH] create NAME [--role editor|admin] | list | sessions | revoke NAME"
	fs := newFlags(e, "token", usage, &dbPath)
	fs.BoolVar(&asJSON, "json", false, "print JSON (list, sessions)")
	fs.StringVar(&role, "role", string(auth.RoleEditor), "create: editor (reports, claims, sources) or admin (also grades sources, manages tokens, editorial retractions)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("token needs a subcommand: create NAME, list, sessions or revoke NAME")
	}
	r, err := auth.ParseRole(role)
	if err != nil {
		return usagef("token: --role %q: want editor or admin", role)
	}
	db, err := openDB(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := auth.Service{Store: db.Tokens()}
	switch sub := pos[0]; {
	case sub == "create" && len(pos) == 2:
		secret, _, err := svc.CreateRole(ctx, pos[1], r)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, secret)
		fmt.Fprintf(e.stderr, "%s token %q created; it is shown only now: paste it into the desk's sign-in (/desk) or send it as \"Authorization: Bearer <token>\"\n", r, pos[1])
		return nil
	case sub == "list" && len(pos) == 1:
		toks, err := svc.Store.Tokens(ctx)
		if err != nil {
			return err
		}
		sessions, err := liveSessions(ctx, db)
		if err != nil {
			return err
		}
		live := map[int64]int{}
		for _, s := range sessions {
			live[s.Token.ID]++
		}
		if asJSON {
			if toks == nil {
				toks = []auth.Token{}
			}
			return json.NewEncoder(e.stdout).Encode(toks)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tCREATED\tREVOKED\tSESSIONS")
		for _, t := range toks {
			rev := ""
			if t.RevokedAt != nil {
				rev = t.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", t.Name, t.Role, t.CreatedAt.Format(time.RFC3339), rev, live[t.ID])
		}
		return tw.Flush()
	case sub == "sessions" && len(pos) == 1:
		sessions, err := liveSessions(ctx, db)
		if err != nil {
			return err
		}
		if asJSON {
			return json.NewEncoder(e.stdout).Encode(sessions)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SESSION\tTOKEN\tROLE\tSIGNED IN\tEXPIRES")
		for _, s := range sessions {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", s.ID, s.Token.Name, s.Token.Role, s.CreatedAt.Format(time.RFC3339),
				s.ExpiresAt.Format(time.RFC3339))
		}
		return tw.Flush()
	case sub == "revoke" && len(pos) == 2:
		sessions, err := liveSessions(ctx, db)
		if err != nil {
			return err
		}
		if err := svc.Store.RevokeToken(ctx, pos[1]); err != nil {
			return err
		}
		ended := 0
		for _, s := range sessions {
			if s.Token.Name == pos[1] {
				ended++
			}
		}
		fmt.Fprintf(e.stdout, "token %q revoked; %d desk session(s) ended\n", pos[1], ended)
		return nil
	default:
		return usagef("token: want create NAME, list, sessions or revoke NAME; got %q", strings.Join(pos, " "))
	}
}

// liveSessions lists the store's live desk sessions.
func liveSessions(ctx context.Context, db *store.Store) ([]auth.Session, error) {
	return db.Sessions().Sessions(ctx, time.Now())
}
