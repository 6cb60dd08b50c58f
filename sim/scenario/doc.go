// Package scenario parses corsim scenario files: txtar archives whose
// comment section is a script of one-line commands (a page at an origin,
// servers, fetches, a virtual clock and expectations about what the browser
// did) and whose files hold server configurations and canned responses.
//
// A scenario reads like a cmd/go script test:
//
//	# A JSON POST is not a simple request: the browser preflights it.
//	# spec: https://fetch.spec.whatwg.org/#cors-safelisted-request-header
//	browsers chromium firefox webkit spec
//	page https://app.example
//	server https://api.example config api.conf
//	fetch POST https://api.example/items -H 'Content-Type: application/json' -d '{}'
//	expect preflight sent header
//	expect requests 'OPTIONS /items' 'POST /items'
//	-- api.conf --
//	origins https://app.example
//	headers Content-Type
//
// Parse checks every line up front (the command, its arguments, its flags,
// the files it names) and reports every problem as an *Error that reads
// "file:line: command: what is wrong". Running a scenario is package sim's
// job; the format is documented in docs/scenarios.md.
//
// # Lines
//
// Each line is split into words at spaces and tabs. A word starting with
// "#" begins a comment that runs to the end of the line. Single quotes keep
// their content literal ('null', '*', 'Content-Type: a b' are one word
// each); inside quotes two single quotes in a row stand for one, and quoted
// and unquoted text next to each other form one word, as in rsc.io/script.
//
// A line may start with conditions, then a "!" or "?" prefix, then the
// command. A condition is a bracketed profile name ([chromium]), its
// negation ([!firefox]) or a comma-separated choice ([chromium,webkit]);
// several conditions must all hold. "!" before fetch means the fetch must
// be rejected; "?" means it may or may not be.
package scenario
