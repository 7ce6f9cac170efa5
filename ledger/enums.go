package ledger

import (
	"slices"
	"strconv"
	"strings"
)

// Holder is the side a claim says holds a settlement.
type Holder string

// Holders.
const (
	HolderRU        Holder = "ru"
	HolderUA        Holder = "ua"
	HolderContested Holder = "contested"
	// HolderUnknown says the source does not know; it abstains from the consensus.
	HolderUnknown Holder = "unknown"
)

// Holders lists every Holder.
func Holders() []Holder { return []Holder{HolderRU, HolderUA, HolderContested, HolderUnknown} }

// Degree is how far a claim says the holder holds the settlement.
type Degree string

// Degrees.
const (
	DegreeFull           Degree = "full"
	DegreePartial        Degree = "partial"
	DegreeAdvance        Degree = "advance"
	DegreePresence       Degree = "presence"
	DegreeFighting       Degree = "fighting"
	DegreeInfiltration   Degree = "infiltration"
	DegreeEncircled      Degree = "encircled"
	DegreeAttackRepelled Degree = "attack-repelled"
)

// Degrees lists every Degree.
func Degrees() []Degree {
	return []Degree{DegreeFull, DegreePartial, DegreeAdvance, DegreePresence, DegreeFighting, DegreeInfiltration,
		DegreeEncircled, DegreeAttackRepelled}
}

// Precision is how exactly a claim's ValidAt is known.
type Precision string

// Precisions. A week or month claim counts from its ValidAt as given.
const (
	PrecisionDay   Precision = "day"
	PrecisionWeek  Precision = "week"
	PrecisionMonth Precision = "month"
)

// Precisions lists every Precision.
func Precisions() []Precision { return []Precision{PrecisionDay, PrecisionWeek, PrecisionMonth} }

// Evidence is the kind of evidence a claim rests on.
type Evidence string

// Evidence kinds.
const (
	EvidenceGeolocatedFootage Evidence = "geolocated-footage"
	EvidenceOfficialStatement Evidence = "official-statement"
	EvidenceAnalystAssessment Evidence = "analyst-assessment"
	EvidenceMilbloggerReport  Evidence = "milblogger-report"
	EvidenceMapUpdate         Evidence = "map-update"
)

// Evidences lists every Evidence kind.
func Evidences() []Evidence {
	return []Evidence{EvidenceGeolocatedFootage, EvidenceOfficialStatement, EvidenceAnalystAssessment,
		EvidenceMilbloggerReport, EvidenceMapUpdate}
}

// Alignment is the side a source is aligned with.
type Alignment string

// Alignments.
const (
	AlignmentRU          Alignment = "ru"
	AlignmentUA          Alignment = "ua"
	AlignmentIndependent Alignment = "independent"
)

// Alignments lists every Alignment.
func Alignments() []Alignment { return []Alignment{AlignmentRU, AlignmentUA, AlignmentIndependent} }

// Reliability grades a source on the NATO Admiralty scale, A (completely reliable) to F (cannot be judged).
type Reliability string

// Reliability grades.
const (
	ReliabilityA Reliability = "A"
	ReliabilityB Reliability = "B"
	ReliabilityC Reliability = "C"
	ReliabilityD Reliability = "D"
	ReliabilityE Reliability = "E"
	// ReliabilityF, "reliability cannot be judged", is the default.
	ReliabilityF Reliability = "F"
)

// Reliabilities lists every Reliability grade, best first.
func Reliabilities() []Reliability {
	return []Reliability{ReliabilityA, ReliabilityB, ReliabilityC, ReliabilityD, ReliabilityE, ReliabilityF}
}

// Meaning returns the Admiralty scale's words for r.
func (r Reliability) Meaning() string {
	switch r {
	case ReliabilityA:
		return "completely reliable"
	case ReliabilityB:
		return "usually reliable"
	case ReliabilityC:
		return "fairly reliable"
	case ReliabilityD:
		return "not usually reliable"
	case ReliabilityE:
		return "unreliable"
	case ReliabilityF:
		return "reliability cannot be judged"
	}
	return ""
}

// Credibility grades a piece of information on the NATO Admiralty scale, 1 (confirmed) to 6 (cannot be judged).
type Credibility int

// Credibility grades.
const (
	CredibilityConfirmed  Credibility = 1
	CredibilityProbable   Credibility = 2
	CredibilityPossible   Credibility = 3
	CredibilityDoubtful   Credibility = 4
	CredibilityImprobable Credibility = 5
	// CredibilityUnknown, "truth cannot be judged", is the default.
	CredibilityUnknown Credibility = 6
)

