package names

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"ascii lower", "popovka", "popovka"},
		{"ascii upper", "POPOVKA", "popovka"},
		{"cyrillic upper", "ПОПОВКА", "поповка"},
		{"cyrillic title", "Поповка", "поповка"},
		{"yo to ye", "Плёхово", "плехово"},
		{"yo upper", "ПЛЁХОВО", "плехово"},
		{"yo decomposed", "Пле\u0308хово", "плехово"},
		{"short i kept", "Краснояружский", "краснояружский"},
		{"short i decomposed", "Краснояружскии\u0306", "краснояружский"},
		{"yi kept", "Їжакевич", "їжакевич"},
		{"yi decomposed", "і\u0308жак", "їжак"},
		{"ukrainian i and ye kept", "Єнакієве", "єнакієве"},
		{"soft sign removed", "Прилесье", "прилесе"},
		{"hard sign removed", "Подъячево", "подячево"},
		{"bgn apostrophe", "Prilesʼye", "prilesye"},
		{"ascii apostrophe", "Priles'ye", "prilesye"},
		{"iso prime", "Prilesʹe", "prilese"},
		{"ukrainian apostrophe", "В'язове", "вязове"},
		{"right quote apostrophe", "В’язове", "вязове"},
		{"latin diacritics", "Sudža Plëkhovo Čerkasy", "sudza plekhovo cerkasy"},
		{"acute", "Pérez", "perez"},
		{"stroke letters", "Łódź Đakovo Ørsta", "lodz dakovo orsta"},
		{"sharp s", "Straße", "strasse"},
		{"fullwidth", "Ｐｏｐｏｖｋａ", "popovka"},
		{"fullwidth cyrillic space", "Нові\u3000Баси", "нові баси"},
		{"hyphen", "Gora-Podol", "gora podol"},
		{"dashes", "Gora–Podol—X‐Y", "gora podol x y"},
		{"underscore dot comma", "a_b.c,d", "a b c d"},
		{"white space", "  Velikaya \t\n Pisarevka  ", "velikaya pisarevka"},
		{"nbsp", "Velikaya\u00a0Pisarevka", "velikaya pisarevka"},
		{"soft hyphen and zwsp", "Popo\u00advka\u200b", "popovka"},
		{"quotes", `совхоз «Победа» "X"`, "совхоз победа x"},
		{"invalid utf8", "Pop\xffovka", "pop\ufffdovka"},
		{"greek", "Ἀθῆναι", "αθηναι"},
		{"acute accent spacing", "Priles´ye", "prilesye"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize(tt.in)
			if got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Normalize(got); again != got {
				t.Errorf("Normalize(Normalize(%q)) = %q, want %q", tt.in, again, got)
			}
		})
	}
}

func TestNormalizeApostrophes(t *testing.T) {
	marks := []string{"'", "\u2019", "\u02BC", "\u2032", "\u02B9", "`", "\u00B4", "\u2018", "\u02BB", "\u201D"}
	want := Normalize("Bolshoye")
	for _, m := range marks {
		in := "Bol" + m + "shoye"
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
		if got, w := Key(in), Key("Bolshoye"); got != w {
			t.Errorf("Key(%q) = %q, want %q", in, got, w)
		}
	}
}

func TestNormalizeYoEqualsYe(t *testing.T) {
	if a, b := Normalize("Плёхово"), Normalize("Плехово"); a != b {
		t.Errorf("Normalize(%q) = %q, Normalize(%q) = %q, want equal", "Плёхово", a, "Плехово", b)
	}
}

