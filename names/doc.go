// Package names turns place names into match keys so that a geocoder finds a
// settlement whatever spelling a report used.
//
// Names in the Belgorod/Kursk (Russia) and Sumy (Ukraine) border belt reach the
// map in Russian or Ukrainian Cyrillic and in several Latin romanisations
// (BGN/PCGN, the Ukrainian national system of 2010, ISO 9, scholarly and
// German-style spellings, ad-hoc press spellings). The package offers four
// levels of folding:
//
//   - [Normalize] keeps the script and folds case, compatibility forms,
//     diacritics, apostrophes, the soft and hard signs, punctuation and white
//     space. It is idempotent.
//   - [Romanize] gives the Latin romanisations of a Cyrillic name under each
//     standard (for both the Russian and the Ukrainian reading of the letters).
//   - [Key] and [Keys] give loose, script-free "skeleton" keys in which the
//     differences between romanisation systems (kh/h, zh/ž/j, ya/ja/ia, w/v,
//     double letters, ...) disappear. A stored name is indexed under every key
//     of [Keys]; a name met in running text is looked up under every key of
//     [QueryKeys], which also drops a leading preposition and proposes
//     nominative forms for Russian and Ukrainian case endings.
//   - [StripAdminWords] and [AdminKey] compare names of administrative units
//     ("Belgorod Oblast", "Белгородская область", "Krasnoyaruzhskiy raion").
//
// Keys are deliberately loose: they trade precision for recall, and a caller
// is expected to rank or disambiguate the places a key finds (by distance,
// administrative context, population). All functions are pure and safe for
// concurrent use.
package names
