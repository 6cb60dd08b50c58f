package policy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

const (
	safelistValueLimit = 128  // fetch#cors-safelisted-request-header step 1
	safelistTotalLimit = 1024 // fetch#cors-unsafe-request-header-names step 3
)

// ValueRule says which values a header that a Safelist extension adds may
// carry, on top of the 128-byte limit.
type ValueRule int

// Value rules for SafelistExtension.
const (
	// RuleAny accepts any value.
	RuleAny ValueRule = iota
	// RuleDigits accepts 1*DIGIT.
	RuleDigits
	// RuleDecimal accepts 1*DIGIT ["." 1*DIGIT].
	RuleDecimal
	// RuleEffectiveConnectionType accepts slow-2g, 2g, 3g or 4g.
	RuleEffectiveConnectionType
	// RuleOn accepts exactly "on".
	RuleOn
)

func (r ValueRule) allows(v string) bool {
	switch r {
	case RuleAny:
		return true
	case RuleDigits:
		return v != "" && strings.Trim(v, "0123456789") == ""
	case RuleDecimal:
		i, f, dot := strings.Cut(v, ".")
		return RuleDigits.allows(i) && (!dot || RuleDigits.allows(f))
	case RuleEffectiveConnectionType:
		return v == "slow-2g" || v == "2g" || v == "3g" || v == "4g"
	case RuleOn:
		return v == "on"
	}
	return false
}

// String describes the values the rule accepts, for messages.
func (r ValueRule) String() string {
	switch r {
	case RuleAny:
		return "any value"
	case RuleDigits:
		return "1*DIGIT"
	case RuleDecimal:
		return `1*DIGIT ["." 1*DIGIT]`
	case RuleEffectiveConnectionType:
		return "slow-2g, 2g, 3g or 4g"
	case RuleOn:
		return `"on"`
	}
	return "ValueRule(" + strconv.Itoa(int(r)) + ")"
}

// SafelistExtension is a header name that a browser safelists beyond the
// Fetch standard (for instance a client hint), with the values it accepts.
type SafelistExtension struct {
	Name string
	Rule ValueRule
}

// Safelist decides which request headers are CORS-safelisted. The zero
// value is exactly the Fetch standard's rule
// (https://fetch.spec.whatwg.org/#cors-safelisted-request-header); Extra
// adds names a browser also safelists. The 128-byte value limit applies to
// extra names too, and extra names never override the standard's rules for
// Accept, Accept-Language, Content-Language, Content-Type and Range.
type Safelist struct {
	Extra []SafelistExtension
	// RangeUnitIgnoresCase accepts the Range unit "bytes" in any ASCII
	// case (WebKit); the standard's "bytes" is case-sensitive.
	RangeUnitIgnoresCase bool
}

// IsCORSSafelistedRequestHeader reports whether (name, value) is a
// CORS-safelisted request-header under the Fetch standard. It does not
// allocate. See https://fetch.spec.whatwg.org/#cors-safelisted-request-header.
func IsCORSSafelistedRequestHeader(name, value string) bool {
	return Safelist{}.reason(name, value) == ""
}

// CheckCORSSafelistedRequestHeader is IsCORSSafelistedRequestHeader that
// says why: nil, or a *Failure with one of the codes CodeHeaderNotSafelisted,
// CodeValueTooLong, CodeUnsafeByte, CodeLanguageByte,
// CodeContentTypeUnparsable, CodeContentTypeNotSafelisted,
// CodeRangeNotSimple or CodeRangeNoStart.
func CheckCORSSafelistedRequestHeader(name, value string) error {
	return Safelist{}.Check(name, value)
}

// IsSafelisted reports whether (name, value) is safelisted by s.
func (s Safelist) IsSafelisted(name, value string) bool { return s.reason(name, value) == "" }

// Check returns nil when (name, value) is safelisted by s, or a *Failure
// saying why not (see CheckCORSSafelistedRequestHeader for the codes, plus
// CodeValueNotAllowed for extension names).
func (s Safelist) Check(name, value string) error {
	code := s.reason(name, value)
	if code == "" {
		return nil
	}
	return s.failure(code, name, value)
}

