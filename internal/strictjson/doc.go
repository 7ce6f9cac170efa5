// Package strictjson decodes JSON request bodies strictly, for every endpoint that takes one: one value, valid
// UTF-8, no lone UTF-16 surrogate escapes, no repeated member names, no unknown struct fields, a bounded size, and
// the declared media type checked. encoding/json alone accepts all of these quietly (invalid bytes and lone
// surrogates become U+FFFD, the last of two equal names wins), so a body could mean one thing to a proxy or an
// auditor and another to tiled.
package strictjson
