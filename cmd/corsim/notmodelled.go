package main

// notModelled is the list of what corsim's simulated browsers leave out,
// shown by corsim fetch --help and kept word for word in the README
// (TestNotModelledInREADME).
const notModelled = `  - cookies set or sent by top-level navigations (SameSite Lax's unsafe
    method allowance is modelled in the jar, not exercised by fetches),
    and Safari's Intelligent Tracking Prevention
  - Content Security Policy (connect-src), Permissions Policy, COEP/COOP
    beyond Cross-Origin-Resource-Policy, and service workers
  - the HTTP cache, HTTP authentication prompts, proxies, TLS errors, DNS
    (addresses come from --server-at or a scenario's "at", never from
    resolving names)
  - Private Network Access preflights (Chromium 142+ asks a permission
    instead) and the Local Network Access permission prompt itself (a
    scenario says granted or denied; headless Chromium denies, headless
    Firefox never answers); WebKit's Local Network Access, if any
  - response body size limits and timeouts; only the response header block
    limit is modelled (Chromium 256 KiB, Firefox 384 KiB; WebKit fails at
    300 KB, 256 KiB is assumed)
  - random multipart boundaries: each browser's FormData boundary is fixed
    at the engine's usual length (Firefox's varies, so a real Firefox's
    Content-Length can be a few bytes shorter)
  - navigations and element requests beyond <img> (no <script>, <link>,
    <iframe> destinations)
`
