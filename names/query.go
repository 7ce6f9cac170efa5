package names

import (
	"strings"
	"unicode/utf8"
)

// QueryKeys returns the keys to look up for a name as it appears in the
// running text of a report, best first, deduplicated, none empty:
//
//  1. the keys of the text itself ([Keys]; the first element is Key(s));
//  2. the keys of the text with its leading prepositions and settlement-type
//     words removed (Russian/Ukrainian в, во, из, под, у, около, возле, близ,
//     к, до, от, с, со, за, над, на, під, біля, з, із, від, поблизу, ...;
//     English near, in, at, around, toward(s), from, ...; село, посёлок,
//     хутор, смт, village, ...), as long as one word remains;
//  3. the keys of nominative candidates for Russian and Ukrainian case
//     endings of the remaining Cyrillic words ("в Поповке" → Поповка,
//     "из Гоптаровки" → Гоптаровка, "под Суджей" → Суджа, "у Прилесья" →
//     Прилесье, "Демидовкой" → Демидовка, "у Попівці" → Попівка, "Суджею" →
//     Суджа, "в Большом Солдатском" → Большое Солдатское). An ambiguous ending
//     gives several candidates (-е → -а/-я/-о/-ь/none, -и → -а/-я/-ь/none,
//     -ей → -а/-я/-ь/-и, -ом → none/-о/-ое/-ой/-ый/-ий, ...); for a phrase the
//     combinations of word candidates are tried in order of how many words
//     were changed, up to a fixed budget. Candidate keys are computed from the
//     primary, BGN/PCGN and Ukrainian national forms only.
//
// Every element is a [Key]. The result is nil when s has no letters or
// digits.
func QueryKeys(s string) []string {
	p := normalize(s, true)
	if p == "" {
		return nil
	}
	var acc keyAcc
	acc.addAll(p, false)

	words := strings.Split(p, " ")
	lead := 0
	for lead < len(words)-1 && leadWords[words[lead]] {
		lead++
	}
	rest := words[lead:]
	if lead > 0 {
		acc.addAll(strings.Join(rest, " "), false)
	}
	if len(rest) > maxCaseWords || !hasCyrillic(p) {
		return acc.keys
	}
	opts := make([][]string, len(rest))
	changeable := false
	for i, w := range rest {
		opts[i] = wordCandidates(w)
		if len(opts[i]) > 1 {
			changeable = true
		}
	}
	if !changeable {
		return acc.keys
	}
	e := comboEnum{opts: opts, idx: make([]int, len(opts)), budget: maxCombos, acc: &acc}
	maxSum := 0
	for _, o := range opts {
		maxSum += len(o) - 1
	}
	for sum := 1; sum <= maxSum && e.budget > 0; sum++ {
		e.rec(0, sum)
	}
	return acc.keys
}

const (
	// maxCaseWords is the longest phrase (in words) whose case endings are
	// reduced; longer text is only keyed as is.
	maxCaseWords = 5
	// maxCombos bounds the number of candidate phrases tried.
	maxCombos = 64
)

// comboEnum enumerates the combinations of word candidates whose indexes sum
// to a given value (0 is the word as written).
type comboEnum struct {
	opts   [][]string
	idx    []int
	budget int
	acc    *keyAcc
	sb     strings.Builder
}

func (e *comboEnum) rec(pos, remaining int) {
	if e.budget <= 0 {
		return
	}
	last := len(e.opts) - 1
	if pos == last {
		if remaining >= len(e.opts[pos]) {
			return
		}
		e.idx[pos] = remaining
		e.emit()
		return
	}
	for v := 0; v <= remaining && v < len(e.opts[pos]) && e.budget > 0; v++ {
		e.idx[pos] = v
		e.rec(pos+1, remaining-v)
	}
}

func (e *comboEnum) emit() {
	e.budget--
	e.sb.Reset()
	for i, v := range e.idx {
		if i > 0 {
			e.sb.WriteByte(' ')
		}
		e.sb.WriteString(e.opts[i][v])
	}
	e.acc.addAll(e.sb.String(), true)
}

// endingRule proposes nominative replacements for a case ending.
type endingRule struct {
	suffix string
	repl   []string
}

