package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/store"
)

// ledgerCommands returns the control-status ledger commands.
func ledgerCommands() []command {
	return []command{
		{"claims", "claims import|add|list [flags]", "record and list control claims (tiled claims -h)", cmdClaims},
		{"status", "status [--as-of DATE] [--known-on DATE] [--source ID] [--stale-days N] [--all] [--json] [SETTLEMENT…]",
			"control status of settlements as of a date", cmdStatus},
		{"history", "history [--json] SETTLEMENT", "every claim about a settlement, oldest first", cmdHistory},
		{"diff", "diff [--stale-days N] [--json] DATE1 DATE2", "settlements whose status changed between two dates", cmdDiff},
		{"sources", "sources list|add|grade|import [flags]", "the source registry (tiled sources -h)", cmdSources},
	}
}

// subcommand is one verb of a command with subcommands.
type subcommand struct {
	name, usage, summary string
	run                  func(ctx context.Context, e env, args []string) error
}

func dispatch(ctx context.Context, e env, parent string, subs []subcommand, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(e.stderr, "Usage: tiled %s COMMAND [--db PATH] [flags]\n\nCommands:\n", parent)
		for _, s := range subs {
			fmt.Fprintf(e.stderr, "  tiled %s %s\n      %s\n", parent, s.usage, s.summary)
		}
		if len(args) == 0 {
			return usagef("%s needs a command: %s", parent, subNames(subs))
		}
		return flag.ErrHelp
	}
	for _, s := range subs {
		if s.name == args[0] {
			return s.run(ctx, e, args[1:])
		}
	}
	return usagef("unknown command %q for %s (want %s)", args[0], parent, subNames(subs))
}

func subNames(subs []subcommand) string {
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.name
	}
	return strings.Join(names, ", ")
}

// ledgerCtx is an open store with what the ledger commands use.
type ledgerCtx struct {
	db  *store.Store
	rec ledger.Recorder
}

func openLedger(ctx context.Context, path string) (*ledgerCtx, error) {
	db, err := openDB(ctx, path)
	if err != nil {
		return nil, err
	}
	return &ledgerCtx{db: db, rec: ledger.Recorder{Store: db.Ledger(), Places: db.Gazetteer()}}, nil
}

func (l *ledgerCtx) Close() error { return l.db.Close() }

// recordAs makes every claim l records carry who as its RecordedBy.
func (l *ledgerCtx) recordAs(who string) { l.rec.RecordedBy = who }

// cliUser names the command line's user for RecordedBy: "cli:USER", or "cli" when $USER and $LOGNAME are unset.
func cliUser(e env) string {
	for _, k := range []string{"USER", "LOGNAME"} {
		if u := e.getenv(k); u != "" {
			return "cli:" + u
		}
	}
	return "cli"
}

// index loads the ledger's index with a staleness window.
func (l *ledgerCtx) index(ctx context.Context, staleDays int) (*ledger.Index, error) {
	return ledger.Load(ctx, l.db.Ledger(), ledger.Options{StaleDays: staleDays})
}

// settlement resolves an id or slug to a place, suggesting places for a name.
func (l *ledgerCtx) settlement(ctx context.Context, ref string) (gazetteer.Place, error) {
	return ledger.ResolveSettlement(ctx, l.db.Gazetteer(), ref)
}

// names returns the display names of settlement ids ("" for an id the gazetteer no longer has).
func (l *ledgerCtx) names(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		p, err := l.db.Gazetteer().Place(ctx, id)
		if err != nil && !errors.Is(err, gazetteer.ErrNotFound) {
			return nil, err
		}
		out[id] = p.Name
	}
	return out, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// dateFlag is a flag holding a ledger.Date.
type dateFlag struct{ d *ledger.Date }

func (f dateFlag) String() string {
	if f.d == nil {
		return ""
	}
	return f.d.String()
}

func (f dateFlag) Set(s string) error {
	v, err := ledger.ParseDate(s)
	if err != nil {
		return fmt.Errorf("want a date written YYYY-MM-DD")
	}
	*f.d = v
	return nil
}

func parseDateArg(name, s string) (ledger.Date, error) {
	d, err := ledger.ParseDate(s)
	if err != nil {
		return d, usagef("%s %q: want a date written YYYY-MM-DD", name, s)
	}
	return d, nil
}

