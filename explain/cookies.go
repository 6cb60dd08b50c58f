package explain

import (
	"strings"

	"github.com/corsim/corsim/fetch"
)

// Cookie outcomes in CookieNote.Outcome.
const (
	CookieSent     = "sent"
	CookieWithheld = "withheld"
	CookieStored   = "stored"
	CookieDeleted  = "deleted"
	CookieRejected = "rejected"
)

// CookieNote is what the browser did with one cookie on one hop: a stored
// cookie the request carried or withheld, or a Set-Cookie line of the
// response it stored or rejected (https://fetch.spec.whatwg.org/#cookies).
type CookieNote struct {
	// Hop is the index in the URL list of the URL requested.
	Hop int
	// Name is the cookie's name ("" when a Set-Cookie line did not parse).
	Name string
	// Outcome is CookieSent, CookieWithheld, CookieStored, CookieDeleted or
	// CookieRejected.
	Outcome string
	// Partition is the top-level site whose jar holds the cookie, "" for
	// the first-party jar.
	Partition string
	// Codes are the stable codes of the reasons (withheld, rejected).
	Codes []string
	// DevTools are Chromium's DevTools names of the reasons, where known.
	DevTools []string
	// Spec is the anchor of the first reason, or of the step.
	Spec string
	// Text says it in a sentence.
	Text string
}

// cookieNotes lists, hop by hop, the cookies each request carried or
// withheld and what became of the Set-Cookie lines of each response.
func cookieNotes(res *fetch.Result) []CookieNote {
	if res == nil {
		return nil
	}
	var out []CookieNote
	for _, x := range res.Wire {
		if c := x.Cookies; c != nil && x.Request != nil && x.Request.Credentials {
			for _, s := range c.Sent {
				out = append(out, CookieNote{Hop: x.Hop, Name: s.Name, Outcome: CookieSent, Partition: s.Partition,
					Spec: "https://fetch.spec.whatwg.org/#concept-http-network-or-cache-fetch",
					Text: "The request carries the cookie " + s.Name + inPartition(s.Partition) + "."})
			}
		}
		if c := x.Cookies; c != nil {
			for _, w := range c.Withheld {
				n := CookieNote{Hop: x.Hop, Name: w.Cookie.Name, Outcome: CookieWithheld, Partition: w.Cookie.Partition, DevTools: nonEmpty(w.DevToolsReasons)}
				var why []string
				for _, f := range w.Reasons {
					n.Codes = append(n.Codes, string(f.Code))
					why = append(why, f.Message)
					if n.Spec == "" {
						n.Spec = f.Spec
					}
				}
				n.Text = "The cookie " + w.Cookie.Name + inPartition(w.Cookie.Partition) + " is withheld: " + strings.Join(why, "; ") + "."
				out = append(out, n)
			}
		}
		for _, s := range x.SetCookies {
			n := CookieNote{Hop: x.Hop, Spec: "https://fetch.spec.whatwg.org/#concept-http-network-fetch"}
			switch {
			case s.Rejected != nil:
				n.Name, n.Outcome, n.Spec = s.Rejected.Subject, CookieRejected, s.Rejected.Spec
				if n.Name == "" {
					n.Name = lineName(s.Line)
				}
				n.Codes = []string{string(s.Rejected.Code)}
				n.DevTools = nonEmpty([]string{s.DevToolsReason})
				n.Text = "Set-Cookie: " + s.Line + " is rejected: " + s.Rejected.Message + "."
			case s.Deleted:
				n.Name, n.Outcome = s.Cookie.Name, CookieDeleted
				n.Text = "Set-Cookie: " + s.Line + " deletes the cookie " + s.Cookie.Name + "."
			case s.Cookie != nil:
				n.Name, n.Outcome, n.Partition = s.Cookie.Name, CookieStored, s.Cookie.Partition
				n.Text = "Set-Cookie: " + s.Line + " is stored" + inPartition(s.Cookie.Partition) + "."
			}
			out = append(out, n)
		}
	}
	return out
}

// Cookies returns the cookie notes of the first browser's run (a fetch
// explained in one browser, as a scenario step is), nil for none.
func (e *Explanation) Cookies() []CookieNote {
	if e == nil || len(e.Runs) == 0 {
		return nil
	}
	return e.Runs[0].Cookies
}

// lineName is the name part of a Set-Cookie line, as far as it can be
// read without parsing the line: the text before the first "=", trimmed,
// or "" when there is none.
func lineName(line string) string {
	pair, _, _ := strings.Cut(line, ";")
	name, _, ok := strings.Cut(pair, "=")
	if !ok {
		return ""
	}
	return strings.TrimSpace(name)
}

func inPartition(p string) string {
	if p == "" {
		return ""
	}
	return " (in the jar partitioned for " + p + ")"
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
