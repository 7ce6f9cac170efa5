package report

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/names"
)

// Gold is a gold file in the format of the shared development set (reports-dev/gold.json): per article, its date,
// language, the settlements it mentions (by English name), the regions, and the claims as [source, settlement,
// holder], where source may be a list of acceptable ids.
type Gold struct {
	// About describes the set.
	About string `json:"about"`
	// Articles maps a file name to its gold.
	Articles map[string]GoldArticle `json:"articles"`
}

// GoldArticle is the gold of one report.
type GoldArticle struct {
	// Published is the report's date.
	Published string `json:"published"`
	// Language is en, ru or uk.
	Language string `json:"language"`
	// Outlet, optional, is the outlet that published the report (as --outlet).
	Outlet string `json:"outlet,omitempty"`
	// Settlements are the English names of the settlements mentioned.
	Settlements []string `json:"settlements"`
	// Regions are the English names of the oblasts and districts mentioned.
	Regions []string `json:"regions"`
	// Claims are [source or [sources…], settlement, holder].
	Claims []GoldClaim `json:"claims"`
	// Notes explain the traps.
	Notes string `json:"notes,omitempty"`
}

// GoldClaim is one expected claim.
type GoldClaim struct {
	// Sources are the acceptable source ids.
	Sources []string
	// Settlement is the English name.
	Settlement string
	// Holder is ru, ua, contested or unknown.
	Holder string
}

// UnmarshalJSON reads [source|[sources], settlement, holder].
func (g *GoldClaim) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil || len(raw) != 3 {
		return fmt.Errorf("gold claim %s: want [source, settlement, holder]", b)
	}
	var one string
	if err := json.Unmarshal(raw[0], &one); err == nil {
		g.Sources = []string{one}
	} else if err := json.Unmarshal(raw[0], &g.Sources); err != nil {
		return fmt.Errorf("gold claim %s: source must be a string or a list of strings", b)
	}
	if err := json.Unmarshal(raw[1], &g.Settlement); err != nil {
		return fmt.Errorf("gold claim %s: settlement must be a string", b)
	}
	if err := json.Unmarshal(raw[2], &g.Holder); err != nil {
		return fmt.Errorf("gold claim %s: holder must be a string", b)
	}
	return nil
}

// ReadGold reads a gold file.
func ReadGold(r io.Reader) (Gold, error) {
	var g Gold
	dec := json.NewDecoder(r)
	if err := dec.Decode(&g); err != nil {
		return g, fmt.Errorf("%w: gold file: %v", ErrInvalid, err)
	}
	if len(g.Articles) == 0 {
		return g, fmt.Errorf("%w: gold file has no articles", ErrInvalid)
	}
	return g, nil
}

// Score counts matches of one kind.
type Score struct {
	// TP, FP and FN count true positives, false positives and false negatives.
	TP int `json:"tp"`
	FP int `json:"fp"`
	FN int `json:"fn"`
}

// Precision is TP / (TP + FP), 1 when nothing was proposed.
func (s Score) Precision() float64 {
	if s.TP+s.FP == 0 {
		return 1
	}
	return float64(s.TP) / float64(s.TP+s.FP)
}

// Recall is TP / (TP + FN), 1 when nothing was expected.
func (s Score) Recall() float64 {
	if s.TP+s.FN == 0 {
		return 1
	}
	return float64(s.TP) / float64(s.TP+s.FN)
}

func (s *Score) add(o Score) { s.TP += o.TP; s.FP += o.FP; s.FN += o.FN }

