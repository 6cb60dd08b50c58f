package scenario

import (
	"strconv"
	"strings"

	"github.com/corsim/corsim/sim/internal/words"
)

// Expect is "expect WHAT ARGS...": a check of the last fetch under the
// current profile.
type Expect struct {
	// What names the check (one of ExpectVocabulary's names).
	What string
	// Args are the words after What, checked for shape by Parse.
	Args []string
	// N is the number argument of status, request and cache.
	N int
}

// Outcomes of a fetch as expect outcome names them.
const (
	OutcomeAllowed      = "allowed"
	OutcomeBlocked      = "blocked"
	OutcomeNetworkError = "network-error"
	OutcomeOpaque       = "opaque"
)

// ExpectVocabulary documents the checks of the expect command.
var ExpectVocabulary = []Usage{
	{"outcome", "allowed|blocked|network-error|opaque", "what script got: a readable response, a CORS block, another network error, an opaque response"},
	{"preflight", "none|sent|cached|not-sent [method|header|forced]", "whether a preflight was needed, sent or answered from the cache (not-sent: none or cached, no OPTIONS went out), and (optionally) why it was needed"},
	{"status", "N", "the status script sees (0 for opaque)"},
	{"type", "basic|cors|opaque|opaqueredirect", "the response type script sees"},
	{"header", "NAME VALUE", "script can read header NAME with value VALUE"},
	{"no-header", "NAME", "script cannot read header NAME"},
	{"body", "TEXT", "the response body script reads"},
	{"url", "URL", "the response URL (the last of the redirect chain)"},
	{"requests", "['METHOD TARGET'...]", "the requests the servers received during the fetch, in order; TARGET is /path?query or a full URL; no arguments means none"},
	{"request", "N|'METHOD TARGET' origin|acrm|acrh VALUE | … header NAME VALUE | … no-header NAME | … credentials true|false", "a header of the N-th request the servers received (1-based), or of the first one with that method and target (/path?query or a full URL)"},
	{"error", "CODE|none", "the failure code of the network error"},
	{"console", "TEXT|none", "a console line of the current profile contains TEXT"},
	{"js-error", "TEXT|none", "the error script sees (TypeError message), exactly"},
	{"reached-server", "true|false", "the actual request reached a server (its side effects happened)"},
	{"trace", "STEP [OUTCOME]", "the trace has a step (and outcome), e.g. cache-lookup hit"},
	{"read-header", "NAME VALUE|null", "what script read for the response header NAME (the fetch's --read-header NAME): its value, or null"},
	{"cache", "N", "the preflight cache holds N entries (per method and header name)"},
	{"gate", "cors|mixed-content|local-network-access|response-size|response-headers|corp|request|network|none", "which gate stopped the fetch: the CORS protocol, mixed content, Local Network Access, the response header size limit, a response header byte the network stack refuses, Cross-Origin-Resource-Policy, the request's own rules, the network; none when nothing did"},
	{"cookie", "sent|withheld|stored|deleted|rejected NAME [CODE]", "what the browser did with cookie NAME in the fetch (CODE: the reason's code, e.g. cookie-samesite-lax)"},
	{"cookies", "N", "the browser's cookie jar holds N cookies after the fetch (partitioned ones included)"},
}

// Gates are the words of expect gate.
var Gates = []string{"cors", "mixed-content", "local-network-access", "response-size", "response-headers", "corp", "request", "network", "none"}

