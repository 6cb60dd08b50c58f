package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/sim/server"
)

var own = []string{"https://www.target.example"}

func TestClassify(t *testing.T) {
	tests := []struct {
		origin string
		want   Class
	}{
		{"null", ClassTrustNull},
		{"https://evil.example", ClassReflectOrigin},
		{"https://www.target.example.evil.example", ClassPrefixMatch},
		{"https://www.target.exampleevil.example", ClassPrefixMatch},
		{"https://www.target.example!.evil.example", ClassSpecialChars},
		{"https://evilwww.target.example", ClassSuffixMatch},
		{"https://wwwxtarget.example", ClassNotEscapeDot},
		{"https://www.targetaexample", ClassNotEscapeDot},
		{"https://arget.example", ClassIncludeMatch},
		{"https://www.target.exampl", ClassIncludeMatch},
		{"https://evil.www.target.example", ClassAnySubdomain},
		{"https://evil.target.example", ClassAnySubdomain},
		{"http://www.target.example", ClassHTTPSTrustHTTP},
		{"http://evil.www.target.example", ClassHTTPSTrustHTTP},
		{"http://localhost:3000", ClassLocalhost},
		{"http://127.0.0.1", ClassLocalhost},
		{"https://www.target.example%0d.evil.example", ClassCRLF},
		{"https://xtarget.examplex.evil", ClassMutated},
		{"https://wWw.target.example", ClassMutated}, // not another port
		{"https://www.target.example:8443", ClassPortVariant},
	}
	for _, tc := range tests {
		if got := Classify(own, tc.origin); got != tc.want {
			t.Errorf("Classify(%q) = %s, want %s", tc.origin, got, tc.want)
		}
	}
}

func TestAccepts(t *testing.T) {
	names := []string{"spec", "chromium", "firefox", "webkit"}
	const m, i, sp = SourceMeasured, SourceInferred, SourceSpec
	tests := []struct {
		origin string
		want   []bool   // spec, chromium, firefox, webkit
		source []string // of firefox and webkit; nil: spec for both
	}{
		{"null", []bool{true, true, true, true}, nil},
		{"https://evil.example", []bool{true, true, true, true}, nil},
		{"https://www.target.example_.evil.example", []bool{true, true, true, true}, []string{m, m}},
		{"https://www.target.example$.evil.example", []bool{true, true, true, true}, []string{m, m}},
		{"https://www.target.example!.evil.example", []bool{true, true, false, true}, []string{m, m}},
		{"https://www.target.example*.evil.example", []bool{true, false, false, true}, []string{m, m}},
		{"https://www.target.example;.evil.example", []bool{true, true, false, false}, []string{m, m}},
		{"https://www.target.example\".evil.example", []bool{true, true, false, false}, []string{m, m}},
		{"https://www.target.example`.evil.example", []bool{true, true, false, true}, []string{i, i}},
		{"https://www.target.example`_.evil.example", []bool{true, true, false, true}, []string{i, i}},
		{"https://www.target.example`!.evil.example", []bool{true, true, false, true}, []string{m, i}}, // "!" settles Firefox
		{"https://www.target.example^.evil.example", []bool{false, false, false, false}, nil},          // forbidden host code point
		{"https://WWW.target.example", []bool{false, false, false, false}, nil},                        // never serialized upper-case
		{"https://www.target.example:443", []bool{false, false, false, false}, nil},
		{"https://www.target.example\r.evil.example", []bool{false, false, false, false}, nil},
	}
	for _, tc := range tests {
		got := Accepts(tc.origin, names)
		for k, a := range got {
			if a.Profile != names[k] || a.Accepts != tc.want[k] {
				t.Errorf("Accepts(%q)[%s] = %v (%s), want %v", tc.origin, names[k], a.Accepts, a.Source, tc.want[k])
			}
		}
		want := []string{sp, sp}
		if tc.source != nil {
			want = tc.source
		}
		if got[2].Source != want[0] || got[3].Source != want[1] {
			t.Errorf("Accepts(%q): sources firefox %s, webkit %s; want %s, %s", tc.origin, got[2].Source, got[3].Source, want[0], want[1])
		}
	}
}

