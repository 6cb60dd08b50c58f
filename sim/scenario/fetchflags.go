package scenario

import (
	"errors"
	"fmt"
	"strings"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim/internal/words"
)

// FetchFlags documents the fetch command's flags.
var FetchFlags = []Usage{
	{"-X", "METHOD", "the request method (also the first argument)"},
	{"-H", "'Name: value'", "an author request header (repeatable; 'Name;' sends an empty value)"},
	{"-d", "DATA", "the request body (a text body unless --body says otherwise; implies POST like curl)"},
	{"--body", "text|urlsearchparams|formdata|blob|stream|bytes", "the kind of object the body is made from (decides the default Content-Type)"},
	{"--blob-type", "TYPE", "the Blob's type, for --body blob"},
	{"--credentials", "omit|same-origin|include", "the credentials mode (default same-origin)"},
	{"--mode", "cors|no-cors|same-origin|navigate", "the request mode (default cors); navigate is accepted, but fetch() throws a TypeError for it, as browsers do"},
	{"--redirect", "follow|error|manual", "the redirect mode (default follow)"},
	{"--cache", "default|no-store|reload|no-cache|force-cache|only-if-cached", "the cache mode"},
	{"--xhr", "", "make the request with XMLHttpRequest instead of fetch()"},
	{"--initiator", "fetch|xhr|element", "which API makes the request: fetch() (default), XMLHttpRequest (--xhr), or an element such as <img crossorigin> (a GET without author headers or body, never preflighted)"},
	{"--upload-listeners", "", "XMLHttpRequest with upload event listeners (forces a preflight)"},
	{"--target-address-space", "public|local|loopback", "fetch()'s targetAddressSpace (Local Network Access): the address space the script expects the server in"},
	{"--read-header", "NAME", "after the request, script reads the response header NAME (headers.get, or getResponseHeader for --xhr); check it with expect read-header (repeatable)"},
	{"--referrer-policy", "no-referrer|no-referrer-when-downgrade|same-origin|origin|strict-origin|origin-when-cross-origin|strict-origin-when-cross-origin|unsafe-url", "RequestInit's referrerPolicy (default: the page's, strict-origin-when-cross-origin)"},
}

// FetchFlagAliases are the long names curl also accepts for some of
// FetchFlags, mapped to the name FetchFlags uses.
var FetchFlagAliases = map[string]string{"--request": "-X", "--header": "-H", "--data": "-d"}

// ParseFetchArgs parses the words of a fetch command after its name —
// [METHOD] URL and the flags of FetchFlags or FetchFlagAliases, each flag
// and its value as separate words — into the init given to fetch() or
// XMLHttpRequest, with the same checks as a scenario file's fetch line.
// The corsim command line's fetch and explain use it too.
func ParseFetchArgs(args []string) (fetch.RequestInit, error) {
	f, msg := parseFetch(args)
	if msg != "" {
		return fetch.RequestInit{}, errors.New(msg)
	}
	if len(f.ReadHeaders) > 0 {
		// The init has no place for the reads: refuse rather than drop them.
		return fetch.RequestInit{}, errors.New("--read-header works only in a scenario file")
	}
	return f.Init, nil
}