// MarshalJSON adds precision and recall to the counts.
func (s Score) MarshalJSON() ([]byte, error) {
	type counts Score
	return json.Marshal(struct {
		counts
		Precision float64 `json:"precision"`
		Recall    float64 `json:"recall"`
	}{counts(s), round3(s.Precision()), round3(s.Recall())})
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// ArticleScore is the score of one report.
type ArticleScore struct {
	// File is the report's file name.
	File string `json:"file"`
	// Settlements scores the distinct settlements resolved.
	Settlements Score `json:"settlements"`
	// Claims scores the distinct (source, settlement, holder) claims.
	Claims Score `json:"claims"`
	// Missed and Extra list what went wrong, for people.
	Missed []string `json:"missed,omitempty"`
	Extra  []string `json:"extra,omitempty"`
}

// Evaluation is the score of a parser on a gold set.
type Evaluation struct {
	// Articles are the per-report scores, by file name.
	Articles []ArticleScore `json:"articles"`
	// Settlements and Claims are the totals (micro-averaged).
	Settlements Score `json:"settlements"`
	Claims      Score `json:"claims"`
}

// Evaluate parses every article of gold from dir and scores the result: settlements as the set of distinct places
// resolved against the gold names (a gold name matches a place the gazetteer indexes under one of its keys), and
// claims as the set of distinct (source, settlement, holder) triples.
func (p *Parser) Evaluate(ctx context.Context, gold Gold, dir string) (Evaluation, error) {
	var ev Evaluation
	files := make([]string, 0, len(gold.Articles))
	for f := range gold.Articles {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		g := gold.Articles[f]
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return ev, err
		}
		opts := Options{Language: g.Language, Outlet: g.Outlet}
		if g.Published != "" {
			if opts.Published, err = ledger.ParseDate(g.Published); err != nil {
				return ev, fmt.Errorf("%w: gold for %s: %v", ErrInvalid, f, err)
			}
		}
		res, err := p.Parse(ctx, string(b), opts)
		if err != nil {
			return ev, fmt.Errorf("%s: %w", f, err)
		}
		as, err := p.score(ctx, f, g, res)
		if err != nil {
			return ev, err
		}
		ev.Articles = append(ev.Articles, as)
		ev.Settlements.add(as.Settlements)
		ev.Claims.add(as.Claims)
	}
	return ev, nil
}

// idsOf returns the ids of the places a gold name may denote.
func (p *Parser) idsOf(ctx context.Context, name string) ([]string, error) {
	ms, err := p.places.PlacesByKeys(ctx, names.Keys(name))
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range ms {
		if !slices.Contains(ids, m.Place.ID) {
			ids = append(ids, m.Place.ID)
		}
	}
	return ids, nil
}

func (p *Parser) score(ctx context.Context, file string, g GoldArticle, res Result) (ArticleScore, error) {
	as := ArticleScore{File: file}
	// Settlements: distinct gold names against distinct resolved places.
	found := map[string]string{} // id → name
	for _, pl := range res.Places {
		if pl.Kind == KindSettlement && pl.ID != nil {
			found[*pl.ID] = pl.Name
		}
	}
	matched := map[string]bool{}
	goldIDs := map[string][]string{}
	seenName := map[string]bool{}
	for _, name := range g.Settlements {
		k := names.Key(name)
		if seenName[k] {
			continue
		}
		seenName[k] = true
		ids, err := p.idsOf(ctx, name)
		if err != nil {
			return as, err
		}
		goldIDs[name] = ids
		hit := false
		for _, id := range ids {
			if _, ok := found[id]; ok && !matched[id] {
				matched[id], hit = true, true
				break
			}
		}
		if hit {
			as.Settlements.TP++
		} else {
			as.Settlements.FN++
			as.Missed = append(as.Missed, "settlement "+name)
		}
	}
	for id, name := range found {
		if !matched[id] {
			as.Settlements.FP++
			as.Extra = append(as.Extra, "settlement "+name+" ("+id+")")
		}
	}
	// Claims: distinct (source, settlement, holder).
	type triple struct{ source, settlement, holder string }
	proposed := map[triple]bool{}
	for _, c := range res.Claims {
		src := ""
		if c.Source != nil {
			src = *c.Source
		} else {
			src = "?" + c.SourceMention
		}
		proposed[triple{src, c.Settlement, string(c.Holder)}] = true
	}
	used := map[triple]bool{}
	for _, gc := range g.Claims {
		ids := goldIDs[gc.Settlement]
		if ids == nil {
			var err error
			if ids, err = p.idsOf(ctx, gc.Settlement); err != nil {
				return as, err
			}
		}
		hit := false
		for t := range proposed {
			if !used[t] && slices.Contains(gc.Sources, t.source) && slices.Contains(ids, t.settlement) && t.holder == gc.Holder {
				used[t], hit = true, true
				break
			}
		}
		if hit {
			as.Claims.TP++
		} else {
			as.Claims.FN++
			as.Missed = append(as.Missed, fmt.Sprintf("claim %v %s %s", gc.Sources, gc.Settlement, gc.Holder))
		}
	}
	for t := range proposed {
		if !used[t] {
			as.Claims.FP++
			as.Extra = append(as.Extra, fmt.Sprintf("claim %s %s %s", t.source, t.settlement, t.holder))
		}
	}
	sort.Strings(as.Extra)
	return as, nil
}
