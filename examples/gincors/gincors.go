// Package gincors puts the items API on a gin router behind
// github.com/gin-contrib/cors (tested at v1.7.7 with gin v1.12.0).
//
// What a user learns:
//   - Correct: an explicit origin with AllowCredentials passes in every
//     browser; gin-contrib/cors answers preflights for routes that have no
//     OPTIONS handler because its middleware runs on gin's 404 chain too.
//   - AnyOriginWithCredentials: AllowOrigins {"*"} (or AllowAllOrigins)
//     together with AllowCredentials passes Validate, yet answers
//     Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials:
//     true. Browsers refuse that pair for credentialed requests, so the app
//     itself is locked out (gin-contrib/cors#14, #31, #103).
//   - A disallowed origin is answered 403 by gin-contrib/cors, even on
//     simple requests (gin-contrib/cors#184): the browser blocks either
//     way, so corstest's Blocked passes.
package gincors

import (
	"net/http"
	"time"

	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"

	"github.com/corsim/corsim/examples/itemsapi"
)

func init() {
	// gin prints route tables in its default debug mode.
	gin.SetMode(gin.ReleaseMode)
}

func router(cfg cors.Config) http.Handler {
	r := gin.New()
	r.Use(cors.New(cfg))
	api := gin.WrapH(itemsapi.PutOnly())
	r.GET("/api/items", api)
	r.PUT("/api/items", api)
	return r
}

func config() cors.Config {
	return cors.Config{
		AllowOrigins:     []string{"https://app.example"},
		AllowMethods:     []string{"GET", "PUT"},
		AllowHeaders:     []string{"Content-Type"},
		ExposeHeaders:    []string{"X-Request-Id"},
		AllowCredentials: true,
		MaxAge:           10 * time.Minute,
	}
}

// Correct allows https://app.example with credentials.
func Correct() http.Handler { return router(config()) }

// AnyOriginWithCredentials allows every origin with credentials.
func AnyOriginWithCredentials() http.Handler {
	cfg := config()
	cfg.AllowOrigins = []string{"*"}
	return router(cfg)
}