func staleFlag(fs *flag.FlagSet, n *int) {
	fs.IntVar(n, "stale-days", ledger.DefaultStaleDays, "claims older than N days are stale and do not vote")
}

func checkStale(n int) error {
	if n < 1 {
		return usagef("--stale-days must be at least 1, got %d", n)
	}
	return nil
}

// ---- claims ----

func cmdClaims(ctx context.Context, e env, args []string) error {
	return dispatch(ctx, e, "claims", []subcommand{
		{"import", "import [--db PATH] FILE.csv", "record the claims of a CSV file, all or none", cmdClaimsImport},
		{"add", "add [--db PATH] --settlement ID --source ID --holder H --degree D --valid-at DATE --published-at DATE --evidence E --summary TEXT [flags]",
			"record one claim", cmdClaimsAdd},
		{"list", "list [--db PATH] [--settlement ID] [--source ID] [--json|--csv]", "list claims in the order recorded", cmdClaimsList},
	}, args)
}

func cmdClaimsImport(ctx context.Context, e env, args []string) error {
	var asJSON bool
	prepare := true
	return importCSV(ctx, e, args, "claims import", "claims import [--db PATH] [--json] [--index=false] FILE.csv",
		func(fs *flag.FlagSet) {
			fs.BoolVar(&asJSON, "json", false, "print the counts as JSON")
			fs.BoolVar(&prepare, "index", true, "after the import, store the map's compact indexes so that the server's next start is quick")
		},
		func(l *ledgerCtx, f io.Reader, file, dbPath string) error {
			l.recordAs(cliUser(e) + " import " + filepath.Base(file))
			start := time.Now()
			st, err := l.rec.ImportClaims(ctx, f, file)
			el := time.Since(start)
			if err != nil {
				return err
			}
			if asJSON {
				if prepare && st.Claims > 0 {
					prepareIndexes(ctx, env{stdout: io.Discard, stderr: e.stderr}, l.db, false, true)
				}
				return writeJSON(e.stdout, st)
			}
			if st.Claims == 0 {
				fmt.Fprintf(e.stdout, "%s holds no claims; nothing imported\n", file)
				return nil
			}
			fmt.Fprintf(e.stdout, "imported %d claims from %s into %s (ids %d–%d) in %.1fs (%.0f/s)\n", st.Claims, file, l.db.Location(),
				st.FirstID, st.LastID, el.Seconds(), float64(st.Claims)/el.Seconds())
			if prepare {
				prepareIndexes(ctx, e, l.db, false, true)
			}
			return nil
		})
}

// importCSV is the shape of the CSV import commands: flags, one FILE argument, the ledger opened, run, and an
// invalid file reported as importing nothing (imports are one transaction).
func importCSV(ctx context.Context, e env, args []string, name, usage string, flags func(*flag.FlagSet),
	run func(l *ledgerCtx, f io.Reader, file, dbPath string) error) error {
	var dbPath string
	fs := newFlags(e, name, usage, &dbPath)
	if flags != nil {
		flags(fs)
	}
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("%s takes one FILE.csv, got %d arguments", name, len(pos))
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	l, err := openLedger(ctx, dbPath)
	if err != nil {
		return err
	}
	defer l.Close()
	if err := run(l, f, pos[0], dbPath); err != nil {
		if errors.Is(err, ledger.ErrInvalid) {
			return fmt.Errorf("%w (nothing was imported)", err)
		}
		return err
	}
	return nil
}

// flagNames maps claim fields to the flags of claims add.
var flagNames = map[string]string{"valid_precision": "--precision"}

// asFlagError renames the field of a *ledger.FieldError that did not come from a file to its flag.
func asFlagError(err error) error {
	var fe *ledger.FieldError
	if errors.As(err, &fe) && fe.File == "" {
		if n, ok := flagNames[fe.Field]; ok {
			fe.Field = n
		} else {
			fe.Field = "--" + strings.ReplaceAll(fe.Field, "_", "-")
		}
	}
	return err
}

