package ledger

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"strings"
)

// SnapshotStore is what a Store may also offer: a place to keep the index in a compact form (a snapshot of the
// claims up to some id), so that a load reads one value and then only the claims stored after it, instead of every
// claim. The snapshot is a cache: Load checks it against the claims the store holds and ignores it (reading every
// claim) when it is missing, unreadable, of another format or does not match them.
type SnapshotStore interface {
	// ReadIndexSnapshot calls read with the stored snapshot and its length in bytes; found is false, and read is
	// not called, when none is stored.
	ReadIndexSnapshot(ctx context.Context, read func(r io.Reader, size int64) error) (found bool, err error)
	// SaveIndexSnapshot replaces the stored snapshot with what write writes, in one transaction, without changing
	// the store's version; a nil write removes it.
	SaveIndexSnapshot(ctx context.Context, write func(w io.Writer) error) error
	// ClaimsThrough returns the number of claims with ids up to id.
	ClaimsThrough(ctx context.Context, id int64) (int64, error)
}

// snapshotMagic starts a snapshot; the digit is its format version. A snapshot of another version is ignored.
const snapshotMagic = "tiled-ledger-index-1\n"

// recSize is the size of a rec in a snapshot.
const recSize = 8*4 + 4*3 + 4 + 1

// SnapshotMin is how many claims a load must read from the store's rows (beyond its snapshot, if any) before
// SaveSnapshotIfBehind writes a new snapshot: below it a load is quick anyway.
const SnapshotMin = 1 << 16

// errSnapshot says a stored snapshot cannot be used.
var errSnapshot = errors.New("ledger: stored index snapshot unusable")

// snapshotSamples is how many claims a load reads back from the store to check that a snapshot describes the
// claims the store holds (besides their count).
const snapshotSamples = 16

