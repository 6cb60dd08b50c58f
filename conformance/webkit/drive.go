package webkit

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DrivePath is the reserved path prefix of the page-driven run's channel:
// the proxy answers it on every lab origin, never forwarding it, so its
// requests never reach (or show in the log of) an origin's server.
const DrivePath = "/__corsim/drive"

// Paths under DrivePath.
const (
	drivePage   = DrivePath + "/page"   // the document steps run in
	driveNext   = DrivePath + "/next"   // the page asks for its next command
	driveResult = DrivePath + "/result" // the page posts a step's result
	driveCookie = DrivePath + "/cookie" // a blank page that sets a cookie
)

// Console markers the drive page logs around each step, so that the
// console lines on MiniBrowser's stdout can be attributed to steps.
const (
	markStart = "corsim-step-start "
	markEnd   = "corsim-step-end "
)

// driveScript is the drive page's script: it asks its own origin for the
// next command, runs it, and posts the result back. The requests go to
// DrivePath, which the proxy answers with Access-Control-Allow-Origin: *,
// so that a sandboxed document (an opaque origin) may read them; they
// succeed and so print nothing to the console.
const driveScript = `(async () => {
  const base = location.protocol + "//" + location.host + "` + DrivePath + `";
  for (;;) {
    let cmd;
    try {
      const r = await fetch(base + "/next?at=" + encodeURIComponent(location.href), {cache: "no-store"});
      cmd = await r.json();
    } catch (e) {
      // A poll that outlived the network's timeout (a scaled clock
      // makes real waits long): ask again.
      await new Promise((ok) => setTimeout(ok, 1));
      continue;
    }
    if (cmd.kind === "wait") continue;
    if (cmd.kind === "navigate") { window.top.postMessage({corsimNavigate: cmd.url}, "*"); return; }
    if (cmd.kind !== "eval") return;
    console.log("` + markStart + `" + cmd.id);
    let out;
    try { out = String(await (0, eval)(cmd.script)); }
    catch (e) { out = JSON.stringify({ok: false, error: String(e)}); }
    console.log("` + markEnd + `" + cmd.id);
    try { await fetch(base + "/result?id=" + cmd.id, {method: "POST", body: out}); } catch (e) { return; }
  }
})();`

// navigateScript is in every drive page: the driven document (perhaps a
// frame) asks the top-level one to navigate, since a frame's own
// location.href would only change the frame.
const navigateScript = `addEventListener("message", (e) => {
  if (window === window.top && e.data && e.data.corsimNavigate) location.href = e.data.corsimNavigate;
});`

// DriveURL is the drive page at origin; with frame set, the page embeds
// the drive page of frame in an iframe and only the frame is driven; with
// sandbox, the page is served with "Content-Security-Policy: sandbox
// allow-scripts" (an opaque origin).
func DriveURL(origin, frame string, sandbox bool) string {
	u := origin + drivePage
	switch {
	case frame != "":
		u += "?frame=" + url.QueryEscape(DriveURL(frame, "", false))
	case sandbox:
		u += "?sandbox=1"
	}
	return u
}

// CookieURLs are the two URLs whose top-level navigation stores the cookie
// line (a Set-Cookie value) as if the server at rawURL had sent it on a
// first-party visit: both are at rawURL's origin and answer with
// "Set-Cookie: line" from the drive channel, so the lab's servers never see
// them. wd is a blank page, for the WebDriver session; page is a drive
// page, for PageRun.Open (the page-driven run goes on driving from it).
// Without a Path attribute, line gets the default-path of rawURL (RFC
// 6265bis §5.1.4), since the response's own path is the drive channel's.
func CookieURLs(rawURL, line string) (wd, page string, err error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", "", fmt.Errorf("webkit: cookie URL %q: not an http or https URL", rawURL)
	}
	if !hasPath(line) {
		line += "; Path=" + defaultPath(u.EscapedPath())
	}
	origin := u.Scheme + "://" + u.Host
	set := "set=" + url.QueryEscape(line)
	return origin + driveCookie + "?" + set, origin + drivePage + "?" + set, nil
}

