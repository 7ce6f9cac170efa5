package report

import (
	"math"
	"strings"

	"github.com/tiled-maps/tiled/ledger"
)

type clause struct{ t0, t1 int }

// clauses splits the sentence [s0, s1) at semicolons and dashes, and at a comma before "while", "but", "но", "але".
func (d *doc) clauses(s0, s1 int) []clause {
	var out []clause
	start := s0
	for k := s0; k < s1-1; k++ {
		gap := d.d(k)
		split := strings.ContainsAny(gap, ";—–") && strings.TrimSpace(gap) != "-"
		if !split && strings.Contains(gap, ",") {
			_, split = d.cueAt("split", k+1)
		}
		if split {
			out = append(out, clause{start, k + 1})
			start = k + 1
		}
	}
	return append(out, clause{start, s1})
}

func (d *doc) d(k int) string { return d.toks[k].gap }

// alignmentSide returns the side a source is aligned with ("" for independent or unknown sources).
func (d *doc) alignmentSide(sourceID string) string {
	s, ok := d.p.sources[sourceID]
	if !ok {
		return ""
	}
	switch s.Alignment {
	case ledger.AlignmentRU:
		return "ru"
	case ledger.AlignmentUA:
		return "ua"
	}
	return ""
}

func other(side string) string {
	switch side {
	case "ru":
		return "ua"
	case "ua":
		return "ru"
	}
	return ""
}

// sideOf reads a side mention for a claim by source: own and enemy depend on the source's alignment.
func (d *doc) sideOf(s sideMention, sourceID string) string {
	switch s.side {
	case "own":
		return d.alignmentSide(sourceID)
	case "enemy":
		return other(d.alignmentSide(sourceID))
	}
	return s.side
}

// claimSource is the source a claim is attributed to.
type claimSource struct {
	id        string // registry id, "" when unregistered
	mention   string
	inherited bool // continued from an earlier sentence or the outlet's own voice
}

// outletSource returns the registered source the outlet is, if any.
func (d *doc) outletSource() (claimSource, bool) {
	if d.outlet == "" {
		return claimSource{}, false
	}
	toks := tokenize(d.outlet)
	for i := range toks {
		if ph, end := d.p.srcs.match(toks, i, len(toks)); ph != nil && end == len(toks) && i == 0 {
			if _, ok := d.p.sources[ph.kind]; ok {
				return claimSource{id: ph.kind, mention: d.outlet, inherited: true}, true
			}
		}
	}
	return claimSource{}, false
}

