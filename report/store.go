package report

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned for an unknown report id.
var ErrNotFound = errors.New("report: not found")

// Stored is a report kept by the newsroom with what the parser found in it. Reports are working material: they are
// never served on public routes nor written to exports.
type Stored struct {
	// ID is assigned by the store.
	ID int64 `json:"id"`
	// Title, Outlet and URL describe where the report came from; each may be empty.
	Title  string `json:"title"`
	Outlet string `json:"outlet"`
	URL    string `json:"url"`
	// PublishedAt is the report's date (given, read from the text, or the day it was stored).
	PublishedAt string `json:"published_at"`
	// Text is the report as pasted.
	Text string `json:"text"`
	// RecordedAt and RecordedBy say when and by whom (the write token's name) it was stored.
	RecordedAt time.Time `json:"recorded_at"`
	RecordedBy string    `json:"recorded_by"`
	// Result is what the parser found: published, language, places, claims.
	Result
}

// Store keeps reports. Implementations assign ids in increasing order and never change a stored report.
type Store interface {
	// AddReport stores r (its ID and RecordedAt are set by the store) and returns it as stored.
	AddReport(ctx context.Context, r Stored) (Stored, error)
	// Report returns the report with id, or an error wrapping ErrNotFound.
	Report(ctx context.Context, id int64) (Stored, error)
	// Reports returns the reports of page p, newest first, without Text, Places and Claims.
	Reports(ctx context.Context, p Page) ([]Stored, error)
}

// Page selects reports from the list, newest first.
type Page struct {
	// Before, when above 0, selects only the reports with ids below it: the page after the one that ended there.
	Before int64
	// Limit, when above 0, caps how many reports are returned.
	Limit int
}

// Alias is another name of a registered source ("the MoD", "Konashenkov", a channel's handle).
type Alias struct {
	// Source is the registry id.
	Source string `json:"source"`
	// Alias is the name as reports write it.
	Alias string `json:"alias"`
}

// AliasStore keeps the aliases editors add to the registry, beside the parser's built-in ones.
type AliasStore interface {
	// SourceAliases returns every alias, ordered by source and alias.
	SourceAliases(ctx context.Context) ([]Alias, error)
	// AddSourceAlias adds an alias of a registered source (adding one twice is no error); an unknown source is an
	// error wrapping ErrInvalid.
	AddSourceAlias(ctx context.Context, a Alias) error
}
