package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/report"
	"github.com/tiled-maps/tiled/seed"
	"github.com/tiled-maps/tiled/store"
)

func reportCommands() []command {
	return []command{
		{"reports", "reports parse|eval [flags]", "read news reports: places and proposed claims (tiled reports -h)", cmdReports},
	}
}

func cmdReports(ctx context.Context, e env, args []string) error {
	return dispatch(ctx, e, "reports", []subcommand{
		{"parse", "parse [--db PATH] [--published DATE] [--outlet NAME] [--lang en|ru|uk] [--json] FILE|-",
			"print the places and proposed claims of a plain-text report", cmdReportsParse},
		{"eval", "eval [--db PATH] [--json] GOLD.json DIR", "score the parser against a gold file", cmdReportsEval},
	}, args)
}

// reportParser opens the store (loading the seed data into an empty one, as serve does) and returns a parser over
// its gazetteer and registry.
func reportParser(ctx context.Context, e env, dbPath string) (*report.Parser, *store.Store, error) {
	db, err := openDB(ctx, dbPath)
	if err != nil {
		return nil, nil, err
	}
	loaded, err := seed.Load(ctx, db)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if loaded {
		fmt.Fprintf(e.stderr, "%s was empty: loaded the seed data\n", dbPath)
	}
	srcs, err := db.Ledger().Sources(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	var aliases []report.Alias
	if as := db.Aliases(); as != nil {
		if aliases, err = as.SourceAliases(ctx); err != nil {
			db.Close()
			return nil, nil, err
		}
	}
	p, err := report.New(db.Gazetteer(), srcs, time.Now, aliases...)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return p, db, nil
}

func cmdReportsParse(ctx context.Context, e env, args []string) error {
	var dbPath, published, outlet, lang string
	var asJSON bool
	fs := newFlags(e, "reports parse", "reports parse [--db PATH] [--published DATE] [--outlet NAME] [--lang en|ru|uk] [--json] FILE|-", &dbPath)
	fs.StringVar(&published, "published", "", "the report's date, YYYY-MM-DD (default: read from its first lines, else today)")
	fs.StringVar(&outlet, "outlet", "", "the outlet that published it; a registered source speaks in its own voice")
	fs.StringVar(&lang, "lang", "", "en, ru or uk (default: detected)")
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("reports parse takes one FILE (or - for standard input), got %d arguments", len(pos))
	}
	opts := report.Options{Outlet: outlet, Language: lang}
	if err := report.CheckLanguage(lang); err != nil {
		return usagef("--lang %q: want en, ru or uk", lang)
	}
	if published != "" {
		d, err := ledger.ParseDate(published)
		if err != nil {
			return usagef("--published %q: want YYYY-MM-DD", published)
		}
		opts.Published = d
	}
	text, err := readReport(e, pos[0])
	if err != nil {
		return err
	}
	p, db, err := reportParser(ctx, e, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := p.Parse(ctx, text, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printReport(e.stdout, res)
	return nil
}

// readReport reads a report file ("-" for standard input), refusing more than the parser reads.
func readReport(e env, name string) (string, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return "", err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, report.MaxTextBytes+1))
	if err != nil {
		return "", err
	}
	if err := report.CheckText(string(b)); err != nil {
		if errors.Is(err, report.ErrTooLarge) {
			return "", fmt.Errorf("%s: more than %d bytes: a report is plain text of at most %d KB", name, report.MaxTextBytes, report.MaxTextBytes>>10)
		}
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return string(b), nil
}

func printReport(w io.Writer, res report.Result) {
	fmt.Fprintf(w, "published %s, language %s\n\nPlaces:\n", res.Published, res.Language)
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	for _, p := range res.Places {
		id := "-"
		if p.ID != nil {
			id = *p.ID
		}
		status := p.Kind
		switch {
		case p.Ambiguous:
			status += fmt.Sprintf(", ambiguous: %v", p.Alternatives)
		case p.ID == nil:
			status += ", unresolved"
		}
		if p.Note != "" {
			status += " (" + p.Note + ")"
		}
		fmt.Fprintf(tw, "  %d-%d\t%q\t%s\t%s\t%s\n", p.Start, p.End, p.Mention, id, p.Name, status)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nProposed claims:")
	if len(res.Claims) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, c := range res.Claims {
		src := "new source? " + c.SourceMention
		if c.Source != nil {
			src = *c.Source
		}
		fmt.Fprintf(w, "  %s  %s: %s %s, valid %s (%s), confidence %.2f, chars %d-%d\n    %s\n", c.Settlement, src,
			c.Holder, c.Degree, c.ValidAt, c.ValidPrecision, c.Confidence, c.Start, c.End, c.Summary)
	}
}

func cmdReportsEval(ctx context.Context, e env, args []string) error {
	var dbPath string
	var asJSON bool
	fs := newFlags(e, "reports eval", "reports eval [--db PATH] [--json] GOLD.json DIR", &dbPath)
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("reports eval takes GOLD.json and DIR, got %d arguments", len(pos))
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	gold, err := report.ReadGold(f)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	p, db, err := reportParser(ctx, e, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	ev, err := p.Evaluate(ctx, gold, pos[1])
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ev)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "report\tsettlements P\tR\tclaims P\tR")
	row := func(name string, s, c report.Score) {
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%.2f\n", name, s.Precision(), s.Recall(), c.Precision(), c.Recall())
	}
	for _, a := range ev.Articles {
		row(a.File, a.Settlements, a.Claims)
	}
	row("total", ev.Settlements, ev.Claims)
	tw.Flush()
	for _, a := range ev.Articles {
		for _, m := range a.Missed {
			fmt.Fprintf(e.stdout, "%s: missed %s\n", a.File, m)
		}
		for _, x := range a.Extra {
			fmt.Fprintf(e.stdout, "%s: extra %s\n", a.File, x)
		}
	}
	return nil
}

func cmdSourcesAlias(ctx context.Context, e env, args []string) error {
	var dbPath string
	fs := newFlags(e, "sources alias", "sources alias [--db PATH] ID [ALIAS…]", &dbPath)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("sources alias takes a source ID and the aliases to add (none: list them)")
	}
	db, err := openDB(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	as := db.Aliases()
	if as == nil {
		return fmt.Errorf("this store (%s) keeps no source aliases yet", db.Kind())
	}
	for _, a := range pos[1:] {
		if err := as.AddSourceAlias(ctx, report.Alias{Source: pos[0], Alias: a}); err != nil {
			return err
		}
	}
	if len(pos) > 1 {
		fmt.Fprintf(e.stdout, "added %d aliases to %s\n", len(pos)-1, pos[0])
		return nil
	}
	builtin, err := report.BuiltinAliases(pos[0])
	if err != nil {
		return err
	}
	all, err := as.SourceAliases(ctx)
	if err != nil {
		return err
	}
	for _, a := range all {
		if a.Source == pos[0] {
			fmt.Fprintf(e.stdout, "%s\t(registry)\n", a.Alias)
		}
	}
	for _, a := range builtin {
		fmt.Fprintf(e.stdout, "%s\t(built in)\n", a)
	}
	return nil
}
