package postgres

import (
	"context"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// ListenerApplicationName is the application_name of a Listener's connection (pg_stat_activity shows it).
const ListenerApplicationName = "tiled listener"

// Change is a committed write announced on NotifyChannel.
type Change struct {
	// Version is the data version the write committed.
	Version int64 `json:"version"`
	// Settlements are the settlements whose claims the write added; empty when it touched no claims or more than
	// fit in a notification (then All is set).
	Settlements []string `json:"settlements,omitempty"`
	// All is set when the write may have changed anything (places imported, too many settlements to list).
	All bool `json:"all,omitempty"`
}

// maxNotify keeps a payload under PostgreSQL's 8000-byte limit.
const maxNotify = 7000

// payload encodes c for pg_notify, dropping the settlement list for All when it does not fit.
func (c Change) payload() string {
	b, _ := json.Marshal(c)
	if len(b) > maxNotify {
		b, _ = json.Marshal(Change{Version: c.Version, All: true})
	}
	return string(b)
}

// parseChange reads a payload; a bare number (a version) is a change of everything.
func parseChange(s string) (Change, bool) {
	var c Change
	if err := json.Unmarshal([]byte(s), &c); err == nil && c.Version > 0 {
		return c, true
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return Change{Version: v, All: true}, true
	}
	return c, false
}

// ListenerStatus is what a Listener reports of its connection.
type ListenerStatus struct {
	// Connected is true while the listener holds a connection with LISTEN in force.
	Connected bool `json:"connected"`
	// Version is the highest data version seen (by notification or on connecting).
	Version int64 `json:"version"`
	// Retries counts the failed connection attempts since the last success.
	Retries int `json:"retries,omitempty"`
	// LastError is the last connection error, "" when none since the last success.
	LastError string `json:"last_error,omitempty"`
	// Reconnects counts the connections made after the first.
	Reconnects int `json:"reconnects,omitempty"`
	// Since is when the current state (connected or not) began.
	Since time.Time `json:"since"`
}

// Listener follows the writes of every tiled server on the database: it LISTENs on NotifyChannel on a connection of
// its own, calls its function for each change in version order, and reconnects with exponential backoff (100 ms
// doubling to 10 s, jittered) when the connection is lost, reporting each failure to the log and in Status. On
// every (re)connection it calls the function with the current version marked All, since changes may have been
// missed while it was away.
type Listener struct {
	db  *DB
	fn  func(Change)
	log *slog.Logger

	mu     sync.Mutex
	status ListenerStatus
	done   chan struct{}
}

// Listen starts a Listener that runs until ctx ends; fn is called from one goroutine, never concurrently.
func (db *DB) Listen(ctx context.Context, log *slog.Logger, fn func(Change)) *Listener {
	l := &Listener{db: db, fn: fn, log: log, done: make(chan struct{}), status: ListenerStatus{Since: time.Now()}}
	go l.run(ctx)
	return l
}

// Status reports the listener's connection.
func (l *Listener) Status() ListenerStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.status
}

// Done is closed when the listener has stopped (its context ended).
func (l *Listener) Done() <-chan struct{} { return l.done }

func (l *Listener) run(ctx context.Context) {
	defer close(l.done)
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := l.session(ctx, func() { backoff = 100 * time.Millisecond })
		if ctx.Err() != nil {
			return
		}
		l.mu.Lock()
		l.status.Connected, l.status.LastError, l.status.Since = false, err.Error(), time.Now()
		l.status.Retries++
		retries := l.status.Retries
		l.mu.Unlock()
		wait := backoff/2 + rand.N(backoff/2+1)
		l.log.Warn("postgres listener: connection lost; retrying", "error", err, "retries", retries, "wait", wait.String())
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

// session connects, listens and follows notifications until the connection fails or ctx ends.
func (l *Listener) session(ctx context.Context, connected func()) error {
	cfg, err := pgx.ParseConfig(l.db.dsn)
	if err != nil {
		return err
	}
	cfg.RuntimeParams["application_name"] = ListenerApplicationName
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+NotifyChannel); err != nil {
		return err
	}
	var v int64
	if err := conn.QueryRow(ctx, "SELECT value FROM tiled_meta WHERE key = 'data_version'").Scan(&v); err != nil {
		return err
	}
	connected()
	l.mu.Lock()
	wasDown := l.status.Retries > 0
	reconnects := l.status.Reconnects
	if !l.status.Since.IsZero() && (l.status.Retries > 0 || l.status.Version > 0) {
		reconnects++
	}
	l.status = ListenerStatus{Connected: true, Version: max(l.status.Version, v), Since: time.Now(), Reconnects: reconnects}
	l.mu.Unlock()
	if wasDown {
		l.log.Info("postgres listener: reconnected", "version", v)
	}
	l.fn(Change{Version: v, All: true})
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		c, ok := parseChange(n.Payload)
		if !ok {
			continue
		}
		l.mu.Lock()
		if c.Version > l.status.Version {
			l.status.Version = c.Version
		}
		l.mu.Unlock()
		l.fn(c)
	}
}