// hasPath reports whether a Set-Cookie value has a Path attribute.
func hasPath(line string) bool {
	_, attrs, _ := strings.Cut(line, ";")
	for _, a := range strings.Split(attrs, ";") {
		name, _, _ := strings.Cut(a, "=")
		if strings.EqualFold(strings.TrimSpace(name), "path") {
			return true
		}
	}
	return false
}

// defaultPath implements "default-path" (RFC 6265bis §5.1.4): the URL
// path up to, not including, its last "/", or "/".
func defaultPath(p string) string {
	i := strings.LastIndex(p, "/")
	if !strings.HasPrefix(p, "/") || i <= 0 {
		return "/"
	}
	return p[:i]
}

// setCookie answers a drive-channel request that carries set=LINE with
// "Set-Cookie: LINE".
func setCookie(w http.ResponseWriter, req *http.Request) {
	if line := req.URL.Query().Get("set"); line != "" {
		w.Header().Add("Set-Cookie", line)
	}
}

// command is one instruction for the drive page.
type command struct {
	Kind   string `json:"kind"` // "eval", "navigate", "wait", "stop"
	ID     int    `json:"id,omitempty"`
	Script string `json:"script,omitempty"`
	URL    string `json:"url,omitempty"`
}

// PageRun is one scenario page-driven: a MiniBrowser that the harness
// starts itself (not through the driver), with a persistent website data
// store in a fresh directory, so that WebKitGTK writes console messages to
// its stdout (--enable-write-console-messages-to-stdout; an automation
// session's store is ephemeral and prints none). The page runs each step
// the harness sends it through the drive channel.
type PageRun struct {
	b     *Browser
	cmd   *exec.Cmd
	dir   string
	cmds  chan command
	ready chan string // the URL of each document that asks for a command

	mu      sync.Mutex
	results map[int]chan string
	lines   []string
	out     sync.WaitGroup
	nextID  int
	started bool
	first   string // the URL MiniBrowser was started at
	opened  int    // documents opened so far
}

// StartPageRun makes a page-driven run on b, which may run beside one
// WebDriver Session; nothing starts before the first Open.
func (b *Browser) StartPageRun() *PageRun {
	r := &PageRun{b: b, cmds: make(chan command), ready: make(chan string, 16), results: map[int]chan string{}}
	b.proxy.SetDrive(r)
	return r
}

