package policy

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMethods(t *testing.T) {
	norm := map[string]string{
		"patch": "patch", "PATCH": "PATCH", "Patch": "Patch", "get": "GET", "Get": "GET",
		"delete": "DELETE", "options": "OPTIONS", "post": "POST", "put": "PUT", "head": "HEAD",
		"connect": "connect", "x-custom": "x-custom",
	}
	for in, want := range norm {
		if got := NormalizeMethod(in); got != want {
			t.Errorf("NormalizeMethod(%q) = %q, want %q", in, got, want)
		}
	}
	for m, want := range map[string]bool{"GET": true, "HEAD": true, "POST": true, "get": false, "Post": false, "PUT": false, "OPTIONS": false} {
		if got := IsCORSSafelistedMethod(m); got != want {
			t.Errorf("IsCORSSafelistedMethod(%q) = %v", m, got)
		}
	}
	for m, want := range map[string]bool{"CONNECT": true, "connect": true, "Trace": true, "track": true, "TRACKS": false, "GET": false} {
		if got := IsForbiddenMethod(m); got != want {
			t.Errorf("IsForbiddenMethod(%q) = %v", m, got)
		}
	}
	for m, want := range map[string]bool{"GET": true, "M-SEARCH": true, "*": true, "": false, "GE T": false, "GET\n": false, "caf\xc3\xa9": false, "a(b)": false} {
		if got := IsMethod(m); got != want {
			t.Errorf("IsMethod(%q) = %v", m, got)
		}
	}
}

func TestForbiddenRequestHeader(t *testing.T) {
	tests := []struct {
		name, value string
		want        bool
	}{
		{"Accept-Charset", "", true}, {"accept-encoding", "", true}, {"Access-Control-Request-Headers", "", true},
		{"ACCESS-CONTROL-REQUEST-METHOD", "", true}, {"Connection", "", true}, {"Content-Length", "", true},
		{"Cookie", "", true}, {"Cookie2", "", true}, {"Date", "", true}, {"DNT", "", true}, {"Expect", "", true},
		{"Host", "", true}, {"Keep-Alive", "", true}, {"Origin", "", true}, {"Referer", "", true},
		{"Set-Cookie", "", true}, {"TE", "", true}, {"Trailer", "", true}, {"Transfer-Encoding", "", true},
		{"Upgrade", "", true}, {"Via", "", true},
		{"Proxy-", "", true}, {"proxy-authorization", "", true}, {"Sec-", "", true}, {"Sec-Fetch-Mode", "", true},
		{"proxy", "", false}, {"proxya", "", false}, {"sec", "", false}, {"secb", "", false},
		{"Accept", "", false}, {"Authorization", "", false}, {"Content-Type", "", false}, {"Referrer", "", false},
		{"X-HTTP-Method-Override", "GET, trace", true}, {"x-http-method", "CONNECT", true},
		{"X-Method-Override", " TrAcK ", true}, {"X-HTTP-Method-Override", "GET, POST", false},
		{"X-HTTP-Method-Override", `"TRACE"`, false}, {"X-HTTP-Method-Override", "TRACE2", false},
		{"X-Other-Override", "TRACE", false},
	}
	for _, tt := range tests {
		if got := IsForbiddenRequestHeader(tt.name, tt.value); got != tt.want {
			t.Errorf("IsForbiddenRequestHeader(%q, %q) = %v, want %v", tt.name, tt.value, got, tt.want)
		}
	}
}

func TestGetDecodeSplit(t *testing.T) {
	tests := map[string][]string{
		"":                     {""},
		"a":                    {"a"},
		" a , b ,":             {"a", "b", ""},
		`"a,b", c`:             {`"a,b"`, "c"},
		`x"a\",b"y, z`:         {`x"a\",b"y`, "z"},
		`"unterminated, still`: {`"unterminated, still`},
		"\ta\t,\t":             {"a", ""},
	}
	for in, want := range tests {
		if diff := cmp.Diff(want, GetDecodeSplit(in)); diff != "" {
			t.Errorf("GetDecodeSplit(%q) (-want +got):\n%s", in, diff)
		}
	}
}

