package gazetteer

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/paulmach/orb"
)

// GeoNamesColumns is the column count of a GeoNames main dump line (allCountries.txt, cities1000.txt, …).
const GeoNamesColumns = 19

// GeoNamesAdmin maps GeoNames admin codes ("RU.09", "RU.09.1234567") to names, read from admin1CodesASCII.txt and
// admin2Codes.txt.
type GeoNamesAdmin map[string]string

// ReadGeoNamesAdmin reads admin1CodesASCII.txt or admin2Codes.txt (code, name, ASCII name, geonameid; tab-separated)
// into m. Errors name the file and line.
func ReadGeoNamesAdmin(r io.Reader, file string, m GeoNamesAdmin) error {
	return scanTSV(r, file, func(line int, cols []string) error {
		if len(cols) != 4 {
			return fmt.Errorf("want 4 tab-separated columns (code, name, asciiname, geonameid), got %d", len(cols))
		}
		if cols[0] == "" || cols[1] == "" {
			return fmt.Errorf("empty code or name")
		}
		m[cols[0]] = cols[1]
		return nil
	})
}

// GeoNamesAltNames maps a geonameid to the alternate names read from alternateNamesV2.txt.
type GeoNamesAltNames map[int64][]Name

// altLangs are the alternateNamesV2 languages tiled keeps: the scripts reports about the border belt use.
var altLangs = map[string]bool{"ru": true, "uk": true, "en": true, "": true, "be": true, "de": true, "pl": true}

// ReadGeoNamesAltNames reads alternateNamesV2.txt (10 columns: alternateNameId, geonameid, isolanguage, name,
// isPreferredName, isShortName, isColloquial, isHistoric, from, to) into m, keeping names in altLangs and skipping
// pseudo-languages (links, postal codes, airport codes) and colloquial or historic names. Preferred names in Russian
// and Ukrainian become official names.
func ReadGeoNamesAltNames(r io.Reader, file string, m GeoNamesAltNames) error {
	return scanTSV(r, file, func(line int, cols []string) error {
		if len(cols) != 10 && len(cols) != 8 { // the older alternateNames.txt has 8 columns
			return fmt.Errorf("want 10 tab-separated columns (alternateNamesV2), got %d", len(cols))
		}
		id, err := strconv.ParseInt(cols[1], 10, 64)
		if err != nil {
			return fmt.Errorf("geonameid %q is not a number", cols[1])
		}
		lang := cols[2]
		if !altLangs[lang] || cols[3] == "" || cols[6] == "1" || cols[7] == "1" {
			return nil
		}
		kind := KindAlternate
		if cols[4] == "1" && (lang == "ru" || lang == "uk") {
			kind = KindOfficial
		}
		m[id] = append(m[id], Name{Name: cols[3], Lang: lang, Kind: kind})
		return nil
	})
}

// GeoNamesOptions controls which rows of a main dump become places.
type GeoNamesOptions struct {
	// FeatureClasses lists the feature classes to keep; empty keeps only "P" (populated places).
	FeatureClasses string
	// Admin resolves admin1 and admin2 codes to names; may be nil.
	Admin GeoNamesAdmin
	// AltNames adds alternate names by geonameid; may be nil.
	AltNames GeoNamesAltNames
}

// ReadGeoNames streams a GeoNames main dump (19 tab-separated columns a line) and calls fn with each kept row as a
// Place. Errors are *InputError values naming the file and line; fn's errors are returned as they are.
func ReadGeoNames(r io.Reader, file string, opt GeoNamesOptions, fn func(line int, p Place) error) error {
	classes := opt.FeatureClasses
	if classes == "" {
		classes = "P"
	}
	return scanTSV(r, file, func(line int, cols []string) error {
		p, keep, err := geoNamesPlace(cols, classes, opt)
		if err != nil || !keep {
			return err
		}
		p.Source = fmt.Sprintf("GeoNames %d (%s)", p.GeonameID, file)
		return fnErr{fn(line, p)}
	})
}

// fnErr carries a callback's own error through scanTSV without being turned into an *InputError.
type fnErr struct{ err error }

func (e fnErr) Error() string { return e.err.Error() }

