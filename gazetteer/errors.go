package gazetteer

import "fmt"

// InputError locates a problem in an input file: the file, and the line (GeoNames, CSV) or feature index
// (GeoJSON, counted from 0) where it was found. It wraps ErrInvalid.
type InputError struct {
	// File is the input's name as the user gave it.
	File string
	// Line is the 1-based line number, 0 when not line-oriented.
	Line int
	// Feature is the 0-based feature index for GeoJSON, -1 otherwise.
	Feature int
	// Msg says what is wrong.
	Msg string
}

// Error formats the problem for people.
func (e *InputError) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	case e.Feature >= 0:
		return fmt.Sprintf("%s: feature %d: %s", e.File, e.Feature, e.Msg)
	default:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *InputError) Unwrap() error { return ErrInvalid }
