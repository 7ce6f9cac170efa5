package ledger

// The index stores enum values as small codes: 0 is the empty value (or one the ledger does not know), then the
// values in the order their lists give them.

func holderCode(h Holder) uint8       { return code(h, Holders()) }
func degreeCode(d Degree) uint8       { return code(d, Degrees()) }
func precisionCode(p Precision) uint8 { return code(p, Precisions()) }
func evidenceCode(e Evidence) uint8   { return code(e, Evidences()) }

func code[T comparable](v T, all []T) uint8 {
	for i, a := range all {
		if a == v {
			return uint8(i + 1)
		}
	}
	return 0
}

func holderOf(c uint8) Holder {
	return [...]Holder{"", HolderRU, HolderUA, HolderContested, HolderUnknown}[c]
}

func degreeOf(c uint8) Degree {
	return [...]Degree{"", DegreeFull, DegreePartial, DegreeAdvance, DegreePresence, DegreeFighting,
		DegreeInfiltration, DegreeEncircled, DegreeAttackRepelled}[c]
}

func precisionOf(c uint8) Precision {
	return [...]Precision{"", PrecisionDay, PrecisionWeek, PrecisionMonth}[c]
}

func evidenceOf(c uint8) Evidence {
	return [...]Evidence{"", EvidenceGeolocatedFootage, EvidenceOfficialStatement, EvidenceAnalystAssessment,
		EvidenceMilbloggerReport, EvidenceMapUpdate}[c]
}
