package policy

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func failCode(err error) Code {
	var f *Failure
	if errors.As(err, &f) {
		return f.Code
	}
	if err != nil {
		return "not-a-failure"
	}
	return ""
}

func TestCORSCheck(t *testing.T) {
	const origin = "https://a.example"
	tests := []struct {
		name  string
		l     HeaderList
		reqO  string
		creds bool
		code  Code
	}{
		{"exact", hl("Access-Control-Allow-Origin", origin), origin, false, ""},
		{"star", hl("Access-Control-Allow-Origin", "*"), origin, false, ""},
		{"star with spaces", hl("Access-Control-Allow-Origin", "  * "), origin, false, ""},
		{"star+acac", hl("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Credentials", "true"), origin, false, ""},
		{"star creds", hl("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Credentials", "true"), origin, true, CodeWildcardOriginWithCredentials},
		{"missing", hl("Access-Control-Allow-Credentials", "true"), origin, false, CodeMissingAllowOrigin},
		{"trailing slash", hl("Access-Control-Allow-Origin", "https://a.example/"), origin, false, CodeAllowOriginMismatch},
		{"list", hl("Access-Control-Allow-Origin", "https://a.example, https://b.example"), origin, false, CodeAllowOriginMismatch},
		{"two lines", hl("access-control-allow-origin", origin, "Access-Control-Allow-Origin", origin), origin, false, CodeAllowOriginMismatch},
		{"two stars", hl("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Origin", "*"), origin, false, CodeAllowOriginMismatch},
		{"uppercase", hl("Access-Control-Allow-Origin", "HTTPS://A.EXAMPLE"), origin, false, CodeAllowOriginMismatch},
		{"default port", hl("Access-Control-Allow-Origin", "https://a.example:443"), origin, false, CodeAllowOriginMismatch},
		{"null vs tuple", hl("Access-Control-Allow-Origin", "null"), origin, false, CodeAllowOriginMismatch},
		{"null vs null", hl("Access-Control-Allow-Origin", "null"), "null", false, ""},
		{"null vs null creds", hl("Access-Control-Allow-Origin", "null", "Access-Control-Allow-Credentials", "true"), "null", true, ""},
		{"creds true", hl("Access-Control-Allow-Origin", origin, "Access-Control-Allow-Credentials", "true"), origin, true, ""},
		{"creds True", hl("Access-Control-Allow-Origin", origin, "Access-Control-Allow-Credentials", "True"), origin, true, CodeAllowCredentialsNotTrue},
		{"creds quoted", hl("Access-Control-Allow-Origin", origin, "Access-Control-Allow-Credentials", `"true"`), origin, true, CodeAllowCredentialsNotTrue},
		{"creds 1", hl("Access-Control-Allow-Origin", origin, "Access-Control-Allow-Credentials", "1"), origin, true, CodeAllowCredentialsNotTrue},
		{"creds twice", hl("Access-Control-Allow-Origin", origin, "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Credentials", "true"), origin, true, CodeAllowCredentialsNotTrue},
		{"creds absent", hl("Access-Control-Allow-Origin", origin), origin, true, CodeAllowCredentialsNotTrue},
		{"acac ignored without creds", hl("Access-Control-Allow-Origin", origin, "Access-Control-Allow-Credentials", "True"), origin, false, ""},
	}
	for _, tt := range tests {
		if got := failCode(CORSCheck(tt.l, tt.reqO, tt.creds)); got != tt.code {
			t.Errorf("%s: code %q, want %q", tt.name, got, tt.code)
		}
	}
}

func TestCORSCheckMessages(t *testing.T) {
	tests := []struct {
		l        HeaderList
		reqO     string
		creds    bool
		subject  string
		contains string
	}{
		{hl("Access-Control-Allow-Origin", "*"), "https://a.example", true, "*",
			"Access-Control-Allow-Origin is * but the request's credentials mode is include"},
		{hl("Access-Control-Allow-Origin", "https://a.example/"), "https://a.example", false, "https://a.example/", `trailing "/"`},
		{hl("Access-Control-Allow-Origin", "HTTPS://A.EXAMPLE"), "https://a.example", false, "HTTPS://A.EXAMPLE", "letter case"},
		{hl("Access-Control-Allow-Origin", "https://a.example:443"), "https://a.example", false, "https://a.example:443", "default port"},
		{hl("Access-Control-Allow-Origin", "https://a.example, https://b.example"), "https://a.example", false, "https://a.example, https://b.example", "several"},
		{hl("Access-Control-Allow-Origin", "https://a.example", "Access-Control-Allow-Credentials", "True"), "https://a.example", true, "True", "case-sensitive"},
	}
	for _, tt := range tests {
		var f *Failure
		if err := CORSCheck(tt.l, tt.reqO, tt.creds); !errors.As(err, &f) || f.Subject != tt.subject ||
			!strings.Contains(f.Message, tt.contains) || f.Spec != "https://fetch.spec.whatwg.org/#concept-cors-check" {
			t.Errorf("%v: %#v; want subject %q and message containing %q", tt.l, err, tt.subject, tt.contains)
		}
	}
}