// claims proposes the claims of the report.
func (d *doc) claims() []Claim {
	out := []Claim{}
	seen := map[string]int{} // claim key → index in out
	var lastTarget *mention
	lastTargetSent := -10
	var last *claimSource
	lastSent := -10
	var prevDate ledger.Date
	var prevPrec ledger.Precision
	outletSrc, outletIsSource := d.outletSource()

	for s0 := 0; s0 < d.related && s0 < len(d.toks); {
		s1 := d.sentEnd(s0)
		sent := d.toks[s0].sent
		// The sentence's date: the latest explicit day, else a relative day, else a month or week; else the report's
		// date with week precision.
		date, prec := d.published, ledger.PrecisionWeek
		explicit := false
		rank := 0
		for _, dm := range d.dates {
			if dm.t0 < s0 || dm.t0 >= s1 {
				continue
			}
			dd, pp, ok := resolveDate(dm, d.published, prevDate, prevPrec)
			if !ok || dd.After(d.published) {
				continue
			}
			r := map[ledger.Precision]int{ledger.PrecisionDay: 3, ledger.PrecisionWeek: 1, ledger.PrecisionMonth: 2}[pp]
			if r > rank || r == rank && dd.After(date) {
				date, prec, rank, explicit = dd, pp, r, true
			}
		}
		if explicit {
			prevDate, prevPrec = date, prec
		}
		doubt := false
		for k := s0; k < s1; k++ {
			if _, ok := d.cueAt("doubt", k); ok {
				doubt = true
			}
		}
		geoEvidence, mapEvidence := false, false
		for k := s0; k < s1; k++ {
			if _, ok := d.cueAt("geo", k); ok {
				geoEvidence = true
			}
			if _, ok := d.cueAt("map", k); ok {
				mapEvidence = true
			}
		}
		var sentSources []sourceMention
		for _, sm := range d.sources {
			if sm.t0 >= s0 && sm.t0 < s1 {
				sentSources = append(sentSources, sm)
			}
		}
		_, pronounStart := d.cueAt("pronoun", s0)

		cls := d.clauses(s0, s1)
		for ci, cl := range cls {
			var ctrls []controlMention
			for _, c := range d.controls {
				if c.t0 >= cl.t0 && c.t0 < cl.t1 {
					ctrls = append(ctrls, c)
				}
			}
			if ci+1 < len(cls) {
				ctrls = append(ctrls, d.contrastRepel(ctrls, cls[ci+1])...)
			}
			// Targets: the settlements of the clause, without landmarks ("Popovka, near Grafovka").
			targets := d.targets(cl)
			if len(targets) == 0 && len(ctrls) > 0 && lastTarget != nil && sent-lastTargetSent <= 2 {
				for k := cl.t0; k < cl.t1; k++ {
					// "село Новенькое": a name after the word (a place the gazetteer knows or not) makes it no anaphor.
					if e, ok := d.cueAt("anaphor", k); ok && !(e < cl.t1 && (d.owner[e] == ownPlace || d.toks[e].cap)) {
						targets = []*mention{lastTarget}
						break
					}
				}
			}
			for _, m := range targets {
				if m.best != nil && !m.ambiguous && !m.unresolved {
					lastTarget, lastTargetSent = m, sent
				}
			}
			if len(ctrls) == 0 || len(targets) == 0 {
				continue
			}
			var repel *controlMention
			for i := range ctrls {
				if ctrls[i].class == "repelled" {
					repel = &ctrls[i]
				}
			}
			for _, m := range targets {
				if m.best == nil || m.ambiguous || m.unresolved {
					continue
				}
				head := d.headControl(ctrls, repel, m)
				if head == nil {
					continue
				}
				src, srcEnd := d.sourceFor(head, s0, s1, sentSources, pronounStart && last != nil && sent-lastSent <= 2,
					sent-lastSent <= 2, last, outletSrc, outletIsSource)
				if src == nil {
					continue
				}
				if m.t0 >= cl.t0 && d.toward(m, head) { // an anaphor ("the village") is no direction
					continue
				}
				if srcEnd > head.t1 && d.negated(head.t1, cl.t1) {
					continue // "X took Y, Z denies": the source after the phrase refutes it
				}
				if d.negated(max(cl.t0, min(srcEnd, head.t0)), head.t0) || d.modal(max(cl.t0, min(srcEnd, head.t0)), head.t0) {
					continue
				}
				c, ok := d.makeClaim(head, ctrls, cl, m, src)
				if !ok {
					continue
				}
				c.ValidAt, c.ValidPrecision = date.String(), prec
				c.PublishedAt = d.published.String()
				c.RelayedBy = d.outlet
				c.Start, c.End = d.toks[s0].start, d.toks[s1-1].end
				c.Evidence = d.evidence(src.id, geoEvidence, mapEvidence)
				if doubt {
					c.Confidence = math.Min(c.Confidence, 0.3)
				}
				if !explicit {
					c.Confidence -= 0.05
				}
				c.Confidence = math.Round(math.Max(0.05, math.Min(1, c.Confidence))*100) / 100
				c.Summary = summarize(c, d.p.sources)
				key := strings.Join([]string{src.id, src.mention, c.Settlement, string(c.Holder), string(c.Degree)}, "\x00")
				if src.id != "" {
					key = strings.Join([]string{src.id, c.Settlement, string(c.Holder), string(c.Degree)}, "\x00")
				}
				// The same claim again (a headline and its story): keep the better-founded one.
				if i, ok := seen[key]; ok {
					if c.Confidence > out[i].Confidence {
						out[i] = c
					}
					continue
				}
				seen[key] = len(out)
				out = append(out, c)
			}
		}
		for _, sm := range sentSources {
			if sm.id != "" {
				cs := claimSource{id: sm.id, mention: sm.text}
				last, lastSent = &cs, sent
			}
		}
		s0 = s1
	}
	return out
}

