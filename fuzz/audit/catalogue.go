package audit

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/corsim/corsim/policy"
)

// Class names a kind of CORS misconfiguration. The origin-trust classes
// use the names CORScanner reports (reflect_origin, prefix_match,
// suffix_match, trust_null, include_match, not_escape_dot,
// trust_any_subdomain, https_trust_http, special_characters_bypass,
// custom_third_parties), so scanner users recognise them; the others follow
// the check catalogue in shared/reference/ecosystem.md §2.2.
type Class string

// Origin-trust classes: an attacker-controlled origin gets read access.
const (
	// ClassReflectOrigin: any origin is allowed (usually echoed back).
	ClassReflectOrigin Class = "reflect_origin"
	// ClassTrustNull: the opaque origin "null" is allowed (sandboxed
	// iframes, file: pages, redirect-tainted requests).
	ClassTrustNull Class = "trust_null"
	// ClassPrefixMatch: an origin that merely starts with a trusted one is
	// allowed (https://www.target.com.evil.example).
	ClassPrefixMatch Class = "prefix_match"
	// ClassSuffixMatch: an origin that merely ends with a trusted host is
	// allowed (https://evilwww.target.com).
	ClassSuffixMatch Class = "suffix_match"
	// ClassNotEscapeDot: a regular expression with an unescaped "." lets
	// any byte stand for a dot (https://wwwxtarget.com).
	ClassNotEscapeDot Class = "not_escape_dot"
	// ClassIncludeMatch: an origin that is a substring of a trusted one is
	// allowed (https://arget.com).
	ClassIncludeMatch Class = "include_match"
	// ClassAnySubdomain: any subdomain of a trusted host is allowed; an
	// XSS or a subdomain takeover anywhere then reads the API.
	ClassAnySubdomain Class = "trust_any_subdomain"
	// ClassHTTPSTrustHTTP: the http:// twin of a trusted https:// origin is
	// allowed, so a network attacker's injected page reads the API.
	ClassHTTPSTrustHTTP Class = "https_trust_http"
	// ClassSpecialChars: a host with a special character after the trusted
	// host (https://www.target.com!.evil.example) fools a broken parser.
	// Whether a browser sends such an Origin at all depends on the browser.
	ClassSpecialChars Class = "special_characters_bypass"
	// ClassThirdParty: an origin on a third-party hosting service anyone
	// can publish on (github.io, codepen.io, jsfiddle.net, S3, …).
	ClassThirdParty Class = "custom_third_parties"
	// ClassLocalhost: a localhost or loopback origin is allowed (a
	// development origin left in production; any local app reads it).
	ClassLocalhost Class = "trust_localhost"
	// ClassCRLF: CR or LF (raw or percent-encoded) in the Origin is
	// reflected; no browser sends such an Origin, so it is a note.
	ClassCRLF Class = "crlf_injection"
	// ClassPortVariant: a trusted scheme and host on another port is
	// allowed: the server compares hosts and ignores the port, so any
	// service on the same machine (or a port an attacker can open) reads.
	ClassPortVariant Class = "port_variant"
	// ClassMutated: an origin from the seeded generator of mutations around
	// the site's own origins that fits no other class.
	ClassMutated Class = "mutated_origin"
)

// Header-level classes.
const (
	// ClassMissingVary: the response's Access-Control-Allow-Origin depends
	// on the Origin but Vary does not name Origin, so a shared cache can
	// serve one origin's answer to another (cache poisoning).
	ClassMissingVary Class = "missing_vary"
	// ClassACAMReflection: the preflight echoes any requested method in
	// Access-Control-Allow-Methods.
	ClassACAMReflection Class = "acam_reflection"
	// ClassACAHReflection: the preflight echoes any requested header in
	// Access-Control-Allow-Headers.
	ClassACAHReflection Class = "acah_reflection"
	// ClassACAMWildcard: Access-Control-Allow-Methods is "*" (any method
	// for uncredentialed requests).
	ClassACAMWildcard Class = "acam_wildcard"
	// ClassACAHWildcard: Access-Control-Allow-Headers is "*" (any header
	// but Authorization, for uncredentialed requests, in the spec).
	ClassACAHWildcard Class = "acah_wildcard"
	// ClassRefererOrigin: without an Origin, the server takes
	// Access-Control-Allow-Origin from the Referer.
	ClassRefererOrigin Class = "referer_origin"
	// ClassWildcardValue: Access-Control-Allow-Origin is "*": any origin
	// reads what the endpoint returns without credentials (fine for public
	// data; an internal pivot for intranet endpoints).
	ClassWildcardValue Class = "wildcard_value"
)

