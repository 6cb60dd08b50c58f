package fetch

import (
	"context"
	"strings"
	"testing"

	"github.com/corsim/corsim/policy"
)

// parseLines reads "Name: value" lines; malformed lines become a header
// with an empty name, which a server may well send.
func parseLines(s string) policy.HeaderList {
	var l policy.HeaderList
	for _, line := range strings.Split(s, "\n") {
		if line == "" {
			continue
		}
		name, value, _ := strings.Cut(line, ":")
		l = append(l, policy.Header{Name: name, Value: strings.TrimSpace(value)})
	}
	return l
}

// FuzzFetch runs the whole pipeline on a fuzzed request and fuzzed server
// answers (the actual answer may redirect, up to a few times): it must
// never panic and must keep the properties of TestFetchProperties.
func FuzzFetch(f *testing.F) {
	f.Add("PUT", "https://api.example/r", "X-A: 1\nContent-Type: application/json", uint8(2),
		204, "Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Methods: PUT\nAccess-Control-Allow-Headers: x-a, content-type\nAccess-Control-Allow-Credentials: true",
		200, "Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Credentials: true")
	f.Add("GET", "https://api.example/r", "", uint8(0), 204, "", 302, "Access-Control-Allow-Origin: *\nLocation: https://b.example/x")
	f.Add("POST", "https://app.example/r", "Content-Type: text/plain", uint8(1), 204, "", 307, "Location: https://api.example/x")
	f.Add("patch", "https://api.example/r?x#f", "Authorization: x", uint8(0), 200, "Access-Control-Allow-Origin: *\nAccess-Control-Allow-Methods: *\nAccess-Control-Allow-Headers: *", 200, "Access-Control-Allow-Origin: *")
	f.Add("GET", "data:text/plain;base64,aGk=", "", uint8(0), 0, "", 0, "")
	f.Fuzz(func(t *testing.T, method, rawURL, reqHeaders string, flags uint8, preStatus int, preHeaders string, actStatus int, actHeaders string) {
		init := RequestInit{
			Method:      method,
			URL:         rawURL,
			Header:      parseLines(reqHeaders),
			Credentials: []CredentialsMode{CredentialsOmit, CredentialsSameOrigin, CredentialsInclude}[flags%3],
			Mode:        []Mode{ModeCORS, ModeNoCORS, ModeSameOrigin, ModeCORS}[(flags/3)%4],
			Redirect:    []RedirectMode{RedirectFollow, RedirectError, RedirectManual}[(flags/12)%3],
		}
		if flags&0x80 != 0 && method != "GET" && method != "HEAD" {
			init.Body = Body{Kind: BodyText, Data: "x"}
		}
		req, err := NewRequest(propClient, init)
		if err != nil {
			if _, ok := err.(*policy.Failure); !ok {
				t.Fatalf("NewRequest error is %T", err)
			}
			return
		}
		pre, act := parseLines(preHeaders), parseLines(actHeaders)
		hops := 0
		tr := TransportFunc(func(_ context.Context, r *WireRequest) (*WireResponse, error) {
			if r.Preflight {
				return &WireResponse{Status: preStatus, Header: pre}, nil
			}
			hops++
			if hops > 3 {
				return &WireResponse{Status: 200, Header: policy.HeaderList{{Name: acao, Value: "*"}}}, nil
			}
			return &WireResponse{Status: actStatus, Header: act}, nil
		})
		fe, _ := newFetcher(Spec, tr)
		res := fe.Fetch(context.Background(), req)
		checkProperties(t, scenario{Init: init}, req, res)
		for _, x := range res.Wire {
			if x.Preflight && (x.Request.Credentials || x.Request.Method != "OPTIONS") {
				t.Fatalf("bad preflight %+v", x.Request)
			}
		}
	})
}