// Meaning returns the Admiralty scale's words for c.
func (c Credibility) Meaning() string {
	switch c {
	case CredibilityConfirmed:
		return "confirmed by other sources"
	case CredibilityProbable:
		return "probably true"
	case CredibilityPossible:
		return "possibly true"
	case CredibilityDoubtful:
		return "doubtful"
	case CredibilityImprobable:
		return "improbable"
	case CredibilityUnknown:
		return "truth cannot be judged"
	}
	return ""
}

// Consensus is the derived status of a settlement: a Holder's value when the voting sources agree, or disputed.
type Consensus string

// Consensus values.
const (
	ConsensusRU        Consensus = "ru"
	ConsensusUA        Consensus = "ua"
	ConsensusContested Consensus = "contested"
	ConsensusDisputed  Consensus = "disputed"
	ConsensusUnknown   Consensus = "unknown"
)

// Basis says what a consensus rests on, as ISW separates assessed from claimed control.
type Basis string

// Basis values.
const (
	// BasisConfirmed: a source not aligned with the holder's side supports the consensus (an independent source,
	// or the other side conceding). For contested: an independent source, or sources of both sides.
	BasisConfirmed Basis = "confirmed"
	// BasisClaimed: only sources aligned with the holder's side say so (for contested: sources of one side only).
	BasisClaimed Basis = "claimed"
)

// Bases lists every Basis.
func Bases() []Basis { return []Basis{BasisConfirmed, BasisClaimed} }

// normalizeEnum folds the spellings users write ("Official statement", "attack_repelled") to a slug.
func normalizeEnum(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '_' || r == '-' }), "-")
}

func parseEnum[T ~string](field, s string, all []T) (T, error) {
	v := T(normalizeEnum(s))
	if slices.Contains(all, v) {
		return v, nil
	}
	if s == "" {
		return "", fieldErr(field, s, nil, "required; want one of %s", join(all))
	}
	return "", fieldErr(field, s, nil, "want one of %s", join(all))
}

func join[T ~string](all []T) string {
	parts := make([]string, len(all))
	for i, v := range all {
		parts[i] = string(v)
	}
	return strings.Join(parts, ", ")
}

// ParseHolder parses a holder (case-insensitive).
func ParseHolder(s string) (Holder, error) { return parseEnum("holder", s, Holders()) }

// ParseDegree parses a degree; spaces and underscores stand for hyphens ("attack repelled").
func ParseDegree(s string) (Degree, error) { return parseEnum("degree", s, Degrees()) }

// ParsePrecision parses a valid_at precision.
func ParsePrecision(s string) (Precision, error) {
	return parseEnum("valid_precision", s, Precisions())
}

// ParseEvidence parses an evidence kind, as a slug ("official-statement") or in words ("official statement").
func ParseEvidence(s string) (Evidence, error) { return parseEnum("evidence", s, Evidences()) }

// ParseAlignment parses a source alignment.
func ParseAlignment(s string) (Alignment, error) { return parseEnum("alignment", s, Alignments()) }

// ParseReliability parses a reliability grade A–F (case-insensitive).
func ParseReliability(s string) (Reliability, error) {
	r := Reliability(strings.ToUpper(strings.TrimSpace(s)))
	if slices.Contains(Reliabilities(), r) {
		return r, nil
	}
	return "", fieldErr("reliability", s, nil, "want a grade A–F (A completely reliable … F cannot be judged)")
}

// ParseCredibility parses a credibility grade 1–6.
func ParseCredibility(s string) (Credibility, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 6 {
		return 0, fieldErr("credibility", s, nil, "want a grade 1–6 (1 confirmed … 6 cannot be judged)")
	}
	return Credibility(n), nil
}

// Valid reports whether h is one of Holders.
func (h Holder) Valid() bool { return slices.Contains(Holders(), h) }

// Valid reports whether d is one of Degrees.
func (d Degree) Valid() bool { return slices.Contains(Degrees(), d) }

// Valid reports whether p is one of Precisions.
func (p Precision) Valid() bool { return slices.Contains(Precisions(), p) }

// Valid reports whether e is one of Evidences.
func (e Evidence) Valid() bool { return slices.Contains(Evidences(), e) }

// Valid reports whether a is one of Alignments.
func (a Alignment) Valid() bool { return slices.Contains(Alignments(), a) }

// Valid reports whether r is a grade A–F.
func (r Reliability) Valid() bool { return slices.Contains(Reliabilities(), r) }

// Valid reports whether c is a grade 1–6.
func (c Credibility) Valid() bool { return c >= 1 && c <= 6 }
