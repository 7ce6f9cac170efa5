// Package report reads a news report and proposes the control claims in it: which settlements it names (resolved
// through the gazetteer, using the whole report as context), which source says which side holds or fights for each,
// when, and on what evidence, each tied to the characters it came from, for an editor to review.
//
// It is HTTP-agnostic like atlas: the CLI ("tiled reports parse"), the API (POST /api/reports) and the desk call
// [Parser.Parse] the same way. Its lexicons — control verbs, side names, source aliases, date words and cue words in
// English, Russian and Ukrainian — are data files embedded from lexicon/; the names of oblasts and districts come
// from package admin.
//
// What the parser does, in order:
//
//   - Splits the text into words (with character offsets), sentences and clauses; stops reading claims at a
//     "Related coverage" heading.
//   - Finds the sources the report cites (registry names and the aliases of lexicon/sources.tsv, people speaking
//     for an organisation included), the sides named, the dates, the oblasts and districts (package admin).
//   - Finds settlement mentions: capitalised words and phrases the gazetteer knows in any spelling and case ending,
//     except where they are part of a person's or an organisation's name ("Vladimir Romanov", "Kyiv Independent"),
//     follow a title ("Governor …"), or are a common word at the start of a sentence ("Sad news").
//   - Resolves each mention with the whole report: a district or oblast attached to the mention ("Popovka in
//     Korochansky district") must hold the place, or the mention is unresolved — never snapped to a namesake
//     elsewhere; the units the report names, the other places it names (nearby candidates reinforce each other)
//     and the outlet's area raise candidates; a mention still too close to call is ambiguous and lists the
//     alternatives.
//   - Proposes a claim where a clause has a control phrase, a settlement (or "the village" for the last one) and a
//     source: cited in the sentence, continued from the previous sentence ("It said …"), or the outlet itself when
//     the outlet is a registered source. Negated statements make no claim; hedged ones get low confidence; a side
//     conceding a withdrawal gives the other side as holder; a repelled attack gives the defender.
//   - Writes a summary of each claim in tiled's own neutral words, from the fields only.
package report
