package report_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/ledger"
	"github.com/tiled-maps/tiled/report"
)

func mustDate(tb testing.TB, s string) ledger.Date {
	tb.Helper()
	d, err := ledger.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// claimsOf renders the claims as "source:settlement:holder:degree" ("?" for an unregistered source).
func claimsOf(res report.Result) string {
	var out []string
	for _, c := range res.Claims {
		src := "?"
		if c.Source != nil {
			src = *c.Source
		}
		out = append(out, src+":"+c.Settlement+":"+string(c.Holder)+":"+string(c.Degree))
	}
	return strings.Join(out, " ")
}

// TestClaims: sentences as reports write them, and the claims tiled reads in them.
func TestClaims(t *testing.T) {
	p := seeded(t)
	tests := []struct {
		name, text, outlet, want string
	}{
		{"a side concedes a withdrawal", "Ukraine's General Staff said its units withdrew from Sudzha.", "",
			"ua-command:486816:ru:full"},
		{"the defender holds a place an attack was repelled from", "Two Majors said a Ukrainian assault on Popovka had been repelled.", "",
			"two-majors:ru-bel-popovka-kr:ru:attack-repelled"},
		{"Russian: the enemy of a Russian source is Ukrainian", "Минобороны России заявило, что противник пытался атаковать Гоптаровку, атака отбита.", "",
			"ru-mod:ru-krs-goptarovka:ru:attack-repelled"},
		{"Ukrainian: liberated", "Генштаб ЗСУ повідомив, що українські сили звільнили Мезенівку.", "",
			"ua-command:701313:ua:full"},
		{"part of a village", "DeepState said Ukraine still holds part of Gogolevka.", "",
			"deepstate:ru-krs-gogolevka:ua:partial"},
		{"heavy fighting", "According to Rybar, heavy fighting is under way in Tetkino and Goptarovka.", "",
			"rybar:ru-krs-goptarovka:contested:fighting"},
		{"under whose control", "Романов написал, что Демидовка перешла под контроль ВСУ.", "",
			"romanov:ru-bel-demidovka:ua:full"},
		{"negation makes no claim", "ISW has not observed evidence that Russian forces captured Yunakivka.", "", ""},
		{"a denial makes no claim", "Russia's Defence Ministry denied that Ukrainian troops had entered Prilesye.", "", ""},
		{"Russian negation", "В Минобороны России не подтвердили, что ВСУ взяли Демидовку.", "", ""},
		{"unattributed statements are no claims", "Russian forces captured Sudzha.", "", ""},
		{"the outlet's own voice", "Russian forces captured Sudzha.", "ISW", "isw:486816:ru:full"},
		{"a named speaker the registry lacks", "Governor Vyacheslav Gladkov said Ukrainian troops had entered Kozinka.", "",
			"?:ru-bel-kozinka:ua:advance"},
		{"an unnamed speaker is not the outlet", "A Ukrainian brigade commander said Russian forces captured Basy.", "ISW", ""},
		{"local sources are vague", "Бої тривають поблизу Гоголівки, повідомляють місцеві джерела.", "", ""},
		{"shelling is not control", "The Sumy regional administration said shelling damaged houses in Krasnopillia.", "", ""},
		{"a continued source", "DeepState updated its map on Sunday. It showed Sudzha under Russian control.", "",
			"deepstate:486816:ru:full"},
		{"the village points back", "Rybar wrote about Snagost. The channel said the village had been liberated by Russian troops.", "",
			"rybar:ru-krs-snagost:ru:full"},
		{"a wish is not a fact", "Putin said Ukrainian forces must be driven out of Korenevo.", "", ""},
		{"a surname is not a village", "Military analyst Andriy Popov said Ukrainian troops were encircled in Sudzha.", "", "?:486816:ua:encircled"},
		{"encircled by the other side", "Romanov wrote that Ukrainian forces in Popovka were encircled by Russian troops.", "",
			"romanov:ru-bel-popovka-kr:ua:encircled"},
		{"pushed out", "Rybar said Russian forces pushed Ukrainian troops out of Snagost.", "", "rybar:ru-krs-snagost:ru:full"},
		{"an attempt, then a repel in a clause of its own", "Ukraine's General Staff said Russian forces tried to break through to Yunakivka, but the attack was repelled.", "",
			"ua-command:ua-sum-yunakivka:ua:attack-repelled"},
		{"Ukrainian: an attempt, then 'але атаку було відбито'", "Генштаб ЗСУ: ворог намагався прорватися до Юнаківки, але атаку було відбито.", "",
			"ua-command:ua-sum-yunakivka:ua:attack-repelled"},
		{"Russian: 'однако атака была отбита'", "Минобороны России: противник пытался прорваться к Демидовке, однако атака была отбита.", "",
			"ru-mod:ru-bel-demidovka:ru:attack-repelled"},
		{"a drone attack is no ground fighting", "Ukraine's General Staff said Russian drones attacked Sumy overnight.", "", ""},
		{"air defence repelling drones holds nothing", "Минобороны России сообщило, что атака дронов на Белгород отражена.", "", ""},
		{"a drone strike reported by a governor", "Gladkov said a Ukrainian drone attack on Belgorod injured two people.", "", ""},
		{"a day of the month ends a sentence", "Ukrainian troops have withdrawn from the village of Novi Basy, DeepState reported on April 2. Russia's Defense Ministry had claimed the capture of the village.", "",
			"deepstate:ua-sum-novi-basy:ru:full ru-mod:ua-sum-novi-basy:ru:full"},
		{"controlled, past tense", "Black Bird Group said Ukrainian units still controlled Gogolevka.", "",
			"black-bird-group:ru-krs-gogolevka:ua:full"},
		{"'село' before a name the gazetteer lacks is no anaphor", "«Рыбарь» сообщает, что украинские подразделения отошли из Мирополья. Минобороны России: освобождено село Новенькое.", "",
			"rybar:ua-sum-myropillia:ru:full"},
		{"holding the outskirts is holding part", "DeepState: українські воїни утримують позиції на південній околиці Гоголівки.", "",
			"deepstate:ru-krs-gogolevka:ua:partial"},
		{"beaten back with air strikes is still a repelled ground attack", "Russia's military said Thursday that Ukrainian troops attempted to cross the border near Demidovka, and that the attacks were beaten back with air strikes and artillery.", "",
			"ru-mod:ru-bel-demidovka:ru:attack-repelled"},
		{"a foothold, Russian", "По данным «Рыбаря», штурмовые подразделения ВС РФ закрепились в Гоптаровке.", "",
			"rybar:ru-krs-goptarovka:ru:presence"},
		{"a foothold, Ukrainian", "DeepState: українські підрозділи закріпилися на околиці Гоголівки.", "",
			"deepstate:ru-krs-gogolevka:ua:presence"},
		{"a foothold, English", "ISW said Russian forces had gained a foothold in Goptarovka.", "",
			"isw:ru-krs-goptarovka:ru:presence"},
		{"driven out, passive", "Romanov wrote that Russian units were driven out of Plekhovo.", "", "romanov:ru-krs-plekhovo:ua:full"},
		{"occupied, with no side named, by a Ukrainian source", "DeepState reported that Novi Basy had been occupied.", "",
			"deepstate:ua-sum-novi-basy:ru:full"},
		{"Ukrainian: occupiers", "Генштаб ЗСУ: окупанти захопили Басівку та Басы.", "", "ua-command:ua-sum-basy:ru:full"},
		{"holding part of", "DeepState's map showed Ukraine still holding part of Gogolevka.", "", "deepstate:ru-krs-gogolevka:ua:partial"},
		{"the village in a later clause", "Russia's Defence Ministry claimed its forces recaptured Gogolevka, while DeepState said Ukraine held part of the village.", "",
			"ru-mod:ru-krs-gogolevka:ru:full deepstate:ru-krs-gogolevka:ua:partial"},
		{"fell to", "Rybar said Sudzha fell to Russian forces.", "", "rybar:486816:ru:full"},
		{"Russian passive participle", "Минобороны России: ВСУ выбиты из Суджи.", "", "ru-mod:486816:ru:full"},
		{"grey zone", "DeepState says Popovka is now in the grey zone.", "", "deepstate:ru-bel-popovka-kr:contested:fighting"},
		{"a quote in the headline is not a digest", "Syrskyi: we hold the line\nRussian forces entered Sudzha.", "", ""},
		{"the village after a repelled attack", "«Два майора» пишут, что атака ВСУ на Поповку отбита, однако Романов утверждает, что село перешло под контроль украинских войск.", "",
			"two-majors:ru-bel-popovka-kr:ru:attack-repelled romanov:ru-bel-popovka-kr:ua:full"},
		{"a source after the statement refutes it", "Росіяни заявили про «звільнення» Гоголівки, DeepState це спростовує.", "", ""},
		{"Russia's line is not Russia acting", "Black Bird Group said Ukrainian troops had advanced 3 to 4 kilometers, breaking through Russia's first defensive line near Demidovka.", "",
			"black-bird-group:ru-bel-demidovka:ua:advance"},
		{"forces in a place", "ISW analysts wrote that geolocated footage showed Ukrainian forces in eastern Popovka.", "", "isw:ru-bel-popovka-kr:ua:presence"},
		{"landmarks are not targets", "Rybar claimed Russian forces took control of Poroz, near Grayvoron.", "",
			"rybar:ru-bel-poroz:ru:full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := p.Parse(context.Background(), tt.text, report.Options{Published: mustDate(t, "2025-03-30"), Outlet: tt.outlet})
			if err != nil {
				t.Fatal(err)
			}
			if got := claimsOf(res); got != tt.want {
				t.Errorf("Parse(%q) claims = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestDates: explicit, relative and missing dates, with their precision.
func TestDates(t *testing.T) {
	p := seeded(t)
	tests := []struct {
		text, published, want string
	}{
		{"ISW said on March 18 that Ukrainian forces advanced in Demidovka.", "2025-03-20", "2025-03-18 day"},
		{"ISW said Ukrainian forces advanced in Demidovka on 18 and 19 March.", "2025-03-20", "2025-03-19 day"},
		{"ISW said on Tuesday that Ukrainian forces advanced in Demidovka.", "2025-03-20", "2025-03-18 day"},
		{"ISW said on Thursday that Ukrainian forces advanced in Demidovka.", "2025-03-20", "2025-03-20 day"},
		{"ISW said yesterday that Ukrainian forces advanced in Demidovka.", "2025-03-20", "2025-03-19 day"},
		{"Rybar wrote that Russian forces have held Sudzha since last August.", "2025-03-20", "2024-08-01 month"},
		{"Rybar wrote that Russian forces held Sudzha in December.", "2025-03-20", "2024-12-01 month"},
		{"Рыбарь 18 марта написал, что российские войска взяли Суджу.", "2025-03-20", "2025-03-18 day"},
		{"Генштаб ЗСУ 29 березня повідомив, що українські сили вийшли з Суджі.", "2025-03-30", "2025-03-29 day"},
		{"Генштаб ЗСУ у вівторок повідомив, що українські сили вийшли з Суджі.", "2025-03-30", "2025-03-25 day"},
		{"Rybar wrote that Russian forces took control of Sudzha.", "2025-03-20", "2025-03-20 week"},
		{"18.03.2025. Rybar wrote that Russian forces took control of Sudzha.", "2025-03-20", "2025-03-20 week"},
		{"Rybar wrote on 18.03.2025 that Russian forces took control of Sudzha.", "2025-03-20", "2025-03-18 day"},
		{"Rybar wrote on 2025-03-17 that Russian forces took control of Sudzha.", "2025-03-20", "2025-03-17 day"},
		{"Rybar wrote on March 25 that Russian forces took control of Sudzha.", "2025-03-20", "2024-03-25 day"},
		{"ISW said two days ago that Ukrainian forces advanced in Demidovka.", "2025-03-20", "2025-03-18 day"},
		{"ISW said 3 days ago that Ukrainian forces advanced in Demidovka.", "2025-03-20", "2025-03-17 day"},
		{"Rybar wrote a week ago that Russian forces took control of Sudzha.", "2025-03-20", "2025-03-13 week"},
		{"Rybar wrote that Russian forces took control of Sudzha in mid-March.", "2025-03-20", "2025-03-01 month"},
		{"ISW assessed that Russian forces held Sudzha in late February.", "2025-03-20", "2025-02-01 month"},
		{"Rybar wrote that Russian forces took control of Sudzha at the end of February.", "2025-03-20", "2025-02-01 month"},
		{"Рыбарь три дня назад написал, что российские войска взяли Суджу.", "2025-03-20", "2025-03-17 day"},
		{"Рыбарь написал, что российские войска взяли Суджу в начале марта.", "2025-03-20", "2025-03-01 month"},
		{"Генштаб ЗСУ повідомив тиждень тому, що українські сили вийшли з Суджі.", "2025-03-30", "2025-03-23 week"},
		{"Генштаб ЗСУ повідомив, що українські сили вийшли з Суджі наприкінці березня.", "2025-03-30", "2025-03-01 month"},
		{"Генштаб ЗСУ два дні тому повідомив, що українські сили вийшли з Суджі.", "2025-03-30", "2025-03-28 day"},
	}
	for _, tt := range tests {
		res, err := p.Parse(context.Background(), tt.text, report.Options{Published: mustDate(t, tt.published)})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Claims) != 1 {
			t.Errorf("Parse(%q) = %d claims, want 1", tt.text, len(res.Claims))
			continue
		}
		if got := res.Claims[0].ValidAt + " " + string(res.Claims[0].ValidPrecision); got != tt.want {
			t.Errorf("Parse(%q) valid = %s, want %s", tt.text, got, tt.want)
		}
	}
}

// TestPlaces: mentions in every script and case, regions, namesakes and names that are not places.
func TestPlaces(t *testing.T) {
	p := seeded(t)
	tests := []struct {
		name, text, want string // want: "mention=id" (id "-" unresolved, "?" ambiguous), kind region as "mention=@id"
	}{
		{"Russian cases", "Бои в Демидовке, у Прилесья и под Суджей.", "Демидовке=ru-bel-demidovka Прилесья=ru-bel-prilesye Суджей=486816"},
		{"Ukrainian cases", "Бої біля Гоголівки, у Попівці та із Суджі.", "Гоголівки=ru-krs-gogolevka Попівці=ru-bel-popovka-kr Суджі=486816"},
		{"a city for its region", "Belgorod region and the Kursk Oblast border; Belgorod city.", "Belgorod region=@ru-belgorod Kursk Oblast=@ru-kursk Belgorod=578072"},
		{"two regions", "Russia wants to seize Sumy and Kharkiv, two Ukrainian regions.", "Sumy=@ua-sumy Kharkiv=@ua-kharkiv"},
		{"a surname", "Analyst Vasily Popov and Yevgeny Sudzhin spoke.", ""},
		{"a common word", "Sad to say, Nyzy was shelled.", "Nyzy=699933"},
		{"a namesake outside the gazetteer", "Popovka in Korochansky district is quiet.", "Popovka=- Korochansky district=@ru-bel-korochansky"},
		{"a Title Case headline", "Russia Retakes Sudzha From Ukraine", "Sudzha=486816"},
		{"Ukrainian neuter locative", "Бої у Плеховому та біля Суджі.", "Плеховому=ru-krs-plekhovo Суджі=486816"},
		{"multi-word names", "Fighting near Velyka Pysarivka and in Большом Солдатском.", "Velyka Pysarivka=690230 Большом Солдатском=ru-krs-bolshoye-soldatskoye"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := p.Parse(context.Background(), tt.text, report.Options{Published: mustDate(t, "2025-03-30")})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			runes := []rune(tt.text)
			for _, pl := range res.Places {
				if string(runes[pl.Start:pl.End]) != pl.Mention {
					t.Errorf("Parse(%q): mention %q at %d-%d, but the text there is %q", tt.text, pl.Mention, pl.Start, pl.End, string(runes[pl.Start:pl.End]))
				}
				id := "-"
				switch {
				case pl.Ambiguous:
					id = "?"
				case pl.ID != nil:
					id = *pl.ID
				}
				if pl.Kind == report.KindRegion {
					id = "@" + id
				}
				got = append(got, pl.Mention+"="+id)
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("Parse(%q) places = %q, want %q", tt.text, g, tt.want)
			}
		})
	}
}

// TestSummaryIsOurs: the summary is built from the fields, never the report's words, and the claim's span is the
// sentence it came from, in characters.
func TestSummaryIsOurs(t *testing.T) {
	p := seeded(t)
	text := "«Важно»: Военкор Владимир Романов написал, что Демидовка перешла под контроль ВСУ."
	res, err := p.Parse(context.Background(), text, report.Options{Published: mustDate(t, "2025-03-23")})
	if err != nil || len(res.Claims) != 1 {
		t.Fatalf("Parse = %+v, %v", res, err)
	}
	c := res.Claims[0]
	if c.Summary != "Vladimir Romanov says Ukrainian forces control Demidovka (as of the week of 23 March 2025)." {
		t.Errorf("summary = %q", c.Summary)
	}
	if got := string([]rune(text)[c.Start:c.End]); !strings.Contains(got, "Военкор") || !strings.HasSuffix(got, "ВСУ") {
		t.Errorf("claim span %d-%d = %q, want the sentence", c.Start, c.End, got)
	}
	// A group of speakers takes a plural verb.
	res, err = p.Parse(context.Background(), "Russian milbloggers claimed that Russian forces seized Malaya Loknya.",
		report.Options{Published: mustDate(t, "2025-03-12")})
	if err != nil || len(res.Claims) != 1 || !strings.HasPrefix(res.Claims[0].Summary, "Russian military bloggers say Russian forces control Malaya Loknya") {
		t.Errorf("Parse(milbloggers) = %+v, %v; want one claim summarised with 'say'", res.Claims, err)
	}
}

// TestBadText: what is not a report is a clear error.
func TestBadText(t *testing.T) {
	p := seeded(t)
	tests := []struct {
		name, text string
		want       error
	}{
		{"empty", "  \n\t", report.ErrInvalid},
		{"invalid UTF-8", "Sudzha \xff\xfe", report.ErrInvalid},
		{"binary", "\x00\x01\x02Sudzha", report.ErrInvalid},
		{"no letters", "12345 67 --", report.ErrInvalid},
		{"too large", strings.Repeat("Sudzha ", report.MaxTextBytes/7+1), report.ErrTooLarge},
	}
	for _, tt := range tests {
		if _, err := p.Parse(context.Background(), tt.text, report.Options{}); !errors.Is(err, tt.want) {
			t.Errorf("Parse(%s) error = %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := p.Parse(context.Background(), "Sudzha", report.Options{Language: "de"}); !errors.Is(err, report.ErrInvalid) {
		t.Errorf("Parse with language de: %v, want ErrInvalid", err)
	}
}

// TestHeadlineVoice: a digest whose headline opens with a source speaks in that source's voice.
func TestHeadlineVoice(t *testing.T) {
	p := seeded(t)
	text := "ISW: Russian troops reach the centre of Demidovka\n20.04.2025\n\nRussian forces also advanced near Goptarovka. Governor Gladkov said Ukrainian troops entered Kozinka."
	res, err := p.Parse(context.Background(), text, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := claimsOf(res), "isw:ru-bel-demidovka:ru:advance isw:ru-krs-goptarovka:ru:advance ?:ru-bel-kozinka:ua:advance"; got != want {
		t.Errorf("claims = %q, want %q", got, want)
	}
	if res.Published != "2025-04-20" {
		t.Errorf("published = %s, want the header's 2025-04-20", res.Published)
	}
}