// Broken-configuration classes: what the server meant to allow, a browser
// blocks. They are not exploitable.
const (
	// ClassWildcardCredentials: "Access-Control-Allow-Origin: *" with
	// "Access-Control-Allow-Credentials: true"; browsers reject every
	// credentialed request (https://fetch.spec.whatwg.org/#concept-cors-check step 3).
	ClassWildcardCredentials Class = "wildcard_credentials"
	// ClassPreflightRejected: a preflight from the site's own origin fails
	// before its headers are looked at (non-ok status, redirect, no
	// Access-Control-Allow-Origin) while a simple request from it passes:
	// an auth layer or router in front of the CORS code.
	ClassPreflightRejected Class = "preflight_rejected"
)

// Candidate is one attacker origin string the auditor sends, and the class
// of misconfiguration it tests.
type Candidate struct {
	Origin string
	Class  Class
}

// base is one of the site's own origins, split for building candidates.
type base struct {
	raw     string // as given
	scheme  string
	host    string // for a pattern, the host after "*."
	port    string // "" for the default port
	pattern bool   // scheme://*.host[:port]
	rd      string // registrable domain of host, or host
}

func (b base) portSuffix() string {
	if b.port == "" {
		return ""
	}
	return ":" + b.port
}

// parseOwn parses one of the site's own origins: an exact serialized
// origin or a subdomain pattern "scheme://*.host[:port]".
func parseOwn(s string) (base, bool) {
	pattern := false
	probe := s
	if scheme, rest, ok := strings.Cut(s, "://*."); ok {
		pattern = true
		probe = scheme + "://" + rest
	}
	o, err := policy.ParseOrigin(probe)
	if err != nil || o.IsOpaque() {
		return base{}, false
	}
	b := base{raw: s, scheme: o.Scheme(), host: o.Host(), pattern: pattern}
	if o.HasPort() {
		b.port = strconv.Itoa(o.Port())
	}
	b.rd = policy.RegistrableDomain(b.host, nil)
	if b.rd == "" {
		b.rd = b.host
	}
	return b, true
}

// trusts reports whether the candidate origin string is one the site
// declared as its own (exactly, or under one of its subdomain patterns).
func trusts(own []base, origin string) bool {
	var o policy.Origin
	parsed := false
	for _, b := range own {
		if !b.pattern {
			if origin == b.raw {
				return true
			}
			continue
		}
		if !parsed {
			var err error
			if o, err = policy.ParseOrigin(origin); err != nil || o.IsOpaque() {
				return false
			}
			parsed = true
		}
		port := ""
		if o.HasPort() {
			port = strconv.Itoa(o.Port())
		}
		if o.Scheme() == b.scheme && port == b.port && strings.HasSuffix(o.Host(), "."+b.host) {
			return true
		}
	}
	return false
}

// specialChars are the characters scanners put after the trusted host
// (CORScanner's list, ecosystem.md §2.2 item 11), plus "%60", which a URL
// parser decodes to a backtick.
var specialChars = []string{"_", "-", "\"", "{", "}", "+", "^", "%60", "!", "~", "`", ";", "|", "&", "'", "(", ")", "*", ",", "$", "="}

// thirdParty are hosting services where anyone can publish a page
// (CORScanner origins.json, aristos S3; ecosystem.md §2.2 item 12), and
// the static-hosting, serverless and tunnelling services whose
// subdomains anyone can register.
var thirdParty = []string{
	"https://whatever.github.io", "https://codepen.io", "https://jsfiddle.net",
	"http://jsbin.com", "https://repl.it", "https://evil.repl.co",
	"https://bucket-name.s3.amazonaws.com", "https://s3.amazonaws.com",
	"https://evil.cloudfront.net", "https://evil.pages.dev", "https://evil.workers.dev",
	"https://evil.gitlab.io", "https://evil.vercel.app", "https://evil.netlify.app",
	"https://evil.azurewebsites.net", "https://evil.z13.web.core.windows.net",
	"https://evil.appspot.com", "https://evil.firebaseapp.com", "https://evil.web.app",
	"https://evil.ngrok-free.app", "https://evil.ngrok.io", "https://evil.ngrok.app",
	"https://evil.herokuapp.com", "https://evil.glitch.me", "https://evil.onrender.com",
	"https://evil.fly.dev", "https://evil.surge.sh", "https://evil.trycloudflare.com",
	"https://evil.loca.lt", "https://evil.railway.app", "https://evil.blogspot.com",
}