// targets returns the settlements a clause speaks of, without landmarks: a place after "near" that only locates
// another place named before it ("an attack on Popovka, near Grafovka"), with the places listed with it.
func (d *doc) targets(cl clause) []*mention {
	var out []*mention
	landmark := false
	var prev *mention
	for _, m := range d.mentions {
		if m.t0 < cl.t0 || m.t0 >= cl.t1 {
			continue
		}
		switch {
		case d.nearBefore(m.t0, cl.t0) && len(out) > 0:
			landmark = true
		case landmark && prev != nil && d.coordinated(prev.t1, m.t0):
			// listed with a landmark: "near Grafovka and Gora-Podol"
		default:
			landmark = false
		}
		if !landmark {
			out = append(out, m)
		}
		prev = m
	}
	return out
}

// coordinated reports whether only "and", "or" or a comma stand between tokens a (inclusive) and b.
func (d *doc) coordinated(a, b int) bool {
	for k := a; k < b; k++ {
		if !isCoord(d.toks[k].norm) && d.toks[k].norm != "or" && d.toks[k].norm != "или" && d.toks[k].norm != "або" {
			return false
		}
	}
	return !strings.ContainsAny(d.toks[b-1].gap, ".;:!?")
}

// toward reports whether the place is only a direction of the head phrase ("advanced toward Myropillia", "атаки в
// направлении Мирополья"): no claim of holding or advancing in it, except that a repelled attack toward a place
// leaves it with the defender.
func (d *doc) toward(m *mention, head *controlMention) bool {
	switch head.class {
	case "full", "control", "partial", "withdraw", "occupy", "expel":
		return d.cueBefore("toward", m)
	}
	return false
}

// cueBefore reports whether a cue of kind ends right before mention m.
func (d *doc) cueBefore(kind string, m *mention) bool {
	for k := max(0, m.t0-4); k < m.t0; k++ {
		if e, ok := d.cueAt(kind, k); ok && e == m.t0 {
			return true
		}
	}
	return false
}

