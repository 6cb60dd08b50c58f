package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// docField is one row of a field table in docs/json-schema.md.
type docField struct {
	name     string
	optional bool
}

// docTables reads the field tables ("### Name" then "| `field` | type |
// meaning |" rows) of the part of docs/json-schema.md under the "## "
// heading that contains section.
func docTables(t *testing.T, section string) map[string][]docField {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(moduleRoot(t), "docs", "json-schema.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| `([A-Za-z]+)` \\| ([^|]*) \\|")
	tables := map[string][]docField{}
	in, table := false, ""
	for _, l := range strings.Split(string(src), "\n") {
		switch {
		case strings.HasPrefix(l, "## "):
			in = strings.Contains(l, section)
			table = ""
		case in && strings.HasPrefix(l, "### "):
			table = strings.TrimSpace(strings.TrimPrefix(l, "### "))
		case in && table != "":
			if m := row.FindStringSubmatch(l); m != nil {
				tables[table] = append(tables[table], docField{m[1], strings.Contains(m[2], "optional")})
			}
		}
	}
	if len(tables) == 0 {
		t.Fatalf("docs/json-schema.md has no field tables under a heading with %q", section)
	}
	return tables
}

// checkDocumented checks objects of one kind against its table: every
// field the table does not mark optional is in every object, and every
// field of every object is in the table.
func checkDocumented(t *testing.T, kind string, fields []docField, objects []map[string]any) {
	t.Helper()
	if len(objects) == 0 {
		t.Errorf("%s: no object of this kind in the sample output; the test cannot check it", kind)
		return
	}
	documented := map[string]bool{}
	for _, f := range fields {
		documented[f.name] = true
		if f.optional {
			continue
		}
		for _, o := range objects {
			if _, ok := o[f.name]; !ok {
				t.Errorf("%s: documented field %q is missing from %v", kind, f.name, keys(o))
			}
		}
	}
	for _, o := range objects {
		for k := range o {
			if !documented[k] {
				t.Errorf("%s: field %q is printed but not documented in docs/json-schema.md", kind, k)
			}
		}
	}
}

