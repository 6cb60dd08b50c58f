package policy

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// ParseURL parses an absolute URL and normalizes it the way the URL
// standard's basic URL parser does for what matters to origins
// (https://url.spec.whatwg.org/#concept-basic-url-parser):
//   - leading/trailing C0 controls and spaces are stripped and tabs and
//     newlines removed (steps 1-3);
//   - the scheme is lowercased;
//   - for special schemes (ftp, file, http, https, ws, wss) "\" counts as
//     "/", any number of slashes may precede the authority, the host goes
//     through the host parser (percent-decoding, IDNA to ASCII, IPv4 number
//     forms such as http://0x7f.1/ → 127.0.0.1, IPv6 in brackets, forbidden
//     code points), the port is dropped when it is the scheme's default, and
//     an empty path becomes "/".
//
// Not modelled: relative references (there is no base URL), dot-segment
// removal in paths, Windows drive letters in file: URLs. Bytes the URL
// standard would percent-encode in the path, query and fragment are
// percent-encoded; a "%" not followed by two hex digits becomes "%25" (the
// standard keeps it, net/url cannot).
//
// The error is a *Failure with code CodeInvalidURL or CodeInvalidHost.
func ParseURL(raw string) (*url.URL, error) {
	if u, ok := parseCanonicalHTTP(raw); ok {
		return u, nil
	}
	return parseURL(raw)
}

// parseURL is ParseURL's full parser.
func parseURL(raw string) (*url.URL, error) {
	// Steps 1-3: strip C0 control or space from both ends; remove tab/newline.
	s := strings.TrimFunc(raw, func(r rune) bool { return r <= 0x20 })
	if strings.ContainsAny(s, "\t\n\r") {
		s = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(s)
	}
	// Scheme start state and scheme state.
	i := 0
	for i < len(s) && s[i] != ':' {
		c := s[i]
		ok := isAlpha(c) || (i > 0 && (isDigit(c) || c == '+' || c == '-' || c == '.'))
		if !ok {
			return nil, urlError(raw, "it has no scheme (relative URLs need a base, which ParseURL does not take)")
		}
		i++
	}
	if i == 0 || i == len(s) {
		return nil, urlError(raw, "it has no scheme (relative URLs need a base, which ParseURL does not take)")
	}
	scheme := strings.ToLower(s[:i])
	rest := s[i+1:]
	switch scheme {
	case "ftp", "http", "https", "ws", "wss", "file":
		return parseSpecial(raw, scheme, rest)
	}
	u, err := url.Parse(scheme + ":" + percentEncode(rest, c0Set))
	if err != nil {
		return nil, urlError(raw, err.Error())
	}
	return u, nil
}