// passive reports whether an encirclement phrase says its subject is encircled ("were encircled", "в окружении",
// "окружены") rather than that its subject encircles someone.
func (d *doc) passive(c *controlMention) bool {
	w := d.toks[c.t0].norm
	for _, p := range []string{"в", "у"} {
		if w == p {
			return true
		}
	}
	for _, suf := range []string{"ены", "ен", "ена", "ено", "ені", "ыты", "иты", "ити", "иті", "ті", "ты"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	if c.t0 > 0 {
		switch d.toks[c.t0-1].norm {
		case "were", "was", "are", "is", "been", "being", "remain", "remained", "remains", "got", "became":
			return true
		}
	}
	return false
}

// passiveBefore reports whether a form of "to be" stands right before the phrase ("were pushed out of").
func (d *doc) passiveBefore(c *controlMention) bool {
	if c.t0 == 0 {
		return false
	}
	switch d.toks[c.t0-1].norm {
	case "were", "was", "been", "being", "are", "is", "got", "had":
		return d.toks[c.t0-1].norm != "had" || c.t0 > 1 && d.toks[c.t0-2].norm == "been"
	}
	return false
}

// encircledSide returns the side that is encircled: the subject of a passive phrase, else the object of an active
// one ("Russian forces encircled Ukrainian units"), else the side opposite the encircler.
func (d *doc) encircledSide(head *controlMention, cl clause, src *claimSource) (string, bool) {
	var before, after string
	afterBy := false
	bestB, bestA := math.MaxInt, math.MaxInt
	for _, s := range d.sides {
		if s.t0 < cl.t0 || s.t0 >= cl.t1 {
			continue
		}
		side := d.sideOf(s, src.id)
		if side == "" {
			continue
		}
		switch {
		case s.t1 <= head.t0 && head.t0-s.t1 < bestB:
			before, bestB = side, head.t0-s.t1
		case s.t0 >= head.t1 && s.t0-head.t1 < bestA:
			after, bestA = side, s.t0-head.t1
			afterBy = s.t0 > 0 && (d.toks[s.t0-1].norm == "by" || d.toks[s.t0-1].norm == "силами")
		}
	}
	if d.passive(head) {
		if before != "" {
			return before, true
		}
		if after != "" && afterBy {
			return other(after), true
		}
		return after, after != ""
	}
	if after != "" && !afterBy {
		return after, true
	}
	if before != "" {
		return other(before), true
	}
	return "", false
}

// sourceFor finds who makes the claim of the head phrase in the sentence [s0, s1): a source cited before the phrase,
// else after it; a vague attribution ("local sources") makes none. Without a cited source: a sentence opening with
// "It"/"The ministry" continues the previous sentence's source; a verb of saying with a named speaker the registry
// does not know proposes that speaker as a new source; an unnamed speaker ("a brigade commander said") makes no
// claim; evidence as the subject ("footage shows") or no speaker at all is the outlet's own voice when the outlet is
// a registered source. It returns nil when the claim has no source, and where the cited source ends.
func (d *doc) sourceFor(head *controlMention, s0, s1 int, sentSources []sourceMention, continues, recent bool, last *claimSource,
	outlet claimSource, outletIsSource bool) (*claimSource, int) {
	var pick *sourceMention
	for i := range sentSources {
		if sentSources[i].t1 <= head.t0 {
			pick = &sentSources[i]
		}
	}
	if pick == nil {
		for i := range sentSources {
			if sentSources[i].t0 >= head.t1 {
				pick = &sentSources[i]
				break
			}
		}
	}
	if pick != nil {
		if pick.flag == "vague" {
			return nil, 0
		}
		return &claimSource{id: pick.id, mention: pick.text}, pick.t1
	}
	if continues {
		cs := *last
		cs.inherited = true
		return &cs, 0
	}
	switch subj, kind := d.speaker(head, s0, s1); kind {
	case "named":
		return &claimSource{mention: subj}, 0
	case "pronoun":
		if recent && last != nil {
			cs := *last
			cs.inherited = true
			return &cs, 0
		}
		return nil, 0
	case "unnamed":
		return nil, 0
	}
	if outletIsSource {
		cs := outlet
		return &cs, 0
	}
	if d.voice != nil {
		cs := *d.voice
		return &cs, 0
	}
	return nil, 0
}

// speaker reads the subject of a verb of saying in the sentence: "named" (a capitalised name the registry does not
// know: "Governor Vyacheslav Gladkov"), "unnamed" ("a brigade commander", "Russian officials"), "evidence"
// ("Geolocated footage"), or "" when no verb of saying governs the claim.
func (d *doc) speaker(head *controlMention, s0, s1 int) (string, string) {
	say, sayEnd := -1, -1
	for k := s0; k < head.t0; k++ {
		if e, ok := d.cueAt("say", k); ok && e <= head.t0 {
			say, sayEnd = k, e
		}
	}
	if say < 0 {
		for k := head.t1; k < s1; k++ {
			if e, ok := d.cueAt("say", k); ok {
				say, sayEnd = k, e
				break
			}
		}
	}
	if say < 0 {
		return "", ""
	}
	for k := say; k < sayEnd; k++ { // "за їхніми даними", "according to its data"
		if d.p.lx.isCue("pronoun", d.toks[k].norm) {
			return "", "pronoun"
		}
	}
	// The subject: the words before the verb back to a comma or the sentence start; after "according to", the
	// words after it up to a comma.
	a, b := say, say
	for a > s0 && !strings.ContainsAny(d.toks[a-1].gap, ",;:—–(") {
		a--
	}
	if a == say {
		a, b = sayEnd, sayEnd
		for b < s1 && b < sayEnd+8 && (b == sayEnd || !strings.ContainsAny(d.toks[b-1].gap, ",;:—–(")) {
			b++
		}
	}
	if a >= b || b-a > 8 {
		return "", ""
	}
	named := false
	for k := a; k < b; k++ {
		if _, ok := d.cueAt("evidence", k); ok {
			return "", "evidence"
		}
		if d.toks[k].cap && d.owner[k] != ownSide && d.owner[k] != ownDate && !d.p.lx.isCue("prep", d.toks[k].norm) &&
			!(k == s0 && !d.p.lx.isCue("title", d.toks[k].norm) && b-a > 1) {
			named = true
		}
	}
	if d.p.lx.isCue("pronoun", d.toks[a].norm) {
		return "", "pronoun"
	}
	if !named {
		return "", "unnamed"
	}
	return d.textOf(a, b), "named"
}

// nearBefore reports whether a "near" word stands right before token t (within two words, not before from).
func (d *doc) nearBefore(t, from int) bool {
	for k := max(from, t-3); k < t; k++ {
		if e, ok := d.cueAt("near", k); ok && e <= t && t-e <= 1 {
			return true
		}
	}
	return false
}

// negated reports whether a negation stands in [from, to) outside a control phrase.
func (d *doc) negated(from, to int) bool {
	for k := from; k < to; k++ {
		if d.inControl(k) {
			continue
		}
		if _, ok := d.cueAt("neg", k); ok {
			return true
		}
	}
	return false
}

// modal reports whether a wish, plan or order ("must be", "plans to") stands in [from, to).
func (d *doc) modal(from, to int) bool {
	for k := from; k < to; k++ {
		if _, ok := d.cueAt("modal", k); ok {
			return true
		}
	}
	return false
}

func (d *doc) inControl(k int) bool {
	for _, c := range d.controls {
		if k >= c.t0 && k < c.t1 {
			return true
		}
	}
	return false
}

// contrastRepel returns the repelled phrase of clause next when it turns on a clause whose control phrases hold an
// attack ("…tried to break through to Yunakivka, but the attack was repelled") and names no place of its own: that
// repel speaks of the attack before it.
func (d *doc) contrastRepel(ctrls []controlMention, next clause) []controlMention {
	attack := false
	for _, c := range ctrls {
		switch c.class {
		case "repelled":
			return nil
		case "attack":
			attack = true
		}
	}
	if !attack || len(d.targets(next)) > 0 {
		return nil
	}
	if _, ok := d.cueAt("contrast", next.t0); !ok {
		return nil
	}
	for _, c := range d.controls {
		if c.class == "repelled" && c.t0 >= next.t0 && c.t0 < next.t1 {
			return []controlMention{c}
		}
	}
	return nil
}

// fromTheAir reports whether a strike from the air or from afar stands within two words of an attack phrase of the
// clause ("drone attack", "атака БПЛА") or just before a repelled one ("ПВО отразила"): that says nothing of who
// holds a place. A means of repelling after the phrase ("beaten back with air strikes") is still ground fighting.
func (d *doc) fromTheAir(ctrls []controlMention) bool {
	for _, c := range ctrls {
		after := 2
		switch c.class {
		case "attack":
		case "repelled":
			after = 0
		default:
			continue
		}
		for k := max(0, c.t0-2); k < min(len(d.toks), c.t1+after); k++ {
			if d.toks[k].sent != d.toks[c.t0].sent {
				continue
			}
			if _, ok := d.cueAt("air", k); ok {
				return true
			}
		}
	}
	return false
}

// headControl picks the control phrase that speaks of mention m: a repelled attack rules the whole clause; else
// the nearest phrase, one before the place preferred. Part-of phrases only qualify another phrase.
func (d *doc) headControl(ctrls []controlMention, repel *controlMention, m *mention) *controlMention {
	if repel != nil {
		return repel
	}
	var best *controlMention
	bestDist := math.MaxInt
	only := true // the clause has nothing but "forces in" phrases
	for _, c := range ctrls {
		if c.class != "forces-in" && c.class != "partial" {
			only = false
		}
	}
	for i := range ctrls {
		c := &ctrls[i]
		if c.class == "partial" || c.class == "forces-in" && !only {
			continue
		}
		dist := 0
		switch {
		case c.t1 <= m.t0:
			dist = m.t0 - c.t1
		case c.t0 >= m.t1:
			dist = c.t0 - m.t1 + 1
		}
		if dist < bestDist {
			best, bestDist = c, dist
		}
	}
	return best
}

// actorSide finds the side acting in control phrase c for source src: the nearest side word within six words, one
// before the phrase preferred; a country word qualifying a place ("Russia's Belgorod Oblast") does not act.
func (d *doc) actorSide(c *controlMention, cl clause, src *claimSource, after bool) (string, bool) {
	best, bestDist := "", math.MaxInt
	for _, s := range d.sides {
		if s.t0 < cl.t0 || s.t0 >= cl.t1 {
			continue
		}
		if s.t1 < len(d.toks) && (d.owner[s.t1] == ownRegion || d.owner[s.t1] == ownPlace) && strings.TrimSpace(d.toks[s.t1-1].gap) == "" {
			continue
		}
		if d.possessiveQualifier(s) {
			continue
		}
		var dist int
		switch {
		case s.t0 >= c.t0 && s.t1 <= c.t1:
			dist = 0
		case s.t1 <= c.t0:
			dist = c.t0 - s.t1
			if after {
				dist += 3
			}
		default:
			dist = s.t0 - c.t1 + 1
			if after {
				dist--
			}
		}
		if dist > 6 && (s.t1 > c.t0 || dist > 10) {
			continue
		}
		if side := d.sideOf(s, src.id); side != "" && dist < bestDist {
			best, bestDist = side, dist
		}
	}
	return best, best != ""
}

// possessiveQualifier reports whether a side word is a country's possessive before something other than its forces
// ("Russia's first defensive line", "Ukraine's Sumy Oblast"): it qualifies a noun and does not act.
func (d *doc) possessiveQualifier(s sideMention) bool {
	if s.t1 >= len(d.toks) || s.t1-s.t0 != 1 {
		return false
	}
	t := d.toks[s.t1-1]
	orig := d.text[t.bend:min(len(d.text), t.bend+4)]
	if !strings.HasPrefix(orig, "'s") && !strings.HasPrefix(orig, "’s") && !strings.HasPrefix(orig, "ʼs") {
		return false
	}
	for k := s.t1; k < min(len(d.toks), s.t1+2); k++ {
		if d.p.lx.isCue("force", d.toks[k].norm) {
			return false
		}
	}
	return true
}

// attackerSide returns the side named beside an attack phrase of the clause ("Ukrainian attempts", "атаки ВСУ").
func (d *doc) attackerSide(ctrls []controlMention, cl clause, src *claimSource) (string, bool) {
	for i := range ctrls {
		c := &ctrls[i]
		if c.class != "attack" {
			continue
		}
		for _, s := range d.sides {
			if s.t0 < cl.t0 || s.t0 >= cl.t1 {
				continue
			}
			if s.t1 <= c.t0 && c.t0-s.t1 <= 1 || s.t0 >= c.t1 && s.t0-c.t1 <= 1 {
				if side := d.sideOf(s, src.id); side != "" {
					return side, true
				}
			}
		}
	}
	return "", false
}

// makeClaim reads holder and degree from the head control phrase.
func (d *doc) makeClaim(head *controlMention, ctrls []controlMention, cl clause, m *mention, src *claimSource) (Claim, bool) {
	c := Claim{Settlement: m.best.place.ID, SettlementName: m.best.place.Name, SourceMention: src.mention, Confidence: 0.85}
	if src.id != "" {
		id := src.id
		c.Source = &id
	} else {
		c.Confidence = 0.5
	}
	if src.inherited {
		c.Confidence -= 0.1
	}
	own := d.alignmentSide(src.id)
	partial := false
	for _, x := range ctrls {
		if x.class == "partial" {
			partial = true
		}
	}
	set := func(holder string, degree ledger.Degree) {
		c.Holder, c.Degree = ledger.Holder(holder), degree
	}
	if (head.class == "attack" || head.class == "repelled") && d.fromTheAir(ctrls) {
		return c, false // a drone or missile strike, or air defence: no ground fighting
	}
	switch head.class {
	case "fighting":
		set("contested", ledger.DegreeFighting)
	case "attack":
		set("contested", ledger.DegreeFighting)
		c.Confidence -= 0.25
	case "repelled":
		if att, ok := d.attackerSide(ctrls, cl, src); ok {
			set(other(att), ledger.DegreeAttackRepelled)
		} else if side, ok := d.actorSide(head, cl, src, false); ok {
			set(side, ledger.DegreeAttackRepelled)
		} else if own != "" {
			set(own, ledger.DegreeAttackRepelled)
			c.Confidence -= 0.15
		} else {
			return c, false
		}
	case "withdraw":
		side, ok := d.actorSide(head, cl, src, false)
		if !ok {
			side = own
			c.Confidence -= 0.15
		}
		if other(side) == "" {
			return c, false
		}
		set(other(side), ledger.DegreeFull)
	case "control":
		side, ok := d.actorSide(head, cl, src, true)
		if !ok {
			return c, false
		}
		set(side, ledger.DegreeFull)
		if partial {
			c.Degree = ledger.DegreePartial
		}
	case "expel":
		// The side before the phrase drives out the side inside it ("Russian forces pushed Ukrainian troops out").
		side, inside := "", ""
		for _, sm := range d.sides {
			if sm.t0 < cl.t0 || sm.t0 >= cl.t1 {
				continue
			}
			switch {
			case sm.t1 <= head.t0 && head.t0-sm.t1 <= 6:
				side = d.sideOf(sm, src.id)
			case sm.t0 >= head.t0 && sm.t1 <= head.t1 && inside == "":
				inside = d.sideOf(sm, src.id)
			}
		}
		switch {
		case side != "" && (d.passiveBefore(head) || d.passive(head)):
			side = other(side)
		case side == "" && inside != "":
			side = other(inside)
		case side == "":
			side = own
			c.Confidence -= 0.2
		}
		if side == "" {
			return c, false
		}
		set(side, ledger.DegreeFull)
	case "occupy":
		side, ok := d.actorSide(head, cl, src, false)
		if !ok {
			side = other(own) // "occupied" is a word for what the enemy did
			c.Confidence -= 0.15
		}
		if side == "" {
			return c, false
		}
		set(side, ledger.DegreeFull)
		if partial {
			c.Degree = ledger.DegreePartial
		}
	case "encircled":
		side, ok := d.encircledSide(head, cl, src)
		if !ok {
			return c, false
		}
		set(side, ledger.DegreeEncircled)
	default:
		degree := map[string]ledger.Degree{"full": ledger.DegreeFull, "advance": ledger.DegreeAdvance,
			"encircled": ledger.DegreeEncircled, "infiltration": ledger.DegreeInfiltration,
			"presence": ledger.DegreePresence, "forces-in": ledger.DegreePresence}[head.class]
		if degree == "" {
			return c, false
		}
		side, ok := d.actorSide(head, cl, src, false)
		if !ok {
			if own == "" {
				return c, false
			}
			side = own
			c.Confidence -= 0.2
		}
		if partial && degree == ledger.DegreeFull {
			degree = ledger.DegreePartial
		}
		set(side, degree)
		// Advancing toward a place, or operating around it, leaves it contested.
		if m.t0 >= cl.t0 && (degree == ledger.DegreeAdvance && d.cueBefore("toward", m) || degree == ledger.DegreePresence && d.cueBefore("near", m)) {
			c.Holder = ledger.HolderContested
		}
	}
	return c, true
}

// evidence infers the evidence kind from the sentence and the source's kind.
func (d *doc) evidence(sourceID string, geo, mapUpdate bool) ledger.Evidence {
	if geo {
		return ledger.EvidenceGeolocatedFootage
	}
	s, ok := d.p.sources[sourceID]
	if !ok {
		return ""
	}
	kind := strings.ToLower(s.Kind)
	switch {
	case strings.Contains(kind, "osint") || strings.Contains(kind, "map") || mapUpdate && strings.Contains(kind, "map"):
		return ledger.EvidenceMapUpdate
	case strings.Contains(kind, "official"):
		return ledger.EvidenceOfficialStatement
	case strings.Contains(kind, "analyst"):
		return ledger.EvidenceAnalystAssessment
	case strings.Contains(kind, "telegram") || strings.Contains(kind, "correspondent") || strings.Contains(kind, "blog"):
		return ledger.EvidenceMilbloggerReport
	}
	return ""
}
