// Package playground is the web page behind corsim serve: a student picks
// or edits a scenario, runs it in the simulation and reads the story, the
// sequence diagram and each browser's verdict; then runs the same fetches
// from their own real browser against the scenario's servers, served for
// real on loopback ports, and sees what the browser did beside what corsim
// predicted for it.
//
// The page is plain HTML, CSS and JavaScript embedded in the binary: no
// build step, nothing fetched from elsewhere, so it works offline. It
// reads the JSON report (docs/json-schema.md) that corsim run --json
// prints.
//
// # Origins on loopback
//
// A scenario's origins (https://shop.example, https://api.example) become
// loopback origins for the real browser: the page is the playground's own
// origin, each server gets a listener on a fresh port of 127.0.0.1, named
// by the other loopback host name (localhost when the page is on
// 127.0.0.1 and the other way round), so page and servers stay cross-site
// as in the scenario. The scenario is rewritten with those origins before
// it is run, so the prediction is for the same origins the browser uses.
// What changes is said on the page: http instead of https (loopback
// counts as a secure context anyway), one machine for every site, and
// cookies, which a browser keys by host and not by port.
//
// # References
//
//   - https://fetch.spec.whatwg.org/#http-cors-protocol
//   - https://w3c.github.io/webappsec-secure-contexts/#is-origin-trustworthy
//   - https://html.spec.whatwg.org/multipage/browsers.html#sites
package playground