func cmdClaimsAdd(ctx context.Context, e env, args []string) error {
	var (
		dbPath                                           string
		c                                                ledger.Claim
		holder, degree, precision, evidence, credibility string
		asJSON                                           bool
	)
	fs := newFlags(e, "claims add", "claims add [--db PATH] --settlement ID --source ID --holder H --degree D --valid-at DATE --published-at DATE --evidence E --summary TEXT [flags]", &dbPath)
	fs.StringVar(&c.SettlementID, "settlement", "", "settlement id or slug (tiled geocode NAME finds it)")
	fs.StringVar(&c.SourceID, "source", "", "source id (tiled sources list)")
	fs.StringVar(&holder, "holder", "", "ru, ua, contested or unknown")
	fs.StringVar(&degree, "degree", "", "full, partial, advance, presence, fighting, infiltration, encircled or attack-repelled")
	fs.Var(dateFlag{&c.ValidAt}, "valid-at", "the date the claim describes, YYYY-MM-DD")
	fs.StringVar(&precision, "precision", "day", "how exactly --valid-at is known: day, week or month")
	fs.Var(dateFlag{&c.PublishedAt}, "published-at", "the date the source published it, YYYY-MM-DD")
	fs.StringVar(&c.RelayedBy, "relayed-by", "", "the outlets that relayed it")
	fs.StringVar(&c.RelayURL, "relay-url", "", "the relaying article's URL")
	fs.StringVar(&evidence, "evidence", "", "geolocated-footage, official-statement, analyst-assessment, milblogger-report or map-update")
	fs.StringVar(&c.Summary, "summary", "", "what was claimed, in our own words")
	fs.StringVar(&credibility, "credibility", "6", "Admiralty credibility 1 (confirmed) … 6 (cannot be judged)")
	fs.Int64Var(&c.Supersedes, "supersedes", 0, "id of the claim this one replaces")
	fs.Int64Var(&c.Retracts, "retracts", 0, "id of the claim this one withdraws")
	fs.BoolVar(&asJSON, "json", false, "print the recorded claim as JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("claims add takes flags only, got %q", pos)
	}
	if holder == "" && c.Retracts != 0 {
		holder = string(ledger.HolderUnknown)
	}
	if c.Holder, err = ledger.ParseHolder(holder); err != nil {
		return asFlagError(err)
	}
	if degree != "" {
		if c.Degree, err = ledger.ParseDegree(degree); err != nil {
			return asFlagError(err)
		}
	}
	if c.ValidPrecision, err = ledger.ParsePrecision(precision); err != nil {
		return asFlagError(err)
	}
	if c.Evidence, err = ledger.ParseEvidence(evidence); err != nil {
		return asFlagError(err)
	}
	if c.Credibility, err = ledger.ParseCredibility(credibility); err != nil {
		return asFlagError(err)
	}
	l, err := openLedger(ctx, dbPath)
	if err != nil {
		return err
	}
	defer l.Close()
	l.recordAs(cliUser(e))
	c, err = l.rec.AddClaim(ctx, c)
	if err != nil {
		return asFlagError(err)
	}
	if asJSON {
		return writeJSON(e.stdout, c)
	}
	what := fmt.Sprintf("%s says %s", c.SourceID, holderDegree(c.Holder, c.Degree))
	if c.IsRetraction() {
		what = fmt.Sprintf("%s retracts claim %d", c.SourceID, c.Retracts)
	} else if c.Supersedes != 0 {
		what += fmt.Sprintf(", superseding claim %d", c.Supersedes)
	}
	fmt.Fprintf(e.stdout, "recorded claim %d: %s, %s on %s\n", c.ID, c.SettlementID, what, c.ValidAt)
	return nil
}

