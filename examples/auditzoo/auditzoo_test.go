package auditzoo

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	gincors "github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"
	chicors "github.com/go-chi/cors"
	"github.com/gorilla/handlers"
	"github.com/rs/cors"

	"github.com/corsim/corsim/examples/itemsapi"
	"github.com/corsim/corsim/fuzz/audit"
	"github.com/corsim/corsim/sim/server"
)

const site = "https://www.target.example"

func rs(o cors.Options) http.Handler {
	if o.AllowedMethods == nil {
		o.AllowedMethods = []string{"GET", "PUT"}
	}
	if o.AllowedHeaders == nil {
		o.AllowedHeaders = []string{"Content-Type"}
	}
	return cors.New(o).Handler(itemsapi.Handler())
}

func chi(o chicors.Options) http.Handler { return chicors.Handler(o)(itemsapi.Handler()) }

func gorilla(opts ...handlers.CORSOption) http.Handler {
	return handlers.CORS(opts...)(itemsapi.Handler())
}

func gin_(cfg gincors.Config) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if cfg.AllowMethods == nil {
		cfg.AllowMethods = []string{"GET", "PUT"}
	}
	r.Use(gincors.New(cfg))
	api := gin.WrapH(itemsapi.PutOnly())
	r.GET("/api/items", api)
	r.PUT("/api/items", api)
	r.OPTIONS("/api/items", api)
	return r
}