func TestExtractHeaderListValues(t *testing.T) {
	tests := []struct {
		l       HeaderList
		want    []string
		present bool
		bad     string
	}{
		{nil, nil, false, ""},
		{hl("Access-Control-Allow-Methods", "PUT, DELETE"), []string{"PUT", "DELETE"}, true, ""},
		{hl("Access-Control-Allow-Methods", ",a, ,b,"), []string{"a", "b"}, true, ""},
		{hl("Access-Control-Allow-Methods", ""), nil, true, ""},
		{hl("Access-Control-Allow-Methods", "PUT", "access-control-allow-methods", "PATCH,\tX"), []string{"PUT", "PATCH", "X"}, true, ""},
		{hl("Access-Control-Allow-Methods", "PUT", "Access-Control-Allow-Methods", "Bad method"), nil, true, "Bad method"},
		{hl("Access-Control-Allow-Methods", "PUT;x"), nil, true, "PUT;x"},
		{hl("Access-Control-Allow-Methods", `"PUT"`), nil, true, `"PUT"`},
		{hl("Access-Control-Allow-Methods", "*"), []string{"*"}, true, ""},
		{hl("Other", "x"), nil, false, ""},
	}
	for _, tt := range tests {
		got, present, err := ExtractHeaderListValues(tt.l, "Access-Control-Allow-Methods")
		if present != tt.present || !cmp.Equal(got, tt.want) {
			t.Errorf("%v: %q %v, want %q %v", tt.l, got, present, tt.want, tt.present)
		}
		var f *Failure
		if tt.bad == "" && err != nil || tt.bad != "" && (!errors.As(err, &f) || f.Subject != tt.bad || f.Code != CodeInvalidHeaderList) {
			t.Errorf("%v: err %#v, want subject %q", tt.l, err, tt.bad)
		}
	}
}

func TestParseMaxAge(t *testing.T) {
	tests := []struct {
		l    HeaderList
		kind MaxAgeKind
		secs int64
	}{
		{nil, MaxAgeAbsent, 0},
		{hl("Access-Control-Max-Age", "600"), MaxAgeValue, 600},
		{hl("access-control-max-age", " 600 "), MaxAgeValue, 600},
		{hl("Access-Control-Max-Age", "0"), MaxAgeZero, 0},
		{hl("Access-Control-Max-Age", "000"), MaxAgeZero, 0},
		{hl("Access-Control-Max-Age", "-1"), MaxAgeNegative, -1},
		{hl("Access-Control-Max-Age", "-0"), MaxAgeNegative, 0},
		{hl("Access-Control-Max-Age", "+5"), MaxAgeInvalid, 0},
		{hl("Access-Control-Max-Age", "1.5"), MaxAgeInvalid, 0},
		{hl("Access-Control-Max-Age", ""), MaxAgeEmpty, 0},
		{hl("Access-Control-Max-Age", " \t "), MaxAgeEmpty, 0},
		{hl("Access-Control-Max-Age", "", "Access-Control-Max-Age", ""), MaxAgeInvalid, 0},
		{hl("Access-Control-Max-Age", "-"), MaxAgeInvalid, 0},
		{hl("Access-Control-Max-Age", "5s"), MaxAgeInvalid, 0},
		{hl("Access-Control-Max-Age", "99999999999999999999999"), MaxAgeValue, MaxAgeOverflow},
		{hl("Access-Control-Max-Age", "2147483648"), MaxAgeValue, MaxAgeOverflow},
		{hl("Access-Control-Max-Age", "2147483647"), MaxAgeValue, 2147483647},
		{hl("Access-Control-Max-Age", "-99999999999"), MaxAgeNegative, -MaxAgeOverflow},
		{hl("Access-Control-Max-Age", "5", "Access-Control-Max-Age", "5"), MaxAgeInvalid, 0},
	}
	for _, tt := range tests {
		m := ParseMaxAge(tt.l)
		if m.Kind != tt.kind || m.Seconds != tt.secs {
			t.Errorf("%v: %+v, want %v %d", tt.l, m, tt.kind, tt.secs)
		}
	}
	if got := ParseMaxAge(hl("Access-Control-Max-Age", "5", "Access-Control-Max-Age", "6")).Raw; got != "5, 6" {
		t.Errorf("Raw of two lines = %q", got)
	}
	for v, want := range map[string]int64{"600": 600, "0": 0, "-1": 5, "x": 5, "": 5} {
		if got := ParseMaxAgeValue(v).SpecSeconds(); got != want {
			t.Errorf("SpecSeconds(%q) = %d, want %d", v, got, want)
		}
	}
	if (MaxAge{}).SpecSeconds() != 5 || MaxAgeNegative.String() != "negative" || MaxAgeEmpty.String() != "empty" {
		t.Error("absent max-age / kind name")
	}
}

