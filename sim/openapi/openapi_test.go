package openapi_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/corsim/corsim/sim/openapi"
)

func load(t *testing.T, name string) *openapi.Doc {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "openapi", name))
	if err != nil {
		t.Fatal(err)
	}
	d, err := openapi.Load(name, src)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestOperations(t *testing.T) {
	want := []string{
		"createReport (POST /admin/reports, application/json) line 63: POST https://api.example/admin/reports credentials=same-origin headers=[Authorization: Bearer example-token; Content-Type: application/json] body={} security=bearer: HTTP bearer (Authorization header)",
		"createReport (POST /admin/reports, text/plain) line 63: POST https://api.example/admin/reports credentials=same-origin headers=[Authorization: Bearer example-token; Content-Type: text/plain] body= security=bearer: HTTP bearer (Authorization header)",
		"listItems (GET /items) line 12: GET https://api.example/items credentials=same-origin headers=[] body= security=",
		"updateItem (PUT /items/{id}, application/json) line 27: PUT https://api.example/items/42 credentials=same-origin headers=[Authorization: Bearer example-token; Content-Type: application/json] body={\"done\":true,\"name\":\"pen\"} security=bearer: HTTP bearer (Authorization header)",
		"deleteItem (DELETE /items/{id}) line 38: DELETE https://api.example/items/42 credentials=include headers=[X-CSRF-Token: 3f9a] body= security=session: API key in the connect.sid cookie (credentials: 'include')",
		"getProfile (GET /me) line 54: GET https://api.example/me credentials=include headers=[] body= security=session: API key in the connect.sid cookie (credentials: 'include')",
	}
	for _, file := range []string{"api.yaml", "api31.yaml"} {
		t.Run(file, func(t *testing.T) {
			d := load(t, file)
			if len(d.Problems) > 0 {
				t.Errorf("validation problems: %q", d.Problems)
			}
			base, err := d.BaseURL()
			if err != nil {
				t.Fatal(err)
			}
			ops, err := d.Operations(base)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range ops {
				var hs []string
				for _, h := range o.Init.Header {
					hs = append(hs, h.Name+": "+h.Value)
				}
				got = append(got, fmt.Sprintf("%s line %d: %s %s credentials=%s headers=[%s] body=%s security=%s",
					o.Name(), o.Line, o.Init.Method, o.Init.URL, o.Init.Credentials, strings.Join(hs, "; "), o.Init.Body.Data, o.Security))
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("operations (-want +got):\n%s", d)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tt := range []struct{ name, src, want string }{
		{"swagger", "swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n", "x.yaml: openapi \"\""},
		{"not yaml", "a: [\n", "x.yaml: "},
		{"external ref", "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    $ref: 'https://evil.example/a.yaml'\n", "x.yaml: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := openapi.Load("x.yaml", []byte(tt.src))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err %v, want prefix %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("error is more than one line: %q", err)
			}
		})
	}
}

func TestUndefinedScheme(t *testing.T) {
	src := "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      security: [{nope: []}]\n      responses: {'200': {description: ok}}\n"
	d, err := openapi.Load("x.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Operations("https://api.example")
	if want := `x.yaml:5: GET /a: security scheme "nope" is not defined in components.securitySchemes`; err == nil || err.Error() != want {
		t.Errorf("err %v, want %s", err, want)
	}
	if _, err := d.Operations("/relative"); err == nil {
		t.Error("a relative base URL was accepted")
	}
}
