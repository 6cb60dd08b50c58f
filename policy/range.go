package policy

import (
	"math"
	"strconv"
	"strings"
)

// ByteRange is a single range header value, "bytes=" [Start] "-" [End].
// HasStart and HasEnd are false when that number is absent (null in the
// spec); Start and End saturate at math.MaxInt64 for longer digit strings.
// See https://fetch.spec.whatwg.org/#simple-range-header-value.
type ByteRange struct {
	Start, End       int64
	HasStart, HasEnd bool
}

// String returns "bytes=" Start "-" End with absent numbers left out.
func (r ByteRange) String() string {
	b := []byte("bytes=")
	if r.HasStart {
		b = strconv.AppendInt(b, r.Start, 10)
	}
	b = append(b, '-')
	if r.HasEnd {
		b = strconv.AppendInt(b, r.End, 10)
	}
	return string(b)
}

// ParseSingleRange parses value as a single range header value. With
// allowWhitespace, HTTP tab or space may surround "=" and "-" (as the
// no-CORS Range rules allow); the CORS safelist uses false. It fails unless
// value is exactly "bytes" "=" digits "-" digits with at least one number
// present and start <= end.
// See https://fetch.spec.whatwg.org/#simple-range-header-value.
func ParseSingleRange(value string, allowWhitespace bool) (ByteRange, error) {
	r, why := parseSingleRange(value, allowWhitespace, false)
	if why != "" {
		return ByteRange{}, fail(CodeInvalidRange, specFetch+"#simple-range-header-value", value,
			strconv.Quote(value)+" is not a single byte range: "+why)
	}
	return r, nil
}

// parseSingleRange is ParseSingleRange's parser, saying why it failed;
// foldUnit also accepts "bytes" in any ASCII case (Safelist.RangeUnitIgnoresCase).
func parseSingleRange(data string, ws, foldUnit bool) (ByteRange, string) {
	skip := func(pos int) int {
		for ws && pos < len(data) && (data[pos] == ' ' || data[pos] == '\t') {
			pos++
		}
		return pos
	}
	digits := func(pos int) int {
		for pos < len(data) && isDigit(data[pos]) {
			pos++
		}
		return pos
	}
	// Steps 2-3: "bytes" (case-sensitive).
	if len(data) < 5 || (data[:5] != "bytes" && !(foldUnit && strings.EqualFold(data[:5], "bytes"))) {
		return ByteRange{}, "it does not start with \"bytes\""
	}
	pos := skip(5)
	if pos >= len(data) || data[pos] != '=' {
		return ByteRange{}, "\"bytes\" is not followed by \"=\""
	}
	pos = skip(pos + 1)
	s0 := pos
	pos = digits(pos)
	start := data[s0:pos]
	pos = skip(pos)
	if pos >= len(data) || data[pos] != '-' {
		return ByteRange{}, "the start is not followed by \"-\""
	}
	pos = skip(pos + 1)
	e0 := pos
	pos = digits(pos)
	end := data[e0:pos]
	if pos != len(data) {
		return ByteRange{}, "there is more after the end (only one range, no whitespace)"
	}
	if start == "" && end == "" {
		return ByteRange{}, "both the start and the end are missing"
	}
	if start != "" && end != "" && compareDigits(start, end) > 0 {
		return ByteRange{}, "the start is after the end"
	}
	var r ByteRange
	if start != "" {
		r.Start, r.HasStart = atoiSat(start), true
	}
	if end != "" {
		r.End, r.HasEnd = atoiSat(end), true
	}
	return r, ""
}

// compareDigits compares two ASCII digit strings as numbers of any size.
func compareDigits(a, b string) int {
	for len(a) > 1 && a[0] == '0' {
		a = a[1:]
	}
	for len(b) > 1 && b[0] == '0' {
		b = b[1:]
	}
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func atoiSat(s string) int64 {
	var n int64
	for i := 0; i < len(s); i++ {
		d := int64(s[i] - '0')
		if n > (math.MaxInt64-d)/10 {
			return math.MaxInt64
		}
		n = n*10 + d
	}
	return n
}
