package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// zooEntry is one server of testdata/audit with the header lines that say
// how to audit it.
type zooEntry struct {
	path      string // relative to the module root
	origins   []string
	endpoints []string
	want      []string
}

func readZoo(t *testing.T, dir string) []zooEntry {
	t.Helper()
	root := moduleRoot(t)
	files, err := filepath.Glob(filepath.Join(root, "testdata", "audit", dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no audit zoo under testdata/audit/%s", dir)
	}
	var out []zooEntry
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		z := zooEntry{path: filepath.ToSlash(rel)}
		for _, l := range strings.Split(string(src), "\n") {
			if v, ok := strings.CutPrefix(l, "# audit-origins:"); ok {
				z.origins = strings.Fields(v)
			}
			if v, ok := strings.CutPrefix(l, "# audit-endpoints:"); ok {
				z.endpoints = strings.Fields(v)
			}
			if v, ok := strings.CutPrefix(l, "# audit-want:"); ok {
				z.want = strings.Fields(v)
			}
		}
		if len(z.origins) == 0 || len(z.endpoints) == 0 {
			t.Fatalf("%s: no audit-origins or audit-endpoints line", rel)
		}
		out = append(out, z)
	}
	return out
}

func (z zooEntry) args(extra ...string) []string {
	a := []string{"audit", "--server", z.path, "--mutations", "-1"}
	for _, o := range z.origins {
		a = append(a, "--origin", o)
	}
	a = append(a, extra...)
	return append(a, z.endpoints...)
}

// TestAuditZoo runs corsim audit over the auditor's zoo: every vulnerable
// server is flagged with its class, every correct one passes with exit 0,
// and the reproduction line of every finding (one per class), run as a
// corsim fetch, shows the allowed request the finding claims.
func TestAuditZoo(t *testing.T) {
	for _, z := range readZoo(t, "correct") {
		t.Run("correct/"+filepath.Base(z.path), func(t *testing.T) {
			r := corsim(t, "", z.args("--fail-on", "low")...)
			wantCode(t, r, 0)
			if !strings.Contains(r.stdout, "no findings: every probe was answered") && !strings.Contains(r.stdout, "1 cause(s): 1 info") {
				t.Errorf("a correct server has findings:\n%s", r.stdout)
			}
		})
	}
	for _, z := range readZoo(t, "vulnerable") {
		t.Run("vulnerable/"+filepath.Base(z.path), func(t *testing.T) {
			r := corsim(t, "", z.args("--json", "--fail-on", "info")...)
			if r.code != 0 && r.code != 1 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var rep struct {
				Findings []struct {
					Class, Severity, Repro string
					Browsers               []string
				}
				Broken []struct{ Class string }
			}
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, r.stdout)
			}
			classes := map[string]bool{}
			for _, f := range rep.Findings {
				classes[f.Class] = true
			}
			for _, b := range rep.Broken {
				classes[b.Class] = true
			}
			for _, w := range z.want {
				if !classes[w] {
					t.Errorf("class %s not reported; got %v", w, classes)
				}
			}
			if len(rep.Findings) > 0 && r.code != 1 {
				t.Errorf("findings but exit %d with --fail-on info", r.code)
			}
			// Replay one reproduction per class, whatever its severity:
			// each must show the request it claims the server lets
			// through (a read for critical and high, the reflected
			// method or header for low).
			done := map[string]bool{}
			for _, f := range rep.Findings {
				if f.Repro == "" || done[f.Class] {
					continue
				}
				done[f.Class] = true
				words, err := shellWords(f.Repro)
				if err != nil || len(words) < 2 || words[0] != "corsim" || words[1] != "fetch" {
					t.Errorf("repro %q is not a corsim fetch line", f.Repro)
					continue
				}
				rr := corsim(t, "", words[1:]...)
				wantCode(t, rr, 0)
				if !strings.Contains(rr.stdout, "Verdict: ALLOWED") {
					t.Errorf("repro of %s (%s) does not show the read:\n%s", f.Class, f.Repro, rr.stdout)
				}
			}
		})
	}
}