// TestFastPathMatchesSlowPath checks that the per-rune tables give the same
// result as the full pipeline for strings of runes below fastLimit.
func TestFastPathMatchesSlowPath(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var runes []rune
	for r := rune(0); r < fastLimit; r++ {
		if !tables.slow[r] {
			runes = append(runes, r)
		}
	}
	// every rune alone, then random strings
	var inputs []string
	for _, r := range runes {
		inputs = append(inputs, string(r), "a"+string(r)+"b", " "+string(r)+" ")
	}
	for range 20000 {
		n := 1 + rng.IntN(8)
		var sb strings.Builder
		for range n {
			if rng.IntN(4) == 0 {
				sb.WriteRune(rune(0x400 + rng.IntN(0x60))) // Cyrillic
			} else {
				sb.WriteRune(runes[rng.IntN(len(runes))])
			}
		}
		inputs = append(inputs, sb.String())
	}
	for _, in := range inputs {
		for _, keep := range []bool{false, true} {
			fast := normalize(in, keep)
			slow := collapseSpaces(mapSlow(in, keep))
			if fast != slow {
				t.Fatalf("normalize(%q, %v) = %q, full pipeline gives %q", in, keep, fast, slow)
			}
		}
	}
}

func TestRomanize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // must all be present
		// first, if set, must be the first element
		first string
	}{
		{"latin", "Popovka", []string{"popovka"}, "popovka"},
		{"latin diacritics", "Plëkhovo", []string{"plekhovo"}, "plekhovo"},
		{"bgn sudzha", "Суджа", []string{"sudzha", "sudza", "sudscha"}, "sudzha"},
		{"bgn ye after soft sign", "Прилесье", []string{"prilesye", "prylese", "prilese", "prilesje"}, "prilesye"},
		{"bgn ye final after vowel", "Вязовое", []string{"vyazovoye", "viazovoe", "vazovoe", "vjazovoe", "wjasowoje"}, "vyazovoye"},
		{"bgn yo", "Плёхово", []string{"plekhovo", "plyokhovo", "plexovo"}, "plekhovo"},
		{"bgn yo initial", "Ёлкино", []string{"yelkino", "yolkino"}, "yelkino"},
		{"bgn yo after shch", "Щёкино", []string{"shchekino", "sekino", "shchokino"}, "shchekino"},
		{"bgn hard sign", "Подъячево", []string{"podyachevo", "podacevo"}, "podyachevo"},
		{"bgn y and kh", "Новый Оскол", []string{"novyy oskol"}, "novyy oskol"},
		{"bgn iy", "Краснояружский", []string{"krasnoyaruzhskiy", "krasnoiaruzhskyi", "krasnoaruzskij"}, "krasnoyaruzhskiy"},
		{"bgn ts ch", "Курчатов", []string{"kurchatov", "kurcatov", "kurtschatow"}, "kurchatov"},
		{"bgn shch", "Щигры", []string{"shchigry", "sigry"}, "shchigry"},
		{"bgn soft sign", "Льгов", []string{"lgov"}, "lgov"},
		{"bgn e", "Тёткино", []string{"tetkino"}, "tetkino"},
		{"bgn e vs ye", "Белгород", []string{"belgorod", "belhorod"}, "belgorod"},
		{"bgn ye initial", "Еремеевка", []string{"yeremeyevka", "eremeevka"}, "yeremeyevka"},
		{"bgn e after vowel", "Алексеевка", []string{"alekseyevka", "alekseevka"}, "alekseyevka"},
		{"uk primary", "Попівка", []string{"popivka"}, "popivka"},
		{"uk h and y", "Гоголівка", []string{"hoholivka", "gogolivka"}, "hoholivka"},
		{"uk demydivka", "Демидівка", []string{"demydivka", "demidivka"}, "demydivka"},
		{"uk zgh", "Згорани", []string{"zghorany", "zgorani"}, "zgorani"},
		{"uk zgh in word", "Розгон", []string{"rozghon", "rozgon"}, "rozgon"},
		{"uk ya ia", "Знам'янка", []string{"znamianka", "znamyanka"}, "znamyanka"},
		{"uk yi initial", "Їжакевич", []string{"yizhakevych", "izakevic"}, "yizhakevych"},
		{"uk yi medial", "Київ", []string{"kyiv"}, "kyiv"},
		{"uk ye ie", "Єнакієве", []string{"yenakiieve", "enakieve"}, "yenakiieve"},
		{"uk y initial i medial", "Олексій", []string{"oleksii"}, "oleksii"},
		{"uk iu", "Люботин", []string{"liubotyn", "lyubotin"}, "lyubotin"},
		{"uk yu initial", "Юрій", []string{"yurii", "urij"}, "yurii"},
		{"uk g", "Ґалаґан", []string{"galagan"}, "galagan"},
		{"uk apostrophe ye", "Короп'є", []string{"koropie"}, "koropie"},
		{"uk apostrophe yi", "Мар'їне", []string{"marine"}, "marine"},
		{"uk double l", "Краснопілля", []string{"krasnopillia", "krasnopillya"}, "krasnopillia"},
		{"uk khmelnytskyi", "Хмельницький", []string{"khmelnitskiy", "khmelnytskyi", "hmelnickij"}, "khmelnitskiy"},
		{"uk zakarpattia", "Закарпаття", []string{"zakarpattia", "zakarpattya"}, "zakarpattya"},
		{"uk sumy", "Суми", []string{"sumi", "sumy"}, "sumi"},
		{"iso letters", "Юрьев Харьков", []string{"urev harkov"}, "yuryev kharkov"},
		{"mixed script", "Popovka Поповка", []string{"popovka popovka"}, "popovka popovka"},
		{"hyphen", "Хутор-Михайловский", []string{"khutor mikhaylovskiy"}, "khutor mikhaylovskiy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Romanize(tt.in)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("Romanize(%q) = %q, want it to contain %q", tt.in, got, w)
				}
			}
			if tt.first != "" && (len(got) == 0 || got[0] != tt.first) {
				t.Errorf("Romanize(%q) = %q, want first %q", tt.in, got, tt.first)
			}
			for i, f := range got {
				if f != Normalize(f) {
					t.Errorf("Romanize(%q)[%d] = %q is not normalised", tt.in, i, f)
				}
				if slices.Index(got, f) != i {
					t.Errorf("Romanize(%q) = %q has duplicate %q", tt.in, got, f)
				}
			}
		})
	}
	if got := Romanize(""); got != nil {
		t.Errorf("Romanize(%q) = %q, want nil", "", got)
	}
	if got := Romanize(" - "); got != nil {
		t.Errorf("Romanize(%q) = %q, want nil", " - ", got)
	}
}

