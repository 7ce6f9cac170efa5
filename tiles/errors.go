package tiles

import (
	"errors"
	"fmt"
)

// ErrBadPath is wrapped by every error ParsePath returns: the request names no tile this server serves.
var ErrBadPath = errors.New("tiles: bad tile path")

// ErrBadTile is wrapped by the error Build returns for a tile outside its zoom range or outside the world at its
// zoom.
var ErrBadTile = errors.New("tiles: tile out of range")

// ErrBadProperty is wrapped by the error Build returns for a feature property of a type MVT cannot carry.
var ErrBadProperty = errors.New("tiles: bad property")

// PathError says which part of a tile path is wrong and why. It wraps ErrBadPath.
type PathError struct {
	// Part is "z", "x" or "y".
	Part string
	// Value is the part as given, suffix included for y.
	Value string
	// Msg says what is wrong.
	Msg string
}

// maxQuoted bounds how much of a bad value an error message repeats.
const maxQuoted = 32

// Error formats the problem for people.
func (e *PathError) Error() string {
	v := e.Value
	if len(v) > maxQuoted {
		v = v[:maxQuoted] + "…"
	}
	return fmt.Sprintf("%v: %s %q: %s", ErrBadPath, e.Part, v, e.Msg)
}

// Unwrap makes errors.Is(err, ErrBadPath) true.
func (e *PathError) Unwrap() error { return ErrBadPath }

// PropertyError names the feature and property whose value Build cannot encode. It wraps ErrBadProperty.
type PropertyError struct {
	// Feature is the feature's ID.
	Feature string
	// Key is the property's name.
	Key string
	// Type is the Go type of the value.
	Type string
}

// Error formats the problem for people.
func (e *PropertyError) Error() string {
	return fmt.Sprintf("%v: feature %q: %s: unsupported type %s", ErrBadProperty, e.Feature, e.Key, e.Type)
}

// Unwrap makes errors.Is(err, ErrBadProperty) true.
func (e *PropertyError) Unwrap() error { return ErrBadProperty }
