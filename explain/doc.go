// Package explain computes the one explanation of a fetch that every
// corsim view renders: the command line's story, the run report (text,
// JSON, HTML, Mermaid) and corstest's failure messages.
//
// An Explanation is built once from what a browser did with one request
// (a browser.Outcome) in one or more browsers. It holds, per browser, the
// steps of the fetch algorithm in words with their spec anchors, the
// verdict and the check that decided it, what script sees and the
// console; and, for a request that failed, every change that would make it
// work — on the server (the status and headers each response must carry,
// needed against sent) and on the page (credentials, headers, mode,
// redirect mode) — each one confirmed by running the fetch again in the
// simulation with the change applied.
//
// A fix is listed for a browser only when the re-run passes there. When
// the servers cannot be asked again (a live server, where a second request
// has side effects), the changes are derived from the answers already
// recorded and marked unconfirmed.
//
// # References
//
//   - https://fetch.spec.whatwg.org/#http-cors-protocol
//   - https://fetch.spec.whatwg.org/#cors-preflight-fetch
//   - https://fetch.spec.whatwg.org/#concept-cors-check
package explain
