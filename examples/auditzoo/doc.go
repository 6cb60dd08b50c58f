// Package auditzoo runs corsim's auditor (fuzz/audit) against real CORS
// middleware — rs/cors, go-chi/cors, gorilla/handlers and gin-contrib/cors —
// configured the way people configure them, one configuration per audit
// class. Its test is the evidence behind the table in docs/auditing.md:
// every row there is a case here, and the auditor must report that class
// (and, for the correct configurations, nothing above info).
package auditzoo