func cmdClaimsList(ctx context.Context, e env, args []string) error {
	var (
		dbPath, settlement, source string
		asJSON, asCSV              bool
	)
	fs := newFlags(e, "claims list", "claims list [--db PATH] [--settlement ID] [--source ID] [--json|--csv]", &dbPath)
	fs.StringVar(&settlement, "settlement", "", "only claims about this settlement (id or slug)")
	fs.StringVar(&source, "source", "", "only claims by this source")
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	fs.BoolVar(&asCSV, "csv", false, "print CSV in the import format (tiled claims import reads it back)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("claims list takes no arguments, got %q", pos)
	}
	if asJSON && asCSV {
		return usagef("--json and --csv exclude each other")
	}
	l, err := openLedger(ctx, dbPath)
	if err != nil {
		return err
	}
	defer l.Close()
	if settlement != "" {
		p, err := l.settlement(ctx, settlement)
		if err != nil {
			return err
		}
		settlement = p.ID
	}
	cs, err := l.db.Ledger().Claims(ctx, ledger.ClaimFilter{Settlement: settlement, Source: source})
	if err != nil {
		return err
	}
	switch {
	case asJSON:
		if cs == nil {
			cs = []ledger.Claim{}
		}
		return writeJSON(e.stdout, cs)
	case asCSV:
		return ledger.WriteClaims(e.stdout, cs)
	}
	if len(cs) == 0 {
		fmt.Fprintln(e.stdout, "no claims")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSETTLEMENT\tSOURCE\tHOLDER\tVALID_AT\tPUBLISHED\tEVIDENCE\tCRED\tCORRECTS\tSUMMARY")
	for _, c := range cs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", c.ID, c.SettlementID, c.SourceID,
			claimHolder(c), validAt(c.ValidAt, c.ValidPrecision), c.PublishedAt, c.Evidence,
			c.Credibility, corrects(c), c.Summary)
	}
	return tw.Flush()
}

// claimHolder shows a claim's holder and degree, or "-" for a retraction, which has none.
func claimHolder(c ledger.Claim) string {
	if c.IsRetraction() {
		return "-"
	}
	return holderDegree(c.Holder, c.Degree)
}

func holderDegree(h ledger.Holder, d ledger.Degree) string {
	if d == "" {
		return string(h)
	}
	return fmt.Sprintf("%s (%s)", h, d)
}

func validAt(d ledger.Date, p ledger.Precision) string {
	if p == ledger.PrecisionDay || p == "" {
		return d.String()
	}
	return fmt.Sprintf("%s (%s)", d, p)
}

func corrects(c ledger.Claim) string {
	switch {
	case c.Supersedes != 0:
		return fmt.Sprintf("supersedes %d", c.Supersedes)
	case c.Retracts != 0:
		return fmt.Sprintf("retracts %d", c.Retracts)
	}
	return "-"
}

// ---- status ----

// namedStatus is a status with its settlement's name, for JSON.
type namedStatus struct {
	Name string `json:"name"`
	ledger.Status
}

