package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestFetchCookieFlag: --cookie seeds the jar; WebKit sends it cross-site,
// Chromium withholds it and says why; the value never reaches the output.
func TestFetchCookieFlag(t *testing.T) {
	r := corsim(t, "", "fetch", "https://api.example/items", "--from", "https://app.example", "--server", apiConf,
		"--credentials", "include", "--browser", "chromium,webkit", "--cookie", "sid=s3cr3t-value; SameSite=None; Secure")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "s3cr3t-value") {
		t.Errorf("the cookie's value is printed:\n%s", r.stdout)
	}
	for _, want := range []string{"Cookie: sid=<masked>", "The cookie sid is withheld: the request is third-party"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	j := corsim(t, "", "fetch", "https://api.example/items", "--from", "https://app.example", "--server", apiConf,
		"--credentials", "include", "--browser", "webkit", "--json", "--cookie", "sid=s3cr3t-value")
	if strings.Contains(j.stdout, "s3cr3t-value") || !strings.Contains(j.stdout, `"value": "sid=<masked>"`) {
		t.Errorf("JSON shows the value or lacks the masked Cookie header:\n%s", j.stdout)
	}
	bad := corsim(t, "", "fetch", "https://api.example/items", "--from", "https://app.example", "--server", apiConf, "--cookie", "novalue")
	if bad.code != exitUsage || !strings.Contains(bad.stderr, "--cookie") {
		t.Errorf("a --cookie without '=': exit %d, stderr %q", bad.code, bad.stderr)
	}
}

// TestAllowCookieFlag: allow sends the Cookie header to the server and
// masks its value in what it prints.
func TestAllowCookieFlag(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Cookie")
		w.Header().Set("Allow", "GET, OPTIONS")
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	r := corsim(t, "", "allow", "--cookie", "sid=s3cr3t-value", "--cookie", "b=2", srv.URL+"/items")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if got != "sid=s3cr3t-value; b=2" {
		t.Errorf("server got Cookie %q", got)
	}
	if strings.Contains(r.stdout, "s3cr3t-value") || !strings.Contains(r.stdout, "sid=<masked>") {
		t.Errorf("output shows the value or not the masked cookie:\n%s", r.stdout)
	}
}