func parseSpecial(raw, scheme, rest string) (*url.URL, error) {
	// Special authority (ignore) slashes states: "\" counts as "/".
	if strings.IndexByte(rest, '\\') >= 0 {
		q := strings.IndexAny(rest, "?#")
		if q < 0 {
			q = len(rest)
		}
		rest = strings.ReplaceAll(rest[:q], "\\", "/") + rest[q:]
	}
	var authority string
	if scheme == "file" {
		// File state: a host only after "//".
		if strings.HasPrefix(rest, "//") {
			rest = rest[2:]
			end := strings.IndexAny(rest, "/?#")
			if end < 0 {
				end = len(rest)
			}
			authority, rest = rest[:end], rest[end:]
		}
	} else {
		rest = strings.TrimLeft(rest, "/")
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		authority, rest = rest[:end], rest[end:]
	}
	var user *url.Userinfo
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		if scheme == "file" {
			return nil, urlError(raw, "a file: URL has no userinfo")
		}
		ui := authority[:at]
		name, pass, hasPass := strings.Cut(ui, ":")
		name, _ = url.PathUnescape(percentEncode(name, c0Set))
		pass, _ = url.PathUnescape(percentEncode(pass, c0Set))
		// An empty username and password are no credentials: the URL
		// serializer then writes no "@" (https://url.spec.whatwg.org/#url-serializing).
		switch {
		case hasPass && pass != "":
			user = url.UserPassword(name, pass)
		case name != "":
			user = url.User(name)
		}
		authority = authority[at+1:]
	}
	host, port, hasPort, err := parseAuthorityHostPort(scheme, authority)
	if err != nil {
		if f, ok := err.(*Failure); ok {
			f.Subject = raw
		}
		return nil, err
	}
	if host == "" && scheme != "file" {
		return nil, fail(CodeInvalidHost, specURL+"#host-state", raw, "URL "+strconv.Quote(raw)+" has an empty host")
	}
	if scheme == "file" && host == "localhost" {
		host = "" // url#file-host-state, step 3.3.4
	}
	hp := host
	if hasPort {
		hp += ":" + strconv.Itoa(int(port))
	}
	if rest == "" || rest[0] == '?' || rest[0] == '#' {
		rest = "/" + rest // url#path-start-state: special URLs always have a path
	}
	path, query, hasQuery := rest, "", false
	frag, hasFrag := "", false
	if h := strings.IndexByte(path, '#'); h >= 0 {
		path, frag, hasFrag = path[:h], path[h+1:], true
	}
	if q := strings.IndexByte(path, '?'); q >= 0 {
		path, query, hasQuery = path[:q], path[q+1:], true
	}
	ref := percentEncode(path, pathSet)
	if hasQuery {
		ref += "?" + percentEncode(query, specialQuerySet)
	}
	if hasFrag {
		ref += "#" + percentEncode(frag, fragmentSet)
	}
	pu, perr := url.Parse("http://h" + ref)
	if perr != nil {
		return nil, urlError(raw, perr.Error())
	}
	return &url.URL{
		Scheme: scheme, User: user, Host: hp,
		Path: pu.Path, RawPath: pu.RawPath, RawQuery: pu.RawQuery, ForceQuery: pu.ForceQuery,
		Fragment: pu.Fragment, RawFragment: pu.RawFragment,
	}, nil
}

func urlError(raw, why string) error {
	return fail(CodeInvalidURL, specURL+"#concept-basic-url-parser", raw,
		strconv.Quote(raw)+" is not an absolute URL: "+why)
}

// parseAuthorityHostPort parses "host[:port]" of a special URL: the host
// through the host parser, the port as digits with the default dropped
// (https://url.spec.whatwg.org/#port-state).
func parseAuthorityHostPort(scheme, hp string) (host string, port uint16, hasPort bool, err error) {
	h, p, _, ok := splitHostPort(hp)
	if !ok {
		return "", 0, false, fail(CodeInvalidURL, specURL+"#port-state", hp, "the port "+strconv.Quote(p)+" is not all digits")
	}
	if p != "" {
		if scheme == "file" {
			return "", 0, false, fail(CodeInvalidURL, specURL+"#port-state", hp, "a file: URL has no port")
		}
		n, ok := parsePort(p)
		if !ok {
			return "", 0, false, fail(CodeInvalidURL, specURL+"#port-state", hp, "the port "+p+" is over 65535")
		}
		if d, isDefault := defaultPort(scheme); !isDefault || d != n {
			port, hasPort = n, true
		}
	}
	if h == "" {
		return "", port, hasPort, nil
	}
	host, err = parseHost(h)
	return host, port, hasPort, err
}

// idnaProfile is UTS #46 ToASCII with the options the URL standard's
// domain to ASCII uses when beStrict is false
// (https://url.spec.whatwg.org/#concept-domain-to-ascii): CheckHyphens
// false, CheckBidi true, CheckJoiners true, UseSTD3ASCIIRules false,
// Transitional_Processing false, VerifyDnsLength false.
// Where it differs: x/net/idna's mapping tables are those of its bundled
// Unicode version, which may lag the URL standard's "latest Unicode"; and
// x/net rejects "xn--" labels that decode to pure ASCII, as current UTS #46
// also does.
var idnaProfile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.Transitional(false),
	idna.StrictDomainName(false),
	idna.CheckHyphens(false),
	idna.CheckJoiners(true),
	idna.VerifyDNSLength(false),
)

