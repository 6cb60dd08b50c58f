package conformance

import (
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corsim/corsim/conformance/chromium"
	"github.com/corsim/corsim/sim/playground"
)

var screenshots = flag.String("screenshots", "", "write the playground's screenshots (PNG) to this directory")

// TestPlayground drives the page of corsim serve in headless Chromium the
// way a student does: a lab loads and runs, an edit that breaks the
// scenario shows its problem at its line, the fixed scenario runs again,
// and "run in this browser" makes the lab's fetches from the page against
// the servers the playground serves on loopback, each fetch agreeing with
// corsim's prediction for chromium (promise, status, readable headers,
// preflight, the requests the server saw). Every lab is driven so.
func TestPlayground(t *testing.T) {
	bin, err := chromium.FindBinary(chromium.Options{})
	if err != nil {
		if os.Getenv(requireEnv) != "" {
			t.Fatalf("%v (%s is set)", err, requireEnv)
		}
		t.Skipf("%v (set %s=1 to fail instead)", err, requireEnv)
	}
	pg, err := playground.New(os.DirFS("../testdata/labs"))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(pg) // http://127.0.0.1:PORT
	defer func() { ts.Close(); pg.Close() }()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		// Nothing may leave the machine: every name but the loopback ones
		// resolves to nothing.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"),
		chromedp.WindowSize(1400, 1000),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancelAlloc()
	bctx, cancelB := chromedp.NewContext(alloc)
	defer cancelB()

	text := func(sel string) string {
		s, err := chromedp.Run(bctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("reading %s: %v", sel, err)
		}
		return s
	}
	waitText := func(sel, want string) string {
		t.Helper()
		var s string
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) {
			got, err := chromedp.Run(bctx, chromedp.Text(sel))
			if err == nil && strings.Contains(got, want) {
				return got
			}
			s = got
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("%s never showed %q; it shows %q", sel, want, s)
		return ""
	}
	setSource := func(src string) {
		t.Helper()
		if err := chromedp.Do(bctx, chromedp.SetValue("#src", src)); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.getElementById("src").dispatchEvent(new Event("input"))`)); err != nil {
			t.Fatal(err)
		}
	}
	shot := func(t *testing.T, name, at string) {
		if *screenshots == "" || name == "" {
			return
		}
		if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`(document.querySelector("`+at+`").scrollIntoView(), true)`)); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(*screenshots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Every lab, each fetch of it compared; labs 1 and 2 give the
	// screenshots.
	files, err := filepath.Glob("../testdata/labs/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no labs in ../testdata/labs: %v", err)
	}
	type labCase struct{ name, shotRun, shotLive string }
	var labs []labCase
	for _, f := range files {
		lc := labCase{name: filepath.Base(f)}
		switch lc.name {
		case "01-simple-get.txtar":
			lc.shotRun, lc.shotLive = "playground.png", "playground-live.png"
		case "02-json-post-preflight.txtar":
			lc.shotLive = "playground-preflight.png"
		}
		labs = append(labs, lc)
	}
	for _, lab := range labs {
		t.Run(lab.name, func(t *testing.T) {
			// A fresh load: from about:blank, not a hash change on the page.
			if err := chromedp.Do(bctx, chromedp.Navigate("about:blank"), chromedp.Navigate(ts.URL+"/#lab="+lab.name)); err != nil {
				t.Fatal(err)
			}
			// The lab loads and runs as soon as the page opens.
			waitText("#status", "ran: every expectation held")
			if got, err := chromedp.Run(bctx, chromedp.Value("#lab")); err != nil || got != lab.name {
				t.Fatalf("the page shows lab %q (%v), want %s", got, err, lab.name)
			}
			if v := text("#verdicts"); !strings.Contains(v, "chromium pass") {
				t.Errorf("verdicts = %q", v)
			}
			// Every control has a label; headings do not skip a level.
			unlabelled, err := chromedp.Run(bctx, chromedp.Evaluate[int](`[...document.querySelectorAll("input, select, textarea")].filter((e) => !e.labels || e.labels.length === 0).length`))
			if err != nil || unlabelled != 0 {
				t.Errorf("%d controls without a label (%v)", unlabelled, err)
			}
			skips, err := chromedp.Run(bctx, chromedp.Evaluate[int](`(() => { let last = 0, n = 0; for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) { const l = +h.tagName[1]; if (l > last + 1) n++; last = l; } return n; })()`))
			if err != nil || skips != 0 {
				t.Errorf("%d headings skip a level (%v)", skips, err)
			}
			report := text("#report")
			if !strings.Contains(report, "Verdicts") {
				t.Errorf("the story lacks the verdict table:\n%.400s", report)
			}
			src, err := chromedp.Run(bctx, chromedp.Value("#src"))
			if err != nil {
				t.Fatal(err)
			}
			// An edit that breaks the scenario: the problem shows at its line.
			setSource("bogus here\n" + src)
			waitText("#errors", "line 1: bogus: unknown command")
			// Undone: the scenario runs again.
			setSource(src)
			waitText("#status", "ran: every expectation held")
			shot(t, lab.shotRun, "header")

			if err := chromedp.Do(bctx, chromedp.Click("#live-run")); err != nil {
				t.Fatal(err)
			}
			done := waitText("#live-status", "done:")
			m := regexp.MustCompile(`done: (\d+) of (\d+) fetches as corsim predicts for chromium`).FindStringSubmatch(done)
			if m == nil || m[1] != m[2] || m[1] == "0" {
				t.Errorf("run in this browser: %q\n%s", done, text("#live-out"))
			}
			out := text("#live-out")
			if !strings.Contains(out, "requests the server saw") {
				t.Errorf("the comparison lacks the requests the server saw:\n%s", out)
			}
			if strings.Contains(out, "differs") {
				t.Errorf("this browser differs from corsim's prediction:\n%s", out)
			}
			shot(t, lab.shotLive, "#live")
		})
	}
}
