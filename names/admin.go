package names

import "strings"

// StripAdminWords removes generic administrative words from s and returns the
// [Normalize]d remaining text: oblast, region, district, raion, rayon, rajon,
// okrug, urban, municipal, municipality, hromada, selsoviet, silrada,
// territorial, community, krai, province, область, обл, район, р-н, округ,
// городской, муниципальный, громада, сельсовет, край, and their Ukrainian
// forms (територіальна, міська, сільська, селищна громада, сільрада) and
// common case forms (области, району, громади, ...). Differences of adjective
// endings are not handled here (see [AdminKey]). It is used to compare
// "Belgorod Oblast", "Belgorodskaya oblast", "Белгородская область" and
// context text. If every word is an administrative word the result is "".
func StripAdminWords(s string) string {
	n := normalize(s, false)
	if n == "" {
		return ""
	}
	words := strings.Split(n, " ")
	kept := words[:0]
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w == "р" && i+1 < len(words) && words[i+1] == "н" { // р-н
			i++
			continue
		}
		if adminWords[w] {
			continue
		}
		kept = append(kept, w)
	}
	return strings.Join(kept, " ")
}

// adminWords holds the administrative words in Normalize form.
var adminWords = func() map[string]bool {
	words := []string{
		"oblast", "oblasts", "oblasti", "obl", "region", "regions", "regional",
		"district", "districts", "raion", "raions", "rayon", "rayons", "rajon",
		"okrug", "urban", "municipal", "municipality", "hromada", "hromady",
		"selsoviet", "selsovet", "silrada", "territorial", "community", "krai",
		"kray", "province", "rural", "council",
		"область", "области", "областью", "обл",
		"район", "района", "районе", "районом", "районы", "р-н", "рн",
		"округ", "округа", "округе", "округом", "городской", "городского",
		"городском", "муниципальный", "муниципального", "муниципальном",
		"муниципальное", "сельсовет", "сельсовета",
		"сельсовете", "сельское", "поселение", "городское", "край", "края", "крае",
		// Ukrainian
		"області", "областю", "району", "районі", "громада", "громади", "громаді",
		"громадою", "територіальна", "територіальної", "територіальній",
		"міська", "міської", "сільська", "сільської", "селищна", "селищної",
		"сільрада", "сільради", "сільраді", "міськрада",
	}
	m := make(map[string]bool, len(words))
	for _, w := range words {
		if n := normalize(w, false); n != "" && !strings.Contains(n, " ") {
			m[n] = true
		}
	}
	return m
}()

// AdminKey returns a key that lets the name of an administrative unit match
// across forms: [StripAdminWords], then [Key] (romanising Cyrillic), then an
// adjective ending is cut, keeping a stem: -sk- or -ck- followed by -aya,
// -iy, -ij, -y, -yi, -yy, -a, -i, -e, -oye, -oy, -ogo, -oho, -om, -im, -u, or
// nothing (-skaya, -skiy, -sky, -skij, -ska, -skyi, -ский, -ская, -ський,
// -ська, -ское, -ской, -ского, -sk, -tsk, ...). A name without such an ending
// loses one final vowel (Sumy → sum). At least two letters are always kept.
//
// What the keys guarantee:
//   - equal keys for the same name in English, BGN/PCGN, Ukrainian national
//     or Cyrillic spelling, with or without the administrative word, in noun
//     or -sk- adjective form when the adjective is formed by adding -sk-
//     (possibly after dropping a final vowel): "Belgorod Oblast" ==
//     "Belgorodskaya oblast" == "Белгородская область" == "Belgorod";
//     "Sumy Oblast" == "Сумская область" == "Сумська область" == "Sumy";
//     "Kursk" == "Курская область" (both "kur"); "Krasnoyaruzhsky District" ==
//     "Краснояружский район" == "Krasnoyaruzhskiy raion";
//     "Sudzhansky District" == "Суджанский район";
//   - when the adjective inserts a linking syllable or merges letters
//     (Sudzha → Sudzhansky, Odesa → Odeska, Prokhorovka → Prokhorovsky), one
//     key is a prefix of the other ("sudz" / "sudzan"), so callers comparing
//     a town with its district, or text of unknown form, should accept a
//     prefix match, ideally with a minimum stem length (say 4) and within the
//     same parent unit;
//   - no guarantee across the Russian and Ukrainian names of one unit when
//     the vowels differ (Kharkov "harkov" vs Kharkiv "harkiv").
//
// AdminKey of a string made only of administrative words is "".
func AdminKey(s string) string {
	k := Key(StripAdminWords(s))
	if len(k) < 3 {
		return k
	}
	if stem, ok := cutAdjective(k); ok {
		return stem
	}
	switch k[len(k)-1] {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return k[:len(k)-1]
	}
	return k
}

// adjTails are the endings (in Key form) that may follow -sk-/-ck-, longest
// first.
var adjTails = []string{"ogo", "oho", "omu", "oe", "oy", "om", "im", "ih", "a", "y", "i", "e", "u", ""}

// cutAdjective removes a -sk-/-ck- adjective ending from a key.
func cutAdjective(k string) (string, bool) {
	for _, t := range adjTails {
		if !strings.HasSuffix(k, t) {
			continue
		}
		rest := k[:len(k)-len(t)]
		if len(rest) < 4 || !strings.HasSuffix(rest, "k") {
			continue
		}
		if c := rest[len(rest)-2]; c == 's' || c == 'c' {
			return rest[:len(rest)-2], true
		}
	}
	return "", false
}
