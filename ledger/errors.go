package ledger

import (
	"errors"
	"fmt"
	"strings"
)

// Errors of the ledger. Every *FieldError also matches ErrInvalid.
var (
	// ErrInvalid marks input the ledger does not accept.
	ErrInvalid = errors.New("ledger: invalid input")
	// ErrUnknownSettlement is returned for a settlement id or slug the gazetteer does not hold.
	ErrUnknownSettlement = errors.New("ledger: unknown settlement")
	// ErrUnknownSource is returned for a source id that is not in the registry.
	ErrUnknownSource = errors.New("ledger: unknown source")
	// ErrUnknownClaim is returned for a claim id the ledger does not hold.
	ErrUnknownClaim = errors.New("ledger: unknown claim")
	// ErrExists is returned when adding a source or claim whose id is already taken, or a claim that repeats one.
	ErrExists = errors.New("ledger: already recorded")
)

// FieldError is a bad value in one field of a claim or source, with where it was read: "claims.csv:5: holder
// \"russia\": want one of ru, ua, contested, unknown".
type FieldError struct {
	// File names the input ("" when the value did not come from a file).
	File string
	// Line is the 1-based line of the record in File (0 when not known).
	Line int
	// Field is the column or flag name without dashes ("holder", "valid_at").
	Field string
	// Value is the offending text as given ("" for a missing value).
	Value string
	// Msg says what is wrong and, where it can, what would be right.
	Msg string
	// Err is the sentinel the error matches besides ErrInvalid (ErrUnknownSettlement, ErrExists, …), or nil.
	Err error
}

// Error returns "FILE:LINE: FIELD \"VALUE\": MSG", leaving out what is not known.
func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Field)
	if e.Value != "" {
		fmt.Fprintf(&b, " %q", e.Value)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap makes errors.Is match ErrInvalid and e.Err.
func (e *FieldError) Unwrap() []error {
	if e.Err == nil || e.Err == ErrInvalid {
		return []error{ErrInvalid}
	}
	return []error{ErrInvalid, e.Err}
}

// fieldErr returns a *FieldError for field and value with a formatted message.
func fieldErr(field, value string, sentinel error, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Value: value, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}

// at sets where err was read when it is a *FieldError without a location, and otherwise prefixes the location.
func at(err error, file string, line int) error {
	if err == nil {
		return nil
	}
	var fe *FieldError
	if errors.As(err, &fe) && fe.File == "" {
		fe.File, fe.Line = file, line
		return err
	}
	if fe != nil {
		return err
	}
	return fmt.Errorf("%s:%d: %w", file, line, err)
}
