// Package pgtest starts a throw-away PostgreSQL cluster with PostGIS for tests: initdb into a temporary directory,
// a free port on 127.0.0.1, the unix socket in that directory, and everything stopped and removed at the end.
//
// A test package holds one Shared, asks it for a fresh database per test with Shared.Database (the cluster starts
// on first use) and stops it in TestMain with Run. Where the PostgreSQL binaries or PostGIS are missing, Database
// skips the test with a message; under CI (CI set) it fails it, and CI installs the Debian packages postgresql and
// postgresql-15-postgis-3.
//
// initdb and postgres refuse to run as root: as root the cluster runs as the "postgres" OS user when there is one
// (Debian's postgresql package creates it), else as nobody.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrUnavailable is returned by Start when PostgreSQL or PostGIS is not installed.
var ErrUnavailable = errors.New("pgtest: PostgreSQL with PostGIS not available")

// Cluster is a running throw-away PostgreSQL server.
type Cluster struct {
	dir  string // data directory and socket directory live under it
	port int
	bin  string
	cred *syscall.Credential
	cmd  *exec.Cmd
	done chan error
	n    atomic.Int64
}

// binDir finds the directory holding initdb and postgres: $TILED_PG_BIN, the PATH, or Debian's
// /usr/lib/postgresql/N/bin (highest N).
func binDir() (string, error) {
	if d := os.Getenv("TILED_PG_BIN"); d != "" {
		return d, nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Dir(real), nil
		}
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("%w: no initdb on PATH or in /usr/lib/postgresql/*/bin (install the Debian packages postgresql and postgresql-15-postgis-3)", ErrUnavailable)
}

// runAs returns the credential to run the server with: nil when not root, else the postgres user's, else nobody's.
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		u, err = user.Lookup("nobody")
	}
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root and there is neither a postgres nor a nobody user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start initialises and starts a cluster and creates the template database every Database is copied from, with
// PostGIS installed in it.
func Start(ctx context.Context) (*Cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	cred, err := runAs()
	if err != nil {
		return nil, err
	}
	// As another user, the cluster's directory must be reachable by that user: under /tmp, not a private $TMPDIR.
	parent := ""
	if cred != nil {
		parent = "/tmp"
	}
	dir, err := os.MkdirTemp(parent, "tiled-pgtest-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir}
	fail := func(err error) (*Cluster, error) {
		c.Stop()
		return nil, err
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return fail(err)
		}
	}
	data := filepath.Join(dir, "data")
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("pgtest: initdb: %v\n%s", err, out))
	}
	// A port taken between freePort and the server's bind makes the server exit: try a few.
	for attempt := 0; ; attempt++ {
		if c.port, err = freePort(); err != nil {
			return fail(err)
		}
		c.bin, c.cred = bin, cred
		err = c.startServer(ctx, bin, data, cred)
		if err == nil || attempt == 3 {
			break
		}
	}
	if err != nil {
		return fail(err)
	}
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		return fail(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE tiled_template"); err != nil {
		return fail(err)
	}
	tc, err := pgx.Connect(ctx, c.DSN("tiled_template"))
	if err != nil {
		return fail(err)
	}
	defer tc.Close(ctx)
	if _, err := tc.Exec(ctx, "CREATE EXTENSION postgis"); err != nil {
		return fail(fmt.Errorf("%w: CREATE EXTENSION postgis: %v (install postgresql-15-postgis-3)", ErrUnavailable, err))
	}
	return c, nil
}

// startServer runs postgres in the foreground as a child and waits until it accepts connections.
func (c *Cluster) startServer(ctx context.Context, bin, data string, cred *syscall.Credential) error {
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(c.port),
		"-k", c.dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=200", "-c", "shared_buffers=32MB")
	// Pdeathsig: a test binary killed outright does not leave the server behind.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}
	logf, err := os.Create(filepath.Join(c.dir, "server.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgtest: postgres: %w", err)
	}
	c.cmd, c.done = cmd, make(chan error, 1)
	go func() { c.done <- cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := pgx.Connect(ctx, c.DSN("postgres"))
		if err == nil {
			conn.Close(ctx)
			return nil
		}
		select {
		case werr := <-c.done:
			c.cmd = nil
			log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
			return fmt.Errorf("pgtest: postgres exited: %v\n%s", werr, log)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pgtest: postgres did not accept connections within 30 s: %v", err)
		}
	}
}

