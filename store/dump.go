package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/report"
)

// Counts is how many records of each kind a store holds.
type Counts struct {
	// Places, Sources, Claims, Tokens, Reports, Aliases and Reviews count the records.
	Places, Sources, Claims, Tokens, Reports, Aliases, Reviews int
}

// String renders the counts for people.
func (c Counts) String() string {
	return fmt.Sprintf("%d places, %d sources, %d claims, %d tokens, %d reports, %d source aliases, %d proposal reviews",
		c.Places, c.Sources, c.Claims, c.Tokens, c.Reports, c.Aliases, c.Reviews)
}

// dumpPlace is a place with its point, as the dump writes it.
type dumpPlace struct {
	gazetteer.Place
	Lon, Lat float64
}

// dumpToken is a token with its hash.
type dumpToken struct {
	Name      string
	Hash      string
	CreatedAt time.Time
	RevokedAt *time.Time
}

// Dump writes the store's content to w in a canonical form, one JSON record a line: places, sources, claims,
// tokens and reports, each in id (name) order. Two stores with the same content dump the same bytes, whatever their engine.
// Derived data (name keys, versions, spatial indexes) is left out.
func Dump(ctx context.Context, s *Store, w io.Writer) (Counts, error) {
	var c Counts
	enc := json.NewEncoder(w)
	err := s.places.EachPlace(ctx, func(p gazetteer.Place) error {
		c.Places++
		return enc.Encode(dumpPlace{Place: p, Lon: p.Point.Lon(), Lat: p.Point.Lat()})
	})
	if err != nil {
		return c, err
	}
	srcs, err := s.ledger.Sources(ctx)
	if err != nil {
		return c, err
	}
	for _, src := range srcs {
		c.Sources++
		if err := enc.Encode(src); err != nil {
			return c, err
		}
	}
	claims, err := s.ledger.Claims(ctx, ledger.ClaimFilter{})
	if err != nil {
		return c, err
	}
	for _, cl := range claims {
		c.Claims++
		cl.RecordedAt = cl.RecordedAt.UTC()
		if err := enc.Encode(cl); err != nil {
			return c, err
		}
	}
	toks, err := s.tokens.Tokens(ctx)
	if err != nil {
		return c, err
	}
	hashes, err := s.tokens.TokenHashes(ctx)
	if err != nil {
		return c, err
	}
	sort.Slice(toks, func(i, j int) bool { return toks[i].Name < toks[j].Name })
	for _, t := range toks {
		c.Tokens++
		d := dumpToken{Name: t.Name, Hash: hex.EncodeToString(hashes[t.Name]), CreatedAt: t.CreatedAt.UTC()}
		if t.RevokedAt != nil {
			r := t.RevokedAt.UTC()
			d.RevokedAt = &r
		}
		if err := enc.Encode(d); err != nil {
			return c, err
		}
	}
	reports, err := allReports(ctx, s)
	if err != nil {
		return c, err
	}
	for _, r := range reports {
		c.Reports++
		if err := enc.Encode(r); err != nil {
			return c, err
		}
	}
	aliases, err := s.aliases.SourceAliases(ctx)
	if err != nil {
		return c, err
	}
	for _, a := range aliases {
		c.Aliases++
		if err := enc.Encode(a); err != nil {
			return c, err
		}
	}
	reviews, err := allReviews(ctx, s)
	if err != nil {
		return c, err
	}
	for _, rv := range reviews {
		c.Reviews++
		if err := enc.Encode(rv); err != nil {
			return c, err
		}
	}
	return c, nil
}

// allReviews returns every proposal review, by report and proposal.
func allReviews(ctx context.Context, s *Store) ([]ledger.Review, error) {
	counts, err := s.reviews.ReviewCounts(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var out []ledger.Review
	for _, id := range ids {
		rvs, err := s.reviews.Reviews(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, rv := range rvs {
			rv.At = rv.At.UTC().Truncate(time.Millisecond)
			out = append(out, rv)
		}
	}
	return out, nil
}

// allReports returns every report in full, in id order.
func allReports(ctx context.Context, s *Store) ([]report.Stored, error) {
	list, err := s.reports.Reports(ctx, report.Page{})
	if err != nil {
		return nil, err
	}
	out := make([]report.Stored, 0, len(list))
	for i := len(list) - 1; i >= 0; i-- { // listed newest first
		r, err := s.reports.Report(ctx, list[i].ID)
		if err != nil {
			return nil, err
		}
		r.RecordedAt = r.RecordedAt.UTC()
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Hash returns the SHA-256 of the store's Dump, in hex, with the counts.
func Hash(ctx context.Context, s *Store) (string, Counts, error) {
	h := sha256.New()
	c, err := Dump(ctx, s, h)
	return hex.EncodeToString(h.Sum(nil)), c, err
}