func cmdStatus(ctx context.Context, e env, args []string) error {
	var (
		dbPath, source string
		asOf           ledger.Date // zero: the ledger's default view date
		knownOn        ledger.Date // zero: no publication cut-off
		staleDays      int
		asJSON, all    bool
	)
	fs := newFlags(e, "status", "status [--db PATH] [--as-of DATE] [--known-on DATE] [--source ID] [--stale-days N] [--all] [--json] [SETTLEMENT…]", &dbPath)
	fs.Var(dateFlag{&asOf}, "as-of", "the date, YYYY-MM-DD (default: today, or the latest claims' date when every claim is stale)")
	fs.Var(dateFlag{&knownOn}, "known-on", "only claims published on or before this date, YYYY-MM-DD: the map as it could have been drawn then")
	fs.StringVar(&source, "source", "", "the status as seen by this source alone")
	staleFlag(fs, &staleDays)
	fs.BoolVar(&all, "all", false, "list every settlement of the gazetteer, not only those with a view")
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := checkStale(staleDays); err != nil {
		return err
	}
	l, err := openLedger(ctx, dbPath)
	if err != nil {
		return err
	}
	defer l.Close()
	ix, err := l.index(ctx, staleDays)
	if err != nil {
		return err
	}
	if source != "" {
		if _, ok := ix.Source(source); !ok {
			return fmt.Errorf("%w %q (tiled sources list)", ledger.ErrUnknownSource, source)
		}
	}
	reason := "requested"
	if asOf.IsZero() {
		today := ledger.Today(time.Now())
		asOf, reason = ix.DefaultAsOf(today, knownOn), "today"
		if asOf != today {
			reason = "latest-claims"
		}
	}
	q := ledger.Query{AsOf: asOf, Source: source, KnownOn: knownOn}
	var sts []ledger.Status
	switch {
	case len(pos) > 0:
		for _, ref := range pos {
			p, err := l.settlement(ctx, ref)
			if err != nil {
				return err
			}
			sts = append(sts, ix.StatusOf(p.ID, q))
		}
	case all:
		places, err := l.db.Gazetteer().AllPlaces(ctx)
		if err != nil {
			return err
		}
		for _, p := range places {
			sts = append(sts, ix.StatusOf(p.ID, q))
		}
	default:
		for _, st := range ix.StatusAll(q) {
			if st.Sources > 0 {
				sts = append(sts, st)
			}
		}
	}
	ids := make([]string, len(sts))
	for i, st := range sts {
		ids[i] = st.Settlement
	}
	names, err := l.names(ctx, ids)
	if err != nil {
		return err
	}
	if asJSON {
		out := struct {
			AsOf        ledger.Date   `json:"as_of"`
			AsOfReason  string        `json:"as_of_reason"`
			KnownOn     ledger.Date   `json:"known_on,omitzero"`
			Source      string        `json:"source,omitempty"`
			StaleDays   int           `json:"stale_days"`
			Settlements []namedStatus `json:"settlements"`
		}{AsOf: asOf, AsOfReason: reason, KnownOn: knownOn, Source: source, StaleDays: ix.StaleDays(), Settlements: []namedStatus{}}
		for _, st := range sts {
			out.Settlements = append(out.Settlements, namedStatus{Name: names[st.Settlement], Status: st})
		}
		return writeJSON(e.stdout, out)
	}
	who := "all sources"
	if source != "" {
		who = "as seen by " + source
	}
	when := asOf.String()
	switch reason {
	case "latest-claims":
		when += " (the latest claims: every claim is older than the staleness window)"
	case "today":
		when += " (today)"
	}
	if !knownOn.IsZero() {
		when += ", as known on " + knownOn.String()
	}
	fmt.Fprintf(e.stdout, "status as of %s, %s; claims more than %d days old are stale and do not vote\n", when, who, ix.StaleDays())
	if len(sts) == 0 {
		fmt.Fprintln(e.stdout, "no settlement has a claim valid by then")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTLEMENT\tNAME\tCONSENSUS\tVOTING/SOURCES\tLATEST\tWHO SAYS WHAT")
	for _, st := range sts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d\t%s\t%s\n", st.Settlement, names[st.Settlement], consensus(st), st.Voting,
			st.Sources, dash(st.Latest.String()), viewsText(st.Views))
	}
	return tw.Flush()
}

func consensus(st ledger.Status) string {
	s := string(st.Consensus)
	if st.Degree != "" {
		s += " (" + string(st.Degree) + ")"
	}
	if st.Basis == ledger.BasisClaimed {
		s += ", claimed only"
	} else if st.Basis == ledger.BasisConfirmed {
		s += ", confirmed"
	}
	if st.Stale {
		s += ", stale"
	}
	return s
}

func viewsText(vs []ledger.SourceView) string {
	if len(vs) == 0 {
		return "-"
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = viewText(v)
	}
	return strings.Join(parts, "; ")
}

func viewText(v ledger.SourceView) string {
	s := fmt.Sprintf("%s: %s %s #%d", v.Source, holderDegree(v.Holder, v.Degree), v.ValidAt, v.ClaimID)
	if v.Stale {
		s += " stale"
	}
	return s
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ---- history ----

func cmdHistory(ctx context.Context, e env, args []string) error {
	var dbPath string
	var asJSON bool
	fs := newFlags(e, "history", "history [--db PATH] [--json] SETTLEMENT", &dbPath)
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("history takes one SETTLEMENT (id or slug), got %d arguments", len(pos))
	}
	l, err := openLedger(ctx, dbPath)
	if err != nil {
		return err
	}
	defer l.Close()
	p, err := l.settlement(ctx, pos[0])
	if err != nil {
		return err
	}
	ix, err := l.index(ctx, 0)
	if err != nil {
		return err
	}
	h, err := ix.History(ctx, p.ID)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(e.stdout, struct {
			Settlement string         `json:"settlement"`
			Name       string         `json:"name"`
			Claims     []ledger.Entry `json:"claims"`
		}{p.ID, p.Name, h})
	}
	fmt.Fprintf(e.stdout, "%s (%s): %d claims, oldest first\n", p.Name, p.ID, len(h))
	if len(h) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tVALID_AT\tPUBLISHED\tSOURCE\tHOLDER\tEVIDENCE\tRELAYED BY\tRECORDED BY\tSTANDING\tSUMMARY")
	for _, en := range h {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", en.ID, validAt(en.ValidAt, en.ValidPrecision),
			en.PublishedAt, en.SourceID, claimHolder(en.Claim), en.Evidence, dash(en.RelayedBy), dash(en.RecordedBy),
			standing(en), en.Summary)
	}
	return tw.Flush()
}