func TestKey(t *testing.T) {
	tests := []struct {
		name, a, b string // Key(a) must equal Key(b)
	}{
		{"hyphen", "Gora-Podol", "Gora Podol"},
		{"case", "POPOVKA", "popovka"},
		{"w v", "Popowka", "Popovka"},
		{"cyrillic vs bgn", "Поповка", "Popovka"},
		{"yo", "Плёхово", "Plekhovo"},
		{"yo ye cyrillic", "Плёхово", "Плехово"},
		{"apostrophe", "Bol'shoye", "Bolshoye"},
		{"ye e", "Bolshoye Soldatskoye", "Bolshoe Soldatskoe"},
		{"ya ja ia", "Vyazovoye", "Vjazovoe"},
		{"ia", "Viazove", "Vyazove"},
		{"ye ie je", "Prilesye", "Prilesje"},
		{"ie", "Prilesie", "Prilesʹe"},
		{"zh z", "Sudzha", "Sudža"},
		{"dj", "Sudja", "Sudzha"},
		{"dsch", "Sudscha", "Sudzha"},
		{"kh h x-free", "Plekhovo", "Plehovo"},
		{"shch", "Shchigry", "Ščigry"},
		{"ts c tz", "Tsarevka", "Carevka"},
		{"tz", "Tzarevka", "Carevka"},
		{"double letters", "Krasnopillia", "Krasnopilia"},
		{"skiy sky", "Krasnoyaruzhskiy", "Krasnoyaruzhsky"},
		{"skyi skij", "Krasnoyaruzhskyi", "Krasnoyaruzhskij"},
		{"oy oi oj", "Bolshoi", "Bolshoj"},
		{"x ks", "Alexeyevka", "Alekseyevka"},
		{"cyrillic alexeyevka", "Алексеевка", "Alexeevka"},
		{"fullwidth", "Ｐｏｐｏｖｋａ", "popovka"},
		{"ukrainian", "Попівка", "Popivka"},
		{"ukrainian h", "Гоголівка", "Hoholivka"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ka, kb := Key(tt.a), Key(tt.b)
			if ka != kb {
				t.Errorf("Key(%q) = %q, want %q (= Key(%q))", tt.a, ka, kb, tt.b)
			}
			for _, k := range []string{ka, kb} {
				if k2 := Key(k); k2 != k {
					t.Errorf("Key(%q) = %q, want %q (idempotence)", k, k2, k)
				}
			}
		})
	}
}

