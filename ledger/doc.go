// Package ledger is tiled's control-status ledger: a registry of sources, an append-only record of what each
// source said about who held each settlement, and the views derived from it (status as of a date, the same as seen
// by one source, the history of a settlement, the changes between two dates).
//
// # Claims
//
// A Claim says that a source said that, on a date, a side held (or fought for) a settlement. The ledger never edits
// or deletes a claim. A correction is a new claim that names an earlier one in Supersedes or Retracts:
//
//   - a superseding claim replaces the superseded one in every view; it is an ordinary claim otherwise (its own
//     source, holder and dates count);
//   - a retraction removes the retracted claim from every view and is not a view itself (its holder and degree are
//     ignored);
//   - both the original and the correction stay in the history, linked both ways.
//
// A claim can be replaced once (superseded or retracted, not both, not twice); retractions cannot themselves be
// replaced; a correction must be about the same settlement as the claim it corrects, and come from the same source:
// one source cannot withdraw what another said. When a claim was recorded in error, tiled's editors withdraw it
// with an editorial retraction: a retraction in the claim's own source's name that carries EditorialReason (the
// atlas lets only admins record one). Retracting a superseding
// claim does not bring back the claim it superseded: record a new claim instead.
//
// # Dates
//
// ValidAt, the date a claim describes, is a calendar Date with no time of day or zone. A week- or month-precision
// claim counts from its ValidAt as given (no rounding to the end of the period). "As of D" includes the claims valid
// on D itself. A claim's age on D is D minus ValidAt in days, and it is stale when its age exceeds the staleness
// window (Options.StaleDays, DefaultStaleDays = 30): a claim exactly 30 days old is still current. PublishedAt
// plays no part in which claims are visible on a date: a claim valid on 28 March but published on 31 March is
// part of the status as of 30 March (the ledger describes the ground, not the news cycle).
//
// # Status
//
// The status of a settlement as of D takes, for each source, its view: the latest of its claims with ValidAt ≤ D
// that is neither superseded, retracted nor a retraction. Claims of one source valid on the same day are ordered
// by PublishedAt, then by RecordedAt, then by ID (the order the ledger stored them): the last one is the view.
//
// Current views vote, except a holder of "unknown", which abstains. The consensus is
//
//   - ru, ua or contested when every voting source says that;
//   - disputed when voting sources disagree (ru against contested is a dispute too); Status.Views says who says what;
//   - otherwise (no voter: every view is stale or unknown) decided by the views of the latest day any view
//     describes (the latest ValidAt), each with a holder other than unknown: their holder when they agree, disputed
//     when they do not (same day, different holders), marked Stale when those views are stale. When the latest day's
//     views all say unknown the consensus is unknown; with no view at all it is unknown.
//
// A ru, ua or contested consensus carries a Basis, from the alignment of the sources that decided it (the voters,
// or the latest day's views):
//
//   - confirmed when one of them is not aligned with the holder's side: an independent source, or the other side
//     conceding (a Ukrainian source saying Russia holds the settlement); for contested, an independent source or
//     sources of both sides;
//   - claimed when only sources aligned with the holder's side say so (for contested: one side's sources only).
//     A source missing from the registry confirms nothing.
//
// # What was known then
//
// A Query's KnownOn (zero: no limit) keeps only the claims published on or before it, and the corrections published
// on or before it: a claim superseded or retracted by a correction published later is still in force that day. It
// shows the map as it could have been drawn on KnownOn; AsOf still says which day the claims describe.
//
// # Default date
//
// A view asked for no date shows Index.DefaultAsOf: today, unless no claim in force is newer than the staleness
// window before today (every claim would be stale); then the latest ValidAt of any claim in force, so a map opened
// long after the last claim shows the latest picture rather than a faded one. With KnownOn earlier than today,
// KnownOn stands for today and only claims published by then count. Every surface (API, tiles, page, CLI) calls it.
//
// The status as seen by one source is the same computation over that source's claims only.
//
// # Use
//
// An Index is an immutable in-memory index of the whole ledger, built by NewIndex or Load. It keeps each claim in
// a compact form (56 bytes, no text: History reads the text from the store) grouped by settlement and source. Its
// status methods do no I/O and are safe for concurrent use; StatusOfNumber looks a settlement up by a dense number
// that stays the same across an index's successors.
//
// A Cache keeps one Index per Store current without ever making readers wait: it publishes each new index
// atomically, and a refresh reads only what the store gained (the claims with ids above the last it read) and
// derives the next index with Index.With, which copies only the settlements the new claims are about (copy on
// write) and shares the rest with the older index, still valid for readers that hold it. The same path applies
// this process's writes (Refresh after writing), another process's (a reader finding the version moved), and a
// replica's (Refresh, or Apply with claims it was told of, in any order). Applying a claim twice is harmless.
//
// A store may keep a snapshot of the index (SnapshotStore): a compact, checksummed form of the claims up to some
// id N. Load starts from it when the store still holds exactly those claims (as many with ids up to N, and a sample
// of them read back equal) and reads only the claims above N; anything else (no snapshot, a damaged or foreign one,
// claims that do not match) and Load reads every claim, as it would without one. Cache.SaveSnapshot writes a new
// one after a load that read many claims from rows.
//
// A Recorder validates and appends sources and claims (one at a time, or a CSV file in one transaction).
// Persistence sits behind Store; package sqlite implements it.
package ledger
