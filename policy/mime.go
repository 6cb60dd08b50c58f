package policy

import (
	"strconv"
	"strings"
)

// MIMEType is a parsed MIME type. Type and Subtype are ASCII-lowercased;
// parameter names are lowercased and unique (the first occurrence wins),
// parameter values are kept as parsed (quoted strings unquoted).
// See https://mimesniff.spec.whatwg.org/#mime-type-representation.
type MIMEType struct {
	Type, Subtype string
	Params        []MIMEParam
}

// MIMEParam is one parameter of a MIME type.
type MIMEParam struct {
	Name, Value string
}

// Essence returns type "/" subtype.
// See https://mimesniff.spec.whatwg.org/#mime-type-essence.
func (m MIMEType) Essence() string { return m.Type + "/" + m.Subtype }

// String serializes m: the essence, then ";" name "=" value for each
// parameter, with values that are empty or not solely token code points
// written as quoted strings (" and \ escaped with \).
// See https://mimesniff.spec.whatwg.org/#serializing-a-mime-type.
func (m MIMEType) String() string {
	var b strings.Builder
	b.WriteString(m.Essence())
	for _, p := range m.Params {
		b.WriteByte(';')
		b.WriteString(p.Name)
		b.WriteByte('=')
		if isToken(p.Value) {
			b.WriteString(p.Value)
			continue
		}
		b.WriteByte('"')
		for i := 0; i < len(p.Value); i++ {
			if c := p.Value[i]; c == '"' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(p.Value[i])
		}
		b.WriteByte('"')
	}
	return b.String()
}

// isHTTPWhitespace reports LF, CR, HT or SP
// (https://fetch.spec.whatwg.org/#http-whitespace).
func isHTTPWhitespace(c byte) bool { return c == '\n' || c == '\r' || c == '\t' || c == ' ' }

func trimHTTPWhitespace(s string) string {
	for len(s) > 0 && isHTTPWhitespace(s[0]) {
		s = s[1:]
	}
	return trimTrailingHTTPWhitespace(s)
}

func trimTrailingHTTPWhitespace(s string) string {
	for len(s) > 0 && isHTTPWhitespace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// mimeEssenceParts runs steps 1-9 of parsing a MIME type without
// allocating: it returns the type and subtype as they appear in s (not yet
// lowercased), the rest of s from the first ";" on, and a reason when s is
// not a MIME type.
func mimeEssenceParts(s string) (typ, sub, rest, why string) {
	s = trimHTTPWhitespace(s) // step 1
	slash := strings.IndexByte(s, '/')
	if slash < 0 {
		if s == "" {
			return "", "", "", "it is empty"
		}
		return "", "", "", "it has no \"/\""
	}
	typ = s[:slash] // step 3
	if typ == "" {
		return "", "", "", "the type before \"/\" is empty"
	}
	if !isToken(typ) {
		return "", "", "", "the type " + strconv.Quote(typ) + " is not an HTTP token"
	}
	s = s[slash+1:]
	end := strings.IndexByte(s, ';')
	if end < 0 {
		end = len(s)
	}
	sub, rest = trimTrailingHTTPWhitespace(s[:end]), s[end:] // steps 7-8
	if sub == "" {
		return "", "", "", "the subtype is empty"
	}
	if !isToken(sub) {
		return "", "", "", "the subtype " + strconv.Quote(sub) + " is not an HTTP token"
	}
	return typ, sub, rest, ""
}

// ParseMIMEType parses s as a MIME type. Each byte of s is one code point
// (the isomorphic decoding of a header value). Parameters never cause a
// failure: malformed ones are skipped.
// See https://mimesniff.spec.whatwg.org/#parsing-a-mime-type.
func ParseMIMEType(s string) (MIMEType, error) {
	typ, sub, rest, why := mimeEssenceParts(s)
	if why != "" {
		return MIMEType{}, fail(CodeInvalidMIMEType, specMIME+"#parsing-a-mime-type", s,
			strconv.Quote(s)+" is not a MIME type: "+why)
	}
	m := MIMEType{Type: asciiLower(typ), Subtype: asciiLower(sub)}
	// Step 11: parameters.
	pos := 0
	for pos < len(rest) {
		pos++ // skip ";"
		for pos < len(rest) && isHTTPWhitespace(rest[pos]) {
			pos++
		}
		start := pos
		for pos < len(rest) && rest[pos] != ';' && rest[pos] != '=' {
			pos++
		}
		name := asciiLower(rest[start:pos])
		if pos < len(rest) {
			if rest[pos] == ';' {
				continue
			}
			pos++ // skip "="
		}
		if pos >= len(rest) {
			break
		}
		var value string
		if rest[pos] == '"' {
			value, pos = collectQuotedString(rest, pos)
			for pos < len(rest) && rest[pos] != ';' {
				pos++
			}
		} else {
			start := pos
			for pos < len(rest) && rest[pos] != ';' {
				pos++
			}
			value = trimTrailingHTTPWhitespace(rest[start:pos])
			if value == "" {
				continue
			}
		}
		if isToken(name) && isQuotedStringTokens(value) && !m.hasParam(name) {
			m.Params = append(m.Params, MIMEParam{Name: name, Value: value})
		}
	}
	return m, nil
}

func (m MIMEType) hasParam(name string) bool {
	for _, p := range m.Params {
		if p.Name == name {
			return true
		}
	}
	return false
}

// collectQuotedString is https://fetch.spec.whatwg.org/#collect-an-http-quoted-string
// with extract-value true; s[pos] is the opening quote.
func collectQuotedString(s string, pos int) (string, int) {
	pos++
	var b []byte
	start := pos
	for {
		for pos < len(s) && s[pos] != '"' && s[pos] != '\\' {
			pos++
		}
		if pos >= len(s) {
			break
		}
		if s[pos] == '\\' {
			b = append(b, s[start:pos]...)
			pos++
			if pos >= len(s) {
				b = append(b, '\\')
				start = pos
				break
			}
			b = append(b, s[pos])
			pos++
			start = pos
			continue
		}
		// The closing quote.
		b = append(b, s[start:pos]...)
		pos++
		return string(b), pos
	}
	b = append(b, s[start:pos]...)
	return string(b), pos
}

// isQuotedStringTokens reports whether s is solely HTTP quoted-string token
// code points: HT, SP to "~", and 0x80 to 0xFF.
// See https://mimesniff.spec.whatwg.org/#http-quoted-string-token-code-point.
func isQuotedStringTokens(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\t' && (c < 0x20 || c == 0x7F) {
			return false
		}
	}
	return true
}