func TestKeyValues(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{" -'- ", ""},
		{"Popovka", "popovka"},
		{"Поповка", "popovka"},
		{"Sudzha", "sudza"},
		{"Prilesʼye", "prilese"},
		{"Vyazovoye", "vazovoe"},
		{"Krasnopillya", "krasnopila"},
		{"Gora-Podol", "gorapodol"},
		{"Kyiv", "kyv"},
		{"Kiev", "kev"},
		{"Novi Basy", "novibasy"},
		{"Первомайское 2", "pervomayskoe2"},
	}
	for _, tt := range tests {
		if got := Key(tt.in); got != tt.want {
			t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestKeysIncludesRomanizations(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Popovka", []string{"popovka"}},
		{"Суджа", []string{"sudza"}},
		{"Гоголівка", []string{"hoholivka", "gogolivka"}},
		{"Суми", []string{"sumi", "sumy"}},
		{"Плёхово", []string{"plehovo", "plohovo", "pleksovo"}},
		{"Прилесье", []string{"prilese", "prylese"}},
	}
	for _, tt := range tests {
		got := Keys(tt.in)
		if len(got) == 0 || got[0] != Key(tt.in) {
			t.Errorf("Keys(%q) = %q, want first element Key(%q) = %q", tt.in, got, tt.in, Key(tt.in))
		}
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("Keys(%q) = %q, want it to contain %q", tt.in, got, w)
			}
		}
	}
	if got := Keys(""); got != nil {
		t.Errorf("Keys(%q) = %q, want nil", "", got)
	}
}

// matchGroups lists stored names of one place and queries that must find it:
// every query must share a key (QueryKeys(query) ∩ Keys(stored)) with at
// least one stored name of its group.
var matchGroups = []struct {
	name    string
	stored  []string
	queries []string
}{
	{"popovka",
		[]string{"Popovka", "Поповка", "Попівка"},
		[]string{"Popovka", "Поповка", "popovka", "POPOVKA", "Popivka", "Попівка", "в Поповке", "у Попівці", "Popowka",
			"из Поповки", "Поповкой", "near Popovka", "в селе Поповка", "біля Попівки"}},
	{"prilesye",
		[]string{"Prilesʼye", "Прилесье", "Прилісся"},
		[]string{"Prilesye", "Prilesie", "Prilesʼye", "Priles'ye", "Prilesje", "Prilesʹe", "Прилесье", "Прилесья", "у Прилесья", "Prylissia",
			"в Прилесье", "Прилесьем", "у Приліссі"}},
	{"gogolevka",
		[]string{"Gogolevka", "Гоголевка", "Гоголівка"},
		[]string{"Gogolevka", "Hoholivka", "Гоголівка", "Gogolewka", "из Гоголевки", "біля Гоголівки"}},
	{"goptarovka",
		[]string{"Goptarovka", "Гоптаровка", "Гоптарівка"},
		[]string{"из Гоптаровки", "Goptarovka", "Hoptarivka"}},
	{"sudzha",
		[]string{"Sudzha", "Суджа"},
		[]string{"под Суджей", "Sudja", "Sudža", "Sudscha", "Суджею", "Sudzha", "в Судже", "из Суджи", "in Sudzha"}},
	{"plekhovo",
		[]string{"Plëkhovo", "Плёхово", "Пльохове"},
		[]string{"Plekhovo", "Plyokhovo", "Плехово", "Пльохове", "Plëkhovo", "в Плёхово"}},
	{"demidovka",
		[]string{"Demidovka", "Демидовка", "Демидівка"},
		[]string{"Demidovka", "Demydivka", "в Демидовке", "Демидовкой"}},
	{"vyazovoye",
		[]string{"Vyazovoye", "Вязовое", "В'язове"},
		[]string{"Vyazovoe", "Vjazovoe", "Viazove", "Vyazove", "у В'язовому"}},
	{"bolshoye soldatskoye",
		[]string{"Bolʼshoye Soldatskoye", "Большое Солдатское"},
		[]string{"Bolshoye Soldatskoye", "Bol'shoye Soldatskoye", "Bolshoe Soldatskoe", "в Большом Солдатском", "Большое Солдатское"}},
	{"krasnopillya",
		[]string{"Krasnopillya", "Краснопілля", "Краснополье"},
		[]string{"Krasnopillia", "Krasnopilla", "Krasnopolye", "Krasnopol'ye", "у Краснопіллі"}},
	{"sumy",
		[]string{"Sumy", "Суми", "Сумы"},
		[]string{"Sumy", "Суми", "под Сумами", "из Сум", "у Сумах"}},
}