func keys(o map[string]any) []string {
	var ks []string
	for k := range o {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// objects returns the JSON objects of v (one object, or the objects of an
// array).
func objects(v any) []map[string]any {
	switch v := v.(type) {
	case map[string]any:
		return []map[string]any{v}
	case []any:
		var out []map[string]any
		for _, e := range v {
			if o, ok := e.(map[string]any); ok {
				out = append(out, o)
			}
		}
		return out
	}
	return nil
}

func decodeObject(t *testing.T, r result) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	return doc
}

// TestAllowJSONDocumented checks `corsim allow --json` against its part
// of docs/json-schema.md: the schema identifier and every field.
func TestAllowJSONDocumented(t *testing.T) {
	tables := docTables(t, "corsim.allow/v1")
	// A 405 without Allow (a problem) that sends CORS headers unasked (a
	// note), and a well-behaved answer.
	canned := filepath.Join(t.TempDir(), "405.txtar")
	if err := os.WriteFile(canned, []byte("-- OPTIONS /x --\nHTTP/1.1 405 Method Not Allowed\nAccess-Control-Allow-Origin: *\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	for _, args := range [][]string{
		{"allow", "--json", "-H", "X-Probe: 1", "https://api.example/items/42", "--server", apiConf},
		{"allow", "--json", "https://api.example/x", "--server", canned},
	} {
		r := corsim(t, "", args...)
		if r.code != exitOK && r.code != exitFail {
			t.Fatalf("corsim %q: exit %d: %s", args, r.code, r.stderr)
		}
		docs = append(docs, decodeObject(t, r))
	}
	var req, resp, notes []map[string]any
	for _, d := range docs {
		if d["schema"] != allowSchema || allowSchema != "corsim.allow/v1" {
			t.Errorf("schema %v, want %q", d["schema"], "corsim.allow/v1")
		}
		req = append(req, objects(d["request"])...)
		resp = append(resp, objects(d["response"])...)
		notes = append(notes, objects(d["problems"])...)
		notes = append(notes, objects(d["notes"])...)
	}
	checkDocumented(t, "Allow", tables["Allow"], docs)
	checkDocumented(t, "AllowRequest", tables["AllowRequest"], req)
	checkDocumented(t, "AllowResponse", tables["AllowResponse"], resp)
	checkDocumented(t, "Note", tables["Note"], notes)
	for _, h := range objects(resp[0]["headers"]) {
		if _, ok := h["name"]; !ok {
			t.Errorf("a response header is not a {name, value} object: %v", h)
		}
	}
}

// TestAuditJSONDocumented checks `corsim audit --json` against its part
// of docs/json-schema.md, on a vulnerable server (findings with their
// acceptance) and a correct one (empty lists are [], not null).
func TestAuditJSONDocumented(t *testing.T) {
	tables := docTables(t, "corsim.audit/v1")
	var docs, findings, acceptance, failures []map[string]any
	for _, conf := range []string{"testdata/audit/vulnerable/reflect_origin.conf", "testdata/audit/correct/exact_list.conf", "live"} {
		args := []string{"audit", "--json", "--origin", "https://www.target.example", "--server", conf, "https://api.target.example/data"}
		if conf == "live" { // nothing listens on port 1: an incomplete audit
			args = []string{"audit", "--json", "--origin", "https://www.target.example", "--live", "--timeout", "2s", "http://127.0.0.1:1/data"}
		}
		r := corsim(t, "", args...)
		if r.code != exitOK && r.code != exitFail && (conf != "live" || r.code != exitIncomplete) {
			t.Fatalf("audit %s: exit %d: %s", conf, r.code, r.stderr)
		}
		d := decodeObject(t, r)
		if d["schema"] != auditSchema || auditSchema != "corsim.audit/v1" {
			t.Errorf("schema %v, want %q", d["schema"], "corsim.audit/v1")
		}
		for _, list := range []string{"findings", "broken", "notes"} {
			if _, isList := d[list].([]any); !isList {
				t.Errorf("%s: %q is %v, want a list", conf, list, d[list])
			}
			for _, f := range objects(d[list]) {
				findings = append(findings, f)
				acceptance = append(acceptance, objects(f["acceptance"])...)
			}
		}
		if _, isList := d["failures"].([]any); !isList {
			t.Errorf("%s: \"failures\" is %v, want a list", conf, d["failures"])
		}
		failures = append(failures, objects(d["failures"])...)
		docs = append(docs, d)
	}
	checkDocumented(t, "Audit", tables["Audit"], docs)
	checkDocumented(t, "Failure", tables["Failure"], failures)
	checkDocumented(t, "Finding", tables["Finding"], findings)
	checkDocumented(t, "Acceptance", tables["Acceptance"], acceptance)
}

// TestReportFixesDocumented checks the fixes of `corsim explain --json`
// (a preflight answered 401 before authentication: server changes; a
// wildcard origin with credentials: a page change too) against the Fix
// and Change tables of docs/json-schema.md.
func TestReportFixesDocumented(t *testing.T) {
	tables := docTables(t, "Fixes (`corsim.report/v1`)")
	var fixes, changes []map[string]any
	for _, args := range [][]string{
		{"explain", "--json", "https://api.example/me", "-H", "Authorization: Bearer t", "--from", "https://app.example", "--server", "cmd/corsim/testdata/preflight-401.conf", "--browser", "all"},
		{"explain", "--json", "https://api.example/data", "--from", "https://app.example", "--server", "cmd/corsim/testdata/canned.txtar", "--credentials", "include"},
	} {
		r := corsim(t, "", args...)
		if r.code != exitOK {
			t.Fatalf("corsim %q: exit %d: %s", args, r.code, r.stderr)
		}
		d := decodeObject(t, r)
		for _, sc := range objects(d["scenarios"]) {
			for _, run := range objects(sc["runs"]) {
				for _, st := range objects(run["steps"]) {
					f, _ := st["fetch"].(map[string]any)
					if f == nil {
						continue
					}
					if _, isList := f["fixes"].([]any); !isList {
						t.Errorf("fixes is %v, want a list", f["fixes"])
					}
					for _, fx := range objects(f["fixes"]) {
						fixes = append(fixes, fx)
						changes = append(changes, objects(fx["changes"])...)
					}
				}
			}
		}
	}
	checkDocumented(t, "Fix", tables["Fix"], fixes)
	checkDocumented(t, "Change", tables["Change"], changes)
	sides := map[any]bool{}
	for _, c := range changes {
		sides[c["side"]] = true
	}
	if !sides["page"] || !sides["server"] {
		t.Errorf("the sample has changes on sides %v; the test needs both page and server", sides)
	}
}

// TestCheckJSONDocumented checks `corsim check --json` against its part
// of docs/json-schema.md.
func TestCheckJSONDocumented(t *testing.T) {
	tables := docTables(t, "corsim.check/v1")
	r := corsim(t, "", append(checkArgs, "--json")...)
	wantCode(t, r, exitFail)
	d := decodeObject(t, r)
	if d["schema"] != checkSchema || checkSchema != "corsim.check/v1" {
		t.Errorf("schema %v", d["schema"])
	}
	ops := objects(d["operations"])
	var reqs, verdicts []map[string]any
	for _, o := range ops {
		reqs = append(reqs, objects(o["request"])...)
		verdicts = append(verdicts, objects(o["verdicts"])...)
	}
	checkDocumented(t, "Check", tables["Check"], []map[string]any{d})
	checkDocumented(t, "Operation", tables["Operation"], ops)
	checkDocumented(t, "Request", tables["Request"], reqs)
	checkDocumented(t, "Verdict", tables["Verdict"], verdicts)
	if d["blocked"] != float64(1) {
		t.Errorf("blocked %v, want 1", d["blocked"])
	}
}

// TestReplayJSONDocumented checks `corsim replay --json` against its part
// of docs/json-schema.md.
func TestReplayJSONDocumented(t *testing.T) {
	tables := docTables(t, "corsim.replay/v1")
	var docs, calls, reqs, verdicts, skipped []map[string]any
	for _, f := range []string{"testdata/har/chromium.har", "testdata/har/chromium-real.har", "testdata/har/webkit.har"} {
		r := corsim(t, "", "replay", "--json", f)
		if r.code != exitOK && r.code != exitFail {
			t.Fatalf("replay %s: exit %d: %s", f, r.code, r.stderr)
		}
		d := decodeObject(t, r)
		if d["schema"] != replaySchema || replaySchema != "corsim.replay/v1" {
			t.Errorf("schema %v", d["schema"])
		}
		docs = append(docs, d)
		for _, c := range objects(d["requests"]) {
			calls = append(calls, c)
			reqs = append(reqs, objects(c["request"])...)
			verdicts = append(verdicts, objects(c["verdicts"])...)
		}
		skipped = append(skipped, objects(d["skipped"])...)
	}
	checkDocumented(t, "Replay", tables["Replay"], docs)
	checkDocumented(t, "Replayed", tables["Replayed"], calls)
	checkDocumented(t, "Request", tables["Request"], reqs)
	checkDocumented(t, "Verdict", tables["Verdict"], verdicts)
	checkDocumented(t, "Skipped", tables["Skipped"], skipped)
}

// TestReportCookiesDocumented checks the cookies of `corsim fetch --json`
// (a seeded cookie sent or withheld, a Set-Cookie stored in a partition or
// rejected) against the Cookie table of docs/json-schema.md.
func TestReportCookiesDocumented(t *testing.T) {
	tables := docTables(t, "Fetch")
	conf := filepath.Join(t.TempDir(), "api.conf")
	if err := os.WriteFile(conf, []byte("origins https://app.example\ncredentials true\nroute /me GET\nresponse-header Set-Cookie: tp=1; SameSite=None; Secure\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := corsim(t, "", "fetch", "--json", "https://api.example/me", "--from", "https://app.example", "--server", conf,
		"--credentials", "include", "--browser", "all", "--cookie", "sid=1; SameSite=None; Secure")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var cookies []map[string]any
	outcomes := map[any]bool{}
	for _, sc := range objects(decodeObject(t, r)["scenarios"]) {
		for _, run := range objects(sc["runs"]) {
			for _, st := range objects(run["steps"]) {
				f, _ := st["fetch"].(map[string]any)
				if f == nil {
					continue
				}
				if _, isList := f["cookies"].([]any); !isList {
					t.Errorf("cookies is %v, want a list", f["cookies"])
				}
				for _, c := range objects(f["cookies"]) {
					cookies = append(cookies, c)
					outcomes[c["outcome"]] = true
				}
			}
		}
	}
	checkDocumented(t, "Cookie", tables["Cookie"], cookies)
	for _, o := range []string{"sent", "withheld", "stored", "rejected"} {
		if !outcomes[o] {
			t.Errorf("the sample has no cookie %s (outcomes %v); the test needs every kind", o, outcomes)
		}
	}
}