// WriteSnapshot writes the compact form of ix: the claims up to ix's read position, grouped by settlement, and the
// numbering of sources, with a checksum. ix must hold only claims read from a store (not Cache.Apply'd ones beyond
// what was read): ErrSnapshotUnfit otherwise.
func (ix *Index) WriteSnapshot(w io.Writer) error {
	if ix.lastID > ix.readTo {
		return ErrSnapshotUnfit
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	crc := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	out := io.MultiWriter(bw, crc)
	le := binary.LittleEndian
	b := make([]byte, 0, 1<<16)
	flush := func(force bool) {
		if force || len(b) >= 1<<15 {
			out.Write(b) //nolint:errcheck // bufio keeps the first error for Flush; the crc cannot fail
			b = b[:0]
		}
	}
	b = append(b, snapshotMagic...)
	b = le.AppendUint64(b, uint64(ix.readTo))
	b = le.AppendUint64(b, uint64(ix.claims))
	b = le.AppendUint64(b, uint64(ix.lastID))
	b = le.AppendUint32(b, uint32(len(ix.srcIDs)))
	for _, id := range ix.srcIDs {
		b = le.AppendUint32(b, uint32(len(id)))
		b = append(b, id...)
		flush(false)
	}
	b = le.AppendUint32(b, uint32(len(ix.setts)))
	for _, s := range ix.setts {
		b = le.AppendUint32(b, uint32(len(s.id)))
		b = append(b, s.id...)
		b = le.AppendUint32(b, uint32(len(s.recs)))
		for i := range s.recs {
			r := &s.recs[i]
			b = le.AppendUint64(b, uint64(r.id))
			b = le.AppendUint64(b, uint64(r.recorded))
			b = le.AppendUint64(b, uint64(r.target))
			b = le.AppendUint64(b, uint64(r.replacedBy))
			b = le.AppendUint32(b, uint32(r.valid))
			b = le.AppendUint32(b, uint32(r.published))
			b = le.AppendUint32(b, uint32(r.source))
			b = append(b, r.holder, r.degree, r.precision, r.evid)
			if r.retraction {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
			flush(false)
		}
	}
	flush(true)
	bw.Write(le.AppendUint32(nil, crc.Sum32())) //nolint:errcheck // see Flush
	return bw.Flush()
}

// ErrSnapshotUnfit is returned by WriteSnapshot for an index holding claims beyond what it read from its store.
var ErrSnapshotUnfit = errors.New("ledger: index holds claims it did not read from its store")

// snapReader reads a snapshot, checksumming what it reads and remembering the first error.
type snapReader struct {
	r    *bufio.Reader
	crc  uint32
	tab  *crc32.Table
	err  error
	buf  []byte
	left int64 // bytes not read yet
}

// take returns the next n bytes, valid until the next call; zeros after an error.
func (d *snapReader) take(n int) []byte {
	if cap(d.buf) < n {
		d.buf = make([]byte, n)
	}
	b := d.buf[:n]
	if d.err == nil && int64(n) > d.left {
		d.err = fmt.Errorf("%w: truncated", errSnapshot)
	}
	if d.err != nil {
		clear(b)
		return b
	}
	if _, err := io.ReadFull(d.r, b); err != nil {
		d.err = fmt.Errorf("%w: %v", errSnapshot, err)
		clear(b)
		return b
	}
	d.left -= int64(n)
	d.crc = crc32.Update(d.crc, d.tab, b)
	return b
}

func (d *snapReader) u64() uint64 { return binary.LittleEndian.Uint64(d.take(8)) }
func (d *snapReader) u32() uint32 { return binary.LittleEndian.Uint32(d.take(4)) }

// str reads a length-prefixed string of at most max bytes.
func (d *snapReader) str(max int) string {
	n := d.u32()
	if d.err == nil && int(n) > max {
		d.err = fmt.Errorf("%w: string of %d bytes", errSnapshot, n)
	}
	if d.err != nil {
		return ""
	}
	return string(d.take(int(n)))
}

// decodeSnapshot reads what WriteSnapshot wrote (size bytes), checking its checksum, every count and every code,
// so that a damaged or foreign value is an error, never an index that answers wrongly or panics. The index has no
// store attached and no source registry yet.
func decodeSnapshot(r io.Reader, size int64, opt Options) (*Index, error) {
	d := &snapReader{r: bufio.NewReaderSize(r, 1<<16), tab: crc32.MakeTable(crc32.Castagnoli), left: size - 4}
	if string(d.take(len(snapshotMagic))) != snapshotMagic {
		return nil, fmt.Errorf("%w: unknown format", errSnapshot)
	}
	readTo, claims, lastID := int64(d.u64()), d.u64(), int64(d.u64())
	if claims > uint64(max(size, 0))/recSize || readTo < 0 || lastID > readTo {
		return nil, fmt.Errorf("%w: header", errSnapshot)
	}
	ix := emptyIndex(opt)
	ix.gen, ix.readTo, ix.lastID = 1, readTo, lastID
	nsrc := d.u32()
	if uint64(nsrc) > uint64(max(d.left, 0))/4 {
		return nil, fmt.Errorf("%w: sources", errSnapshot)
	}
	for range nsrc {
		id := d.str(MaxID * 4)
		if _, dup := ix.srcNum[id]; dup && d.err == nil {
			return nil, fmt.Errorf("%w: source %q twice", errSnapshot, id)
		}
		ix.srcNum[id] = int32(len(ix.srcIDs))
		ix.srcIDs = append(ix.srcIDs, id)
		ix.srcAlign = append(ix.srcAlign, "")
	}
	nsett := d.u32()
	if uint64(nsett) > uint64(max(d.left, 0))/8 {
		return nil, fmt.Errorf("%w: settlements", errSnapshot)
	}
	ix.setts = make([]*settlement, 0, nsett)
	all := make([]rec, claims) // one allocation for every settlement's records
	le := binary.LittleEndian
	var total uint64
	maxCode := [4]uint8{uint8(len(Holders())), uint8(len(Degrees())), uint8(len(Precisions())), uint8(len(Evidences()))}
	for range nsett {
		id := d.str(MaxID * 4)
		n := uint64(d.u32())
		if d.err != nil {
			break
		}
		if _, dup := ix.byID[id]; dup || id == "" || n == 0 || total+n > claims {
			return nil, fmt.Errorf("%w: settlement %q", errSnapshot, id)
		}
		s := &settlement{id: id, gen: 1, recs: all[total : total+n : total+n]}
		total += n
		raw := d.take(int(n) * recSize)
		for i := range s.recs {
			p := raw[i*recSize:]
			r := &s.recs[i]
			r.id, r.recorded = int64(le.Uint64(p)), int64(le.Uint64(p[8:]))
			r.target, r.replacedBy = int64(le.Uint64(p[16:])), int64(le.Uint64(p[24:]))
			r.valid, r.published, r.source = int32(le.Uint32(p[32:])), int32(le.Uint32(p[36:])), int32(le.Uint32(p[40:]))
			r.holder, r.degree, r.precision, r.evid = p[44], p[45], p[46], p[47]
			r.retraction = p[48] == 1
			if d.err == nil && (r.id <= 0 || r.id > lastID || r.source < 0 || r.source >= int32(nsrc) ||
				r.holder > maxCode[0] || r.degree > maxCode[1] || r.precision > maxCode[2] || r.evid > maxCode[3] ||
				p[48] > 1 || (i > 0 && !recBefore(&s.recs[i-1], r))) {
				return nil, fmt.Errorf("%w: claim %d of settlement %q", errSnapshot, r.id, id)
			}
		}
		ix.byID[id] = int32(len(ix.setts))
		ix.setts = append(ix.setts, s)
	}
	if d.err != nil {
		return nil, d.err
	}
	sum := d.crc
	d.left += 4
	if got := binary.LittleEndian.Uint32(d.take(4)); d.err != nil || got != sum || total != claims {
		return nil, fmt.Errorf("%w: checksum", errSnapshot)
	}
	if _, err := d.r.ReadByte(); err != io.EOF {
		return nil, fmt.Errorf("%w: length", errSnapshot)
	}
	ix.claims = int(claims)
	ix.order = make([]int32, len(ix.setts))
	var latest int32
	rank := sourceRanks(ix.srcIDs)
	for n, s := range ix.setts {
		s.regroup(rank)
		ix.views += int(s.nsrc)
		latest = max(latest, s.latest)
		ix.order[n] = int32(n)
	}
	ix.latest = Date{n: latest}
	slices.SortFunc(ix.order, func(x, y int32) int { return strings.Compare(ix.setts[x].id, ix.setts[y].id) })
	return ix, nil
}

// loadSnapshot returns the index stored in s's snapshot when there is one that matches the claims s holds (their
// count up to the snapshot's last, and a sample of them read back), or nil.
func loadSnapshot(ctx context.Context, s Store, opt Options) (*Index, error) {
	ss, ok := s.(SnapshotStore)
	if !ok {
		return nil, nil
	}
	var ix *Index
	_, err := ss.ReadIndexSnapshot(ctx, func(r io.Reader, size int64) error {
		var err error
		ix, err = decodeSnapshot(r, size, opt)
		return err
	})
	if err != nil || ix == nil {
		return nil, ctx.Err() // any failure to read the cache: load every claim
	}
	if ok, err := ix.matches(ctx, s, ss); !ok {
		return nil, err
	}
	return ix, nil
}

// matches reports whether s holds exactly the claims ix describes up to its read position: as many, and a sample
// of them (the last, the first and some spread between) read back equal to ix's records. Claims are append-only,
// so the count settles it for a store that enforces that; the sample catches a store whose claims were replaced
// behind its triggers' backs. A failure to ask is an error only when ctx ended.
func (ix *Index) matches(ctx context.Context, s Store, ss SnapshotStore) (bool, error) {
	n, err := ss.ClaimsThrough(ctx, ix.readTo)
	if err != nil || n != int64(ix.claims) {
		return false, ctx.Err()
	}
	if ix.claims == 0 {
		return true, nil
	}
	type pick struct {
		s *settlement
		r *rec
	}
	var picks []pick
	step := max(ix.claims/snapshotSamples, 1)
	k := 0
	for _, st := range ix.setts {
		for i := range st.recs {
			if r := &st.recs[i]; k%step == 0 || r.id == ix.lastID {
				picks = append(picks, pick{st, r})
			}
			k++
		}
	}
	for _, p := range picks {
		cs, err := s.Claims(ctx, ClaimFilter{AfterID: p.r.id - 1, Limit: 1, NoText: true})
		if err != nil || len(cs) == 0 {
			return false, ctx.Err()
		}
		c := &cs[0]
		num, known := ix.srcNum[c.SourceID]
		got := newRec(c, num)
		got.replacedBy = p.r.replacedBy
		if c.ID != p.r.id || c.SettlementID != p.s.id || !known || got != *p.r {
			return false, nil
		}
	}
	return true, nil
}

// SnapshotBehind reports whether the index was loaded from a store that offers snapshots, and read at least
// SnapshotMin claims from the store's rows beyond the snapshot it started from (every claim, when it found none
// usable): a new snapshot would make the next load cheaper.
func (ix *Index) SnapshotBehind() bool { return ix.rowsRead >= SnapshotMin }

// SaveSnapshot stores ix's snapshot in s (a SnapshotStore; else it does nothing), replacing the one stored. It is
// a cache write: it changes no data, and readers of the index are not affected.
func SaveSnapshot(ctx context.Context, s Store, ix *Index) error {
	ss, ok := s.(SnapshotStore)
	if !ok {
		return nil
	}
	if ix.lastID > ix.readTo {
		return ErrSnapshotUnfit
	}
	return ss.SaveIndexSnapshot(ctx, ix.WriteSnapshot)
}