func TestMatchGroups(t *testing.T) {
	for _, g := range matchGroups {
		t.Run(g.name, func(t *testing.T) {
			for _, q := range g.queries {
				qk := QueryKeys(q)
				found := false
				for _, st := range g.stored {
					if shared(qk, Keys(st)) != "" {
						found = true
						break
					}
				}
				if !found {
					var sk []string
					for _, st := range g.stored {
						sk = append(sk, st+"="+strings.Join(Keys(st), ","))
					}
					t.Errorf("QueryKeys(%q) = %q shares no key with any stored name: %s", q, qk, strings.Join(sk, "; "))
				}
			}
		})
	}
}

func TestNoMatch(t *testing.T) {
	pairs := []struct{ a, b string }{
		{"Popovka", "Demidovka"},
		{"Поповка", "Демидовка"},
		{"Sumy", "Sudzha"},
		{"Сумы", "Суджа"},
		{"Basy", "Novi Basy"},
		{"Баси", "Нові Баси"},
		{"Borki", "Borisovka"},
		{"Борки", "Борисовка"},
		{"Belaya", "Belgorod"},
		{"Белая", "Белгород"},
	}
	for _, p := range pairs {
		if ka, kb := Key(p.a), Key(p.b); ka == kb {
			t.Errorf("Key(%q) = %q, want different from Key(%q) = %q", p.a, ka, p.b, kb)
		}
		if k := shared(QueryKeys(p.a), Keys(p.b)); k != "" {
			t.Errorf("QueryKeys(%q) and Keys(%q) share %q, want no common key", p.a, p.b, k)
		}
		if k := shared(QueryKeys(p.b), Keys(p.a)); k != "" {
			t.Errorf("QueryKeys(%q) and Keys(%q) share %q, want no common key", p.b, p.a, k)
		}
	}
}

func shared(a, b []string) string {
	for _, x := range a {
		if slices.Contains(b, x) {
			return x
		}
	}
	return ""
}

