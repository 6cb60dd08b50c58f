package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/corsim/corsim/browser"
	"github.com/corsim/corsim/corstest"
	"github.com/corsim/corsim/explain"
	"github.com/corsim/corsim/policy"
	"github.com/corsim/corsim/sim"
	"github.com/corsim/corsim/sim/report"
)

// TestRenderersAgree runs the scenario corpus and checks, for every fetch
// that failed, that the three renderers of its explanation — the CLI
// story (explain), the run text report and corstest's failure message —
// say the same verdict and list the same fixes, word for word. corstest
// runs the request in a fresh browser against the one server of the
// request's origin, so it is compared where that is the same situation:
// a top-level page, no preflight from the cache, one server in the
// scenario's network, every exchange and every fix with its origin.
func TestRenderersAgree(t *testing.T) {
	root := moduleRoot(t)
	paths, err := sim.Collect(filepath.Join(root, "testdata", "scenarios"), filepath.Join(root, "testdata", "labs"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	failed, withFixes, viaCorstest := 0, 0, 0
	for _, res := range sim.RunFiles(ctx, paths, sim.Options{}) {
		var text strings.Builder
		if err := report.Text(&text, res); err != nil {
			t.Fatal(err)
		}
		// With several browsers the run report lists the fixes of each
		// failed fetch once, for every browser it failed in: one
		// explanation over all of them.
		failing := map[int][]explain.Subject{}
		for _, run := range res.Runs {
			for _, st := range run.Steps {
				if fs := st.Fetch; fs != nil && fs.Explain(ctx).Failed() {
					failing[st.Command.Line] = append(failing[st.Command.Line], fs.Subject())
				}
			}
		}
		for _, run := range res.Runs {
			for _, st := range run.Steps {
				fs := st.Fetch
				if fs == nil {
					continue
				}
				e := fs.Explain(ctx)
				x := e.Runs[0]
				if x.Decided == nil {
					continue
				}
				failed++
				if len(e.Fixes) > 0 {
					withFixes++
				}
				where := res.Name + " line " + strconv.Itoa(st.Command.Line) + " (" + run.Profile + ")"
				var story strings.Builder
				fr := fetchRun{profile: run.Profile, step: fs, rep: report.BuildFetch(fs), ex: x}
				if err := writeFetchStory(&story, []fetchRun{fr}, e, true, palette{}); err != nil {
					t.Fatal(err)
				}
				say(t, where, "the CLI story", story.String(), e, strings.ToUpper(x.Verdict)+" ("+x.Decided.Code)
				inReport := e
				if len(res.Runs) > 1 {
					inReport = explain.Fetch(ctx, failing[st.Command.Line]...)
				}
				say(t, where, "the run report", text.String(), inReport, report.Verdict(fs))
				if msg, ok := corstestMessage(fs, e); ok {
					viaCorstest++
					say(t, where, "corstest's message", msg, e, x.Headline())
				}
			}
		}
	}
	t.Logf("%d failed fetches, %d with fixes, %d compared with corstest too", failed, withFixes, viaCorstest)
	if failed < 50 || withFixes < 30 || viaCorstest < 20 {
		t.Errorf("the corpus exercised too little: %d failed fetches, %d with fixes, %d via corstest", failed, withFixes, viaCorstest)
	}
}

// say checks that out, a renderer's output, has the verdict and every
// change of every fix of e.
func say(t *testing.T, where, who, out string, e *explain.Explanation, verdict string) {
	t.Helper()
	if !strings.Contains(out, verdict) {
		t.Errorf("%s: %s lacks the verdict %q:\n%s", where, who, verdict, out)
	}
	for i, f := range e.Fixes {
		for _, c := range f.Changes {
			// A renderer that writes to a terminal escapes control bytes
			// (a header value's vertical tab shows as \v).
			if !strings.Contains(out, c.Text) && !strings.Contains(out, report.EscapeControls(c.Text, false)) {
				t.Errorf("%s: %s lacks fix %d's change %q:\n%s", where, who, i+1, c.Text, out)
			}
		}
	}
}

// corstestMessage is corstest's Allowed() failure message for the fetch,
// when corstest can make the same request in the same situation.
func corstestMessage(fs *sim.FetchStep, e *explain.Explanation) (string, bool) {
	if fs.Result == nil || fs.Client.Origin.IsOpaque() || fs.Client.TopLevelOrigin != fs.Client.Origin {
		return "", false
	}
	u, err := policy.ParseURL(fs.Init.URL)
	if err != nil {
		return "", false
	}
	target := policy.OriginOf(u)
	for _, p := range fs.Result.Preflights {
		if p.FromCache {
			return "", false
		}
	}
	for _, x := range fs.Result.Wire {
		if x.Request == nil || x.Request.URL == nil || policy.OriginOf(x.Request.URL) != target {
			return "", false
		}
	}
	for _, f := range e.Fixes {
		for _, c := range f.Changes {
			if c.URL == "" {
				continue
			}
			if cu, err := policy.ParseURL(c.URL); err != nil || policy.OriginOf(cu) != target {
				return "", false // corstest serves the request's origin alone
			}
		}
	}
	servers, ok := fs.Subject().Servers.(*browser.Network)
	if !ok || len(servers.Origins()) != 1 {
		return "", false // corstest serves the request's origin alone
	}
	rec := new(corstest.Recorder)
	ct := corstest.NewTransport(rec, servers, corstest.Browsers(fs.Profile))
	c := ct.From(fs.Client.Origin.String()).FetchInit(fs.Init)
	if rec.Fatal() {
		return "", false
	}
	got := c.Result(fs.Profile)
	if got == nil || got.Err == nil || got.Err.Code != fs.Result.Err.Code {
		return "", false // another situation after all (state the scenario built)
	}
	c.Allowed()
	return rec.String(), true
}

// TestExplainLiveAsksOnce: explain --live never sends a request again to
// confirm a fix. Against a server that answers the preflight 401 it sends
// one OPTIONS, and lists the fix it derived as not confirmed (the request
// itself was never sent, so no recorded answer can confirm it) for every
// browser.
func TestExplainLiveAsksOnce(t *testing.T) {
	mc, srv := newCounter(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", "http://localhost:3000")
	})
	r := corsim(t, "", "explain", srv.URL+"/me", "-H", "Authorization: Bearer t", "--from", "http://localhost:3000", "--live", "--browser", "all")
	wantCode(t, r, 0)
	if n := mc.count("OPTIONS"); n != 4 {
		t.Errorf("server got %d OPTIONS requests, want one per browser (4)", n)
	}
	if n := mc.count("GET"); n != 0 {
		t.Errorf("server got %d GET requests, want none", n)
	}
	wantContains(t, "explain --live", r.stdout,
		"not confirmed: the re-run needs an answer corsim does not have, from a live server it does not ask again or a recording that lacks it (derived for chromium, firefox, webkit, spec)",
		"answer the preflight (OPTIONS) with a 2xx status before authentication")
}
