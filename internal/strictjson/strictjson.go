package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Errors; each *Error wraps one of them. ErrInvalid maps to 400, ErrTooLarge to 413 and ErrMediaType to 415.
var (
	// ErrInvalid: the body is not exactly one well-formed JSON value of the expected shape.
	ErrInvalid = errors.New("strictjson: invalid JSON body")
	// ErrTooLarge: the body is longer than the bound.
	ErrTooLarge = errors.New("strictjson: body too large")
	// ErrMediaType: the Content-Type is not JSON.
	ErrMediaType = errors.New("strictjson: unsupported media type")
)

// Error says what is wrong with a body; it wraps ErrInvalid, ErrTooLarge or ErrMediaType.
type Error struct {
	kind error
	msg  string
}

// Error returns the message, fit to show the client.
func (e *Error) Error() string { return e.msg }

// Unwrap returns the kind of error (ErrInvalid, ErrTooLarge, ErrMediaType).
func (e *Error) Unwrap() error { return e.kind }

func invalid(format string, args ...any) error {
	return &Error{kind: ErrInvalid, msg: fmt.Sprintf(format, args...)}
}

// CheckMediaType accepts a Content-Type of application/json or application/*+json, with no charset or
// charset=utf-8; anything else, including no Content-Type, is an *Error wrapping ErrMediaType.
func CheckMediaType(contentType string) error {
	if strings.TrimSpace(contentType) == "" {
		return &Error{kind: ErrMediaType, msg: "Content-Type is missing: send application/json"}
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || !(mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
		return &Error{kind: ErrMediaType, msg: fmt.Sprintf("Content-Type %q: send application/json", contentType)}
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return &Error{kind: ErrMediaType, msg: fmt.Sprintf("charset %q: JSON bodies are UTF-8", cs)}
	}
	return nil
}

// Decode reads r to its end, at most limit bytes, and decodes the one JSON value it holds into v (as
// json.Unmarshal, with numbers in interface values as json.Number and unknown fields of a struct refused). It refuses
// with an *Error: an empty body, more than one value, invalid UTF-8, a \u escape that is a lone surrogate, an object
// with a member name twice, and a body over limit bytes (ErrTooLarge; a reader cut off by http.MaxBytesReader counts
// as over the limit too).
func Decode(r io.Reader, limit int64, v any) error {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return &Error{kind: ErrTooLarge, msg: fmt.Sprintf("body longer than %d bytes", limit)}
		}
		return invalid("reading the body: %v", err)
	}
	if int64(len(b)) > limit {
		return &Error{kind: ErrTooLarge, msg: fmt.Sprintf("body longer than %d bytes", limit)}
	}
	return Unmarshal(b, v)
}

// Unmarshal is Decode for a body already read.
func Unmarshal(b []byte, v any) error {
	if err := Check(b); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return invalid("member %q: want a JSON %s, not %s", te.Field, jsonKind(te.Type.Kind().String()), te.Value)
		}
		return invalid("%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

// Check reports whether b is exactly one strict JSON value (see Decode), without decoding it.
func Check(b []byte) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return invalid("empty body: want a JSON value")
	}
	if !utf8.Valid(b) {
		return invalid("body is not valid UTF-8 at byte %d", invalidUTF8At(b))
	}
	if !json.Valid(b) {
		// Tell "two values" from plain bad syntax.
		dec := json.NewDecoder(bytes.NewReader(b))
		var first json.RawMessage
		if err := dec.Decode(&first); err == nil && dec.More() {
			return invalid("body holds more than one JSON value")
		}
		var se *json.SyntaxError
		if err := json.Unmarshal(b, new(any)); errors.As(err, &se) {
			return invalid("not JSON: %v at byte %d", se, se.Offset)
		}
		return invalid("not JSON")
	}
	if err := checkSurrogates(b); err != nil {
		return err
	}
	return checkDuplicates(b)
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct":
		return "object"
	}
	return "number"
}

// checkSurrogates refuses a \uD800–\uDFFF escape that is not a high surrogate followed by a low one. b is valid
// JSON, so every escape inside a string is complete.
func checkSurrogates(b []byte) error {
	in := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !in {
			in = c == '"'
			continue
		}
		switch c {
		case '"':
			in = false
		case '\\':
			i++
			if b[i] != 'u' {
				continue
			}
			r := hex4(b[i+1 : i+5])
			i += 4
			switch {
			case r < 0xD800 || r > 0xDFFF:
			case r <= 0xDBFF && i+6 < len(b) && b[i+1] == '\\' && b[i+2] == 'u' && isLow(hex4(b[i+3:i+7])):
				i += 6
			default:
				return invalid(`lone UTF-16 surrogate \u%04X at byte %d`, r, i-5)
			}
		}
	}
	return nil
}

func isLow(r rune) bool { return r >= 0xDC00 && r <= 0xDFFF }

func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		}
	}
	return r
}

// checkDuplicates refuses an object, at any depth, that names a member twice. b is valid JSON.
func checkDuplicates(b []byte) error {
	type frame struct {
		object    bool
		expectKey bool
		keys      map[string]struct{}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var stack []*frame
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].expectKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return invalid("not JSON: %v", err)
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{':
				if n := len(stack); n > 0 && stack[n-1].object {
					stack[n-1].expectKey = false
				}
				stack = append(stack, &frame{object: true, expectKey: true, keys: map[string]struct{}{}})
			case '[':
				if n := len(stack); n > 0 && stack[n-1].object {
					stack[n-1].expectKey = false
				}
				stack = append(stack, &frame{})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].expectKey {
			k := tok.(string)
			if _, dup := stack[n-1].keys[k]; dup {
				return invalid("member %q appears twice in an object", k)
			}
			stack[n-1].keys[k] = struct{}{}
			stack[n-1].expectKey = false
			continue
		}
		valueDone()
	}
}
