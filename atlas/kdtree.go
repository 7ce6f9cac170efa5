package atlas

import (
	"slices"

	"github.com/paulmach/orb"
)

// kdLeaf is the most places a k-d tree leaf holds.
const kdLeaf = 32

// kdTop is the length of the list of its most populous places a large node keeps: at least the most candidates
// tiles.Build asks a source for (the largest cap, 2,000, plus an eighth plus 8).
const kdTop = 2304

// kdTree is a k-d tree over the points of a placeIndex's records. Each node covers a contiguous range of perm;
// leaves keep their range ordered by rank (population, then number), and every node larger than kdTop keeps its
// kdTop best places in rank order, so that "the n best places in a bound" reads a few lists instead of every place
// under the bound.
type kdTree struct {
	perm  []int32
	nodes []kdNode
	pop   []int64 // population by place number, for ranking without touching the records
}

type kdNode struct {
	b           orb.Bound // of the node's points
	lo, hi      int32     // its range of perm
	left, right int32     // child nodes; -1 for a leaf
	best        int32     // its best-ranked place
	top         []int32   // its kdTop best places in rank order, for nodes larger than kdTop
}

// better reports whether place a ranks above place b: more populous, or as populous with a smaller number (id).
func (t *kdTree) better(a, b int32) bool {
	if t.pop[a] != t.pop[b] {
		return t.pop[a] > t.pop[b]
	}
	return a < b
}

func newKDTree(recs []placeRec) kdTree {
	t := kdTree{perm: make([]int32, len(recs)), pop: make([]int64, len(recs))}
	for i := range recs {
		t.perm[i] = int32(i)
		t.pop[i] = recs[i].pop
	}
	if len(recs) == 0 {
		return t
	}
	t.nodes = make([]kdNode, 0, 2*len(recs)/kdLeaf+1)
	t.build(recs, 0, int32(len(recs)))
	return t
}

// build makes the node for perm[lo:hi] and its subtree, returning its number.
func (t *kdTree) build(recs []placeRec, lo, hi int32) int32 {
	n := int32(len(t.nodes))
	t.nodes = append(t.nodes, kdNode{lo: lo, hi: hi, left: -1, right: -1})
	b := recs[t.perm[lo]].pt.Bound()
	for _, i := range t.perm[lo+1 : hi] {
		b = b.Extend(recs[i].pt)
	}
	t.nodes[n].b = b
	if hi-lo <= kdLeaf {
		rng := t.perm[lo:hi]
		slices.SortFunc(rng, t.cmp)
		t.nodes[n].best = rng[0]
		return n
	}
	axis := 0
	if b.Max[1]-b.Min[1] > b.Max[0]-b.Min[0] {
		axis = 1
	}
	mid := lo + (hi-lo)/2
	selectNth(t.perm[lo:hi], int(mid-lo), func(a, b int32) bool { return recs[a].pt[axis] < recs[b].pt[axis] })
	l := t.build(recs, lo, mid)
	r := t.build(recs, mid, hi)
	nd := &t.nodes[n]
	nd.left, nd.right = l, r
	nd.best = t.nodes[l].best
	if t.better(t.nodes[r].best, nd.best) {
		nd.best = t.nodes[r].best
	}
	if hi-lo > kdTop {
		nd.top = t.merge(t.ranked(l), t.ranked(r))
	}
	return n
}

func (t *kdTree) cmp(a, b int32) int {
	switch {
	case a == b:
		return 0
	case t.better(a, b):
		return -1
	}
	return 1
}

// ranked returns node n's places in rank order, at most kdTop of them.
func (t *kdTree) ranked(n int32) []int32 {
	nd := &t.nodes[n]
	if nd.top != nil {
		return nd.top
	}
	out := slices.Clone(t.perm[nd.lo:nd.hi])
	slices.SortFunc(out, t.cmp)
	return out
}

