package audit

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/sim/server"
)

// allowing returns an in-process API that allows, with credentials, the
// origins ok accepts, on the methods of allow (Allow line of a plain
// OPTIONS); a preflight asking for a header other than Content-Type is
// refused with 403 and no CORS headers, as gorilla/handlers does.
func allowing(ok func(origin string) bool, allow string) fetch.Transport {
	return server.FromHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := r.Header.Get("Origin")
		if r.Method == http.MethodOptions && o == "" {
			w.Header().Set("Allow", allow)
			return
		}
		if r.Method == http.MethodOptions {
			if h := r.Header.Get("Access-Control-Request-Headers"); h != "" && !strings.EqualFold(h, "content-type") {
				w.WriteHeader(http.StatusForbidden)
				return
			}
		}
		if ok(o) {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.Header().Set("Access-Control-Allow-Methods", allow)
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
			w.Header().Set("Vary", "Origin")
		}
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
		}
	}))
}

func auditT(t *testing.T, tr fetch.Transport, origins []string, opts Options) *Report {
	t.Helper()
	opts.Unsafe = true
	rep, err := Audit(context.Background(), Target{Transport: tr, Origins: origins, Endpoints: []string{"https://api.target.example/data"}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func findingOf(rep *Report, c Class) *Finding {
	for i := range rep.Findings {
		if rep.Findings[i].Class == c {
			return &rep.Findings[i]
		}
	}
	return nil
}

// Issue 15: the X-Corsim-Audit probe header was refused by correct
// allow-lists (gorilla/handlers answers 403), so correct servers were
// listed as broken. The probes now carry only what a front end sends.
func TestCorrectStrictServerIsNotBroken(t *testing.T) {
	rep := auditT(t, allowing(func(o string) bool { return o == own[0] }, "GET, POST"), own, Options{})
	if len(rep.Broken) > 0 || rep.Max() > SeverityInfo {
		t.Errorf("a correct strict server: broken %+v, findings %+v", rep.Broken, rep.Findings)
	}
}

// Issue 15: a POST-only GraphQL endpoint whose CORS layer answers only POST
// and OPTIONS was never seen by GET probes.
func TestPostOnlyEndpoint(t *testing.T) {
	inner := allowing(func(string) bool { return true }, "POST")
	tr := fetch.TransportFunc(func(ctx context.Context, r *fetch.WireRequest) (*fetch.WireResponse, error) {
		if r.Method == http.MethodGet {
			return &fetch.WireResponse{Status: 405, Header: nil}, nil
		}
		return inner.RoundTrip(ctx, r)
	})
	rep := auditT(t, tr, own, Options{Mutations: -1})
	f := findingOf(rep, ClassReflectOrigin)
	if f == nil || f.Severity != SeverityCritical || !strings.Contains(f.Repro, "-X POST") {
		t.Fatalf("POST-only reflecting endpoint: %+v", rep.Findings)
	}
}

// Each class the catalogue gained in issue 15, with a server that has
// exactly that mistake: the finding's class and the cause's title.
func TestNewClasses(t *testing.T) {
	unescaped := regexp.MustCompile(`^https://[a-z]+.target.example$`)
	tests := []struct {
		name    string
		origins []string
		ok      func(string) bool
		want    Class
	}{
		{"port ignored", own, func(o string) bool {
			return o == own[0] || strings.HasPrefix(o, own[0]+":")
		}, ClassPortVariant},
		{"third party: pages.dev", own, func(o string) bool {
			return o == own[0] || strings.HasSuffix(o, ".pages.dev")
		}, ClassThirdParty},
		{"third party: cloudfront", own, func(o string) bool {
			return o == own[0] || strings.HasSuffix(o, ".cloudfront.net")
		}, ClassThirdParty},
		{"vite dev server", own, func(o string) bool {
			return o == own[0] || o == "http://localhost:5173"
		}, ClassLocalhost},
		{"suffix of the API's own host", own, func(o string) bool {
			return o == own[0] || strings.HasSuffix(o, "api.target.example")
		}, ClassSuffixMatch},
		{"pattern with an unescaped dot", []string{"https://*.target.example"}, unescaped.MatchString, ClassNotEscapeDot},
		{"pattern unanchored at the end", []string{"https://*.target.example"},
			regexp.MustCompile(`^https://[a-z]+\.target\.example`).MatchString, ClassPrefixMatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := auditT(t, allowing(tc.ok, "GET"), tc.origins, Options{Mutations: -1})
			if got := rep.Classes(); !slices.Contains(got, tc.want) {
				t.Errorf("classes %v, want %s", got, tc.want)
			}
			if f := findingOf(rep, tc.want); f != nil && (f.Title != causeTitles[tc.want]+", with credentials" || f.EvidenceCount == 0) {
				t.Errorf("finding %+v", f)
			}
			if slices.Contains(rep.Classes(), ClassAnySubdomain) && tc.want == ClassPortVariant {
				t.Errorf("a port-ignoring server labelled any subdomain")
			}
		})
	}
}

func TestCatalogueCoverage(t *testing.T) {
	got := map[string]Class{}
	for _, c := range Catalogue(own, "") {
		got[c.Origin] = c.Class
	}
	for _, o := range []string{"https://evil.cloudfront.net", "https://evil.pages.dev", "https://evil.gitlab.io",
		"https://evil.vercel.app", "https://evil.netlify.app", "https://evil.azurewebsites.net", "https://evil.appspot.com",
		"https://evil.firebaseapp.com", "https://evil.ngrok-free.app", "https://evil.ngrok.io", "https://whatever.github.io",
		"https://evil.herokuapp.com"} {
		if got[o] != ClassThirdParty {
			t.Errorf("%s: %q, want %s", o, got[o], ClassThirdParty)
		}
	}
	for _, p := range []string{"3000", "3001", "4200", "5173", "8000", "8080", "8081"} {
		if got["http://localhost:"+p] != ClassLocalhost || got["http://127.0.0.1:"+p] != ClassLocalhost {
			t.Errorf("dev port %s missing", p)
		}
	}
	if got["https://www.target.example:8443"] != ClassPortVariant {
		t.Errorf("no port variant")
	}
	if Classify(own, "https://www.target.example:8443") != ClassPortVariant {
		t.Errorf("Classify: port variant")
	}
}

// A server that takes Access-Control-Allow-Origin from Referer when the
// Origin is absent.
func TestRefererDerivedACAO(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := r.Header.Get("Origin")
		if o == "" {
			if ref := r.Header.Get("Referer"); ref != "" {
				o = ref[:strings.Index(ref[8:], "/")+8]
			}
		}
		if o == own[0] || r.Header.Get("Origin") == "" && o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
		}
	})
	rep := auditT(t, server.FromHandler(h), own, Options{Mutations: -1})
	if f := findingOf(rep, ClassRefererOrigin); f == nil || f.Severity != SeverityLow {
		t.Errorf("findings %+v", rep.Findings)
	}
}