// devPorts are the ports development servers listen on by default
// (React and Node 3000/3001, Angular 4200, Vite 5173/4173, Django and
// Python 8000, Flask 5000, Jekyll 4000, Tomcat and friends 8080/8081,
// Jupyter 8888, Hugo 1313, 9000).
var devPorts = []string{"3000", "3001", "4000", "4173", "4200", "5000", "5173", "8000", "8080", "8081", "8888", "1313", "9000"}

// crlfVariants are inserted into the subdomain of an attacker origin
// (aristos cors-scanner, ecosystem.md §2.2 item 16).
var crlfVariants = []string{"\r", "\n", "%0d", "%0a", "%0d%0a"}

// Catalogue returns the scanner catalogue of attacker origins around the
// site's own origins (ecosystem.md §2.2), deduplicated, in a stable order.
// attacker is the attacker's registrable domain ("evil.example" when
// empty). Own origins that do not parse are skipped.
func Catalogue(own []string, attacker string) []Candidate {
	if attacker == "" {
		attacker = DefaultAttackerDomain
	}
	var out []Candidate
	seen := map[string]bool{}
	add := func(c Class, origin string) {
		if !seen[origin] {
			seen[origin] = true
			out = append(out, Candidate{Origin: origin, Class: c})
		}
	}
	var bases []base
	for _, s := range own {
		if b, ok := parseOwn(s); ok {
			bases = append(bases, b)
		}
	}
	add(ClassTrustNull, "null")
	for _, b := range bases {
		s, h, p := b.scheme, b.host, b.portSuffix()
		add(ClassReflectOrigin, s+"://"+attacker)
		add(ClassReflectOrigin, "https://"+attacker)
		add(ClassReflectOrigin, "http://"+attacker)
		add(ClassReflectOrigin, s+"://"+attacker+p)
		// Prefix: the trusted origin followed by more host.
		add(ClassPrefixMatch, s+"://"+h+"."+attacker)
		add(ClassPrefixMatch, s+"://"+h+p+"."+attacker) // invalid with a port: a scanner string
		add(ClassPrefixMatch, s+"://"+h+attacker)
		add(ClassPrefixMatch, s+"://"+h+"-"+attacker)
		add(ClassPrefixMatch, s+"://"+b.rd+"."+attacker)
		// Suffix: more host in front of the trusted host or domain.
		add(ClassSuffixMatch, s+"://evil"+h+p)
		add(ClassSuffixMatch, s+"://evil"+b.rd+p)
		add(ClassSuffixMatch, s+"://evil-"+b.rd+p)
		// Unescaped dot: each "." in turn, then all of them.
		for i := 0; i < len(h); i++ {
			if h[i] == '.' {
				add(ClassNotEscapeDot, s+"://"+h[:i]+"x"+h[i+1:]+p)
			}
		}
		add(ClassNotEscapeDot, s+"://"+strings.ReplaceAll(h, ".", "a")+p)
		// Substring.
		if len(b.rd) > 1 {
			add(ClassIncludeMatch, s+"://"+b.rd[1:]+p)
		}
		if len(h) > 1 {
			add(ClassIncludeMatch, s+"://"+h[:len(h)-1]+p)
		}
		if i := strings.LastIndexByte(h, '.'); i > 0 {
			add(ClassIncludeMatch, s+"://"+h[:i]+p)
		}
		// Any subdomain.
		add(ClassAnySubdomain, s+"://evil."+h+p)
		add(ClassAnySubdomain, s+"://notexistent."+h+p)
		if b.rd != h {
			add(ClassAnySubdomain, s+"://evil."+b.rd+p)
			add(ClassAnySubdomain, s+"://"+b.rd+p)
		}
		// HTTPS trusts HTTP.
		if s == "https" {
			add(ClassHTTPSTrustHTTP, "http://"+h+p)
			add(ClassHTTPSTrustHTTP, "http://evil."+h+p)
			if b.pattern {
				add(ClassHTTPSTrustHTTP, "http://www."+h+p)
			}
		}
		// Another port on the trusted host: a server that ignores it.
		if b.port == "" {
			add(ClassPortVariant, s+"://"+h+":8443")
			add(ClassPortVariant, s+"://"+h+":8080")
		} else {
			add(ClassPortVariant, s+"://"+h)
			add(ClassPortVariant, s+"://"+h+":1"+b.port)
		}
		// A pattern's leading label: what a regular expression such as
		// ^https://.*\.target\.example (unanchored at the end) or
		// https://[a-z]+.target.example (unescaped dot) also lets in.
		if b.pattern {
			add(ClassPrefixMatch, s+"://www."+h+p+"."+attacker)
			add(ClassPrefixMatch, s+"://www."+h+"."+attacker)
			add(ClassNotEscapeDot, s+"://wwwx"+h+p)
			add(ClassSuffixMatch, s+"://evil-"+h+p)
		}
		// Special characters, suffix form and label form.
		for _, c := range specialChars {
			add(ClassSpecialChars, s+"://"+h+c+"."+attacker)
			add(ClassSpecialChars, s+"://"+h+"."+c+"."+attacker)
		}
		// CRLF in the subdomain and the port.
		for _, c := range crlfVariants {
			add(ClassCRLF, s+"://"+h+c+"."+attacker)
		}
		add(ClassCRLF, s+"://"+h+":13\r37")
	}
	for _, o := range thirdParty {
		add(ClassThirdParty, o)
	}
	for _, h := range []string{"localhost", "127.0.0.1"} {
		add(ClassLocalhost, "http://"+h)
		add(ClassLocalhost, "https://"+h)
		for _, p := range devPorts {
			add(ClassLocalhost, "http://"+h+":"+p)
		}
	}
	add(ClassLocalhost, "http://[::1]")
	add(ClassLocalhost, "http://[::1]:3000")
	add(ClassLocalhost, "http://0.0.0.0:3000")
	add(ClassLocalhost, "http://localhost."+attacker)
	add(ClassLocalhost, "https://localhost."+attacker)
	return out
}