func TestQueryKeys(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		contain []string // Keys of these nominative forms must be present
	}{
		{"v popovke", "в Поповке", []string{"Поповка"}},
		{"iz goptarovki", "из Гоптаровки", []string{"Гоптаровка"}},
		{"pod sudzhey", "под Суджей", []string{"Суджа"}},
		{"u prilesya", "у Прилесья", []string{"Прилесье"}},
		{"demidovkoy", "Демидовкой", []string{"Демидовка"}},
		{"u popivtsi", "у Попівці", []string{"Попівка"}},
		{"bilya goholivky", "біля Гоголівки", []string{"Гоголівка"}},
		{"sudzheyu", "Суджею", []string{"Суджа"}},
		{"okolo", "около Теткино", []string{"Теткино"}},
		{"vozle", "возле Поповки", []string{"Поповка"}},
		{"k", "к Поповке", []string{"Поповка"}},
		{"ot", "от Поповки", []string{"Поповка"}},
		{"so", "со стороны", []string{"стороны"}},
		{"za", "за Белгородом", []string{"Белгород"}},
		{"nad", "над Суджей", []string{"Суджа"}},
		{"na", "на Белгород", []string{"Белгород"}},
		{"pid", "під Сумами", []string{"Суми"}},
		{"z", "з Попівки", []string{"Попівка"}},
		{"iz uk", "із Попівки", []string{"Попівка"}},
		{"do", "до Попівки", []string{"Попівка"}},
		{"vid", "від Попівки", []string{"Попівка"}},
		{"poblyzu", "поблизу Попівки", []string{"Попівка"}},
		{"blyz", "близ Поповки", []string{"Поповка"}},
		{"near", "near Popovka", []string{"Popovka"}},
		{"in", "in Sudzha", []string{"Sudzha"}},
		{"at", "at Sudzha", []string{"Sudzha"}},
		{"around", "around Sudzha", []string{"Sudzha"}},
		{"toward", "toward Sudzha", []string{"Sudzha"}},
		{"towards", "towards Sudzha", []string{"Sudzha"}},
		{"from", "from Sudzha", []string{"Sudzha"}},
		{"kharkova", "до Харкова", []string{"Харків"}},
		{"prep pl", "в Больших Солдатских", []string{"Большие Солдатские"}},
		{"adj gen", "из Большого Солдатского", []string{"Большое Солдатское"}},
		{"uk adj loc", "у Великій Писарівці", []string{"Велика Писарівка"}},
		{"neuter instr", "Плеховом", []string{"Плехово"}},
		{"uk neuter loc", "у Плеховому", []string{"Плехово", "Плехове"}},
		{"uk neuter gen", "з Плехового", []string{"Плехово", "Плехове"}},
		{"uk neuter loc i", "у Плеховім", []string{"Плехово", "Плехове"}},
		{"ru neuter loc", "в Плехове", []string{"Плехово"}},
		{"settlement word", "в селе Поповка", []string{"Поповка"}},
		{"uk locative soft", "у Краснопіллі", []string{"Краснопілля"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := QueryKeys(tt.in)
			if len(got) == 0 || got[0] != Key(tt.in) {
				t.Fatalf("QueryKeys(%q) = %q, want first element Key(%q) = %q", tt.in, got, tt.in, Key(tt.in))
			}
			for _, c := range tt.contain {
				if k := Key(c); !slices.Contains(got, k) {
					t.Errorf("QueryKeys(%q) = %q, want it to contain Key(%q) = %q", tt.in, got, c, k)
				}
			}
			for i, k := range got {
				if k == "" {
					t.Errorf("QueryKeys(%q)[%d] is empty", tt.in, i)
				}
				if Key(k) != k {
					t.Errorf("QueryKeys(%q)[%d] = %q is not a key (Key gives %q)", tt.in, i, k, Key(k))
				}
				if slices.Index(got, k) != i {
					t.Errorf("QueryKeys(%q) = %q has duplicate %q", tt.in, got, k)
				}
			}
		})
	}
	if got := QueryKeys("  ,  "); got != nil {
		t.Errorf("QueryKeys(%q) = %q, want nil", "  ,  ", got)
	}
	// A lone preposition is kept as the name.
	if got, want := QueryKeys("в"), []string{Key("в")}; !slices.Equal(got, want) {
		t.Errorf("QueryKeys(%q) = %q, want %q", "в", got, want)
	}
}