func oneOf[T ~string](flag, v string, allowed ...T) (T, string) {
	for _, a := range allowed {
		if string(a) == v {
			return a, ""
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return "", words.Msg("%s %q: want one of %s", flag, v, strings.Join(names, ", "))
}

// parseFetch parses the fetch command's arguments.
func parseFetch(args []string) (*Fetch, string) {
	f := &Fetch{}
	in := &f.Init
	var (
		positional []string
		data       *string
		msg        string
	)
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			positional = append(positional, a)
			continue
		}
		if canon, ok := FetchFlagAliases[a]; ok {
			a = canon
		}
		switch a {
		case "--xhr":
			if in.Initiator != "" && in.Initiator != fetch.InitiatorXHR {
				return nil, "--xhr and --initiator " + initiatorWord(in.Initiator) + " contradict each other"
			}
			in.Initiator = fetch.InitiatorXHR
			continue
		case "--upload-listeners":
			in.UploadListeners = true
			continue
		}
		if i+1 >= len(args) {
			return nil, fmt.Sprintf("flag %s needs a value", words.Short(a))
		}
		v := args[i+1]
		i++
		switch a {
		case "-X":
			in.Method = v
		case "-H":
			h, ok := parseHeaderFlag(v)
			if !ok {
				return nil, words.Msg("-H %q: want 'Name: value'", v)
			}
			in.Header = append(in.Header, h)
		case "-d":
			data = &v
		case "--body":
			in.Body.Kind, msg = oneOf("--body", v, fetch.BodyText, fetch.BodyURLSearchParams, fetch.BodyFormData, fetch.BodyBlob, fetch.BodyStream, fetch.BodyBytes)
		case "--blob-type":
			in.Body.Type = v
		case "--credentials":
			in.Credentials, msg = oneOf("--credentials", v, fetch.CredentialsOmit, fetch.CredentialsSameOrigin, fetch.CredentialsInclude)
		case "--mode":
			in.Mode, msg = oneOf("--mode", v, fetch.ModeCORS, fetch.ModeNoCORS, fetch.ModeSameOrigin, fetch.ModeNavigate)
		case "--redirect":
			in.Redirect, msg = oneOf("--redirect", v, fetch.RedirectFollow, fetch.RedirectError, fetch.RedirectManual)
		case "--initiator":
			var word string
			word, msg = oneOf("--initiator", v, "fetch", "xhr", "element")
			if msg == "" {
				init := initiatorOf(word)
				if in.Initiator != "" && in.Initiator != init {
					return nil, "--xhr and --initiator " + word + " contradict each other"
				}
				in.Initiator = init
			}
		case "--target-address-space":
			in.TargetAddressSpace = v
		case "--read-header":
			if !policy.IsMethod(v) { // a header name is a token, as a method is
				return nil, words.Msg("--read-header %q: want a header name", v)
			}
			f.ReadHeaders = append(f.ReadHeaders, v)
		case "--referrer-policy":
			in.ReferrerPolicy, msg = oneOf("--referrer-policy", v, fetch.ReferrerNoReferrer, fetch.ReferrerNoReferrerWhenDowngrade,
				fetch.ReferrerSameOrigin, fetch.ReferrerOrigin, fetch.ReferrerStrictOrigin, fetch.ReferrerOriginWhenCrossOrigin,
				fetch.ReferrerStrictOriginWhenCrossOrigin, fetch.ReferrerUnsafeURL)
		case "--cache":
			in.Cache, msg = oneOf("--cache", v, fetch.CacheDefault, fetch.CacheNoStore, fetch.CacheReload, fetch.CacheNoCache, fetch.CacheForceCache, fetch.CacheOnlyIfCached)
		default:
			return nil, fmt.Sprintf("unknown flag %s", words.Short(a))
		}
		if msg != "" {
			return nil, msg
		}
	}
	switch len(positional) {
	case 1:
		in.URL = positional[0]
	case 2:
		if in.Method != "" {
			return nil, "the method is given twice (argument and -X)"
		}
		in.Method, in.URL = positional[0], positional[1]
	default:
		return nil, "usage: fetch [METHOD] URL [flags]"
	}
	if in.URL == "" {
		return nil, "empty URL"
	}
	if data != nil {
		in.Body.Data = *data
		if in.Body.Kind == fetch.BodyNone {
			in.Body.Kind = fetch.BodyText
		}
	}
	if in.Body.Kind != fetch.BodyNone && in.Method == "" {
		in.Method = "POST" // curl: -d implies POST
	}
	if in.Body.Type != "" && in.Body.Kind != fetch.BodyBlob {
		return nil, "--blob-type needs --body blob"
	}
	if in.UploadListeners && in.Initiator != fetch.InitiatorXHR {
		return nil, "--upload-listeners needs --xhr"
	}
	if in.Initiator == fetch.InitiatorElement {
		// An element (<img crossorigin>, <script crossorigin>, <link>)
		// fetches with GET, sets no author header and sends no body; its
		// crossorigin attribute gives mode cors (absent: no-cors) and
		// credentials same-origin (anonymous) or include
		// (use-credentials). See https://html.spec.whatwg.org/#cors-settings-attributes.
		switch {
		case in.Method != "" && in.Method != "GET":
			return nil, "an element request is a GET without a body (an <img>, <script> or <link> cannot send " + in.Method + ")"
		case in.Body.Kind != fetch.BodyNone:
			return nil, "an element request is a GET without a body"
		case len(in.Header) > 0:
			return nil, "an element request has no author headers (-H): only fetch() and XMLHttpRequest can set them"
		case in.Mode != "" && in.Mode != fetch.ModeCORS && in.Mode != fetch.ModeNoCORS:
			return nil, "an element request has mode cors (crossorigin attribute) or no-cors (none)"
		}
	}
	if in.Initiator == fetch.InitiatorXHR {
		// XMLHttpRequest has no mode, redirect or cache option; its
		// credentials are withCredentials: include or same-origin.
		if in.Mode != "" || in.Redirect != "" || in.Cache != "" {
			return nil, "--mode, --redirect and --cache are fetch() options; XMLHttpRequest has none"
		}
		if in.Credentials == fetch.CredentialsOmit {
			return nil, "XMLHttpRequest cannot omit credentials (withCredentials is include or same-origin)"
		}
	}
	return f, ""
}