// kind returns the byte-lowercased standard name, or "" with the extension
// that matches, or "" and nil.
func (s Safelist) kind(name string) (string, *SafelistExtension) {
	switch len(name) {
	case 5:
		if strings.EqualFold(name, "range") {
			return "range", nil
		}
	case 6:
		if strings.EqualFold(name, "accept") {
			return "accept", nil
		}
	case 12:
		if strings.EqualFold(name, "content-type") {
			return "content-type", nil
		}
	case 15:
		if strings.EqualFold(name, "accept-language") {
			return "accept-language", nil
		}
	case 16:
		if strings.EqualFold(name, "content-language") {
			return "content-language", nil
		}
	}
	for i := range s.Extra {
		if strings.EqualFold(name, s.Extra[i].Name) {
			return "", &s.Extra[i]
		}
	}
	return "", nil
}

// reason runs https://fetch.spec.whatwg.org/#cors-safelisted-request-header
// and returns "" (safelisted) or the code of the failing step. It does not
// allocate.
func (s Safelist) reason(name, value string) Code {
	k, ext := s.kind(name)
	if k == "" && ext == nil {
		return CodeHeaderNotSafelisted // step 2, "otherwise"
	}
	if len(value) > safelistValueLimit { // step 1
		return CodeValueTooLong
	}
	switch k {
	case "accept":
		if firstUnsafeByte(value) >= 0 {
			return CodeUnsafeByte
		}
	case "accept-language", "content-language":
		if firstNonLanguageByte(value) >= 0 {
			return CodeLanguageByte
		}
	case "content-type":
		if firstUnsafeByte(value) >= 0 {
			return CodeUnsafeByte
		}
		typ, sub, _, why := mimeEssenceParts(value)
		if why != "" {
			return CodeContentTypeUnparsable
		}
		if !isSafelistedEssence(typ, sub) {
			return CodeContentTypeNotSafelisted
		}
	case "range":
		r, why := parseSingleRange(value, false, s.RangeUnitIgnoresCase)
		if why != "" {
			return CodeRangeNotSimple
		}
		if !r.HasStart {
			return CodeRangeNoStart
		}
	default:
		if !ext.Rule.allows(value) {
			return CodeValueNotAllowed
		}
	}
	return ""
}

func isSafelistedEssence(typ, sub string) bool {
	switch {
	case strings.EqualFold(typ, "application"):
		return strings.EqualFold(sub, "x-www-form-urlencoded")
	case strings.EqualFold(typ, "multipart"):
		return strings.EqualFold(sub, "form-data")
	case strings.EqualFold(typ, "text"):
		return strings.EqualFold(sub, "plain")
	}
	return false
}

func firstUnsafeByte(v string) int {
	for i := 0; i < len(v); i++ {
		if unsafeByteTable[v[i]] {
			return i
		}
	}
	return -1
}

// firstNonLanguageByte finds a byte outside 0-9 A-Z a-z SP * , - . ; =
// (https://fetch.spec.whatwg.org/#cors-safelisted-request-header,
// accept-language and content-language).
func firstNonLanguageByte(v string) int {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if isAlpha(c) || isDigit(c) {
			continue
		}
		switch c {
		case ' ', '*', ',', '-', '.', ';', '=':
			continue
		}
		return i
	}
	return -1
}

func describeByte(c byte) string {
	if c >= 0x21 && c < 0x7F {
		return fmt.Sprintf("%q (0x%02X)", c, c)
	}
	return fmt.Sprintf("0x%02X", c)
}

