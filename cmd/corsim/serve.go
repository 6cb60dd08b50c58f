package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	labs "github.com/corsim/corsim"
	"github.com/corsim/corsim/sim/playground"
)

func serveCommand() *command {
	c := &command{name: "serve", summary: "serve the playground page: edit and run scenarios, then run them in your own browser"}
	c.help = func(w io.Writer) {
		fmt.Fprint(w, `Usage: corsim serve [flags]

Serve starts a local web server with the playground: a page where you pick
one of the labs or write a scenario, see corsim's story, sequence diagram
and each browser's verdict as you edit, and press "run in this browser" to
make the same fetches from your own browser against the scenario's
servers, served for real on loopback ports, beside what corsim predicts.
The page is built into corsim: it works offline and loads nothing from
elsewhere.

It listens on loopback only unless --addr says otherwise; the servers of
"run in this browser" always listen on 127.0.0.1.

Flags:
  --addr HOST:PORT  where to listen (default 127.0.0.1:7878; port 0 picks one)

It runs until Ctrl-C stops it. `+exitStatusHelp("2 for bad usage or an address it cannot listen on")+`

Examples:

	corsim serve
	corsim serve --addr 127.0.0.1:0
`)
	}
	c.run = func(ctx context.Context, e *env, args []string) int {
		fs := newFlagSet(c)
		addr := fs.String("addr", "127.0.0.1:7878", "")
		pos, code, ok := parseArgs(e, fs, c, args)
		if !ok {
			return code
		}
		if len(pos) > 0 {
			return usageErr(e, c, "unexpected argument %q", pos[0])
		}
		pg, err := playground.New(labs.Labs)
		if err != nil {
			return inputErr(e, c, err)
		}
		defer pg.Close()
		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			return inputErr(e, c, fmt.Errorf("--addr %s: %v", *addr, err))
		}
		host, port, _ := net.SplitHostPort(ln.Addr().String())
		if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
			host = "127.0.0.1"
		}
		url := "http://" + net.JoinHostPort(host, port) + "/"
		fmt.Fprintf(e.stdout, "corsim playground at %s (Ctrl-C stops it)\n", url)
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			fmt.Fprintf(e.stderr, "corsim serve: listening on %s, not only on this machine: anyone who can reach it can run scenarios\n", ln.Addr())
		}
		srv := &http.Server{Handler: pg, ReadHeaderTimeout: 10 * time.Second}
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ln) }()
		select {
		case err := <-done:
			if !errors.Is(err, http.ErrServerClosed) {
				return inputErr(e, c, err)
			}
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			srv.Shutdown(sctx)
			cancel()
			fmt.Fprintf(e.stderr, "corsim serve: stopped\n")
			return exitInterrupted
		}
		return exitOK
	}
	return c
}