// parseHeaderFlag parses "Name: value" (curl's -H); "Name;" is an empty
// value. One space or tab after the colon separates name and value; any
// further whitespace is part of the value ('X:  v' is " v"), so a value
// that starts with a space can be written. fetch itself then normalizes
// the value as Headers append does.
func parseHeaderFlag(v string) (policy.Header, bool) {
	if name, ok := strings.CutSuffix(v, ";"); ok && !strings.Contains(name, ":") {
		return policy.Header{Name: strings.TrimSpace(name)}, name != ""
	}
	name, value, ok := strings.Cut(v, ":")
	if !ok || strings.TrimSpace(name) == "" {
		return policy.Header{}, false
	}
	if value != "" && (value[0] == ' ' || value[0] == '\t') {
		value = value[1:]
	}
	return policy.Header{Name: strings.TrimSpace(name), Value: value}, true
}

// String renders the fetch as a command line: "fetch PUT URL -H '…' …".
// Parse gives back an equal Fetch.
func (f *Fetch) String() string {
	in := f.Init
	var b strings.Builder
	b.WriteString("fetch")
	if in.Method != "" {
		b.WriteString(" " + Quote(in.Method))
	}
	b.WriteString(" " + Quote(in.URL))
	for _, h := range in.Header {
		b.WriteString(" -H " + Quote(h.Name+": "+h.Value))
	}
	if in.Body.Kind != fetch.BodyNone {
		if in.Body.Kind != fetch.BodyText {
			b.WriteString(" --body " + string(in.Body.Kind))
		}
		if in.Body.Type != "" {
			b.WriteString(" --blob-type " + Quote(in.Body.Type))
		}
		b.WriteString(" -d " + Quote(in.Body.Data))
	}
	flag := func(name, v string) {
		if v != "" {
			b.WriteString(" " + name + " " + Quote(v))
		}
	}
	flag("--credentials", string(in.Credentials))
	flag("--mode", string(in.Mode))
	flag("--redirect", string(in.Redirect))
	flag("--cache", string(in.Cache))
	flag("--referrer-policy", string(in.ReferrerPolicy))
	for _, n := range f.ReadHeaders {
		flag("--read-header", n)
	}
	switch in.Initiator {
	case fetch.InitiatorXHR:
		b.WriteString(" --xhr")
	case fetch.InitiatorFetch, fetch.InitiatorElement:
		b.WriteString(" --initiator " + initiatorWord(in.Initiator))
	}
	if in.UploadListeners {
		b.WriteString(" --upload-listeners")
	}
	return b.String()
}

// initiatorOf maps an --initiator word to the fetch initiator.
func initiatorOf(word string) fetch.Initiator {
	switch word {
	case "xhr":
		return fetch.InitiatorXHR
	case "element":
		return fetch.InitiatorElement
	}
	return fetch.InitiatorFetch
}

// initiatorWord is the --initiator word of an initiator.
func initiatorWord(i fetch.Initiator) string {
	if i == fetch.InitiatorXHR {
		return "xhr"
	}
	return string(i)
}