// merge returns the kdTop best of two lists in rank order.
func (t *kdTree) merge(a, b []int32) []int32 {
	out := make([]int32, 0, min(kdTop, len(a)+len(b)))
	for len(out) < kdTop && (len(a) > 0 || len(b) > 0) {
		if len(b) == 0 || (len(a) > 0 && t.better(a[0], b[0])) {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}

// selectNth reorders s so that s[k] is the element that would be there were s sorted by less, with no greater
// element before it and no smaller one after (quickselect).
func selectNth(s []int32, k int, less func(a, b int32) bool) {
	lo, hi := 0, len(s)-1
	for hi > lo {
		m := lo + (hi-lo)/2 // median of three as the pivot
		if less(s[m], s[lo]) {
			s[m], s[lo] = s[lo], s[m]
		}
		if less(s[hi], s[lo]) {
			s[hi], s[lo] = s[lo], s[hi]
		}
		if less(s[hi], s[m]) {
			s[hi], s[m] = s[m], s[hi]
		}
		pivot := s[m]
		i, j := lo, hi
		for i <= j {
			for less(s[i], pivot) {
				i++
			}
			for less(pivot, s[j]) {
				j--
			}
			if i <= j {
				s[i], s[j] = s[j], s[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
}

func intersects(a, b orb.Bound) bool {
	return a.Min[0] <= b.Max[0] && a.Max[0] >= b.Min[0] && a.Min[1] <= b.Max[1] && a.Max[1] >= b.Min[1]
}

func containsBound(outer, inner orb.Bound) bool {
	return outer.Min[0] <= inner.Min[0] && inner.Max[0] <= outer.Max[0] &&
		outer.Min[1] <= inner.Min[1] && inner.Max[1] <= outer.Max[1]
}

// inBound reports whether p lies in b, edges included, as tiles.Build tests it.
func inBound(b orb.Bound, p orb.Point) bool {
	return b.Min[0] <= p[0] && p[0] <= b.Max[0] && b.Min[1] <= p[1] && p[1] <= b.Max[1]
}

// within calls fn with the number of every place whose point lies in b.
func (t *kdTree) within(recs []placeRec, b orb.Bound, fn func(i int32)) {
	if len(t.nodes) == 0 {
		return
	}
	var visit func(n int32)
	visit = func(n int32) {
		nd := &t.nodes[n]
		if !intersects(nd.b, b) {
			return
		}
		if containsBound(b, nd.b) {
			for _, i := range t.perm[nd.lo:nd.hi] {
				fn(i)
			}
			return
		}
		if nd.left < 0 {
			for _, i := range t.perm[nd.lo:nd.hi] {
				if inBound(b, recs[i].pt) {
					fn(i)
				}
			}
			return
		}
		visit(nd.left)
		visit(nd.right)
	}
	visit(0)
}

// best returns the (at most) limit best-ranked places whose point lies in b, in rank order. It reads the ranked
// lists of the nodes inside b and skips every node whose best place cannot make the list, so its cost grows with
// limit and the tree's depth, not with the places in b.
func (t *kdTree) best(recs []placeRec, b orb.Bound, limit int) []int32 {
	if len(t.nodes) == 0 || limit <= 0 {
		return nil
	}
	h := rankHeap{t: t, s: make([]int32, 0, limit), limit: limit}
	var visit func(n int32)
	visit = func(n int32) {
		nd := &t.nodes[n]
		if !intersects(nd.b, b) || (h.full() && !t.better(nd.best, h.s[0])) {
			return
		}
		inside := containsBound(b, nd.b)
		if inside && nd.top != nil && len(nd.top) >= limit {
			for _, i := range nd.top {
				if !h.offer(i) {
					break
				}
			}
			return
		}
		if nd.left < 0 {
			for _, i := range t.perm[nd.lo:nd.hi] { // in rank order
				if h.full() && !t.better(i, h.s[0]) {
					break
				}
				if inside || inBound(b, recs[i].pt) {
					h.offer(i)
				}
			}
			return
		}
		l, r := nd.left, nd.right
		if t.better(t.nodes[r].best, t.nodes[l].best) {
			l, r = r, l
		}
		visit(l)
		visit(r)
	}
	visit(0)
	out := h.s
	slices.SortFunc(out, t.cmp)
	return out
}

// rankHeap keeps the limit best places offered, the worst of them on top.
type rankHeap struct {
	t     *kdTree
	s     []int32
	limit int
}

func (h *rankHeap) full() bool { return len(h.s) == h.limit }

// offer adds i if there is room or it ranks above the worst kept, and reports whether it did.
func (h *rankHeap) offer(i int32) bool {
	if len(h.s) < h.limit {
		h.s = append(h.s, i)
		for j := len(h.s) - 1; j > 0; { // sift up: the worse goes up
			p := (j - 1) / 2
			if !h.t.better(h.s[p], h.s[j]) {
				break
			}
			h.s[p], h.s[j] = h.s[j], h.s[p]
			j = p
		}
		return true
	}
	if !h.t.better(i, h.s[0]) {
		return false
	}
	h.s[0] = i
	for j := 0; ; { // sift down
		l, r, w := 2*j+1, 2*j+2, j
		if l < len(h.s) && h.t.better(h.s[w], h.s[l]) {
			w = l
		}
		if r < len(h.s) && h.t.better(h.s[w], h.s[r]) {
			w = r
		}
		if w == j {
			break
		}
		h.s[w], h.s[j] = h.s[j], h.s[w]
		j = w
	}
	return true
}

// count returns the number of places whose point lies in b, walking only the nodes b cuts.
func (t *kdTree) count(recs []placeRec, b orb.Bound) int {
	if len(t.nodes) == 0 {
		return 0
	}
	n := 0
	var visit func(k int32)
	visit = func(k int32) {
		nd := &t.nodes[k]
		switch {
		case !intersects(nd.b, b):
		case containsBound(b, nd.b):
			n += int(nd.hi - nd.lo)
		case nd.left < 0:
			for _, i := range t.perm[nd.lo:nd.hi] {
				if inBound(b, recs[i].pt) {
					n++
				}
			}
		default:
			visit(nd.left)
			visit(nd.right)
		}
	}
	visit(0)
	return n
}
