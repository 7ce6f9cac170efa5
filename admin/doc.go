// Package admin knows the administrative units of Russia and Ukraine that reports about the border belt name:
// the oblasts (with krais, republics and the federal cities) and the districts (raions) of the border oblasts, each
// with its spellings in English, Russian and Ukrainian and the usual transliterations, as embedded data
// (regions.tsv).
//
// A [Lexicon] finds the units a piece of text names ("Belgorod region", "Курской области", "Сумщина",
// "Krasnoyaruzhsky district", "the Belgorod and Kursk regions") with their character offsets, and tells whether two
// unit names denote the same unit whatever the spelling ("Oryol Oblast" and GeoNames' "Orel Oblast"). The gazetteer
// uses it to read geocoding context, the report parser to read reports. A city's name alone ("Sumy", "Kursk") is
// never a region: a unit named after its centre needs an administrative word, a coordination that ends in one, or a
// colloquial form ("Сумщина").
package admin
