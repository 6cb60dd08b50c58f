// Package lab is the engine-neutral part of corsim's conformance harness:
// what every real-browser driver (conformance/chromium, conformance/firefox,
// conformance/webkit) shares.
//
//   - [Start] starts a lab: one loopback listener per origin of a fixed pool
//     (127.0.0.1, a random port; TLS with a fresh test [Cert] for https
//     origins) and an HTTP proxy ([Servers.ProxyAddr]) that answers for
//     exactly those origins and forwards nothing. A driver maps the pool's
//     names to the listeners (Chromium's host-resolver rules) or points the
//     browser at the proxy (Firefox, WebKit), so URLs, Origin headers and
//     console texts keep their real spelling.
//   - Each listener serves the blank page steps run in at [PagePath] (with
//     ?frame=URL it embeds URL in an iframe, with ?sandbox=1 it is a
//     sandboxed document of an opaque origin) and hands everything else to
//     the active [Log]: a scenario's handlers by origin and the record of
//     every [Request] the servers received.
//   - [FetchFunction] and [XHRFunction] are the in-page scripts of a step;
//     [FetchScript] and [XHRScript] apply them to a [FetchRequest] or
//     [XHRRequest]; [DecodeOutcome] reads their answer into a [Result], the
//     shape every driver returns.
package lab
