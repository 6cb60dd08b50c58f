package audit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/corsim/corsim/fuzz/audit"
	"github.com/corsim/corsim/sim/server"
)

// Audit a declarative server that trusts the origin null with credentials.
func ExampleAudit() {
	cfg, err := server.ParseConfig("api.conf", []byte("origins https://app.example\ncredentials true\nmistake trust-null\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := audit.Audit(context.Background(), audit.Target{
		Transport: cfg.Server(),
		Origins:   []string{"https://app.example"},
		Endpoints: []string{"https://api.example/me"},
		Server:    "--server api.conf",
	}, audit.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range rep.Findings {
		fmt.Println(f.Severity, f.Class, f.Origin, f.Browsers)
		fmt.Println(f.Repro)
	}
	fmt.Println("fail on high:", rep.Fails(audit.SeverityHigh))
	_ = rep.WriteTable(os.Stderr) // the human table; WriteJSON for machines
	// Output:
	// critical trust_null null [spec chromium firefox webkit]
	// corsim fetch --from null --credentials include --server api.conf https://api.example/me
	// fail on high: true
}

// An audit in which requests got no answer is incomplete: the report is
// returned with an *IncompleteError, and its findings are not the whole
// story.
func ExampleIncompleteError() {
	broken := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("database down") })
	rep, err := audit.Audit(context.Background(), audit.Target{
		Transport: server.FromHandler(broken),
		Origins:   []string{"https://app.example"},
		Endpoints: []string{"https://api.example/me"},
	}, audit.Options{})
	var inc *audit.IncompleteError
	if errors.As(err, &inc) {
		fmt.Println(rep.Incomplete, inc.Failures[0].Cause, inc.Failures[0].Count, inc.GivenUp)
		fmt.Println(err)
	}
	// Output:
	// true server panic 8 [https://api.example/me]
	// incomplete audit: 8 request(s) got no answer (8 server panic); 1 endpoint(s) given up after repeated unanswered requests
}