// DefaultAttackerDomain is the attacker's domain when Options leave it
// empty: a reserved name (RFC 2606), so reproductions never point at a
// real site.
const DefaultAttackerDomain = "evil.example"

// Mutations returns n origin strings made by mutating the site's own
// origins with a math/rand/v2 PCG source seeded by seed, classified with
// Classify. The same arguments always give the same list. Duplicates of
// one another are removed, so fewer than n may come back.
func Mutations(own []string, n int, seed uint64, attacker string) []Candidate {
	if attacker == "" {
		attacker = DefaultAttackerDomain
	}
	var bases []base
	for _, s := range own {
		if b, ok := parseOwn(s); ok {
			bases = append(bases, b)
		}
	}
	if len(bases) == 0 || n <= 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 0x617564697421))
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=`{}\"^|%"
	seen := map[string]bool{}
	var out []Candidate
	for tries := 0; len(out) < n && tries < 8*n; tries++ {
		b := bases[rng.IntN(len(bases))]
		scheme, host, port := b.scheme, b.host, b.portSuffix()
		// One to three edits.
		for edits := 1 + rng.IntN(3); edits > 0; edits-- {
			switch rng.IntN(9) {
			case 0: // insert a byte
				i := rng.IntN(len(host) + 1)
				host = host[:i] + string(alphabet[rng.IntN(len(alphabet))]) + host[i:]
			case 1: // delete a byte
				if len(host) > 1 {
					i := rng.IntN(len(host))
					host = host[:i] + host[i+1:]
				}
			case 2: // replace a byte
				i := rng.IntN(len(host))
				host = host[:i] + string(alphabet[rng.IntN(len(alphabet))]) + host[i+1:]
			case 3: // a label in front
				host = randomLabel(rng) + "." + host
			case 4: // the attacker's domain behind
				host = host + "." + attacker
			case 5: // glue a label to the front or back without a dot
				if rng.IntN(2) == 0 {
					host = randomLabel(rng) + host
				} else {
					host = host + randomLabel(rng)
				}
			case 6: // flip the scheme
				if scheme == "https" {
					scheme = "http"
				} else {
					scheme = "https"
				}
			case 7: // change the port
				switch rng.IntN(3) {
				case 0:
					port = ""
				case 1:
					port = ":" + strconv.Itoa(1+rng.IntN(65535))
				default:
					port = ":8443"
				}
			case 8: // upper-case a byte (no browser sends it, servers may compare loosely)
				i := rng.IntN(len(host))
				host = host[:i] + strings.ToUpper(host[i:i+1]) + host[i+1:]
			}
		}
		o := scheme + "://" + host + port
		if seen[o] {
			continue
		}
		seen[o] = true
		out = append(out, Candidate{Origin: o, Class: Classify(own, o)})
	}
	return out
}

func randomLabel(rng *rand.Rand) string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 3+rng.IntN(5))
	for i := range b {
		b[i] = letters[rng.IntN(len(letters))]
	}
	return string(b)
}

// Classify names the class of misconfiguration that would let origin in,
// from how the string relates to the site's own origins: a subdomain of a
// trusted host is trust_any_subdomain, its http:// twin https_trust_http,
// a trusted host followed by more bytes prefix_match (special_characters_bypass
// when the next byte is not a letter, digit, "." or "-"), more bytes in front
// suffix_match, dots turned into other bytes not_escape_dot, a substring
// include_match; "null" is trust_null, localhost and loopback hosts
// trust_localhost. Anything else is mutated_origin if it still contains a
// trusted host, else reflect_origin.
func Classify(own []string, origin string) Class {
	if origin == "null" {
		return ClassTrustNull
	}
	if strings.ContainsAny(origin, "\r\n") || strings.Contains(strings.ToLower(origin), "%0d") || strings.Contains(strings.ToLower(origin), "%0a") {
		return ClassCRLF
	}
	scheme, hp, ok := strings.Cut(origin, "://")
	if !ok {
		return ClassMutated
	}
	host, port := hp, ""
	if i := strings.LastIndexByte(hp, ':'); i >= 0 && !strings.Contains(hp[i:], "]") {
		host, port = hp[:i], hp[i+1:]
	}
	lh := strings.ToLower(host)
	if lh == "localhost" || strings.HasSuffix(lh, ".localhost") || strings.HasPrefix(lh, "127.") || lh == "[::1]" {
		return ClassLocalhost
	}
	// The first base the origin relates to closely decides; a mere sibling
	// under a base's registrable domain decides only when no base relates
	// closely (https://evilapi.target.example is a suffix match of
	// api.target.example before it is a sibling of www.target.example).
	var found bool
	weak := Class("")
	for _, s := range own {
		b, ok := parseOwn(s)
		if !ok {
			continue
		}
		if c := classifyAgainst(b, scheme, lh, port); c != "" {
			return c
		}
		if strings.HasSuffix(lh, "."+b.rd) || lh == b.rd && b.host != b.rd {
			if weak == "" {
				weak = ClassAnySubdomain
			}
		}
		if strings.Contains(lh, b.rd) {
			found = true
		}
	}
	switch {
	case weak != "":
		return weak
	case found:
		return ClassMutated
	}
	return ClassReflectOrigin
}

// classifyAgainst names the class of an origin (scheme, lower-cased host,
// port as written)
// that relates closely to one base, or "".
func classifyAgainst(b base, scheme, lh, port string) Class {
	h := b.host
	switch {
	case lh == h && scheme == b.scheme && port != b.port:
		return ClassPortVariant
	case lh == h && scheme == b.scheme:
		return ClassMutated // the same origin in other letter case
	case lh == h && scheme == "http" && b.scheme == "https":
		return ClassHTTPSTrustHTTP
	case strings.HasSuffix(lh, "."+h):
		if scheme == "http" && b.scheme == "https" {
			return ClassHTTPSTrustHTTP
		}
		return ClassAnySubdomain
	case strings.HasPrefix(lh, h) && len(lh) > len(h):
		c := lh[len(h)]
		if c == '.' || c == '-' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
			return ClassPrefixMatch
		}
		return ClassSpecialChars
	case strings.HasSuffix(lh, h) && len(lh) > len(h):
		return ClassSuffixMatch
	case len(lh) == len(h) && dotsDiffer(h, lh):
		return ClassNotEscapeDot
	case len(lh) < len(h) && lh != "" && strings.Contains(h, lh):
		return ClassIncludeMatch
	}
	return ""
}

// dotsDiffer reports whether s equals pattern except at some dots of
// pattern, which s replaced with other bytes.
func dotsDiffer(pattern, s string) bool {
	diff := false
	for i := 0; i < len(s); i++ {
		if pattern[i] == s[i] {
			continue
		}
		if pattern[i] != '.' {
			return false
		}
		diff = true
	}
	return diff
}
