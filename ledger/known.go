package ledger

import (
	"cmp"
	"math"
	"slices"
	"sort"
)

// knownStep is a step of a settlement's known-latest function (see knownSteps): from day on, until the next step,
// the latest ValidAt of its claims in force as known that day is latest (0: none).
type knownStep struct{ day, latest int32 }

// knownSteps returns, as steps ordered by day, the function that maps a publication cut-off K to the latest
// ValidAt of the claims of s that count as known on K: not retractions, published on or before K, and not replaced
// by a correction published on or before K. DefaultAsOf takes the greatest over every settlement, which would
// otherwise scan every claim per call. Each claim counts from its publication until its correction's (never, when
// not corrected), so the function changes only at those days: a sweep over them with a heap of the claims counting.
func (s *settlement) knownSteps() []knownStep {
	type idDay struct {
		id  int64
		day int32
	}
	var corr []idDay // the corrections' publication days, by id
	for i := range s.recs {
		if r := &s.recs[i]; r.target != 0 {
			corr = append(corr, idDay{r.id, r.published})
		}
	}
	slices.SortFunc(corr, func(a, b idDay) int { return cmp.Compare(a.id, b.id) })
	type span struct{ start, end, valid int32 } // counts on days start ≤ K < end
	spans := make([]span, 0, len(s.recs))
	days := make([]int32, 0, 2*len(s.recs))
	for i := range s.recs {
		r := &s.recs[i]
		if r.retraction {
			continue
		}
		end := int32(math.MaxInt32)
		if r.replacedBy != 0 {
			if k, ok := slices.BinarySearchFunc(corr, r.replacedBy, func(c idDay, id int64) int { return cmp.Compare(c.id, id) }); ok {
				end = corr[k].day
			}
		}
		if end <= r.published {
			continue // corrected no later than published: never known in force
		}
		spans = append(spans, span{r.published, end, r.valid})
		days = append(days, r.published)
		if end != math.MaxInt32 {
			days = append(days, end)
		}
	}
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	slices.Sort(days)
	days = slices.Compact(days)
	// heap holds the spans started so far, greatest valid on top; ended ones are dropped when they reach the top.
	var heap []span
	less := func(i, j int) bool { return heap[i].valid > heap[j].valid }
	push := func(x span) {
		heap = append(heap, x)
		for i := len(heap) - 1; i > 0; {
			p := (i - 1) / 2
			if !less(i, p) {
				break
			}
			heap[i], heap[p] = heap[p], heap[i]
			i = p
		}
	}
	pop := func() {
		n := len(heap) - 1
		heap[0] = heap[n]
		heap = heap[:n]
		for i := 0; ; {
			l, m := 2*i+1, i
			if l < n && less(l, m) {
				m = l
			}
			if l+1 < n && less(l+1, m) {
				m = l + 1
			}
			if m == i {
				break
			}
			heap[i], heap[m] = heap[m], heap[i]
			i = m
		}
	}
	var steps []knownStep
	j := 0
	for _, d := range days {
		for ; j < len(spans) && spans[j].start <= d; j++ {
			push(spans[j])
		}
		for len(heap) > 0 && heap[0].end <= d {
			pop()
		}
		var v int32
		if len(heap) > 0 {
			v = max(heap[0].valid, 0)
		}
		if (len(steps) == 0 && v != 0) || (len(steps) > 0 && steps[len(steps)-1].latest != v) {
			steps = append(steps, knownStep{d, v})
		}
	}
	return slices.Clip(steps)
}

// knownLatest returns the latest ValidAt of the claims of s in force as known on day k (published by then, not
// corrected by then), 0 for none.
func (s *settlement) knownLatest(k int32) int32 {
	i := sort.Search(len(s.known), func(i int) bool { return s.known[i].day > k }) - 1
	if i < 0 {
		return 0
	}
	return s.known[i].latest
}