// parseExpect checks the shape of an expect command's arguments.
func parseExpect(args []string) (*Expect, string) {
	if len(args) == 0 {
		return nil, "usage: expect WHAT ARGS..."
	}
	e := &Expect{What: args[0], Args: args[1:]}
	a := e.Args
	word := func(usage string, allowed ...string) string {
		if len(a) != 1 {
			return "usage: expect " + e.What + " " + usage
		}
		for _, w := range allowed {
			if a[0] == w {
				return ""
			}
		}
		return words.Msg("%q: want %s", a[0], usage)
	}
	switch e.What {
	case "outcome":
		return e, word("allowed|blocked|network-error|opaque", OutcomeAllowed, OutcomeBlocked, OutcomeNetworkError, OutcomeOpaque)
	case "preflight":
		if len(a) == 0 || len(a) > 2 {
			return nil, "usage: expect preflight none|sent|cached|not-sent [method|header|forced]"
		}
		switch a[0] {
		case "none", "sent", "cached", "not-sent":
		default:
			return nil, words.Msg("%q: want none, sent, cached or not-sent", a[0])
		}
		if len(a) == 2 {
			if a[0] == "none" || a[0] == "not-sent" {
				return nil, "a reason makes no sense with none"
			}
			switch a[1] {
			case "method", "header", "forced":
			default:
				return nil, words.Msg("reason %q: want method, header or forced", a[1])
			}
		}
		return e, ""
	case "cookie":
		if len(a) != 2 && len(a) != 3 {
			return nil, "usage: expect cookie sent|withheld|stored|deleted|rejected NAME [CODE]"
		}
		switch a[0] {
		case "sent", "withheld", "stored", "deleted", "rejected":
		default:
			return nil, words.Msg("%q: want sent, withheld, stored, deleted or rejected", a[0])
		}
		if len(a) == 3 && (a[0] == "sent" || a[0] == "stored" || a[0] == "deleted") {
			return nil, "a reason code makes sense only with withheld or rejected"
		}
		return e, ""
	case "status", "cache", "cookies":
		if len(a) != 1 {
			return nil, "usage: expect " + e.What + " N"
		}
		n, err := strconv.Atoi(a[0])
		if err != nil || n < 0 {
			return nil, words.Msg("%q is not a number", a[0])
		}
		e.N = n
		return e, ""
	case "type":
		return e, word("basic|cors|opaque|opaqueredirect", "basic", "cors", "opaque", "opaqueredirect")
	case "header":
		if len(a) != 2 {
			return nil, "usage: expect header NAME VALUE"
		}
		return e, ""
	case "no-header", "body", "url", "error", "console", "js-error":
		if len(a) != 1 {
			return nil, "usage: expect " + e.What + " ARG (quote it if it has spaces)"
		}
		return e, ""
	case "reached-server":
		return e, word("true|false", "true", "false")
	case "gate":
		return e, word(strings.Join(Gates, "|"), Gates...)
	case "read-header":
		if len(a) != 2 {
			return nil, "usage: expect read-header NAME VALUE|null"
		}
		return e, ""
	case "trace":
		if len(a) != 1 && len(a) != 2 {
			return nil, "usage: expect trace STEP [OUTCOME]"
		}
		return e, ""
	case "requests":
		for _, r := range a {
			m, t, ok := strings.Cut(r, " ")
			if !ok || m == "" || strings.TrimSpace(t) == "" {
				return nil, words.Msg("%q: want 'METHOD /path' or 'METHOD URL'", r)
			}
		}
		return e, ""
	case "request":
		return e, parseRequestExpect(e)
	}
	names := make([]string, len(ExpectVocabulary))
	for i, u := range ExpectVocabulary {
		names[i] = u.Name
	}
	return nil, words.Msg("unknown check %q (want one of %s)", e.What, strings.Join(names, ", "))
}

func parseRequestExpect(e *Expect) string {
	const usage = "usage: expect request N|'METHOD TARGET' origin|acrm|acrh VALUE | … header NAME VALUE | … no-header NAME | … credentials true|false"
	a := e.Args
	if len(a) < 2 {
		return usage
	}
	if m, t, ok := strings.Cut(a[0], " "); ok {
		// 'METHOD TARGET': N stays 0 and the check finds the request.
		if m == "" || strings.TrimSpace(t) == "" {
			return words.Msg("%q: want 'METHOD /path' or 'METHOD URL'", a[0])
		}
	} else {
		n, err := strconv.Atoi(a[0])
		if err != nil || n < 1 {
			return words.Msg("%q is not a request number (1 is the first) nor 'METHOD TARGET'", a[0])
		}
		e.N = n
	}
	switch a[1] {
	case "origin", "acrm", "acrh", "no-header":
		if len(a) != 3 {
			return usage
		}
	case "credentials":
		if len(a) != 3 || (a[2] != "true" && a[2] != "false") {
			return usage
		}
	case "header":
		if len(a) != 4 {
			return usage
		}
	default:
		return words.Msg("field %q: want origin, acrm, acrh, header, no-header or credentials", a[1])
	}
	return ""
}