func TestCatalogueCoversEveryClass(t *testing.T) {
	got := map[Class]int{}
	for _, c := range Catalogue(own, "") {
		got[c.Class]++
		if trusts([]base{mustBase(t, own[0])}, c.Origin) {
			t.Errorf("catalogue origin %q is the site's own", c.Origin)
		}
	}
	for _, c := range []Class{ClassReflectOrigin, ClassTrustNull, ClassPrefixMatch, ClassSuffixMatch, ClassNotEscapeDot,
		ClassIncludeMatch, ClassAnySubdomain, ClassHTTPSTrustHTTP, ClassSpecialChars, ClassThirdParty, ClassLocalhost, ClassCRLF} {
		if got[c] == 0 {
			t.Errorf("no candidate of class %s", c)
		}
	}
}

func mustBase(t *testing.T, s string) base {
	b, ok := parseOwn(s)
	if !ok {
		t.Fatalf("parseOwn(%q) failed", s)
	}
	return b
}

func TestMutationsDeterministic(t *testing.T) {
	a := Mutations(own, 40, 7, "")
	b := Mutations(own, 40, 7, "")
	c := Mutations(own, 40, 8, "")
	if len(a) < 30 {
		t.Fatalf("only %d mutations", len(a))
	}
	if !slices.Equal(a, b) {
		t.Errorf("same seed, different mutations")
	}
	if slices.Equal(a, c) {
		t.Errorf("different seeds, same mutations")
	}
}

func TestTrustsPattern(t *testing.T) {
	bs := []base{mustBase(t, "https://*.target.example")}
	for o, want := range map[string]bool{
		"https://a.target.example":     true,
		"https://a.b.target.example":   true,
		"https://target.example":       false,
		"http://a.target.example":      false,
		"https://a.target.example:444": false,
		"https://eviltarget.example":   false,
	} {
		if got := trusts(bs, o); got != want {
			t.Errorf("trusts(%q) = %v, want %v", o, got, want)
		}
	}
}

func TestSeverity(t *testing.T) {
	for s := SeverityNone; s <= SeverityCritical; s++ {
		p, err := ParseSeverity(strings.ToUpper(s.String()))
		if err != nil || p != s {
			t.Errorf("ParseSeverity(%q) = %v, %v", s, p, err)
		}
	}
	if _, err := ParseSeverity("urgent"); err == nil {
		t.Error("ParseSeverity(urgent) succeeded")
	}
	r := &Report{Findings: []Finding{{Severity: SeverityHigh}, {Severity: SeverityLow}}}
	for th, want := range map[Severity]bool{SeverityNone: false, SeverityLow: true, SeverityHigh: true, SeverityCritical: false} {
		if got := r.Fails(th); got != want {
			t.Errorf("Fails(%s) = %v, want %v", th, got, want)
		}
	}
}

func auditConfig(t testing.TB, src string, opts Options) *Report {
	t.Helper()
	c, err := server.ParseConfig("test.conf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Audit(context.Background(), Target{Transport: c.Server(), Origins: own,
		Endpoints: []string{"https://api.target.example/data"}, Server: "--server test.conf"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestReportRenderers(t *testing.T) {
	rep := auditConfig(t, "origins https://www.target.example\ncredentials true\nmistake trust-null no-vary\n", Options{})
	if rep.Max() != SeverityCritical {
		t.Fatalf("max severity %s, want critical", rep.Max())
	}
	var f *Finding
	for i := range rep.Findings {
		if rep.Findings[i].Class == ClassTrustNull {
			f = &rep.Findings[i]
		}
	}
	if f == nil || !f.Credentialed || f.Preflighted || len(f.Browsers) != 4 {
		t.Fatalf("trust_null finding = %+v", f)
	}
	want := "corsim fetch --from null --credentials include --server test.conf https://api.target.example/data"
	if f.Repro != want {
		t.Errorf("repro = %q, want %q", f.Repro, want)
	}
	var tb bytes.Buffer
	if err := rep.WriteTable(&tb); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"CRITICAL  accepts the origin null, with credentials  [trust_null]", "[missing_vary]", want} {
		if !strings.Contains(tb.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, tb.String())
		}
	}
	var jb bytes.Buffer
	if err := rep.WriteJSON(&jb); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(jb.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Findings) != len(rep.Findings) || back.Findings[0].Severity != rep.Findings[0].Severity {
		t.Errorf("JSON round trip lost findings")
	}
	if !strings.Contains(jb.String(), `"severity": "critical"`) {
		t.Errorf("JSON severity is not a name:\n%s", jb.String())
	}
}