func TestCheckPreflightMethod(t *testing.T) {
	tests := []struct {
		method  string
		allowed []string
		creds   bool
		code    Code
	}{
		{"PUT", []string{"PUT"}, true, ""},
		{"GET", nil, true, ""},
		{"POST", []string{"PUT"}, false, ""},
		{"PUT", nil, false, CodeMethodNotAllowed},
		{"patch", []string{"PATCH"}, false, CodeMethodNotAllowed},
		{"PATCH", []string{"PATCH"}, false, ""},
		{"DELETE", []string{"*"}, false, ""},
		{"DELETE", []string{"*"}, true, CodeWildcardMethodWithCredentials},
		{"*", []string{"*"}, true, ""},
	}
	for _, tt := range tests {
		if got := failCode(CheckPreflightMethod(tt.method, tt.allowed, tt.creds)); got != tt.code {
			t.Errorf("CheckPreflightMethod(%q, %q, %v) = %q, want %q", tt.method, tt.allowed, tt.creds, got, tt.code)
		}
	}
	err := CheckPreflightMethod("patch", []string{"PATCH"}, false)
	if !strings.Contains(err.Error(), "case") {
		t.Errorf("case hint missing: %v", err)
	}
}

func TestCheckPreflightHeaders(t *testing.T) {
	auth := hl("Authorization", "Bearer x", "X-A", "1")
	unsafe := []string{"authorization", "x-a"}
	tests := []struct {
		l         HeaderList
		unsafe    []string
		allowed   []string
		creds, wc bool
		code      Code
	}{
		{hl("X-A", "1"), []string{"x-a"}, []string{"X-A"}, false, false, ""},
		{hl("X-A", "1"), []string{"x-a"}, []string{"x-b"}, false, false, CodeHeaderNotAllowed},
		{hl("X-A", "1"), []string{"x-a"}, []string{"*"}, false, false, ""},
		{hl("X-A", "1"), []string{"x-a"}, []string{"*"}, true, false, CodeWildcardHeaderWithCredentials},
		{auth, unsafe, []string{"*"}, false, false, CodeAuthorizationNotAllowed},
		{auth, unsafe, []string{"*", "authorization"}, false, false, ""},
		{auth, unsafe, []string{"Authorization", "x-a"}, true, false, ""},
		{auth, unsafe, []string{"*"}, false, true, ""},
		{auth, unsafe, []string{"*"}, true, true, CodeWildcardHeaderWithCredentials},
		{nil, nil, nil, true, false, ""},
	}
	for i, tt := range tests {
		if got := failCode(CheckPreflightHeaders(tt.l, tt.unsafe, tt.allowed, tt.creds, tt.wc)); got != tt.code {
			t.Errorf("case %d: %q, want %q", i, got, tt.code)
		}
	}
}