// Issue 15: one reflecting server gave 113 critical rows. It is one cause
// now, with the origins as evidence and its reproduction.
func TestReflectionIsOneCause(t *testing.T) {
	rep := auditConfig(t, "origins https://www.target.example\ncredentials true\nmistake reflect-origin\n", Options{})
	var trust []Finding
	for _, f := range rep.Findings {
		if f.Severity >= SeverityHigh {
			trust = append(trust, f)
		}
	}
	if len(trust) != 1 || trust[0].Class != ClassReflectOrigin || trust[0].EvidenceCount < 100 || len(trust[0].Evidence) != maxEvidence ||
		trust[0].Title != "reflects any Origin, with credentials" {
		t.Fatalf("origin-trust findings: %+v", trust)
	}
	if n := strings.Count(table(t, rep), "\n"); n > 20 {
		t.Errorf("the table of one reflecting server has %d lines:\n%s", n, table(t, rep))
	}
}

// The special-characters cause says which engines send such an origin,
// and on what evidence.
func TestSpecialCharsNamesEngines(t *testing.T) {
	hostRe := regexp.MustCompile(`^https://([a-z0-9.-]+)`)
	tr := allowing(func(o string) bool {
		m := hostRe.FindStringSubmatch(o)
		return m != nil && m[1] == "www.target.example"
	}, "GET")
	rep := auditT(t, tr, own, Options{Mutations: -1})
	f := findingOf(rep, ClassSpecialChars)
	if f == nil {
		t.Fatalf("no special-characters finding: %+v", rep.Classes())
	}
	for _, s := range []string{"chromium (measured)", "firefox (measured)", "webkit (measured)", "browsers that send such an Origin"} {
		if !strings.Contains(f.Detail, s) {
			t.Errorf("detail %q lacks %q", f.Detail, s)
		}
	}
}

