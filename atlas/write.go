package atlas

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/tiled-maps/tiled/auth"
	"github.com/tiled-maps/tiled/internal/strictjson"
	"github.com/tiled-maps/tiled/ledger"
)

// MaxBodyBytes bounds a write request's body.
const MaxBodyBytes = 64 << 10

// ErrBodyTooLarge is returned for a body over MaxBodyBytes.
var ErrBodyTooLarge = errors.New("atlas: request body too large")

// Authorize checks a request's Authorization header and returns the token's name.
func (a *Atlas) Authorize(ctx context.Context, header string) (auth.Token, error) {
	return auth.Service{Store: a.deps.Tokens}.Verify(ctx, header)
}

// decodeFields reads a JSON object whose values are strings or numbers into text fields, strictly (see
// internal/strictjson: one value, valid UTF-8, no lone surrogates, no repeated names, at most MaxBodyBytes).
func decodeFields(body io.Reader) (map[string]string, error) {
	var raw map[string]any
	if err := strictjson.Decode(body, MaxBodyBytes, &raw); err != nil {
		if errors.Is(err, strictjson.ErrTooLarge) {
			return nil, ErrBodyTooLarge
		}
		return nil, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	if raw == nil {
		return nil, fmt.Errorf("%w: body is not a JSON object", ErrBadRequest)
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			out[k] = v
		case json.Number:
			out[k] = v.String()
		case nil:
		default:
			return nil, fmt.Errorf("%w: field %q must be a string or a number", ErrBadRequest, k)
		}
	}
	return out, nil
}

// AddClaim validates the JSON claim in body (the claims CSV columns as members) and appends it to the ledger as
// the token's write, then drops exactly the cached tiles that show its settlement.
func (a *Atlas) AddClaim(ctx context.Context, tok auth.Token, body io.Reader) (ledger.Claim, error) {
	c, err := parseClaimBody(body)
	if err != nil {
		return c, err
	}
	c.RecordedBy = tok.Name
	stored, err := a.recorder.AddClaim(ctx, c)
	if err != nil {
		return stored, err
	}
	a.afterWrite(ctx)
	return stored, nil
}

// parseClaimBody reads a claim from a JSON body with the claims CSV columns as members, all but id.
func parseClaimBody(body io.Reader) (ledger.Claim, error) {
	fields, err := decodeFields(body)
	if err != nil {
		return ledger.Claim{}, err
	}
	if _, ok := fields["id"]; ok {
		return ledger.Claim{}, &ledger.FieldError{Field: "id", Msg: "assigned by the ledger; leave it out"}
	}
	return ledger.ClaimFromFields(fields)
}

// AddSource adds a source from a JSON object with the sources CSV columns as members.
func (a *Atlas) AddSource(ctx context.Context, tok auth.Token, body io.Reader) (ledger.Source, error) {
	fields, err := decodeFields(body)
	if err != nil {
		return ledger.Source{}, err
	}
	s, err := ledger.SourceFromFields(fields)
	if err != nil {
		return s, err
	}
	if err := a.recorder.AddSource(ctx, s); err != nil {
		return s, err
	}
	a.afterWrite(ctx)
	return s, nil
}

// afterWrite makes a write of this atlas visible at once: it refreshes the ledger index (incrementally), which drops
// exactly the cached tiles the write changes (see ledgerUpdated). The write itself has committed: a failure here
// only delays what readers see, so the cache is dropped whole and the next read refreshes again.
func (a *Atlas) afterWrite(ctx context.Context) {
	if _, err := a.ledger.Refresh(ctx); err != nil {
		a.mu.Lock()
		a.tiles.InvalidateAll()
		a.known = nil
		a.mu.Unlock()
	}
}
