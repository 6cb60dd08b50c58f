// Package webkit is the WebKit side of corsim's differential conformance
// harness: it drives WebKitGTK's MiniBrowser (Debian's webkit2gtk-driver
// and libwebkit2gtk-4.1-0) under Xvfb, through WebKitWebDriver (WebDriver
// classic) for outcomes, and page-driven, with its console on stdout, for
// console lines. Cookies are seeded in both by a first-party top-level
// navigation whose response sets them (CookieURLs).
package webkit
