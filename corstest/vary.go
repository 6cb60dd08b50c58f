package corstest

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/corsim/corsim/fetch"
)

// varyProblem explains why the response of ex needed Vary: Origin and
// lacked it, or returns "".
//
// Fetch §3.2.5 (https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches):
// when Access-Control-Allow-Origin is set to a specific origin rather than
// "*", or when the server's answer otherwise depends on Origin, the
// response must carry Vary: Origin so HTTP caches key it by origin.
func (c *Check) varyProblem(ex fetch.Exchange, others []string) string {
	resp := ex.Response
	if varyHasOrigin(resp.Header) {
		return ""
	}
	what := "response"
	if ex.Preflight {
		what = "preflight response"
	}
	var b strings.Builder
	if acao, ok := resp.Header.Get(hACAO); ok && acao != "*" {
		fmt.Fprintf(&b, "the %s names an origin (Access-Control-Allow-Origin: %s) but has no Vary: Origin\n", what, acao)
		writeExchange(&b, ex)
		return b.String()
	}
	mine := acHeaders(resp.Header)
	for _, o := range others {
		req := *ex.Request
		req.Header = ex.Request.Header.Clone()
		req.Header.Set("Origin", o)
		other, err := c.ts.tr.RoundTrip(context.Background(), &req)
		if err != nil || other == nil {
			continue
		}
		theirs := acHeaders(other.Header)
		if d := cmp.Diff(mine, theirs); d != "" {
			fmt.Fprintf(&b, "the %s has no Vary: Origin, yet the same request from %s gets other CORS headers (-%s +%s):\n%s",
				what, o, c.page.Origin(), o, indent(d, "    "))
			writeExchange(&b, ex)
			return b.String()
		}
	}
	return ""
}

func writeExchange(b *strings.Builder, ex fetch.Exchange) {
	b.WriteString("  request:\n")
	writeRequest(b, ex.Request)
	b.WriteString("  server answered:\n")
	writeResponse(b, ex.Response)
}
