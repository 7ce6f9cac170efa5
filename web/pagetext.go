package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

// lang is an interface language of the pages: en, uk or ru.
type lang string

const defaultLang lang = "en"

// langs are the interface languages, in the order the language switch lists them.
var langs = []lang{"en", "uk", "ru"}

// texts holds the interface strings of every language, read from templates/strings.json. The page's script gets
// the strings of its language in its config, so the server and the browser say the same things.
type texts map[lang]map[string]string

// loadTexts reads the strings and checks that every language has every key the default language has.
func loadTexts(fsys fs.FS, name string) (texts, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	var t texts
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("web: %s: %w", name, err)
	}
	for _, l := range langs {
		if t[l] == nil {
			return nil, fmt.Errorf("web: %s: no strings for %q", name, l)
		}
		for k := range t[defaultLang] {
			if _, ok := t[l][k]; !ok {
				return nil, fmt.Errorf("web: %s: %q has no %q", name, l, k)
			}
		}
	}
	return t, nil
}

// pick returns the language s names, or the default.
func (t texts) pick(s string) lang {
	for _, l := range langs {
		if string(l) == s {
			return l
		}
	}
	return defaultLang
}

// get returns the string key in language l, the default language's when missing, else the key itself.
func (t texts) get(l lang, key string) string {
	if s, ok := t[l][key]; ok {
		return s
	}
	if s, ok := t[defaultLang][key]; ok {
		return s
	}
	return key
}

// format returns the string key with each {name} replaced: kv holds name, value pairs.
func (t texts) format(l lang, key string, kv ...string) string {
	return fill(t.get(l, key), kv...)
}

func fill(s string, kv ...string) string {
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+kv[i]+"}", kv[i+1])
	}
	return s
}

// plural returns the form of key for n: key holds the forms separated by '|', one and other in English; one,
// few and many in Ukrainian and Russian (CLDR's rules for integers).
func (t texts) plural(l lang, key string, n int) string {
	forms := strings.Split(t.get(l, key), "|")
	i := 0
	switch {
	case l == "uk" || l == "ru":
		switch m10, m100 := n%10, n%100; {
		case m10 == 1 && m100 != 11:
			i = 0
		case m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14):
			i = 1
		default:
			i = 2
		}
	case n != 1:
		i = 1
	}
	if i >= len(forms) {
		i = len(forms) - 1
	}
	return fill(forms[i], "n", strconv.Itoa(n))
}

// date formats an ISO date ("2025-03-30") for people: "30 March 2025", "30 березня 2025 р.".
func (t texts) date(l lang, iso string) string {
	d, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	months := strings.Split(t.get(l, "months"), "|")
	m := d.Month().String()
	if len(months) == 12 {
		m = months[d.Month()-1]
	}
	return t.format(l, "date.format", "d", strconv.Itoa(d.Day()), "m", m, "y", strconv.Itoa(d.Year()))
}