// DSN returns the connection string of database name, over TCP on the cluster's port.
func (c *Cluster) DSN(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, name)
}

// SocketDir is the directory holding the server's unix socket (for psql, pg_dump -h).
func (c *Cluster) SocketDir() string { return c.dir }

// Port is the server's TCP port.
func (c *Cluster) Port() int { return c.port }

// Kill stops the server at once (SIGKILL, as a crash or a lost machine would), keeping its data: Restart brings it
// back on the same port.
func (c *Cluster) Kill() error {
	if c.cmd == nil || c.cmd.Process == nil {
		return errors.New("pgtest: server not running")
	}
	// The whole process group: the postmaster and its backends.
	if err := syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL); err != nil {
		return err
	}
	<-c.done
	c.cmd = nil
	return nil
}

// Restart starts a killed server again on the same port and data directory.
func (c *Cluster) Restart(ctx context.Context) error {
	if c.cmd != nil {
		return errors.New("pgtest: server already running")
	}
	// The killed backends may hold the old shared memory a moment longer: the new server refuses to start until
	// they are gone.
	var err error
	for range 100 {
		if err = c.startServer(ctx, c.bin, filepath.Join(c.dir, "data"), c.cred); err == nil ||
			!strings.Contains(err.Error(), "pre-existing shared memory block") {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

// Stop shuts the server down (fast shutdown, then kill after 10 s) and removes its directory.
func (c *Cluster) Stop() error {
	var err error
	if c.cmd != nil && c.cmd.Process != nil {
		c.cmd.Process.Signal(syscall.SIGINT) //nolint:errcheck // the wait below reports
		select {
		case err = <-c.done:
		case <-time.After(10 * time.Second):
			c.cmd.Process.Kill() //nolint:errcheck // best effort
			err = <-c.done
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = nil // a signalled postgres reports a non-zero exit
		}
		c.cmd = nil
	}
	return errors.Join(err, os.RemoveAll(c.dir))
}

// Shared is a cluster started on first use by the tests of one package and stopped after them (see Run), so that
// a test binary whose selected tests need no PostgreSQL (or a child process it re-executes) starts none.
type Shared struct {
	once    sync.Once
	cluster *Cluster
	err     error
}

// Database returns the connection string of a fresh database of the shared cluster, starting the cluster on first
// use. Where PostgreSQL or PostGIS is missing it skips tb with the reason; with CI set in the environment it fails
// instead, so that CI cannot pass without running the PostgreSQL tests.
func (s *Shared) Database(tb testing.TB) string {
	tb.Helper()
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		s.cluster, s.err = Start(ctx)
	})
	if s.err != nil {
		if os.Getenv("CI") != "" || !errors.Is(s.err, ErrUnavailable) {
			tb.Fatal(s.err)
		}
		tb.Skipf("%v; CI installs them", s.err)
	}
	return s.cluster.Database(tb)
}

// Cluster returns the started cluster, or nil before the first Database call or when it failed to start.
func (s *Shared) Cluster() *Cluster { return s.cluster }

// Run runs the tests of m and stops the shared cluster if they started it: call it from TestMain.
func Run(m *testing.M, s *Shared) int {
	code := m.Run()
	if s.cluster != nil {
		if err := s.cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest: stop:", err)
		}
	}
	return code
}

// Database creates a fresh database (a copy of the PostGIS template) and returns its connection string; it is
// dropped when tb ends.
func (c *Cluster) Database(tb testing.TB) string {
	tb.Helper()
	name := fmt.Sprintf("t%d", c.n.Add(1))
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE tiled_template"); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		conn, err := pgx.Connect(ctx, c.DSN("postgres"))
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") //nolint:errcheck // the cluster goes too
	})
	return c.DSN(name)
}
