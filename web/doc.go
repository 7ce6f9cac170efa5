// Package web is tiled's HTTP server: echo v4 routes bound to the HTTP-agnostic core in package atlas, plus the
// cross-cutting HTTP concerns — one error handler mapping errors to status codes and JSON bodies, request IDs,
// structured logs, Prometheus metrics, CORS, embedding headers, caching (ETag, 304, HEAD, gzip) and graceful
// shutdown. Everything echo-specific lives in this package, so a move to echo v5 stays a change here only.
package web