// failure builds the Failure for a code reason returned.
func (s Safelist) failure(code Code, name, value string) *Failure {
	const spec = specFetch + "#cors-safelisted-request-header"
	var msg string
	switch code {
	case CodeHeaderNotSafelisted:
		msg = name + " is not a CORS-safelisted request-header name (only Accept, Accept-Language, Content-Language, Content-Type and Range are"
		if len(s.Extra) > 0 {
			msg += ", plus this browser's extensions"
		}
		msg += ")"
		return fail(code, spec, name, msg)
	case CodeValueTooLong:
		msg = fmt.Sprintf("%s value is %d bytes, over the %d-byte limit", name, len(value), safelistValueLimit)
	case CodeUnsafeByte:
		msg = fmt.Sprintf("%s value contains the CORS-unsafe request-header byte %s", name, describeByte(value[firstUnsafeByte(value)]))
		return fail(code, specFetch+"#cors-unsafe-request-header-byte", value, msg)
	case CodeLanguageByte:
		msg = fmt.Sprintf("%s value contains the byte %s, outside 0-9 A-Z a-z space * , - . ; =", name, describeByte(value[firstNonLanguageByte(value)]))
	case CodeContentTypeUnparsable:
		_, _, _, why := mimeEssenceParts(value)
		msg = fmt.Sprintf("Content-Type value %q is not a MIME type: %s", value, why)
		return fail(code, specMIME+"#parsing-a-mime-type", value, msg)
	case CodeContentTypeNotSafelisted:
		typ, sub, _, _ := mimeEssenceParts(value)
		msg = fmt.Sprintf("Content-Type essence %s/%s is not one of application/x-www-form-urlencoded, multipart/form-data, text/plain",
			asciiLower(typ), asciiLower(sub))
	case CodeRangeNotSimple:
		_, why := parseSingleRange(value, false, s.RangeUnitIgnoresCase)
		msg = fmt.Sprintf("Range value %q is not a single byte range: %s", value, why)
		return fail(code, specFetch+"#simple-range-header-value", value, msg)
	case CodeRangeNoStart:
		msg = fmt.Sprintf("Range value %q is a suffix range with no start", value)
	case CodeValueNotAllowed:
		_, ext := s.kind(name)
		msg = fmt.Sprintf("%s value %q is not %s", name, value, ext.Rule)
	default:
		msg = name + " is not CORS-safelisted"
	}
	return fail(code, spec, value, msg)
}

// UnsafeRequestHeaderNames returns the CORS-unsafe request-header names of
// l under the Fetch standard's safelist: the names of entries that are not
// CORS-safelisted, plus the names of all safelisted entries when their
// values total more than 1024 bytes, byte-lowercased, sorted and
// de-duplicated. It returns nil without allocating when there are none.
// See https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names.
func UnsafeRequestHeaderNames(l HeaderList) []string { return Safelist{}.UnsafeNames(l) }

// UnsafeNames is UnsafeRequestHeaderNames under s.
func (s Safelist) UnsafeNames(l HeaderList) []string {
	// Steps 1-2 without allocating: count.
	total, unsafe := 0, 0
	for _, h := range l {
		if s.reason(h.Name, h.Value) == "" {
			total += len(h.Value)
		} else {
			unsafe++
		}
	}
	overTotal := total > safelistTotalLimit // step 3
	if unsafe == 0 && !overTotal {
		return nil
	}
	var names []string
	for _, h := range l {
		if overTotal || s.reason(h.Name, h.Value) != "" {
			names = append(names, h.Name)
		}
	}
	return SortedLowercaseSet(names) // step 4
}

// Explain returns one Failure for each entry of l that makes its name
// CORS-unsafe, in list order: the entry's own reason, or, when the
// safelisted values total more than 1024 bytes, a CodeSafelistTotalTooLong
// failure for each safelisted entry. It returns nil when no name is unsafe.
// See https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names.
func (s Safelist) Explain(l HeaderList) []*Failure {
	total := 0
	for _, h := range l {
		if s.reason(h.Name, h.Value) == "" {
			total += len(h.Value)
		}
	}
	var out []*Failure
	for _, h := range l {
		code := s.reason(h.Name, h.Value)
		switch {
		case code != "":
			out = append(out, s.failure(code, h.Name, h.Value))
		case total > safelistTotalLimit:
			out = append(out, fail(CodeSafelistTotalTooLong, specFetch+"#cors-unsafe-request-header-names", h.Name,
				fmt.Sprintf("the safelisted header values total %d bytes, over the %d-byte limit, so %s counts as unsafe too",
					total, safelistTotalLimit, h.Name)))
		}
	}
	return out
}

// SortedLowercaseSet byte-lowercases each name, removes duplicates and
// sorts the result by byte order. It returns nil for no names.
// See https://fetch.spec.whatwg.org/#convert-header-names-to-a-sorted-lowercase-set.
func SortedLowercaseSet(names []string) []string {
	if len(names) == 0 {
		return nil
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = asciiLower(n)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
