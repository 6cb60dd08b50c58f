// Package har reads HTTP Archive (HAR 1.2) files as browsers' developer
// tools export them and turns their cross-origin requests into requests
// corsim can replay.
//
// [Parse] reads a file exported by Chromium ("Save all as HAR"), Firefox
// ("Save All As HAR") or Safari ("Export HAR"): it is bounded ([MaxSize]
// bytes, [MaxEntries] entries), never panics, and reports a problem as
// "file:line: JSON path: what is wrong" (log.entries[3].request.url). The
// quirks of real exports are handled where they matter to CORS: HTTP/2
// pseudo-headers (":authority", ":status") are dropped, Chromium's
// _resourceType and _initiator and WebKit's _fetchType are read, cookies
// a sanitized export removed or blanked are noticed, bodies the export
// left out (Firefox's "Response bodies are not included.") are said to be
// missing, and the part headers Firefox's exporter copies from a
// multipart body into the request's headers are not taken for script's.
//
// [Log.Traffic] reconstructs what the page did: each cross-origin
// request's page origin (from its Origin header, its Referer, or the page
// entry), method, the headers script set, credentials mode, mode and API,
// and the preflight the HAR shows for it, if any. [Log.Server] is a
// fetch.Transport that answers with the responses the HAR recorded, keyed
// by method and URL; a request the HAR has no response for fails with a
// [*MissingError] rather than an invented answer.
//
// The format: http://www.softwareishard.com/blog/har-12-spec/ (the HAR 1.2
// specification), and the exporters read for the field sets:
// devtools-frontend front_end/models/har/Log.ts (Chromium), Firefox's
// devtools/client/netmonitor/src/har/har-builder.js, and WebKit's
// Source/WebInspectorUI/UserInterface/Controllers/HARBuilder.js.
package har