// The user's header lines reach the server; the cookie only on
// credentialed requests; reproductions mask both.
func TestHeadersAndCookie(t *testing.T) {
	var sawKey, sawCookieAnon, sawCookieCred atomic32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") == "k3y" {
			sawKey.set()
		}
		if r.Header.Get("Cookie") == "sid=s3cret" {
			if r.Header.Get("Access-Control-Request-Method") != "" {
				sawCookieAnon.set() // a preflight never carries credentials
			} else {
				sawCookieCred.set()
			}
		}
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		w.Header().Set("Access-Control-Allow-Credentials", "true")
	})
	rep := auditT(t, server.FromHandler(h), own, Options{Mutations: -1,
		Header: []policyHeader{{Name: "X-Api-Key", Value: "k3y"}}, Cookie: "sid=s3cret"})
	if !sawKey.get() || !sawCookieCred.get() || sawCookieAnon.get() {
		t.Errorf("key %v, cookie on credentialed %v, cookie on a preflight %v", sawKey.get(), sawCookieCred.get(), sawCookieAnon.get())
	}
	f := findingOf(rep, ClassReflectOrigin)
	if f == nil || strings.Contains(f.Repro, "s3cret") || strings.Contains(f.Repro, "k3y") || !strings.Contains(f.Repro, "sid=…") {
		t.Errorf("repro %q", f.Repro)
	}
}

func TestMutationsBounded(t *testing.T) {
	rep := auditConfig(t, "origins https://www.target.example\n", Options{Mutations: 1 << 30})
	if rep.Candidates > len(Catalogue(own, ""))+MaxMutations+200 {
		t.Errorf("%d candidates for --mutations 2^30", rep.Candidates)
	}
}

// The probes carry the Referer a page sends (its origin and "/"), so a
// server that allows whatever page the Referer names is caught like a
// reflecting one. Before issue 15 the probes had no Referer and this
// server looked correct.
func TestRefererCarried(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ref := r.Header.Get("Referer"); ref != "" {
			w.Header().Set("Access-Control-Allow-Origin", strings.TrimSuffix(ref, "/"))
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
	})
	rep := auditT(t, server.FromHandler(h), own, Options{Mutations: -1})
	if f := findingOf(rep, ClassReflectOrigin); f == nil || f.Severity != SeverityCritical {
		t.Errorf("findings %v", rep.Classes())
	}
}

// A prefix match explains the other-port and special-character origins
// that start with the trusted origin: one cause, not three.
// Likewise a substring match explains the apex domain.
func TestPrefixMatchIsOneCause(t *testing.T) {
	for mistake, want := range map[string]Class{"prefix-match": ClassPrefixMatch, "substring-match": ClassIncludeMatch} {
		rep := auditConfig(t, "origins https://www.target.example\ncredentials true\nmistake "+mistake+"\n", Options{})
		var causes []Class
		for _, f := range rep.Findings {
			if f.Severity >= SeverityHigh {
				causes = append(causes, f.Class)
			}
		}
		if !slices.Equal(causes, []Class{want}) {
			t.Errorf("%s: causes %v, want [%s]", mistake, causes, want)
		}
	}
}

// Without sending unsafe methods, a PUT the preflight lets through is
// judged on the preflight alone, and the report counts what was held
// back.
func TestUnsafeHeldBack(t *testing.T) {
	var puts atomic32
	inner := allowing(func(string) bool { return true }, "PUT")
	tr := fetch.TransportFunc(func(ctx context.Context, r *fetch.WireRequest) (*fetch.WireResponse, error) {
		switch r.Method {
		case http.MethodPut:
			puts.set()
		case http.MethodGet:
			return &fetch.WireResponse{Status: 405}, nil // a PUT API
		}
		return inner.RoundTrip(ctx, r)
	})
	rep, err := Audit(context.Background(), Target{Transport: tr, Origins: own, Endpoints: []string{"https://api.target.example/data"}},
		Options{Mutations: -1, Methods: []string{"PUT"}})
	if err != nil {
		t.Fatal(err)
	}
	if puts.get() || rep.HeldBack == 0 {
		t.Errorf("PUT sent %v, held back %d", puts.get(), rep.HeldBack)
	}
	f := findingOf(rep, ClassReflectOrigin)
	if f == nil || !strings.Contains(f.Detail, "seen in the CORS-preflight only: the actual PUT was not sent") {
		t.Fatalf("finding %+v", f)
	}
	if !strings.Contains(table(t, rep), "request(s) with unsafe methods were not sent (add --send-unsafe") {
		t.Errorf("table:\n%s", table(t, rep))
	}
}