func TestOtherHeaderClasses(t *testing.T) {
	for _, n := range []string{"Set-Cookie", "set-cookie2"} {
		if !IsForbiddenResponseHeaderName(n) {
			t.Errorf("%s not a forbidden response-header name", n)
		}
	}
	if IsForbiddenResponseHeaderName("Cookie") {
		t.Error("Cookie is not a forbidden response-header name")
	}
	for n, want := range map[string]bool{"content-encoding": true, "Content-Language": true, "Content-Location": true, "CONTENT-TYPE": true, "Content-Length": false} {
		if IsRequestBodyHeaderName(n) != want {
			t.Errorf("IsRequestBodyHeaderName(%q) != %v", n, want)
		}
	}
	if !IsCORSNonWildcardRequestHeaderName("authorization") || IsCORSNonWildcardRequestHeaderName("Proxy-Authorization") {
		t.Error("CORS non-wildcard request-header name")
	}
	if !IsPrivilegedNoCORSRequestHeaderName("RANGE") || IsPrivilegedNoCORSRequestHeaderName("Accept") {
		t.Error("privileged no-CORS name")
	}
	for n, want := range map[string]bool{"Accept": true, "accept-language": true, "Content-Language": true, "content-type": true, "Range": false} {
		if IsNoCORSSafelistedRequestHeaderName(n) != want {
			t.Errorf("IsNoCORSSafelistedRequestHeaderName(%q) != %v", n, want)
		}
	}
	if !IsNoCORSSafelistedRequestHeader("Content-Type", "text/plain") ||
		IsNoCORSSafelistedRequestHeader("Content-Type", "application/json") ||
		IsNoCORSSafelistedRequestHeader("Range", "bytes=0-") {
		t.Error("IsNoCORSSafelistedRequestHeader")
	}
	unsafe := `"():<>?@[\]{}` + "\x7f\x00\x08\x0a\x1f"
	for i := 0; i < 256; i++ {
		want := strings.IndexByte(unsafe, byte(i)) >= 0 || (i < 0x20 && i != 0x09)
		if IsCORSUnsafeRequestHeaderByte(byte(i)) != want {
			t.Errorf("IsCORSUnsafeRequestHeaderByte(0x%02X) != %v", i, want)
		}
	}
}

func TestSafelistedRequestHeader(t *testing.T) {
	tests := []struct {
		name, value string
		code        Code // "" = safelisted
	}{
		{"Accept", "*/*", ""},
		{"accept", "text/html, application/json;q=0.9", ""},
		{"ACCEPT", strings.Repeat("a", 128), ""},
		{"Accept", strings.Repeat("a", 129), CodeValueTooLong},
		{"Accept", "a\"b", CodeUnsafeByte},
		{"Accept", "a\tb", ""},
		{"Accept", "a\x7fb", CodeUnsafeByte},
		{"Accept", "\xff", ""},
		{"Accept", "a@b", CodeUnsafeByte},
		{"Accept-Language", "en-US,en;q=0.9", ""},
		{"accept-language", "*", ""},
		{"Accept-Language", "en_US", CodeLanguageByte},
		{"Content-Language", "de-DE", ""},
		{"Content-Language", "de\tDE", CodeLanguageByte},
		{"Content-Language", "", ""},
		{"Content-Type", "text/plain", ""},
		{"Content-Type", "text/plain;charset=utf-8", ""},
		{"Content-Type", "TEXT/PLAIN", ""},
		{"content-type", "Text/Plain;garbage", ""},
		{"Content-Type", "text/plain;", ""},
		{"Content-Type", " multipart/form-data; boundary=x ", ""},
		{"Content-Type", "application/x-www-form-urlencoded", ""},
		{"Content-Type", "text/plain, application/json", CodeContentTypeUnparsable},
		{"Content-Type", "text/plain,", CodeContentTypeUnparsable},
		{"Content-Type", ",text/plain", CodeContentTypeUnparsable},
		{"Content-Type", "text /plain", CodeContentTypeUnparsable},
		{"Content-Type", "text", CodeContentTypeUnparsable},
		{"Content-Type", "", CodeContentTypeUnparsable},
		{"Content-Type", "application/json", CodeContentTypeNotSafelisted},
		{"Content-Type", "text/html", CodeContentTypeNotSafelisted},
		{"Content-Type", "text/plain; charset=\"utf-8\"", CodeUnsafeByte},
		{"Content-Type", "text/plain(x)", CodeUnsafeByte},
		{"Content-Type", "text/plain;" + strings.Repeat("a", 117), ""},
		{"Content-Type", "text/plain;" + strings.Repeat("a", 118), CodeValueTooLong},
		{"Range", "bytes=0-", ""},
		{"range", "bytes=100-200", ""},
		{"Range", "bytes=5-5", ""},
		{"Range", "bytes=-5", CodeRangeNoStart},
		{"Range", "bytes=0-1,2-3", CodeRangeNotSimple},
		{"Range", "bytes=200-100", CodeRangeNotSimple},
		{"Range", "bytes =0-", CodeRangeNotSimple},
		{"Range", "bytes= 0-", CodeRangeNotSimple},
		{"Range", "Bytes=0-", CodeRangeNotSimple},
		{"Range", "bytes=-", CodeRangeNotSimple},
		{"Range", "0-1", CodeRangeNotSimple},
		{"Range", "bytes=" + strings.Repeat("9", 60) + "-", ""},
		{"Authorization", "Bearer x", CodeHeaderNotSafelisted},
		{"X-Requested-With", "XMLHttpRequest", CodeHeaderNotSafelisted},
		{"Last-Event-ID", "1", CodeHeaderNotSafelisted},
		{"DPR", "2", CodeHeaderNotSafelisted},
	}
	for _, tt := range tests {
		err := CheckCORSSafelistedRequestHeader(tt.name, tt.value)
		got := IsCORSSafelistedRequestHeader(tt.name, tt.value)
		if got != (tt.code == "") || (err == nil) != got {
			t.Errorf("(%q, %q): safelisted %v, err %v; want code %q", tt.name, tt.value, got, err, tt.code)
			continue
		}
		var f *Failure
		if err != nil && (!errors.As(err, &f) || f.Code != tt.code || f.Message == "" || !strings.HasPrefix(f.Spec, "https://")) {
			t.Errorf("(%q, %q): failure %#v, want code %q", tt.name, tt.value, err, tt.code)
		}
	}
}