func TestAuditExitAndErrors(t *testing.T) {
	vuln := []string{"audit", "--origin", "https://www.target.example", "--server", "testdata/audit/vulnerable/reflect_origin.conf", "--mutations", "-1", "https://api.target.example/data"}
	if _, err := os.Stat(filepath.Join(moduleRoot(t), "testdata/audit/vulnerable/reflect_origin.conf")); err != nil {
		t.Skip("no audit zoo")
	}
	wantCode(t, corsim(t, "", vuln...), 1)
	wantCode(t, corsim(t, "", append(vuln, "--fail-on", "none")...), 0)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"audit", "--server", apiConf, "https://api.example/"}, "missing --origin"},
		{[]string{"audit", "--origin", "https://app.example", "--server", apiConf}, "no URL to audit"},
		{[]string{"audit", "--origin", "https://app.example", "https://api.example/"}, "no server"},
		{[]string{"audit", "--origin", "https://app.example", "--server", apiConf, "--fail-on", "severe", "https://api.example/"}, `--fail-on "severe"`},
		{[]string{"audit", "--origin", "app.example", "--server", apiConf, "https://api.example/"}, `own origin "app.example"`},
		{[]string{"audit", "--origin", "https://app.example", "--server", apiConf, "--browser", "mosaic", "https://api.example/"}, `unknown browser "mosaic"`},
		{[]string{"audit", "--origin", "https://app.example", "--server", apiConf, "notaurl"}, `bad URL "notaurl"`},
	} {
		wantOneLineError(t, corsim(t, "", tt.args...), tt.want)
	}
}

// Issue 15: with nothing listening, audit --live printed "no findings"
// and exited 0. It is incomplete now: said first, with the cause, exit 3.
func TestAuditLiveUnreachable(t *testing.T) {
	r := corsim(t, "", "audit", "--origin", "http://localhost:3000", "--live", "--timeout", "2s", "http://127.0.0.1:1/x")
	wantCode(t, r, exitIncomplete)
	if !strings.HasPrefix(r.stdout, "corsim audit: INCOMPLETE: ") || !strings.Contains(r.stdout, "unreachable") || strings.Contains(r.stdout, "no findings:") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "corsim audit: incomplete audit: ") || strings.Contains(r.stderr, "audit: audit:") {
		t.Errorf("stderr: %s", r.stderr)
	}
}

// Ctrl-C during a live audit of a server that does not answer: it stops,
// reports what it has as incomplete, and exits 130.
func TestAuditLiveInterrupt(t *testing.T) {
	got := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case got <- struct{}{}:
		default:
		}
		<-r.Context().Done()
	}))
	defer srv.Close()
	cmd := exec.Command(corsimBin, "audit", "--origin", "http://localhost:3000", "--live", "--timeout", "60s", srv.URL+"/x")
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	<-got
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("exit: %v, want %d\n%s", err, exitInterrupted, out.String())
	}
	if !strings.Contains(out.String(), "INCOMPLETE") || !strings.Contains(out.String(), "interrupted") {
		t.Errorf("stdout:\n%s", out.String())
	}
}

// The text report names the config line responsible, the cookie is shown
// masked, and --mutations is bounded.
func TestAuditConfigLineAndCookie(t *testing.T) {
	r := corsim(t, "", "audit", "--origin", "https://www.target.example", "--server", "testdata/audit/vulnerable/reflect_origin.conf",
		"--cookie", "sid=s3cret", "--mutations", "-1", "https://api.target.example/data")
	wantCode(t, r, exitFail)
	for _, s := range []string{"config     testdata/audit/vulnerable/reflect_origin.conf:7: mistake reflect-origin", "sid=…", "reflects any Origin, with credentials"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "s3cret") {
		t.Errorf("the cookie value is in the report:\n%s", r.stdout)
	}
	wantOneLineError(t, corsim(t, "", "audit", "--origin", "https://www.target.example", "--server", "testdata/audit/vulnerable/reflect_origin.conf",
		"--mutations", "1000000", "https://api.target.example/data"), "--mutations 1000000: at most")
}
