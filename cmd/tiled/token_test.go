package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/sqlite"
)

// tiled token: roles, sessions listed, and revoke ends them.
func TestCLITokenRolesAndSessions(t *testing.T) {
	db := seededDB(t)
	ctx := context.Background()
	tiled := func(args ...string) (string, string, error) {
		var stdout, stderr bytes.Buffer
		err := run(ctx, append(args, "--db", db), strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
		return stdout.String(), stderr.String(), err
	}
	secret, msg, err := tiled("token", "create", "alice", "--role", "editor")
	if err != nil || !strings.HasPrefix(secret, auth.Prefix) || !strings.Contains(msg, "editor token") {
		t.Fatalf("token create --role editor = %q %q %v", secret, msg, err)
	}
	if _, _, err := tiled("token", "create", "root", "--role", "owner"); err == nil || !strings.Contains(err.Error(), "editor or admin") {
		t.Errorf("token create --role owner = %v, want a usage error naming the roles", err)
	}
	if _, _, err := tiled("token", "create", "ada", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	// Sign alice in twice, as the desk does.
	store, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	ses := auth.Sessions{Tokens: auth.Service{Store: store.Tokens()}, Store: store.Tokens()}
	cookie, _, err := ses.SignIn(ctx, strings.TrimSpace(secret))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ses.SignIn(ctx, strings.TrimSpace(secret)); err != nil {
		t.Fatal(err)
	}
	store.Close()
	list, _, err := tiled("token", "list")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ROLE", "alice  editor", "ada    admin"} {
		if !strings.Contains(list, want) {
			t.Errorf("token list lacks %q:\n%s", want, list)
		}
	}
	out, _, err := tiled("token", "sessions")
	if err != nil || strings.Count(out, "alice") != 2 {
		t.Errorf("token sessions = %q, %v; want alice's two sessions", out, err)
	}
	out, _, err = tiled("token", "revoke", "alice")
	if err != nil || !strings.Contains(out, "2 desk session(s) ended") {
		t.Errorf("token revoke = %q, %v; want two sessions ended", out, err)
	}
	store, err = sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ses.Store, ses.Tokens.Store = store.Tokens(), store.Tokens()
	if _, err := ses.Check(ctx, cookie); !errors.Is(err, auth.ErrRevoked) {
		t.Errorf("session after revoke: %v, want ErrRevoked", err)
	}
	if live, _ := store.Tokens().Sessions(ctx, time.Now()); len(live) != 0 {
		t.Errorf("live sessions after revoke = %d, want 0", len(live))
	}
}
