// Package config holds the routes other packages register.
package config

// GitHubCallbackPath is where GitHub sends the browser back after sign-in.
const GitHubCallbackPath = "/auth/github/callback"

// HeaderRequestID is a header name, not a route.
const HeaderRequestID = "X-Request-Id"
