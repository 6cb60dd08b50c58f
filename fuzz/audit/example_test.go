package audit_test

import (
	"context"
	"fmt"
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