func TestStripAdminWords(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Belgorod Oblast", "belgorod"},
		{"Belgorodskaya oblast'", "belgorodskaya"},
		{"Белгородская область", "белгородская"},
		{"Белгородской области", "белгородской"},
		{"Краснояружский р-н", "краснояружский"},
		{"Krasnoyaruzhskiy raion", "krasnoyaruzhskiy"},
		{"Sudzhansky District", "sudzhansky"},
		{"Сумська область", "сумска"},
		{"Сумська міська територіальна громада", "сумска"},
		{"Belgorod urban okrug", "belgorod"},
		{"городской округ город Белгород", "город белгород"},
		{"Sumy", "sumy"},
		{"Oblast", ""},
		{"Popovka, Sumy oblast", "popovka sumy"},
	}
	for _, tt := range tests {
		if got := StripAdminWords(tt.in); got != tt.want {
			t.Errorf("StripAdminWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAdminKey(t *testing.T) {
	groups := []struct {
		name  string
		forms []string
	}{
		{"belgorod", []string{"Belgorod Oblast", "Belgorodskaya oblast", "Белгородская область", "Belgorod", "Белгородской области", "Belgorodskaya Oblastʹ"}},
		{"krasnoyaruzhsky", []string{"Krasnoyaruzhsky District", "Краснояружский район", "Krasnoyaruzhskiy raion", "Krasnoyaruzhskiy rayon", "Краснояружский р-н"}},
		{"sudzhansky", []string{"Sudzhansky District", "Суджанский район", "Sudzhanskiy raion"}},
		{"sumy", []string{"Sumy Oblast", "Сумская область", "Сумська область", "Sumy", "Sumskaya oblast", "Sums'ka oblast", "Сумы"}},
		{"kursk", []string{"Kursk Oblast", "Курская область", "Kurskaya oblast", "Kursk"}},
		{"donetsk", []string{"Donetsk Oblast", "Донецкая область", "Донецька область", "Donetska oblast"}},
		{"kharkiv uk", []string{"Kharkiv Oblast", "Харківська область", "Kharkivska oblast"}},
		{"kharkov ru", []string{"Kharkov Oblast", "Харьковская область", "Kharkovskaya oblast"}},
		{"graivoron", []string{"Graivoronsky District", "Грайворонский район", "Grayvoron"}},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			want := AdminKey(g.forms[0])
			if len(want) < 2 {
				t.Fatalf("AdminKey(%q) = %q, want a stem", g.forms[0], want)
			}
			for _, f := range g.forms[1:] {
				if got := AdminKey(f); got != want {
					t.Errorf("AdminKey(%q) = %q, want %q (= AdminKey(%q))", f, got, want, g.forms[0])
				}
			}
		})
	}
	prefixes := []struct{ short, long string }{
		{"Sudzha", "Sudzhansky District"},
		{"Суджа", "Суджанский район"},
		{"Odesa", "Odeska oblast"},
		{"Prokhorovka", "Prokhorovsky District"},
		{"Valuyki", "Valuysky District"},
	}
	for _, p := range prefixes {
		s, l := AdminKey(p.short), AdminKey(p.long)
		if !strings.HasPrefix(l, s) && !strings.HasPrefix(s, l) {
			t.Errorf("AdminKey(%q) = %q and AdminKey(%q) = %q, want one a prefix of the other", p.short, s, p.long, l)
		}
	}
	different := []struct{ a, b string }{
		{"Belgorod Oblast", "Kursk Oblast"},
		{"Sumy Oblast", "Sudzhansky District"},
		{"Krasnoyaruzhsky District", "Krasnogvardeysky District"},
	}
	for _, d := range different {
		if a, b := AdminKey(d.a), AdminKey(d.b); a == b {
			t.Errorf("AdminKey(%q) = %q, want different from AdminKey(%q)", d.a, a, d.b)
		}
	}
	if got := AdminKey("Oblast"); got != "" {
		t.Errorf("AdminKey(%q) = %q, want %q", "Oblast", got, "")
	}
}

