package browser

import (
	"net/url"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// WebKit's console, from CrossOriginAccessControl.cpp,
// NetworkLoadChecker.cpp and DocumentThreadableLoader::logErrorAndFail
// (browsers.md §3.4, §3.6, §3.7): the error's description (source
// "security"), then "Fetch API cannot load <url> due to access control
// checks." (or "XMLHttpRequest cannot load …"), then the Web Inspector's
// "Failed to load resource: <description>" ([O] in browsers.md §3.7).
//
// Web Inspector prints the same "the server responded with a status
// of N (reason)" line as Chromium for a loaded resource with status
// >= 400 (WebCore's ResourceLoadNotifier; inferred, not observed here).
var webkitDialect = dialect{
	typeError:      "TypeError: Load failed",
	abortError:     "AbortError: Fetch is aborted",
	render:         webkitConsole,
	warn:           func(*Page, *fetch.Result) ([]ConsoleMessage, []Issue) { return nil, nil },
	respond:        statusErrorLine,
	constructError: webkitConstructError,
	// Observed in WebKitGTK 2.50 (scenarios/xhr-url-credentials): the
	// response URL is the request's, whose userinfo was stripped.
	xhrURLWithoutUserinfo: true,
}

// webkitConstructError is the exception fetch() throws in WebKit for a
// request that cannot be built, as observed in WebKitGTK 2.50 (the
// conformance suite; FetchRequest.cpp). XMLHttpRequest and failures
// without an observed text keep corsim's wording.
func webkitConstructError(init fetch.Initiator, f *policy.Failure, rawURL string) string {
	if init == fetch.InitiatorXHR {
		return genericConstructError(init, f, rawURL)
	}
	switch f.Code {
	case fetch.CodeForbiddenMethod:
		return "TypeError: Method is forbidden."
	case fetch.CodeNoCORSUnsafeMethod:
		return "TypeError: Method must be GET, POST or HEAD in no-cors mode."
	case fetch.CodeBodyWithGetOrHead:
		return "TypeError: Request has method '" + f.Subject + "' and cannot have a body"
	case CodeNavigateMode:
		return "TypeError: Request constructor does not accept navigate fetch mode."
	case fetch.CodeURLHasCredentials:
		return "TypeError: URL is not valid or contains user credentials."
	}
	return genericConstructError(init, f, rawURL)
}

func webkitConsole(c *blockContext) []ConsoleMessage {
	if msgs, ok := webkitGate(c); ok {
		return msgs
	}
	// "Fetch API cannot load …", "XMLHttpRequest cannot load …"; an
	// element request is modelled as an image: "Cannot load image …"
	// (browsers.md §3.7).
	api := "Fetch API cannot load "
	switch c.initiator {
	case fetch.InitiatorXHR:
		api = "XMLHttpRequest cannot load "
	case fetch.InitiatorElement:
		api = "Cannot load image "
	}
	desc := ""
	switch c.code {
	case fetch.CodeAborted:
		return nil
	case fetch.CodeTransportError:
		// CFNetwork's descriptions [O]; Safari reports a failed
		// cross-origin load "due to access control checks" too.
		switch c.netErrorKind() {
		case ErrNameNotResolved:
			desc = "A server with the specified hostname could not be found."
		default:
			desc = "Could not connect to the server."
		}
		last := api + c.url + "."
		if c.tainting == fetch.TaintingCORS {
			last = api + c.url + " due to access control checks."
		}
		return []ConsoleMessage{
			{Level: LevelError, Source: "network", Text: "Failed to load resource: " + desc},
			{Level: LevelError, Source: "javascript", Text: last},
		}
	case fetch.CodeSameOriginModeCrossOrigin:
		if c.redirected {
			// Observed in WebKitGTK 2.50 (scenarios/redirect-errors-chromium):
			// a redirect to another origin is refused by the network
			// process's load checker, which names the page's origin, then
			// the access-control line for the redirect's target.
			return []ConsoleMessage{
				{Level: LevelError, Source: "security", Text: "Unsafe attempt to load URL " + c.url + " from origin " + c.origin + ". Domains, protocols and ports must match."},
				{Level: LevelError, Source: "javascript", Text: api + c.url + " due to access control checks."},
			}
		}
		// Observed in WebKitGTK 2.50: a cross-origin URL is refused before
		// any request, with one line and no description (the load
		// checker's "Unsafe attempt to load URL …" does not show).
		return []ConsoleMessage{{Level: LevelError, Source: "javascript", Text: api + c.url + "."}}
	case fetch.CodeSchemeNotHTTP, fetch.CodeSchemeNotSupported:
		desc = "Cross origin requests are only supported for HTTP." // [U] not in browsers.md
	case fetch.CodePreflightStatusNotOK, fetch.CodePreflightRedirect:
		desc = "Preflight response is not successful. Status code: " + c.status()
	case policy.CodeWildcardOriginWithCredentials:
		desc = "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."
	case policy.CodeMissingAllowOrigin, policy.CodeAllowOriginMismatch:
		if v := c.acao(); c.code == policy.CodeAllowOriginMismatch && containsComma(v) {
			desc = "Access-Control-Allow-Origin cannot contain more than one origin."
		} else {
			// WebKit has no separate text for a missing header; after a
			// tainting redirect its origin is a unique one, "null"
			// (browsers.md §3.6).
			origin := c.origin
			if c.tainted {
				origin = "null"
			}
			desc = "Origin " + origin + " is not allowed by Access-Control-Allow-Origin. Status code: " + c.status()
		}
	case policy.CodeAllowCredentialsNotTrue:
		desc = `Credentials flag is true, but Access-Control-Allow-Credentials is not "true".`
	case fetch.CodeInvalidAllowMethods:
		v, _ := c.header("Access-Control-Allow-Methods")
		desc = "Header Access-Control-Allow-Methods has an invalid value: " + v
	case fetch.CodeInvalidAllowHeaders:
		v, _ := c.header("Access-Control-Allow-Headers")
		desc = "Header Access-Control-Allow-Headers has an invalid value: " + v
	case policy.CodeMethodNotAllowed, policy.CodeWildcardMethodWithCredentials:
		desc = "Method " + c.method + " is not allowed by Access-Control-Allow-Methods."
	case policy.CodeHeaderNotAllowed, policy.CodeWildcardHeaderWithCredentials, policy.CodeAuthorizationNotAllowed:
		// The name as the script spelled it (browsers.md §3.4).
		desc = "Request header field " + c.disallowedHeader() + " is not allowed by Access-Control-Allow-Headers."
	case fetch.CodeRedirectModeError:
		desc = "Not allowed to follow a redirection while loading " + c.url
	case fetch.CodeRedirectLimit:
		desc = "Load cannot follow more than 20 redirections"
	case fetch.CodeRedirectSchemeNotHTTP:
		desc = "Cross-origin redirection to " + c.redirectTarget() + " denied by Cross-Origin Resource Sharing policy: not allowed to follow a cross-origin CORS redirection with non CORS scheme"
	case fetch.CodeRedirectHasCredentials:
		// Observed in WebKitGTK 2.50 (issue 12 item 12): the redirect is
		// refused, same-origin or not; the first URL is the redirect
		// request's, whose userinfo WebKit's network stack has already
		// stripped, the second the Location as sent.
		loc := c.redirectTarget()
		desc = "Cross-origin redirection to " + withoutUserinfo(loc) + " denied by Cross-Origin Resource Sharing policy: redirection URL " + loc + " has credentials"
	default:
		desc = c.err.Message
	}
	// checkRedirection: a redirect response failing the CORS check
	// (browsers.md §3.6).
	if !c.preflight && isCORSCheckCode(c.code) {
		if to := c.redirectTarget(); to != "" {
			desc = "Cross-origin redirection to " + to + " denied by Cross-Origin Resource Sharing policy: " + desc
		}
	}
	return []ConsoleMessage{
		{Level: LevelError, Source: "security", Text: desc},
		{Level: LevelError, Source: "javascript", Text: api + c.url + " due to access control checks."},
		{Level: LevelError, Source: "network", Text: "Failed to load resource: " + desc},
	}
}

func containsComma(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			return true
		}
	}
	return false
}

// withoutUserinfo is u with its username and password removed ("" → "").
func withoutUserinfo(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.User == nil {
		return u
	}
	p.User = nil
	return p.String()
}
