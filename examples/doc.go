// Package examples shows corsim's corstest package against the CORS
// middleware Go projects use, each in its own package: rscors
// (github.com/rs/cors), chicors (github.com/go-chi/cors), gorilla
// (github.com/gorilla/handlers) and gincors (github.com/gin-contrib/cors
// with github.com/gin-gonic/gin). For each there is a correct
// configuration whose tests pass, and misbehaviours reported in that
// project's own issue tracker, each shown being caught by corsim with the
// message a developer would read (go test -v prints it).
//
// github.com/jub0bs/cors is not among them: the module proxy this project
// builds with answers 403 ("not available") for it, so it cannot be a
// dependency here.
//
// The examples live in their own module so that corsim's users do not
// inherit these dependencies. Everything runs in-process and offline.
package examples