// idempotenceInputs seeds the idempotence tests and the fuzz corpora.
var idempotenceInputs = []string{
	"", " ", "Popovka", "Поповка", "Попівка", "в Поповке", "у Попівці", "Prilesʼye", "Прилесье",
	"Plëkhovo", "Плёхово", "Пльохове", "Bolʼshoye Soldatskoye", "В'язове", "Ｐｏｐｏｖｋａ", "ПОПОВКА",
	"Gora-Podol", "Straße", "Ἀθῆναι", "ǅ", "ŉ", "İstanbul", "и\u0306\u0301", "\u0301a", "a\u00b4b",
	"한국어", "ᄀ ᅡ", "ொ", "x\u0345", "ΐ", "ﬁ", "Pop\xffovka", "\u200b\u00ad", "shzh", "tsh", "kkh",
	"dzhj", "aiia", "xw", "Kiyev", "yyyy", "jjjj", "ђурђевац", "ᵸ", "Тхзщ", "Ъ", "ь'ъ",
	"ꭵ", "Ꭵ", // Cherokee: x/text/cases folds small and capital letters into each other
	"иі\u0308\U0001DA4F\U0001193D", // a virama (Mc, low combining class) between і and its diaeresis
	"и\U0001193D\u0306",
}

func TestIdempotence(t *testing.T) {
	for _, s := range idempotenceInputs {
		n := Normalize(s)
		if n2 := Normalize(n); n2 != n {
			t.Errorf("Normalize(%q) = %q, want %q", n, n2, n)
		}
		k := Key(s)
		if k2 := Key(k); k2 != k {
			t.Errorf("Key(%q) = %q, want %q", k, k2, k)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range idempotenceInputs {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q is not valid UTF-8", s, n)
		}
		if n2 := Normalize(n); n2 != n {
			t.Fatalf("Normalize(%q) = %q, want %q (input %q)", n, n2, n, s)
		}
		if strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") || strings.Contains(n, "  ") {
			t.Fatalf("Normalize(%q) = %q has untrimmed or doubled spaces", s, n)
		}
	})
}

func FuzzKey(f *testing.F) {
	for _, s := range idempotenceInputs {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		if !utf8.ValidString(k) {
			t.Fatalf("Key(%q) = %q is not valid UTF-8", s, k)
		}
		if k2 := Key(k); k2 != k {
			t.Fatalf("Key(%q) = %q, want %q (input %q)", k, k2, k, s)
		}
		ks := Keys(s)
		if k != "" && (len(ks) == 0 || ks[0] != k) {
			t.Fatalf("Keys(%q) = %q, want first element %q", s, ks, k)
		}
		_ = AdminKey(s)
		_ = StripAdminWords(s)
		_ = Romanize(s)
	})
}

func FuzzQueryKeys(f *testing.F) {
	for _, s := range idempotenceInputs {
		f.Add(s)
	}
	f.Add("в Большом Солдатском районе Белгородской области")
	f.Add("у Великій Писарівці")
	f.Fuzz(func(t *testing.T, s string) {
		qk := QueryKeys(s)
		for i, k := range qk {
			if k == "" {
				t.Fatalf("QueryKeys(%q)[%d] is empty: %q", s, i, qk)
			}
		}
		if k := Key(s); k != "" && (len(qk) == 0 || qk[0] != k) {
			t.Fatalf("QueryKeys(%q) = %q, want first element Key = %q", s, qk, k)
		}
	})
}

func BenchmarkQueryKeys(b *testing.B) {
	for _, in := range []string{"в Поповке", "Popovka", "у Попівці", "в Большом Солдатском"} {
		b.Run(in, func(b *testing.B) {
			for b.Loop() {
				_ = QueryKeys(in)
			}
		})
	}
}

func BenchmarkKeys(b *testing.B) {
	for b.Loop() {
		_ = Keys("Прилесье")
	}
}

func BenchmarkNormalize(b *testing.B) {
	for b.Loop() {
		_ = Normalize("Большое Солдатское")
	}
}