func geoNamesPlace(cols []string, classes string, opt GeoNamesOptions) (Place, bool, error) {
	if len(cols) != GeoNamesColumns {
		return Place{}, false, fmt.Errorf("want %d tab-separated columns, got %d", GeoNamesColumns, len(cols))
	}
	id, err := strconv.ParseInt(cols[0], 10, 64)
	if err != nil || id <= 0 {
		return Place{}, false, fmt.Errorf("geonameid %q is not a positive integer", cols[0])
	}
	if cols[6] == "" || !strings.Contains(classes, cols[6]) {
		return Place{}, false, nil
	}
	if cols[1] == "" {
		return Place{}, false, fmt.Errorf("geonameid %d: empty name", id)
	}
	lat, err := strconv.ParseFloat(cols[4], 64)
	if err != nil {
		return Place{}, false, fmt.Errorf("latitude %q is not a number", cols[4])
	}
	lon, err := strconv.ParseFloat(cols[5], 64)
	if err != nil {
		return Place{}, false, fmt.Errorf("longitude %q is not a number", cols[5])
	}
	if lat < -90 || lat > 90 {
		return Place{}, false, fmt.Errorf("latitude %g out of range [-90, 90]", lat)
	}
	if lon < -180 || lon > 180 {
		return Place{}, false, fmt.Errorf("longitude %g out of range [-180, 180]", lon)
	}
	var pop int64
	if cols[14] != "" {
		if pop, err = strconv.ParseInt(cols[14], 10, 64); err != nil || pop < 0 {
			return Place{}, false, fmt.Errorf("population %q is not a non-negative integer", cols[14])
		}
	}
	p := Place{
		ID: strconv.FormatInt(id, 10), GeonameID: id, Name: cols[1], Country: cols[8],
		FeatureCode: cols[7], Population: pop, Point: orb.Point{lon, lat},
		LocationMethod: LocationSourced, PrecisionKM: 1,
		Codes: map[string]string{"GeoNames": cols[0]},
	}
	if cols[10] != "" {
		p.Admin1Code = cols[8] + "." + cols[10]
		p.Admin1 = opt.Admin[p.Admin1Code]
	}
	if cols[11] != "" && cols[10] != "" {
		p.Admin2Code = p.Admin1Code + "." + cols[11]
		p.Admin2 = opt.Admin[p.Admin2Code]
	}
	seen := map[string]bool{p.Name: true}
	add := func(n Name) {
		if n.Name != "" && usefulScript(n.Name) && !seen[n.Name+"\x00"+n.Lang] {
			seen[n.Name+"\x00"+n.Lang] = true
			p.Names = append(p.Names, n)
		}
	}
	if cols[2] != cols[1] {
		add(Name{Name: cols[2], Kind: KindAlternate})
	}
	for _, a := range opt.AltNames[id] {
		add(a)
	}
	if cols[3] != "" {
		for _, a := range strings.Split(cols[3], ",") {
			add(Name{Name: strings.TrimSpace(a), Kind: KindAlternate})
		}
	}
	return p, true, nil
}

// scanTSV calls fn with the tab-separated columns of each non-empty, non-comment line; errors other than fnErr
// become *InputError values with the line number.
func scanTSV(r io.Reader, file string, fn func(line int, cols []string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSuffix(sc.Text(), "\r")
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if err := fn(line, strings.Split(text, "\t")); err != nil {
			if fe, ok := err.(fnErr); ok {
				if fe.err == nil {
					continue
				}
				return fe.err
			}
			return &InputError{File: file, Line: line, Feature: -1, Msg: err.Error()}
		}
	}
	if err := sc.Err(); err != nil {
		return &InputError{File: file, Feature: -1, Msg: fmt.Sprintf("read: %v", err)}
	}
	return nil
}

// usefulScript reports whether name is written in Latin or Cyrillic letters only (with digits, spaces and
// punctuation): the scripts reports about the region use. Names in other scripts are not imported.
func usefulScript(name string) bool {
	for _, r := range name {
		if unicode.IsLetter(r) && !unicode.In(r, unicode.Latin, unicode.Cyrillic) {
			return false
		}
	}
	return true
}