// parseHost is the URL standard's host parser for special URLs
// (https://url.spec.whatwg.org/#concept-host-parser, isOpaque false). It
// returns the serialized host.
func parseHost(input string) (string, error) {
	const spec = specURL + "#concept-host-parser"
	// Step 1: IPv6.
	if input != "" && input[0] == '[' {
		if len(input) < 2 || input[len(input)-1] != ']' {
			return "", fail(CodeInvalidHost, spec, input, "IPv6 address "+strconv.Quote(input)+" lacks its closing ]")
		}
		inner := input[1 : len(input)-1]
		a, err := netip.ParseAddr(inner)
		if err != nil || !a.Is6() || a.Zone() != "" || strings.IndexByte(inner, '%') >= 0 {
			return "", fail(CodeInvalidHost, specURL+"#concept-ipv6-parser", input, strconv.Quote(inner)+" is not an IPv6 address")
		}
		return "[" + serializeIPv6(a.As16()) + "]", nil
	}
	// Steps 3-4: percent-decode, then UTF-8 decode without BOM.
	domain := input
	if strings.IndexByte(domain, '%') >= 0 {
		domain = percentDecode(domain)
		if !utf8.ValidString(domain) {
			domain = strings.ToValidUTF8(domain, "\uFFFD")
		}
	}
	// Step 5: domain to ASCII.
	ascii, err := domainToASCII(domain)
	if err != nil {
		return "", err
	}
	// Step 7: forbidden domain code points.
	for i := 0; i < len(ascii); i++ {
		if isForbiddenDomainByte(ascii[i]) {
			return "", fail(CodeInvalidHost, specURL+"#forbidden-domain-code-point", input,
				"host "+strconv.Quote(input)+" contains the forbidden code point "+strconv.QuoteRune(rune(ascii[i])))
		}
	}
	// Step 8: ends in a number → IPv4.
	if endsInANumber(ascii) {
		v, ok := parseIPv4(ascii)
		if !ok {
			return "", fail(CodeInvalidHost, specURL+"#concept-ipv4-parser", input,
				"host "+strconv.Quote(input)+" ends in a number but is not an IPv4 address")
		}
		return serializeIPv4(v), nil
	}
	return ascii, nil
}

// domainToASCII is https://url.spec.whatwg.org/#concept-domain-to-ascii
// with beStrict false.
func domainToASCII(domain string) (string, error) {
	// Step 1: the ASCII fast path (no label starts with "xn--").
	fast := true
	for i := 0; i < len(domain); i++ {
		c := domain[i]
		if c >= 0x80 {
			fast = false
			break
		}
		if (i == 0 || domain[i-1] == '.') && len(domain)-i >= 4 &&
			(c|0x20) == 'x' && (domain[i+1]|0x20) == 'n' && domain[i+2] == '-' && domain[i+3] == '-' {
			fast = false
			break
		}
	}
	var out string
	if fast {
		out = asciiLower(domain)
	} else {
		var err error
		out, err = idnaProfile.ToASCII(domain)
		if err != nil {
			return "", fail(CodeInvalidHost, specURL+"#concept-domain-to-ascii", domain,
				"host "+strconv.Quote(domain)+" fails IDNA processing: "+err.Error())
		}
	}
	if out == "" {
		return "", fail(CodeInvalidHost, specURL+"#concept-domain-to-ascii", domain, "the host is empty")
	}
	return out, nil
}

func isForbiddenDomainByte(c byte) bool {
	if c <= 0x20 || c == 0x7F || c == '%' {
		return true
	}
	switch c {
	case '#', '/', ':', '<', '>', '?', '@', '[', '\\', ']', '^', '|':
		return true
	}
	return false
}

// endsInANumber is https://url.spec.whatwg.org/#ends-in-a-number-checker.
func endsInANumber(s string) bool {
	if strings.HasSuffix(s, ".") {
		if s == "." {
			return false
		}
		s = s[:len(s)-1]
	}
	last := s[strings.LastIndexByte(s, '.')+1:]
	if last == "" {
		return false
	}
	digits := true
	for i := 0; i < len(last); i++ {
		if !isDigit(last[i]) {
			digits = false
			break
		}
	}
	if digits {
		return true
	}
	_, ok := parseIPv4Number(last)
	return ok
}

