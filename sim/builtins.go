package sim

import (
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Builtins returns the Go handlers every run knows by name, so scenarios
// that show how Go servers behave run from the command line too. A name in
// Options.Handlers or Options.Transports wins over a builtin.
//
//	plain        a net/http handler without any CORS support: 200 "hello" for every method, OPTIONS included
//	echo-origin  reflects Origin into Access-Control-Allow-Origin and allows credentials (a classic mistake)
//	panic        panics on every request (the simulator turns it into a network error)
//	bad-header   writes a header value with a line break (an invalid response)
//	big-headers  answers with about 300 KB of headers (over Chromium's 256 KiB limit, under Firefox's 384 KiB) and ACAO *
func Builtins() map[string]http.Handler {
	return map[string]http.Handler{
		"plain": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, "hello\n")
		}),
		"echo-origin": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if o := r.Header.Get("Origin"); o != "" {
				w.Header().Set("Access-Control-Allow-Origin", o)
				w.Header().Set("Access-Control-Allow-Credentials", "true")
			}
			if r.Method == http.MethodOptions {
				if m := r.Header.Get("Access-Control-Request-Method"); m != "" {
					w.Header().Set("Access-Control-Allow-Methods", m)
				}
				if h := r.Header.Get("Access-Control-Request-Headers"); h != "" {
					w.Header().Set("Access-Control-Allow-Headers", h)
				}
				w.WriteHeader(http.StatusNoContent)
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, "secret for "+r.Header.Get("Origin")+"\n")
		}),
		"panic": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			panic("the handler crashed")
		}),
		"big-headers": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			filler := strings.Repeat("x", 1000)
			for i := range 300 {
				w.Header().Set("X-Filler-"+strconv.Itoa(i), filler)
			}
			io.WriteString(w, "big\n")
		}),
		"bad-header": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header()["X-Bad"] = []string{"a\r\nInjected: yes"}
			w.WriteHeader(http.StatusOK)
		}),
	}
}

var builtins = Builtins()
