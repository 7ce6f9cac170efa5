package sqlite

// SetImportBatches sizes ImportPlaces' batches for a test: places per multi-row INSERT and per hand-over to the
// writing goroutine, name keys held before they are written and per multi-row INSERT (0: the default).
func (db *DB) SetImportBatches(rows, job, keys, keyRows int) {
	db.importBatches = importBatches{rows: rows, job: job, keys: keys, keyRows: keyRows}
}
