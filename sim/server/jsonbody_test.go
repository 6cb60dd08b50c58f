package server

import (
	"encoding/json"
	"testing"

	"pgregory.net/rapid"
)

// anyString draws a valid UTF-8 string or arbitrary bytes (invalid UTF-8,
// control bytes, quotes, HTML-unsafe characters).
var anyString = rapid.OneOf(
	rapid.String(),
	rapid.Map(rapid.SliceOf(rapid.Byte()), func(b []byte) string { return string(b) }),
	rapid.SampledFrom([]string{"/a<b>&c", `"q"\`, "\u2028\u2029", "\x7f", "\xff", "/items/1", "PUT"}),
)

// TestJSONBodyMatchesMarshal: the hand-written JSON body is byte for byte
// what json.Marshal writes for the same map[string]string plus a newline,
// for any strings.
func TestJSONBodyMatchesMarshal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k1 := rapid.StringMatching(`[a-z]{1,8}`).Draw(t, "k1")
		v1 := anyString.Draw(t, "v1")
		m := map[string]string{k1: v1}
		var a answer
		if rapid.Bool().Draw(t, "two") {
			k2 := rapid.StringMatching(`[a-z]{1,8}`).Filter(func(k string) bool { return k > k1 }).Draw(t, "k2")
			v2 := anyString.Draw(t, "v2")
			m[k2] = v2
			a.jsonBody(k1, v1, k2, v2)
		} else {
			a.jsonBody(k1, v1, "", "")
		}
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, '\n')
		if string(a.body) != string(want) {
			t.Fatalf("jsonBody = %q, json.Marshal = %q", a.body, want)
		}
		if len(a.header) != 1 || a.header[0].Name != "Content-Type" || a.header[0].Value != "application/json" {
			t.Fatalf("header = %v", a.header)
		}
	})
}
