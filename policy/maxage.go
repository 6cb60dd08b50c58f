package policy

import (
	"strings"
)

// MaxAgeKind classifies an Access-Control-Max-Age header. The standard
// treats everything but a delta-seconds value as failure, but browsers
// treat absent, invalid, negative and zero values differently, so the
// distinction is kept.
type MaxAgeKind int

// Kinds of Access-Control-Max-Age.
const (
	// MaxAgeAbsent: no Access-Control-Max-Age line.
	MaxAgeAbsent MaxAgeKind = iota
	// MaxAgeInvalid: not 1*DIGIT (e.g. "+5", "1.5", "5s", "-"), or several
	// lines. An empty value is MaxAgeEmpty.
	MaxAgeInvalid
	// MaxAgeNegative: "-" 1*DIGIT (including "-0"); invalid per the ABNF,
	// but some browsers read it as a number.
	MaxAgeNegative
	// MaxAgeZero: a delta-seconds equal to 0 ("0", "000").
	MaxAgeZero
	// MaxAgeValue: a positive delta-seconds.
	MaxAgeValue
	// MaxAgeEmpty: one line whose value is empty once spaces and tabs are
	// trimmed. For the spec it is a parse failure like MaxAgeInvalid;
	// Firefox reads it as absent while it refuses to cache other invalid
	// values, so the kind is kept apart.
	MaxAgeEmpty
)

// String returns the kind's name ("absent", "invalid", …).
func (k MaxAgeKind) String() string {
	switch k {
	case MaxAgeAbsent:
		return "absent"
	case MaxAgeInvalid:
		return "invalid"
	case MaxAgeNegative:
		return "negative"
	case MaxAgeZero:
		return "zero"
	case MaxAgeValue:
		return "value"
	case MaxAgeEmpty:
		return "empty"
	}
	return "MaxAgeKind(?)"
}

// MaxAgeOverflow is the value a delta-seconds too large to represent is
// read as (https://www.rfc-editor.org/rfc/rfc9111#section-1.2.2).
const MaxAgeOverflow = 2147483648

// MaxAge is a parsed Access-Control-Max-Age header.
type MaxAge struct {
	Kind MaxAgeKind
	// Seconds is the number for MaxAgeNegative, MaxAgeZero and MaxAgeValue,
	// with magnitudes over MaxAgeOverflow clamped to it; 0 otherwise.
	Seconds int64
	// Raw is the value as received (lines joined by ", "), "" when absent.
	Raw string
}

// SpecSeconds returns the max-age the Fetch standard uses before any
// browser limit: Seconds for MaxAgeZero and MaxAgeValue, else 5 (failure
// or null → 5; an empty value and a negative number are not
// delta-seconds, so failures).
// See https://fetch.spec.whatwg.org/#cors-preflight-fetch-0 step 7.8.
func (m MaxAge) SpecSeconds() int64 {
	if m.Kind == MaxAgeZero || m.Kind == MaxAgeValue {
		return m.Seconds
	}
	return 5
}

// ParseMaxAge reads Access-Control-Max-Age from l. Several lines are
// MaxAgeInvalid, because the ABNF allows a single value
// (https://fetch.spec.whatwg.org/#extract-header-list-values step 2).
// See https://fetch.spec.whatwg.org/#http-access-control-max-age.
func ParseMaxAge(l HeaderList) MaxAge {
	n := 0
	var first string
	for _, h := range l {
		if strings.EqualFold(h.Name, "Access-Control-Max-Age") {
			if n == 0 {
				first = h.Value
			}
			n++
		}
	}
	switch n {
	case 0:
		return MaxAge{Kind: MaxAgeAbsent}
	case 1:
		return ParseMaxAgeValue(first)
	}
	raw, _ := l.Get("Access-Control-Max-Age")
	return MaxAge{Kind: MaxAgeInvalid, Raw: raw}
}

// ParseMaxAgeValue parses one Access-Control-Max-Age value as
// delta-seconds = 1*DIGIT (RFC 9111 §1.2.2), ignoring surrounding spaces
// and tabs (a header value has no leading or trailing whitespace, RFC 9110
// §5.5), and classifies it. "" is MaxAgeEmpty, "-" 1*DIGIT MaxAgeNegative.
// See https://fetch.spec.whatwg.org/#http-access-control-max-age.
func ParseMaxAgeValue(v string) MaxAge {
	raw := v
	v = strings.Trim(v, " \t")
	if v == "" {
		return MaxAge{Kind: MaxAgeEmpty, Raw: raw}
	}
	neg := false
	if strings.HasPrefix(v, "-") {
		neg, v = true, v[1:]
	}
	if v == "" {
		return MaxAge{Kind: MaxAgeInvalid, Raw: raw}
	}
	var n int64
	for i := 0; i < len(v); i++ {
		if !isDigit(v[i]) {
			return MaxAge{Kind: MaxAgeInvalid, Raw: raw}
		}
		if n < MaxAgeOverflow {
			n = n*10 + int64(v[i]-'0')
		}
	}
	if n > MaxAgeOverflow {
		n = MaxAgeOverflow
	}
	switch {
	case neg:
		return MaxAge{Kind: MaxAgeNegative, Seconds: -n, Raw: raw}
	case n == 0:
		return MaxAge{Kind: MaxAgeZero, Raw: raw}
	}
	return MaxAge{Kind: MaxAgeValue, Seconds: n, Raw: raw}
}