func TestSafelistMessages(t *testing.T) {
	tests := []struct{ name, value, msg string }{
		{"Content-Type", "application/json", "Content-Type essence application/json is not one of application/x-www-form-urlencoded, multipart/form-data, text/plain"},
		{"Content-Type", "APPLICATION/Json; charset=utf-8", "Content-Type essence application/json is not one of application/x-www-form-urlencoded, multipart/form-data, text/plain"},
		{"Accept", strings.Repeat("x", 129), "Accept value is 129 bytes, over the 128-byte limit"},
		{"Accept-Language", "en_US", `Accept-Language value contains the byte '_' (0x5F), outside 0-9 A-Z a-z space * , - . ; =`},
		{"Accept", "a\x01", "Accept value contains the CORS-unsafe request-header byte 0x01"},
		{"Range", "bytes=-5", `Range value "bytes=-5" is a suffix range with no start`},
	}
	for _, tt := range tests {
		err := CheckCORSSafelistedRequestHeader(tt.name, tt.value)
		if err == nil || err.Error() != tt.msg {
			t.Errorf("(%q, %q): message %v, want %q", tt.name, tt.value, err, tt.msg)
		}
	}
}

func TestSafelistExtensions(t *testing.T) {
	s := Safelist{Extra: []SafelistExtension{
		{"DPR", RuleDecimal}, {"Downlink", RuleDecimal}, {"Save-Data", RuleOn},
		{"ECT", RuleEffectiveConnectionType}, {"Device-Memory", RuleDigits}, {"X-Any", RuleAny},
		{"Content-Type", RuleAny},
	}}
	tests := []struct {
		name, value string
		code        Code
	}{
		{"dpr", "2", ""}, {"DPR", "1.5", ""}, {"DPR", "1.", CodeValueNotAllowed}, {"DPR", ".5", CodeValueNotAllowed},
		{"Save-Data", "on", ""}, {"Save-Data", "ON", CodeValueNotAllowed},
		{"ECT", "slow-2g", ""}, {"ECT", "5g", CodeValueNotAllowed},
		{"Device-Memory", "8", ""}, {"Device-Memory", "", CodeValueNotAllowed},
		{"X-Any", strings.Repeat("q", 128), ""}, {"X-Any", strings.Repeat("q", 129), CodeValueTooLong},
		{"Content-Type", "application/json", CodeContentTypeNotSafelisted},
		{"X-Other", "1", CodeHeaderNotSafelisted},
	}
	for _, tt := range tests {
		err := s.Check(tt.name, tt.value)
		var f *Failure
		if (tt.code == "") != (err == nil) || s.IsSafelisted(tt.name, tt.value) != (err == nil) ||
			(err != nil && (!errors.As(err, &f) || f.Code != tt.code)) {
			t.Errorf("extension (%q, %q): %v, want code %q", tt.name, tt.value, err, tt.code)
		}
	}
	if IsCORSSafelistedRequestHeader("DPR", "2") {
		t.Error("the zero Safelist must not safelist DPR")
	}
}

