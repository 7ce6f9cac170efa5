package store

import (
	"context"
	"fmt"

	"github.com/tiled-maps/tiled/gazetteer"
	"github.com/tiled-maps/tiled/ledger"
)

// CopyResult reports a copy: what was copied and the content hash both stores were checked to share.
type CopyResult struct {
	// Counts is how many records were copied.
	Counts Counts
	// Hash is the content hash (see Hash) of the source, equal to the destination's after the copy.
	Hash string
}

// Copy copies the whole of src into dst, which must be empty, and checks that both then hold the same counts and
// content hash. Places go in one import transaction, sources and claims (with their ids and recorded times) in one
// ledger transaction, then the tokens, the reports (with their ids), the source aliases and the proposal reviews; a
// failure in one leaves that part of dst untouched. Desk sessions are not copied: editors sign in again.
func Copy(ctx context.Context, src, dst *Store) (CopyResult, error) {
	var res CopyResult
	_, dc, err := Hash(ctx, dst)
	if err != nil {
		return res, err
	}
	if dc != (Counts{}) {
		return res, fmt.Errorf("%w: %s holds %s", ErrNotEmpty, dst.Location(), dc)
	}
	err = dst.places.ImportPlaces(ctx, func(w gazetteer.PlaceWriter) error {
		return src.places.EachPlace(ctx, func(p gazetteer.Place) error {
			_, err := w.Upsert(ctx, p)
			return err
		})
	})
	if err != nil {
		return res, errf("copy places: %w", err)
	}
	srcs, err := src.ledger.Sources(ctx)
	if err != nil {
		return res, err
	}
	claims, err := src.ledger.Claims(ctx, ledger.ClaimFilter{})
	if err != nil {
		return res, err
	}
	if len(srcs) > 0 || len(claims) > 0 {
		err = dst.ledger.Write(ctx, func(w ledger.Writer) error {
			for _, s := range srcs {
				if err := w.AddSource(ctx, s); err != nil {
					return err
				}
			}
			for _, c := range claims {
				if _, err := w.AddClaim(ctx, c); err != nil {
					return fmt.Errorf("claim %d: %w", c.ID, err)
				}
			}
			return nil
		})
		if err != nil {
			return res, errf("copy ledger: %w", err)
		}
	}
	// The ledger index's snapshot is a cache of the claims: dst builds its own. One left in dst from claims it no
	// longer holds would be refused by its checks; removing it is cheaper than checking.
	if ss, ok := dst.ledger.(ledger.SnapshotStore); ok {
		if err := ss.SaveIndexSnapshot(ctx, nil); err != nil {
			return res, errf("copy: %w", err)
		}
	}
	toks, err := src.tokens.Tokens(ctx)
	if err != nil {
		return res, err
	}
	hashes, err := src.tokens.TokenHashes(ctx)
	if err != nil {
		return res, err
	}
	for _, t := range toks {
		if err := dst.tokens.RestoreToken(ctx, t, hashes[t.Name]); err != nil {
			return res, errf("copy token %q: %w", t.Name, err)
		}
	}
	reports, err := allReports(ctx, src)
	if err != nil {
		return res, err
	}
	for _, r := range reports {
		if _, err := dst.reports.RestoreReport(ctx, r); err != nil {
			return res, errf("copy report %d: %w", r.ID, err)
		}
	}
	aliases, err := src.aliases.SourceAliases(ctx)
	if err != nil {
		return res, err
	}
	for _, a := range aliases {
		if err := dst.aliases.AddSourceAlias(ctx, a); err != nil {
			return res, errf("copy source alias %q: %w", a.Alias, err)
		}
	}
	// Accepted proposals came with their claims (a claim read from a report records its review); the rejections
	// follow.
	reviews, err := allReviews(ctx, src)
	if err != nil {
		return res, err
	}
	for _, rv := range reviews {
		if rv.Decision != ledger.DecisionRejected {
			continue
		}
		if err := dst.reviews.Reject(ctx, rv); err != nil {
			return res, errf("copy review of report %d proposal %d: %w", rv.ReportID, rv.Proposal, err)
		}
	}
	sh, sc, err := Hash(ctx, src)
	if err != nil {
		return res, err
	}
	dh, dc, err := Hash(ctx, dst)
	if err != nil {
		return res, err
	}
	if sc != dc || sh != dh {
		return res, errf("copy check failed: %s has %s (hash %.12s…), %s has %s (hash %.12s…); was %s written to meanwhile?",
			src.Location(), sc, sh, dst.Location(), dc, dh, src.Location())
	}
	return CopyResult{Counts: sc, Hash: sh}, nil
}