// standing says how an entry stands: in force, superseded, retracted, or a correction.
func standing(en ledger.Entry) string {
	var parts []string
	switch {
	case en.IsRetraction():
		parts = append(parts, fmt.Sprintf("retracts %d", en.Retracts))
	case en.SupersededBy != 0:
		parts = append(parts, fmt.Sprintf("superseded by %d", en.SupersededBy))
	case en.RetractedBy != 0:
		parts = append(parts, fmt.Sprintf("retracted by %d", en.RetractedBy))
	default:
		parts = append(parts, "in force")
	}
	if en.Supersedes != 0 {
		parts = append(parts, fmt.Sprintf("supersedes %d", en.Supersedes))
	}
	return strings.Join(parts, ", ")
}

// ---- diff ----

func cmdDiff(ctx context.Context, e env, args []string) error {
	var dbPath string
	var staleDays int
	var asJSON bool
	fs := newFlags(e, "diff", "diff [--db PATH] [--stale-days N] [--json] DATE1 DATE2", &dbPath)
	staleFlag(fs, &staleDays)
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("diff takes two dates, DATE1 DATE2, got %d arguments", len(pos))
	}
	if err := checkStale(staleDays); err != nil {
		return err
	}
	from, err := parseDateArg("DATE1", pos[0])
	if err != nil {
		return err
	}
	to, err := parseDateArg("DATE2", pos[1])
	if err != nil {
		return err
	}
	if to.Before(from) {
		return usagef("DATE2 %s is before DATE1 %s", to, from)
	}
	l, err := openLedger(ctx, dbPath)
	if err != nil {
		return err
	}
	defer l.Close()
	ix, err := l.index(ctx, staleDays)
	if err != nil {
		return err
	}
	changes := ix.Diff(from, to)
	ids := make([]string, len(changes))
	for i, c := range changes {
		ids[i] = c.Settlement
	}
	names, err := l.names(ctx, ids)
	if err != nil {
		return err
	}
	if asJSON {
		type namedChange struct {
			Name string `json:"name"`
			ledger.Change
		}
		out := struct {
			From      ledger.Date   `json:"from"`
			To        ledger.Date   `json:"to"`
			StaleDays int           `json:"stale_days"`
			Changes   []namedChange `json:"changes"`
		}{From: from, To: to, StaleDays: ix.StaleDays(), Changes: []namedChange{}}
		for _, c := range changes {
			out.Changes = append(out.Changes, namedChange{Name: names[c.Settlement], Change: c})
		}
		return writeJSON(e.stdout, out)
	}
	fmt.Fprintf(e.stdout, "changes between %s and %s: %d settlements\n", from, to, len(changes))
	if len(changes) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTLEMENT\tNAME\tCONSENSUS\tSOURCES CHANGED")
	for _, c := range changes {
		cons := consensus(c.To)
		if c.ConsensusChanged {
			cons = consensus(c.From) + " → " + consensus(c.To)
		}
		var parts []string
		for _, sc := range c.Sources {
			parts = append(parts, fmt.Sprintf("%s: %s → %s", sc.Source, viewHolder(sc.From), viewHolder(sc.To)))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Settlement, names[c.Settlement], cons, dash(strings.Join(parts, "; ")))
	}
	return tw.Flush()
}

func viewHolder(v *ledger.SourceView) string {
	if v == nil {
		return "none"
	}
	return holderDegree(v.Holder, v.Degree)
}

// ---- sources ----

func cmdSources(ctx context.Context, e env, args []string) error {
	return dispatch(ctx, e, "sources", []subcommand{
		{"list", "list [--db PATH] [--json]", "list the registered sources", cmdSourcesList},
		{"add", "add [--db PATH] --id ID --name NAME --kind KIND --alignment ru|ua|independent [--url URL] [--notes TEXT] [--reliability A-F]",
			"register a source", cmdSourcesAdd},
		{"grade", "grade [--db PATH] ID A-F", "set a source's reliability (Admiralty A … F)", cmdSourcesGrade},
		{"import", "import [--db PATH] FILE.csv", "register the sources of a CSV file (id,name,kind,alignment,url,notes[,reliability])", cmdSourcesImport},
		{"alias", "alias [--db PATH] ID [ALIAS…]", "add names the report parser finds a source by (none: list them)", cmdSourcesAlias},
	}, args)
}