// parseIPv4 is https://url.spec.whatwg.org/#concept-ipv4-parser.
func parseIPv4(s string) (uint32, bool) {
	parts := strings.Split(s, ".")
	if parts[len(parts)-1] == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 4 {
		return 0, false
	}
	var nums [4]uint64
	for i, p := range parts {
		n, ok := parseIPv4Number(p)
		if !ok {
			return 0, false
		}
		nums[i] = n
	}
	k := len(parts)
	for i := 0; i < k-1; i++ {
		if nums[i] > 255 {
			return 0, false
		}
	}
	if nums[k-1] >= uint64(1)<<(8*(5-k)) {
		return 0, false
	}
	v := nums[k-1]
	for i := 0; i < k-1; i++ {
		v += nums[i] << (8 * (3 - i))
	}
	return uint32(v), true
}

// parseIPv4Number is https://url.spec.whatwg.org/#ipv4-number-parser. Values
// saturate at 2^40, which every caller treats as too large.
func parseIPv4Number(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	r := uint64(10)
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		r, s = 16, s[2:]
	} else if len(s) >= 2 && s[0] == '0' {
		r, s = 8, s[1:]
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d uint64
		switch {
		case isDigit(c):
			d = uint64(c - '0')
		case c|0x20 >= 'a' && c|0x20 <= 'f':
			d = uint64(c|0x20-'a') + 10
		default:
			return 0, false
		}
		if d >= r {
			return 0, false
		}
		if n < 1<<40 {
			n = n*r + d
		}
	}
	return n, true
}

func serializeIPv4(v uint32) string {
	b := make([]byte, 0, 15)
	for i := 3; i >= 0; i-- {
		b = strconv.AppendUint(b, uint64(v>>(8*i)&0xFF), 10)
		if i > 0 {
			b = append(b, '.')
		}
	}
	return string(b)
}

// serializeIPv6 is https://url.spec.whatwg.org/#concept-ipv6-serializer:
// the first longest run of two or more zero pieces becomes "::", pieces are
// lowercase hex without leading zeros, and no embedded IPv4 notation.
func serializeIPv6(a [16]byte) string {
	var pieces [8]uint16
	for i := range pieces {
		pieces[i] = uint16(a[2*i])<<8 | uint16(a[2*i+1])
	}
	best, bestLen := -1, 1
	for i := 0; i < 8; {
		if pieces[i] != 0 {
			i++
			continue
		}
		j := i
		for j < 8 && pieces[j] == 0 {
			j++
		}
		if j-i > bestLen {
			best, bestLen = i, j-i
		}
		i = j
	}
	var b []byte
	for i := 0; i < 8; i++ {
		if i == best {
			if i == 0 {
				b = append(b, "::"...)
			} else {
				b = append(b, ':')
			}
			i += bestLen - 1
			continue
		}
		b = strconv.AppendUint(b, uint64(pieces[i]), 16)
		if i < 7 {
			b = append(b, ':')
		}
	}
	return string(b)
}

type encodeSet int

const (
	c0Set encodeSet = iota
	pathSet
	specialQuerySet
	fragmentSet
)

// percentEncode percent-encodes the bytes of s in the given set
// (https://url.spec.whatwg.org/#percent-encoded-bytes), plus any "%" not
// followed by two hex digits, which net/url would reject.
func percentEncode(s string, set encodeSet) string {
	need := func(i int) bool {
		c := s[i]
		if c < 0x20 || c > 0x7E {
			return true
		}
		if c == '%' {
			return i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2])
		}
		switch set {
		case pathSet:
			return strings.IndexByte(" \"#<>?`{}", c) >= 0
		case specialQuerySet:
			return strings.IndexByte(" \"#<>'", c) >= 0
		case fragmentSet:
			return strings.IndexByte(" \"<>`", c) >= 0
		}
		return false
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if need(i) {
			if b == nil {
				b = append(make([]byte, 0, len(s)+8), s[:i]...)
			}
			b = append(b, '%', "0123456789ABCDEF"[s[i]>>4], "0123456789ABCDEF"[s[i]&15])
		} else if b != nil {
			b = append(b, s[i])
		}
	}
	if b == nil {
		return s
	}
	return string(b)
}

// percentDecode is https://url.spec.whatwg.org/#percent-decode.
func percentDecode(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }
func unhex(c byte) byte {
	if isDigit(c) {
		return c - '0'
	}
	return c | 0x20 - 'a' + 10
}

// asciiLower returns s with A-Z lowercased, without allocating when s has
// no uppercase ASCII letter.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