// A PUT API whose CORS layer answers only preflights and PUTs (the
// simple GET never carries CORS headers) is only exploitable with a
// preflighted PUT; the auditor finds the method in Allow and probes with
// it. Before issue 15 it probed with GET alone and found nothing.
func TestPreflightOnlyReflection(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := r.Header.Get("Origin")
		if o == "" && r.Method == http.MethodOptions {
			w.Header().Set("Allow", "PUT, OPTIONS")
			return
		}
		if r.Method == http.MethodOptions || r.Method == http.MethodPut || o == own[0] {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Methods", "PUT")
			w.Header().Set("Vary", "Origin")
		}
	})
	rep, err := Audit(context.Background(), Target{Transport: server.FromHandler(h), Origins: own,
		Endpoints: []string{"https://api.target.example/"}}, Options{Mutations: -1, Unsafe: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range rep.Findings {
		if !f.Preflighted || f.Credentialed || f.Severity != SeverityHigh || !strings.Contains(f.Repro, "-X PUT") {
			t.Errorf("finding %+v: want an uncredentialed preflighted PUT", f)
		}
	}
}

func TestAuditErrors(t *testing.T) {
	tr := server.FromHandler(http.NotFoundHandler())
	for _, tc := range []Target{
		{},
		{Transport: tr, Origins: own},
		{Transport: tr, Origins: []string{"https://x.example/"}, Endpoints: []string{"https://api.example/"}},
		{Transport: tr, Origins: own, Endpoints: []string{"ftp://api.example/"}},
	} {
		if _, err := Audit(context.Background(), tc, Options{}); err == nil {
			t.Errorf("Audit(%+v) succeeded", tc)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Audit(ctx, Target{Transport: tr, Origins: own, Endpoints: []string{"https://api.example/"}}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled audit: %v", err)
	}
}

// The auditor never lets an actual request with an unsafe method through
// unless asked.
func TestUnsafeGuard(t *testing.T) {
	var got []string
	next := fetch.TransportFunc(func(_ context.Context, r *fetch.WireRequest) (*fetch.WireResponse, error) {
		got = append(got, r.Method)
		return &fetch.WireResponse{Status: 200}, nil
	})
	m := newProbeTransport(context.Background(), next, nil, &Options{})
	u := mustURL(t, "https://api.example/")
	if _, err := m.RoundTrip(context.Background(), &fetch.WireRequest{Method: "DELETE", URL: u}); !errors.Is(err, errUnsafeNotSent) {
		t.Errorf("DELETE: %v", err)
	}
	if _, err := m.RoundTrip(context.Background(), &fetch.WireRequest{Method: "OPTIONS", URL: u, Preflight: true}); err != nil {
		t.Errorf("preflight: %v", err)
	}
	m.unsafe = true
	if _, err := m.RoundTrip(context.Background(), &fetch.WireRequest{Method: "DELETE", URL: u}); err != nil {
		t.Errorf("DELETE with Unsafe: %v", err)
	}
	if !slices.Equal(got, []string{"OPTIONS", "DELETE"}) {
		t.Errorf("sent %v", got)
	}
}