func TestExposedHeaders(t *testing.T) {
	resp := hl("Content-Type", "text/plain", "X-A", "1", "x-a", "2", "Set-Cookie", "s=1", "Access-Control-Expose-Headers", "*", "ETag", "e")
	tests := []struct {
		l     HeaderList
		creds bool
		want  []string
	}{
		{resp, false, []string{"Content-Type", "X-A", "Set-Cookie", "Access-Control-Expose-Headers", "ETag"}},
		{resp, true, []string{"*"}},
		{hl("Access-Control-Expose-Headers", "bb-8, no no"), false, nil},
		{hl("Access-Control-Expose-Headers", ", bb-8", "Access-Control-Expose-Headers", ""), false, []string{"bb-8"}},
		{hl("X", "1"), false, nil},
	}
	for i, tt := range tests {
		if diff := cmp.Diff(tt.want, ExposedHeaderNames(tt.l, tt.creds)); diff != "" {
			t.Errorf("case %d (-want +got):\n%s", i, diff)
		}
	}
	exposed := ExposedHeaderNames(resp, false)
	got := FilterCORSResponseHeaders(resp, exposed)
	want := hl("Content-Type", "text/plain", "X-A", "1", "x-a", "2", "Access-Control-Expose-Headers", "*", "ETag", "e")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FilterCORSResponseHeaders (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(hl("Content-Length", "3", "Cache-Control", "x"),
		FilterCORSResponseHeaders(hl("Content-Length", "3", "Server", "s", "Cache-Control", "x", "Age", "1"), nil)); diff != "" {
		t.Errorf("fixed safelist (-want +got):\n%s", diff)
	}
	if IsCORSSafelistedResponseHeaderName("Set-Cookie2", []string{"set-cookie2"}) || !IsCORSSafelistedResponseHeaderName("x-a", []string{"X-A"}) {
		t.Error("IsCORSSafelistedResponseHeaderName")
	}
	if diff := cmp.Diff(hl("A", "1"), FilterBasicResponseHeaders(hl("Set-Cookie", "a", "A", "1", "set-cookie2", "b"))); diff != "" {
		t.Error(diff)
	}
}

func TestStatuses(t *testing.T) {
	for s := 0; s < 700; s++ {
		if IsOKStatus(s) != (s >= 200 && s < 300) {
			t.Errorf("IsOKStatus(%d)", s)
		}
		redirect := s == 301 || s == 302 || s == 303 || s == 307 || s == 308
		if IsRedirectStatus(s) != redirect {
			t.Errorf("IsRedirectStatus(%d)", s)
		}
		null := s == 101 || s == 103 || s == 204 || s == 205 || s == 304
		if IsNullBodyStatus(s) != null {
			t.Errorf("IsNullBodyStatus(%d)", s)
		}
	}
}

func TestMIMEType(t *testing.T) {
	tests := []struct{ in, want string }{ // want "" = failure
		{"text/plain", "text/plain"},
		{" TEXT/PLAIN ", "text/plain"},
		{"text/plain;charset=UTF-8", "text/plain;charset=UTF-8"},
		{"text/plain; CHARSET=utf-8; charset=latin1", "text/plain;charset=utf-8"},
		{`text/plain;charset="a\"b";x=y`, `text/plain;charset="a\"b";x=y`},
		{`text/plain;charset="utf-8" junk;x=1`, "text/plain;charset=utf-8;x=1"},
		{"text/plain;x=;y", "text/plain"},
		{`text/plain;x=""`, `text/plain;x=""`},
		{"text/plain;garbage", "text/plain"},
		{"text/plain;", "text/plain"},
		{"text/plain ;x=1", "text/plain;x=1"},
		{"text/plain;x=a b", `text/plain;x="a b"`},
		{"text/plain,", ""}, {",text/plain", ""}, {"text /plain", ""}, {"text/ plain", ""},
		{"/plain", ""}, {"text/", ""}, {"text", ""}, {"", ""}, {"text/plain, application/json", ""},
	}
	for _, tt := range tests {
		m, err := ParseMIMEType(tt.in)
		if tt.want == "" {
			if failCode(err) != CodeInvalidMIMEType {
				t.Errorf("ParseMIMEType(%q) = %v, %v; want failure", tt.in, m, err)
			}
			continue
		}
		if err != nil || m.String() != tt.want {
			t.Errorf("ParseMIMEType(%q) = %q, %v; want %q", tt.in, m, err, tt.want)
		}
	}
	m, _ := ParseMIMEType("Multipart/Form-Data; boundary=x")
	if m.Essence() != "multipart/form-data" {
		t.Errorf("Essence = %q", m.Essence())
	}
}

func TestParseSingleRange(t *testing.T) {
	tests := []struct {
		in   string
		ws   bool
		want string // "" = failure
	}{
		{"bytes=0-", false, "bytes=0-"},
		{"bytes=-5", false, "bytes=-5"},
		{"bytes=100-200", false, "bytes=100-200"},
		{"bytes=007-8", false, "bytes=7-8"},
		{"bytes=5-5", false, "bytes=5-5"},
		{"bytes=0-1,2-3", false, ""},
		{"bytes=200-100", false, ""},
		{"bytes=-", false, ""},
		{"bytes=", false, ""},
		{"bytes = 1 - 2", false, ""},
		{"bytes = 1 - 2", true, "bytes=1-2"},
		{"bytes=1-2 ", true, ""},
		{"bytes 100-200", false, ""},
		{"Bytes=1-2", false, ""},
		{"MB=1-2", false, ""},
		{"bytes=abc-def", false, ""},
		{"bytes=99999999999999999999-99999999999999999998", false, ""},
	}
	for _, tt := range tests {
		r, err := ParseSingleRange(tt.in, tt.ws)
		if tt.want == "" {
			if failCode(err) != CodeInvalidRange {
				t.Errorf("ParseSingleRange(%q, %v) = %v, %v; want failure", tt.in, tt.ws, r, err)
			}
			continue
		}
		if err != nil || r.String() != tt.want {
			t.Errorf("ParseSingleRange(%q, %v) = %q, %v; want %q", tt.in, tt.ws, r, err, tt.want)
		}
	}
}