func hl(kv ...string) HeaderList {
	var l HeaderList
	for i := 0; i+1 < len(kv); i += 2 {
		l.Append(kv[i], kv[i+1])
	}
	return l
}

func TestUnsafeRequestHeaderNames(t *testing.T) {
	tests := []struct {
		l    HeaderList
		want []string
	}{
		{nil, nil},
		{hl("Accept", "*/*", "Content-Type", "text/plain"), nil},
		{hl("X-B", "1", "x-a", "2", "X-A", "3", "Content-Type", "application/json"), []string{"content-type", "x-a", "x-b"}},
		{hl("Authorization", "x", "Accept", "*/*"), []string{"authorization"}},
		// Per entry: two Accept entries of 128 bytes are each safelisted.
		{hl("Accept", strings.Repeat("a", 128), "Accept", strings.Repeat("a", 128)), nil},
		{hl("Accept", strings.Repeat("a", 129)), []string{"accept"}},
		// 1024 vs 1025 total.
		{hl("Accept", strings.Repeat("a", 128), "Accept", strings.Repeat("a", 128), "Accept", strings.Repeat("a", 128),
			"Accept", strings.Repeat("a", 128), "Accept-Language", strings.Repeat("a", 128), "Accept-Language", strings.Repeat("a", 128),
			"Content-Language", strings.Repeat("a", 128), "Content-Language", strings.Repeat("a", 128)), nil},
		{hl("Accept", strings.Repeat("a", 128), "Accept", strings.Repeat("a", 128), "Accept", strings.Repeat("a", 128),
			"Accept", strings.Repeat("a", 128), "Accept-Language", strings.Repeat("a", 128), "Accept-Language", strings.Repeat("a", 128),
			"Content-Language", strings.Repeat("a", 128), "Content-Language", strings.Repeat("a", 128), "Range", "bytes=0-",
			"X-Z", strings.Repeat("z", 500)),
			[]string{"accept", "accept-language", "content-language", "range", "x-z"}},
	}
	for i, tt := range tests {
		if diff := cmp.Diff(tt.want, UnsafeRequestHeaderNames(tt.l)); diff != "" {
			t.Errorf("case %d (-want +got):\n%s", i, diff)
		}
	}
}

func TestExplain(t *testing.T) {
	big := strings.Repeat("a", 128)
	l := hl("X-A", "1", "Accept", big, "Accept", big, "Accept", big, "Accept", big,
		"Accept", big, "Accept", big, "Accept", big, "Accept", big, "Accept", "b", "Content-Type", "application/json")
	fs := Safelist{}.Explain(l)
	var codes []Code
	for _, f := range fs {
		codes = append(codes, f.Code)
	}
	want := []Code{CodeHeaderNotSafelisted}
	for i := 0; i < 9; i++ {
		want = append(want, CodeSafelistTotalTooLong)
	}
	want = append(want, CodeContentTypeNotSafelisted)
	if diff := cmp.Diff(want, codes); diff != "" {
		t.Errorf("Explain codes (-want +got):\n%s", diff)
	}
	if !strings.Contains(fs[1].Message, "1025 bytes, over the 1024-byte limit") {
		t.Errorf("total message: %q", fs[1].Message)
	}
	if (Safelist{}).Explain(hl("Accept", "*/*")) != nil {
		t.Error("Explain of a safelisted list is not nil")
	}
}

func TestSortedLowercaseSet(t *testing.T) {
	got := SortedLowercaseSet([]string{"X-B", "x-a", "X-A", "Accept", "x-b", "X-_"})
	if diff := cmp.Diff([]string{"accept", "x-_", "x-a", "x-b"}, got); diff != "" {
		t.Error(diff)
	}
	if SortedLowercaseSet(nil) != nil {
		t.Error("SortedLowercaseSet(nil) != nil")
	}
}
