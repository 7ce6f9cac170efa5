package admin_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/admin"
)

func TestFind(t *testing.T) {
	tests := []struct {
		text string
		want string // "id@start-end" separated by spaces; "?" for an unknown unit
	}{
		{"a village in the Krasnoyaruzhsky district of Russia's Belgorod Oblast, on March 18",
			"ru-bel-krasnoyaruzhsky@17-41 ru-belgorod@54-69"},
		{"Демидовка Краснояружского района перешла", "ru-bel-krasnoyaruzhsky@10-32"},
		{"Корочанский район Белгородской области", "ru-bel-korochansky@0-17 ru-belgorod@18-38"},
		{"in the Oryol Oblast and in Орловской области", "ru-oryol@7-19 ru-oryol@27-44"},
		{"the Sumy regional administration said", "ua-sumy@4-17"},
		{"the Belgorod and Kursk regions", "ru-belgorod@4-12 ru-kursk@17-22"},
		{"в Белгородской и Курской областях", "ru-belgorod@2-14 ru-kursk@17-24"},
		{"defend Sumy and Kharkiv, two Ukrainian regions", "ua-sumy@7-11 ua-kharkiv@16-23"},
		{"обстрелы на Сумщине и в Харківщині", "ua-sumy@12-19 ua-kharkiv@24-34"},
		{"Belgorod city was shelled; Sumy residents", ""},
		{"Rostov region and the Rostov-on-Don airport", "ru-rostov@0-13"},
		{"Kupiansk Raion of Kharkiv Oblast", "ua-kha-kupiansk@0-14 ua-kharkiv@18-32"},
		{"the Kursk incursion and the Belgorod governor", "ru-kursk@4-19 ru-belgorod@28-45"},
		{"на Курском направлении", "ru-kursk@3-22"},
		{"the incursion into Kursk must be repelled", "ru-kursk@19-24"},
		{"residents of Kursk said", ""},
		{"Belgorod's governor said", "ru-belgorod@0-19"},
		{"the Glushkovo district and Lgovsky district", "ru-krs-glushkovsky@4-22 ru-krs-lgovsky@27-43"},
		{"a Popovka in Kirov Oblast and one in Мордовии", "ru-kirov@13-25 ru-mordovia@37-45"},
		{"в Нижегородской и Тюменской областях", "ru-nizhny-novgorod@2-15 ru-tyumen@18-27"},
	}
	lx := admin.Default()
	for _, tt := range tests {
		var got []string
		for _, m := range lx.Find(tt.text) {
			id := "?"
			if m.Region != nil {
				id = m.Region.ID
			}
			got = append(got, fmt.Sprintf("%s@%d-%d", id, m.Start, m.End))
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("Find(%q) = %q, want %q", tt.text, g, tt.want)
		}
	}
}

func TestSame(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Oryol Oblast", "Orel Oblast", true},
		{"Орловской области", "Orel Oblast", true},
		{"Saratov Oblast", "Saratovskaya Oblast", true},
		{"Rostov region", "Rostov", true},
		{"Kharkov Oblast", "Kharkiv", true},
		{"Belgorod Oblast", "Kursk", false},
		{"Oryol Oblast", "Tula", false},
		{"Tyumen Oblast", "Tyumen’ Oblast", true},
		{"Республика Саха", "Sakha", true},
		{"Kirov Oblast", "Kursk", false},
	}
	lx := admin.Default()
	for _, tt := range tests {
		if got := lx.Same(tt.a, tt.b); got != tt.want {
			t.Errorf("Same(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