// authFirst answers every OPTIONS with 401 before the CORS layer runs.
func authFirst(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions && r.Header.Get("Origin") != "" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// zoo is the table of docs/auditing.md: a middleware configuration and
// the class the auditor must report for it ("" for a correct one).
var zoo = []struct {
	name    string
	h       http.Handler
	origins []string
	want    audit.Class
	broken  bool // want is a broken configuration, not a finding
}{
	{"rs/cors AllowedOrigins h* with credentials (rs/cors#197)",
		rs(cors.Options{AllowedOrigins: []string{"h*"}, AllowCredentials: true}), nil, audit.ClassReflectOrigin, false},
	{"rs/cors AllowOriginFunc returning true with credentials",
		rs(cors.Options{AllowOriginFunc: func(string) bool { return true }, AllowCredentials: true}), nil, audit.ClassReflectOrigin, false},
	{"rs/cors AllowedOrigins null",
		rs(cors.Options{AllowedOrigins: []string{site, "null"}, AllowCredentials: true}), nil, audit.ClassTrustNull, false},
	{"rs/cors AllowedOrigins https://www.target.example*",
		rs(cors.Options{AllowedOrigins: []string{site + "*"}, AllowCredentials: true}), nil, audit.ClassPrefixMatch, false},
	{"rs/cors AllowedOrigins https://*target.example",
		rs(cors.Options{AllowedOrigins: []string{"https://*target.example"}, AllowCredentials: true}), nil, audit.ClassSuffixMatch, false},
	{"rs/cors AllowOriginFunc with an unescaped regexp dot",
		rs(cors.Options{AllowOriginFunc: regexp.MustCompile(`^https://www.target.example$`).MatchString, AllowCredentials: true}), nil, audit.ClassNotEscapeDot, false},
	{"rs/cors AllowOriginFunc strings.Contains(site, origin)",
		rs(cors.Options{AllowOriginFunc: func(o string) bool { return o != "" && strings.Contains(site, o) }, AllowCredentials: true}), nil, audit.ClassIncludeMatch, false},
	{"rs/cors AllowedOrigins https://*.target.example",
		rs(cors.Options{AllowedOrigins: []string{"https://*.target.example"}, AllowCredentials: true}), nil, audit.ClassAnySubdomain, false},
	{"rs/cors AllowedOrigins with the http:// twin",
		rs(cors.Options{AllowedOrigins: []string{site, "http://www.target.example"}, AllowCredentials: true}), nil, audit.ClassHTTPSTrustHTTP, false},
	{"rs/cors AllowedOrigins https://www.target.example:*",
		rs(cors.Options{AllowedOrigins: []string{site, site + ":*"}, AllowCredentials: true}), nil, audit.ClassPortVariant, false},
	{"rs/cors AllowedOrigins https://*.vercel.app (preview deployments)",
		rs(cors.Options{AllowedOrigins: []string{site, "https://*.vercel.app"}, AllowCredentials: true}), nil, audit.ClassThirdParty, false},
	{"rs/cors AllowedOrigins with http://localhost:5173 left in",
		rs(cors.Options{AllowedOrigins: []string{site, "http://localhost:5173"}, AllowCredentials: true}), nil, audit.ClassLocalhost, false},
	{"rs/cors AllowedHeaders *",
		rs(cors.Options{AllowedOrigins: []string{site}, AllowedHeaders: []string{"*"}, AllowCredentials: true}), nil, audit.ClassACAHReflection, false},
	{"rs/cors behind an auth layer that rejects OPTIONS",
		authFirst(rs(cors.Options{AllowedOrigins: []string{site}, AllowCredentials: true})), nil, audit.ClassPreflightRejected, true},
	{"rs/cors correct exact list", rs(cors.Options{AllowedOrigins: []string{site}, AllowCredentials: true}), nil, "", false},
	{"go-chi/cors AllowedOrigins * with credentials",
		chi(chicors.Options{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "PUT"}, AllowCredentials: true}), nil, audit.ClassWildcardCredentials, true},
	{"go-chi/cors AllowedOrigins https://*target.example",
		chi(chicors.Options{AllowedOrigins: []string{"https://*target.example"}, AllowedMethods: []string{"GET", "PUT"}, AllowCredentials: true}), nil, audit.ClassSuffixMatch, false},
	{"go-chi/cors AllowOriginFunc with strings.HasPrefix",
		chi(chicors.Options{AllowOriginFunc: func(_ *http.Request, o string) bool { return strings.HasPrefix(o, site) }, AllowedMethods: []string{"GET", "PUT"}, AllowCredentials: true}), nil, audit.ClassPrefixMatch, false},
	{"go-chi/cors correct exact list",
		chi(chicors.Options{AllowedOrigins: []string{site}, AllowedMethods: []string{"GET", "PUT"}, AllowCredentials: true}), nil, "", false},
	{"gorilla/handlers one origin (no Vary: Origin)",
		gorilla(handlers.AllowedOrigins([]string{site}), handlers.AllowCredentials()), nil, audit.ClassMissingVary, false},
	{"gorilla/handlers AllowedOriginValidator strings.HasSuffix(o, \"target.example\")",
		gorilla(handlers.AllowedOriginValidator(func(o string) bool { return strings.HasSuffix(o, "target.example") }), handlers.AllowCredentials()), nil, audit.ClassSuffixMatch, false},
	{"gorilla/handlers default origins * (public data)",
		gorilla(), nil, audit.ClassWildcardValue, false},
	{"gin-contrib/cors AllowOriginFunc with strings.HasPrefix",
		gin_(gincors.Config{AllowOriginFunc: func(o string) bool { return strings.HasPrefix(o, site) }, AllowCredentials: true}), nil, audit.ClassPrefixMatch, false},
	{"gin-contrib/cors AllowWildcard https://*.target.example",
		gin_(gincors.Config{AllowOrigins: []string{"https://*.target.example"}, AllowWildcard: true, AllowCredentials: true}), nil, audit.ClassAnySubdomain, false},
	{"gin-contrib/cors AllowAllOrigins with credentials",
		gin_(gincors.Config{AllowAllOrigins: true, AllowCredentials: true}), nil, audit.ClassWildcardCredentials, true},
	{"gin-contrib/cors correct exact list",
		gin_(gincors.Config{AllowOrigins: []string{site}, AllowCredentials: true}), nil, "", false},
}

// TestAuditMiddlewareZoo audits every configuration of the zoo in process
// and checks the class it must report; a correct one gives nothing above
// info and a complete audit.
func TestAuditMiddlewareZoo(t *testing.T) {
	for _, z := range zoo {
		t.Run(z.name, func(t *testing.T) {
			origins := z.origins
			if origins == nil {
				origins = []string{site}
			}
			rep, err := audit.Audit(context.Background(), audit.Target{Transport: server.FromHandler(z.h), Origins: origins,
				Endpoints: []string{"https://api.target.example/api/items"}}, audit.Options{Unsafe: true})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			_ = rep.WriteTable(&b)
			switch {
			case z.want == "" && rep.Max() > audit.SeverityInfo:
				t.Errorf("a correct configuration has findings:\n%s", b.String())
			case z.broken && !slices.ContainsFunc(rep.Broken, func(f audit.Finding) bool { return f.Class == z.want }):
				t.Errorf("broken %s not reported:\n%s", z.want, b.String())
			case z.broken && rep.Max() > audit.SeverityInfo:
				t.Errorf("a configuration browsers block has findings:\n%s", b.String())
			case !z.broken && z.want != "" && !slices.Contains(rep.Classes(), z.want):
				t.Errorf("class %s not reported (got %v):\n%s", z.want, rep.Classes(), b.String())
			}
		})
	}
}