func cmdSourcesList(ctx context.Context, e env, args []string) error {
	var dbPath string
	var asJSON bool
	fs := newFlags(e, "sources list", "sources list [--db PATH] [--json]", &dbPath)
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("sources list takes no arguments, got %q", pos)
	}
	l, err := openLedger(ctx, dbPath)
	if err != nil {
		return err
	}
	defer l.Close()
	srcs, err := l.db.Ledger().Sources(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		if srcs == nil {
			srcs = []ledger.Source{}
		}
		return writeJSON(e.stdout, srcs)
	}
	if len(srcs) == 0 {
		fmt.Fprintln(e.stdout, "no sources registered (tiled sources add, or tiled seed)")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tKIND\tALIGNMENT\tRELIABILITY\tURL")
	for _, s := range srcs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s (%s)\t%s\n", s.ID, s.Name, s.Kind, s.Alignment, s.Reliability,
			s.Reliability.Meaning(), dash(s.URL))
	}
	return tw.Flush()
}

func cmdSourcesAdd(ctx context.Context, e env, args []string) error {
	var (
		dbPath, alignment, reliability string
		s                              ledger.Source
	)
	fs := newFlags(e, "sources add", "sources add [--db PATH] --id ID --name NAME --kind KIND --alignment ru|ua|independent [--url URL] [--notes TEXT] [--reliability A-F]", &dbPath)
	fs.StringVar(&s.ID, "id", "", "short lowercase id, e.g. rybar")
	fs.StringVar(&s.Name, "name", "", "the source's name")
	fs.StringVar(&s.Kind, "kind", "", "official, analyst organisation, OSINT map, Telegram channel, war correspondent, …")
	fs.StringVar(&alignment, "alignment", "", "ru, ua or independent")
	fs.StringVar(&s.URL, "url", "", "home page or channel")
	fs.StringVar(&s.Notes, "notes", "", "what a reader should know about it")
	fs.StringVar(&reliability, "reliability", "F", "Admiralty reliability A (completely reliable) … F (cannot be judged)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("sources add takes flags only, got %q", pos)
	}
	if s.Alignment, err = ledger.ParseAlignment(alignment); err != nil {
		return asFlagError(err)
	}
	if s.Reliability, err = ledger.ParseReliability(reliability); err != nil {
		return asFlagError(err)
	}
	l, err := openLedger(ctx, dbPath)
	if err != nil {
		return err
	}
	defer l.Close()
	if err := l.rec.AddSource(ctx, s); err != nil {
		return asFlagError(err)
	}
	fmt.Fprintf(e.stdout, "registered source %s (%s), reliability %s\n", s.ID, s.Name, s.Reliability)
	return nil
}

func cmdSourcesGrade(ctx context.Context, e env, args []string) error {
	var dbPath string
	fs := newFlags(e, "sources grade", "sources grade [--db PATH] ID A-F", &dbPath)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("sources grade takes a source ID and a grade A-F, got %d arguments", len(pos))
	}
	g, err := ledger.ParseReliability(pos[1])
	if err != nil {
		return usageError{err.Error()}
	}
	l, err := openLedger(ctx, dbPath)
	if err != nil {
		return err
	}
	defer l.Close()
	if err := l.rec.SetReliability(ctx, pos[0], g); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "source %s: reliability %s (%s)\n", pos[0], g, g.Meaning())
	return nil
}

func cmdSourcesImport(ctx context.Context, e env, args []string) error {
	return importCSV(ctx, e, args, "sources import", "sources import [--db PATH] FILE.csv", nil,
		func(l *ledgerCtx, f io.Reader, file, _ string) error {
			st, err := l.rec.ImportSources(ctx, f, file)
			if err == nil {
				fmt.Fprintf(e.stdout, "registered %s from %s\n", plural(st.Sources, "source"), file)
			}
			return err
		})
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