// endingRules lists Russian and Ukrainian case endings (of nouns and
// adjectives) with the nominative endings they may come from, longest suffix
// first. Every rule whose suffix matches is applied, so a word gets the
// candidates of all its matching endings.
var endingRules = []endingRule{
	// Ukrainian masculine -ів/-їв with the і/о alternation: Харкова → Харків.
	{"овом", []string{"ів"}},
	{"ові", []string{"ів", "", "о"}},
	{"ова", []string{"ів"}},
	{"ову", []string{"ів"}},
	{"єві", []string{"їв"}},
	{"єва", []string{"їв"}},
	// adjectives
	{"ого", []string{"ое", "ой", "ый", "ий", "е", "о"}},
	{"его", []string{"ее", "ий", "е"}},
	{"ому", []string{"ое", "ой", "ый", "ий", "е", "о"}}, // у Плеховому: Плехове (uk), Плехово (ru)
	{"ему", []string{"ее", "ий", "е"}},
	{"ими", []string{"ие", "і"}},
	{"ыми", []string{"ые"}},
	// plural nouns
	{"ами", []string{"ы", "и", "а", ""}},
	{"ями", []string{"и", "я", "і"}},
	// Ukrainian locative with consonant alternation: Попівці → Попівка.
	{"ці", []string{"ка", "ця"}},
	{"зі", []string{"га"}},
	{"сі", []string{"ха"}},
	{"ах", []string{"ы", "и", "а"}},
	{"ях", []string{"и", "я", "і"}},
	{"ам", []string{"ы", "и", "а"}},
	{"ям", []string{"я", "и", "ь"}},
	// instrumental, genitive, dative, locative
	{"ой", []string{"а", "ая", "ый", "ий", "о"}},
	// Ukrainian feminine adjectives: Малої Локні → Мала Локня, Великої Писарівки → Велика Писарівка.
	{"ої", []string{"а"}},
	{"ій", []string{"а"}},
	{"ою", []string{"а", "ая"}},
	{"ей", []string{"а", "я", "ь", "яя", "и"}},
	{"ею", []string{"а", "я", "ь"}},
	{"єю", []string{"я"}},
	{"ом", []string{"", "о", "ое", "ой", "ый", "ий"}},
	{"ем", []string{"е", "ь", "", "ее", "ий"}},
	{"ым", []string{"ый", "ое", "ые"}},
	{"им", []string{"ий", "е", "ее", "ие"}},
	{"ых", []string{"ые", "ый", "ое"}},
	{"их", []string{"ие", "ий", "і"}},
	{"ій", []string{"а", "я", "ий", "е"}},
	{"ім", []string{"ий", "е", "о"}},
	{"ую", []string{"ая"}},
	{"юю", []string{"яя"}},
	{"ов", []string{"ы", "и"}},
	{"е", []string{"а", "я", "о", "", "ь"}},
	{"и", []string{"а", "я", "ь", ""}},
	{"і", []string{"а", "я", "", "ь", "е"}},
	{"ы", []string{"а", ""}},
	{"у", []string{"а", "о", ""}},
	{"ю", []string{"я", "е", "ь"}},
	{"а", []string{"", "о", "е", "ь"}},
	{"я", []string{"ь", "е", "й", ""}},
}

// wordCandidates returns w followed by its nominative candidates.
func wordCandidates(w string) []string {
	out := []string{w}
	if !hasCyrillic(w) {
		return out
	}
	n := utf8.RuneCountInString(w)
	for _, r := range endingRules {
		if !strings.HasSuffix(w, r.suffix) || n-utf8.RuneCountInString(r.suffix) < 2 {
			continue
		}
		stem := w[:len(w)-len(r.suffix)]
		for _, x := range r.repl {
			c := stem + x
			if !contains(out, c) {
				out = append(out, c)
			}
		}
	}
	// Genitive plural with no ending: из Сум → Суми/Сумы (only for words no
	// ending rule matched).
	if last, _ := utf8.DecodeLastRuneInString(w); len(out) == 1 && n >= 3 && isCyrConsonant(last) {
		for _, x := range []string{"ы", "и"} {
			if c := w + x; !contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

func isCyrConsonant(r rune) bool {
	return isCyrLetter(r) && !isCyrVowel(r) && r != 'й' && r != 'ь' && r != 'ъ'
}

// leadWords are words dropped from the start of running text: prepositions
// and settlement-type words, in the prepared form (lower case, signs kept).
var leadWords = func() map[string]bool {
	words := []string{
		// Russian prepositions
		"в", "во", "из", "изо", "под", "подо", "у", "около", "возле", "близ", "вблизи",
		"к", "ко", "до", "от", "ото", "с", "со", "за", "над", "на", "по", "при",
		"недалеко", "неподалеку", "неподалёку", "районе", "района", "окрестностях",
		"окраине", "окраинах", "направлении", "сторону",
		// Ukrainian prepositions
		"під", "біля", "з", "із", "зі", "зо", "від", "поблизу", "поруч", "неподалік",
		"районі", "околиці", "околицях", "напрямку", "бік",
		// English
		"near", "in", "at", "around", "toward", "towards", "from", "outside", "by",
		"of", "the", "into", "to", "nearby", "vicinity", "outskirts", "area",
		// Russian settlement types (and abbreviations: "с.", "пос.")
		"село", "села", "селе", "селом", "посёлок", "поселок", "посёлка", "поселка",
		"посёлке", "поселке", "посёлком", "поселком", "пос", "пгт", "рп", "деревня",
		"деревни", "деревне", "деревней", "дер", "д", "хутор", "хутора", "хуторе",
		"хутором", "х", "город", "города", "городе", "городом", "г",
		// Ukrainian settlement types
		"селі", "селище", "селища", "селищі", "селищем", "смт", "хутір", "хуторі",
		"місто", "міста", "місті", "містом", "м",
		// English and romanised settlement types
		"village", "villages", "settlement", "town", "city", "hamlet", "selo",
		"poselok", "khutor", "smt", "pgt",
	}
	m := make(map[string]bool, 2*len(words))
	for _, w := range words {
		m[normalize(w, true)] = true
	}
	return m
}()
