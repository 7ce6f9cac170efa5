// Command tiled is the front-line settlement map server and its command-line tools: gazetteer import and
// geocoding, the control-status ledger, and the map server.
//
// Run "tiled help" for the commands. Every command takes --db PATH|URL (default tiled.gpkg, or $TILED_DB): a file path
// keeps the SQLite/GeoPackage store, a postgres:// URL selects PostgreSQL/PostGIS.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "tiled:", err)
		}
		os.Exit(exitCode(err))
	}
}

// env is what a command may touch of the outside world.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// command is one subcommand.
type command struct {
	name, usage, summary string
	run                  func(ctx context.Context, e env, args []string) error
}

// usageError marks a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

func commands() []command {
	var cs []command
	cs = append(cs, gazetteerCommands()...)
	cs = append(cs, ledgerCommands()...)
	cs = append(cs, serverCommands()...)
	cs = append(cs, backupCommands()...)
	cs = append(cs, exportCommands()...)
	cs = append(cs, reportCommands()...)
	cs = append(cs, copyCommands()...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	return cs
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	e := env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(stdout)
		if len(args) == 0 {
			return usagef("no command given")
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	return usagef("unknown command %q (run \"tiled help\")", args[0])
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "tiled: front-line settlement maps — gazetteer, control-status ledger and map server.")
	fmt.Fprintln(w, "\nUsage: tiled COMMAND [--db PATH] [flags] [args]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %s\n      %s\n", c.usage, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command takes --db PATH (default tiled.gpkg, or tiled.db where only that exists, or $TILED_DB); a postgres:// URL instead of a path selects")
	fmt.Fprintln(w, "PostgreSQL/PostGIS. \"tiled COMMAND -h\" lists its flags.")
}

// defaultStore is the store used without --db or $TILED_DB: tiled.gpkg (a GeoPackage's extension, GeoPackage
// Req 3), or tiled.db in the working directory when only that exists (the default before), so that an existing
// store keeps working.
func defaultStore() string {
	if _, err := os.Stat("tiled.gpkg"); err != nil {
		if _, err := os.Stat("tiled.db"); err == nil {
			return "tiled.db"
		}
	}
	return "tiled.gpkg"
}

// newFlags returns a flag set for cmd with the shared --db flag bound to db.
func newFlags(e env, c string, usage string, db *string) *flag.FlagSet {
	fs := flag.NewFlagSet(c, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	def := e.getenv("TILED_DB")
	if def == "" {
		def = defaultStore()
	}
	fs.StringVar(db, "db", def, "the store: a SQLite/GeoPackage file path, or a postgres:// URL for PostgreSQL/PostGIS")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: tiled %s\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args allowing flags after positional arguments ("geocode Popovka --json").
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
		if len(args) == 0 || !strings.HasPrefix(args[0], "-") {
			for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
				pos = append(pos, args[0])
				args = args[1:]
			}
			if len(args) == 0 {
				return pos, nil
			}
		}
	}
}