// ServeHTTP answers the drive channel (through the proxy).
func (r *PageRun) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	switch req.URL.Path {
	case drivePage:
		servePage(w, req)
	case driveNext:
		select {
		case r.ready <- req.URL.Query().Get("at"):
		default:
		}
		select {
		case c := <-r.cmds:
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(c)
		case <-time.After(r.pollHold()):
			// The page asks again: a poll held longer could outlive the
			// browser's network timeout, which a scaled clock shortens.
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"kind":"wait"}`)
		}
	case driveCookie:
		setCookie(w, req)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<!doctype html><html><head><meta charset=utf-8><title>corsim</title></head><body></body></html>")
	case driveResult:
		id, _ := strconv.Atoi(req.URL.Query().Get("id"))
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		ch := r.results[id]
		r.mu.Unlock()
		if ch != nil {
			ch <- string(body)
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, req)
	}
}

// pollHold is how long the drive channel holds a poll before it answers
// "wait": 10 s of the browser's clock.
func (r *PageRun) pollHold() time.Duration {
	return 10 * time.Second / time.Duration(max(r.b.opts.ClockRate, 1))
}

// servePage writes the drive page.
func servePage(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	setCookie(w, req)
	q := req.URL.Query()
	if q.Get("sandbox") != "" {
		w.Header().Set("Content-Security-Policy", "sandbox allow-scripts")
	}
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><meta charset=utf-8><title>corsim</title></head><body>")
	b.WriteString("<script>" + navigateScript + "</script>")
	if f := q.Get("frame"); f != "" {
		fmt.Fprintf(&b, `<iframe id=corsim src="%s"></iframe>`, html.EscapeString(f))
	} else {
		b.WriteString("<script>" + driveScript + "</script>")
	}
	b.WriteString("</body></html>")
	_, _ = io.WriteString(w, b.String())
}

// Open loads pageURL (a DriveURL) and waits until the document it drives
// (pageURL, or the frame it embeds) asks for a command: the first Open
// starts MiniBrowser at that URL.
func (r *PageRun) Open(ctx context.Context, pageURL string) error {
	// The driven document's URL gets a number of its own, so that a poll
	// from the document being left (the same frame URL under another
	// top-level page, say) is not taken for the new one.
	r.opened++
	pageURL, want, err := numbered(pageURL, r.opened)
	if err != nil {
		return err
	}
	var send chan command // nil: nothing to send
	if !r.started {
		if err := r.start(pageURL); err != nil {
			return err
		}
		r.started = true
	} else {
		send = r.cmds
	}
	// A command handed to a poll that the browser had already given up
	// (a scaled clock shortens its timeouts) is lost: until the page
	// shows up, the navigation is offered again every second.
	retry := time.NewTicker(time.Second)
	defer retry.Stop()
	for {
		select {
		case send <- command{Kind: "navigate", URL: pageURL}:
			send = nil
		case <-retry.C:
			if r.cmd != nil && send == nil && pageURL != r.first {
				send = r.cmds
			}
		case at := <-r.ready:
			if at == want {
				return nil
			}
		case <-ctx.Done():
			return fmt.Errorf("webkit: page-driven: %s did not load: %w", pageURL, ctx.Err())
		}
	}
}

// numbered adds n to the URL of the document pageURL drives (pageURL
// itself, or its frame), returning the new pageURL and that document's URL.
func numbered(pageURL string, n int) (string, string, error) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return "", "", fmt.Errorf("webkit: page-driven: %w", err)
	}
	q := u.Query()
	if f := q.Get("frame"); f != "" {
		fu, err := url.Parse(f)
		if err != nil {
			return "", "", fmt.Errorf("webkit: page-driven: %w", err)
		}
		fq := fu.Query()
		fq.Set("n", strconv.Itoa(n))
		fu.RawQuery = fq.Encode()
		q.Set("frame", fu.String())
		u.RawQuery = q.Encode()
		return u.String(), fu.String(), nil
	}
	q.Set("n", strconv.Itoa(n))
	u.RawQuery = q.Encode()
	return u.String(), u.String(), nil
}

// start launches MiniBrowser at pageURL with its console on stdout.
func (r *PageRun) start(pageURL string) error {
	dir, err := os.MkdirTemp("", "corsim-webkit-")
	if err != nil {
		return fmt.Errorf("webkit: page-driven: %w", err)
	}
	r.dir, r.first = dir, pageURL
	cmd := exec.Command(DefaultMiniBrowser,
		"--enable-write-console-messages-to-stdout=true",
		"--ignore-tls-errors",
		"--proxy=http://"+r.b.proxy.Addr(),
		pageURL)
	// A fresh home and XDG directories: the persistent data store (and its
	// HTTP cache) starts empty.
	cmd.Env = append(r.b.env(true), "HOME="+dir, "XDG_DATA_HOME="+dir+"/data", "XDG_CACHE_HOME="+dir+"/cache", "XDG_CONFIG_HOME="+dir+"/config")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	// The web process writes console messages to stderr (observed in
	// 2.50, despite the option's name); read both streams as one.
	out, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("webkit: page-driven: %w", err)
	}
	cmd.Stdout, cmd.Stderr = w, w
	err = cmd.Start()
	w.Close()
	if err != nil {
		out.Close()
		return fmt.Errorf("webkit: starting %s: %w", DefaultMiniBrowser, err)
	}
	r.cmd = cmd
	r.out.Add(1)
	go func() {
		defer r.out.Done()
		defer out.Close()
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			r.mu.Lock()
			r.lines = append(r.lines, sc.Text())
			r.mu.Unlock()
		}
	}()
	return nil
}

// Eval runs expr in the driven page and returns the string it evaluates
// to and the step's id (for StepConsole).
func (r *PageRun) Eval(ctx context.Context, expr string) (string, int, error) {
	r.mu.Lock()
	r.nextID++
	id := r.nextID
	ch := make(chan string, 1)
	r.results[id] = ch
	r.mu.Unlock()
	select {
	case r.cmds <- command{Kind: "eval", ID: id, Script: expr}:
	case <-ctx.Done():
		return "", id, fmt.Errorf("webkit: page-driven: the page took no step: %w", ctx.Err())
	}
	select {
	case out := <-ch:
		return out, id, nil
	case <-ctx.Done():
		return "", id, fmt.Errorf("webkit: page-driven: no result: %w", ctx.Err())
	}
}

// consoleGrace bounds the wait for a step's end marker on stderr after its
// result arrived (the page logs the marker before it posts the result).
const consoleGrace = 500 * time.Millisecond

// Console returns the console lines of step id (see splitConsole), once
// its end marker has been read from MiniBrowser's stderr (at most
// consoleGrace after the result). ok is false if the marker never came.
func (r *PageRun) Console(id int) (lines []string, ok bool) {
	deadline := time.Now().Add(consoleGrace)
	end := markEnd + strconv.Itoa(id)
	for {
		r.mu.Lock()
		for i := len(r.lines) - 1; i >= 0 && !ok; i-- {
			ok = strings.HasSuffix(r.lines[i], end)
		}
		if ok {
			lines = splitConsole(r.lines)[id]
		}
		r.mu.Unlock()
		if ok || time.Now().After(deadline) {
			return lines, ok
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Close stops the page's loop and MiniBrowser (by its process group),
// waits for its stdout to end, and returns the console lines per step id
// (see ConsoleLine for their form).
func (r *PageRun) Close() map[int][]string {
	if r.started {
		select {
		case r.cmds <- command{Kind: "stop"}:
		case <-time.After(200 * time.Millisecond):
		}
		stop(r.cmd)
		r.out.Wait()
	}
	r.b.proxy.SetDrive(nil)
	if r.dir != "" {
		_ = os.RemoveAll(r.dir)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return splitConsole(r.lines)
}

// splitConsole attributes console lines to the step whose markers enclose
// them; lines outside every step are dropped. A console message is a line
// "URL:LINE:COLUMN: CONSOLE SOURCE LEVEL text"; it is kept from "CONSOLE "
// on (the location of a script's own line differs between runs).
func splitConsole(lines []string) map[int][]string {
	out := map[int][]string{}
	cur := 0
	for _, l := range lines {
		if i := strings.Index(l, markStart); i >= 0 {
			cur, _ = strconv.Atoi(strings.TrimSpace(l[i+len(markStart):]))
			out[cur] = out[cur][:0:0]
			continue
		}
		if i := strings.Index(l, markEnd); i >= 0 {
			cur = 0
			continue
		}
		if i := strings.Index(l, "CONSOLE "); cur != 0 && i >= 0 {
			out[cur] = append(out[cur], l[i:])
		}
	}
	return out
}

// consoleSources maps the source names WebKitGTK prints on stderr
// ("CONSOLE SECURITY ERROR …") to the names corsim's console lines use.
var consoleSources = map[string]string{
	"JS": "javascript", "SECURITY": "security", "NETWORK": "network",
	"CONSOLE-API": "console-api", "OTHER": "other", "CSS": "css", "STORAGE": "storage",
}

// consoleLevels are the level words WebKitGTK prints.
var consoleLevels = map[string]string{
	"LOG": "log", "ERROR": "error", "WARN": "warning", "WARNING": "warning", "INFO": "info", "DEBUG": "debug",
}

// ParseConsole splits a console line as splitConsole keeps it
// ("CONSOLE SECURITY ERROR text") into corsim's source and level names and
// the text. A console.log line has no source word ("CONSOLE LOG text"):
// its source is "console-api".
func ParseConsole(line string) (source, level, text string) {
	rest := strings.TrimPrefix(line, "CONSOLE ")
	first, after, _ := strings.Cut(rest, " ")
	if lv, ok := consoleLevels[first]; ok {
		return "console-api", lv, after
	}
	second, text, _ := strings.Cut(after, " ")
	source, ok := consoleSources[first]
	if !ok {
		source = strings.ToLower(first)
	}
	level, ok = consoleLevels[second]
	if !ok {
		level = strings.ToLower(second)
	}
	return source, level, text
}
