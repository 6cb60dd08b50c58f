package browser

import (
	"github.com/corsim/corsim/cookie"
	"github.com/corsim/corsim/fetch"
)

// firefoxCookieLines are the console lines Firefox 153 ESR logs for the
// Set-Cookie lines of the responses, in order (observed by the Firefox
// conformance suite, testdata/scenarios/cookie-*): a rejection under the
// cookiesRejection or cookieSameSite category, and, for a cookie stored
// in a third-party context's partition without Partitioned, the
// cookiesCHIPS warning. Rejections without an observed text log nothing
// here.
func firefoxCookieLines(res *fetch.Result) []ConsoleMessage {
	var out []ConsoleMessage
	for _, x := range res.Wire {
		for _, s := range x.SetCookies {
			if m, ok := firefoxSetCookieLine(s); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

func firefoxSetCookieLine(s cookie.StoreResult) (ConsoleMessage, bool) {
	if f := s.Rejected; f != nil {
		q := "Cookie “" + f.Subject + "”"
		switch f.Code {
		case cookie.CodeSetCookiePrefix:
			return ConsoleMessage{Level: LevelError, Source: "cookiesRejection", Text: q + " has been rejected for invalid prefix."}, true
		case cookie.CodeSetCookieSecureOnly:
			return ConsoleMessage{Level: LevelError, Source: "cookiesRejection", Text: q + " has been rejected because a non-HTTPS cookie can’t be set as “secure”."}, true
		case cookie.CodeSetCookieNoneInsecure:
			return ConsoleMessage{Level: LevelError, Source: "cookieSameSite", Text: q + " rejected because it has the “SameSite=None” attribute but is missing the “secure” attribute."}, true
		}
		return ConsoleMessage{}, false
	}
	if c := s.Cookie; c != nil && !s.Deleted && c.Partition != "" && !c.Partitioned {
		// The closing quote after Partitioned is “ in Firefox's text.
		return ConsoleMessage{Level: LevelWarning, Source: "cookiesCHIPS",
			Text: "Cookie “" + c.Name + "” will soon be rejected because it is foreign and does not have the “Partitioned“ attribute."}, true
	}
	return ConsoleMessage{}, false
}
