package gateway

import (
	"errors"

	"github.com/patchbay-dev/patchbay/providers"
)

// Error classes. Every error the gateway returns wraps exactly one of these
// so the daemon can map it to a wire code in one place (daemon/errors.go);
// messages never carry tokens, provider credentials or payloads.
var (
	// ErrUnauthenticated: no, malformed, wrong, revoked, regenerated-away or
	// expired API key.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrPermissionDenied: the key is valid but its grants do not include
	// the component.
	ErrPermissionDenied = errors.New("permission denied")
	// ErrNotFound: unknown key, trigger, provider or component (including
	// another team's, which are indistinguishable from missing ones).
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: a key name already used in the team.
	ErrAlreadyExists = errors.New("already exists")
	// ErrInvalidArgument: input that fails its schema or a malformed request.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrConnection: the credential profile a key uses is missing, invalid,
	// expired or lacks a permission; the reason follows.
	ErrConnection = providers.ErrConnection
	// ErrRateLimited: the key used up its per-minute budget.
	ErrRateLimited = errors.New("rate limit exceeded")
	// ErrNotConfigured: the daemon lacks a setting the call needs (the
	// public webhook URL for triggers).
	ErrNotConfigured = errors.New("not configured")
	// ErrProvider: the provider failed or is unreachable; retrying later may
	// succeed.
	ErrProvider = providers.ErrProvider
	// ErrQueueFull: the trigger delivery outbox holds as many events as it
	// may; the provider should send the event again later.
	ErrQueueFull = errors.New("delivery outbox full")
	// ErrSecretUnavailable: a trigger's provider or signing secret cannot
	// be read, so its events can be neither verified nor signed.
	ErrSecretUnavailable = errors.New("trigger secret unavailable")
)

// errorClasses lists the classes in the order Outcome checks them.
var errorClasses = []struct {
	err  error
	name string
}{
	{ErrUnauthenticated, "unauthenticated"},
	{ErrPermissionDenied, "permission_denied"},
	{ErrNotFound, "not_found"},
	{ErrAlreadyExists, "already_exists"},
	{ErrInvalidArgument, "invalid_argument"},
	{ErrConnection, "connection"},
	{ErrRateLimited, "rate_limited"},
	{ErrNotConfigured, "not_configured"},
	{ErrProvider, "provider"},
	{ErrQueueFull, "queue_full"},
	{ErrSecretUnavailable, "secret_unavailable"},
}

// Outcome names an error's class for the audit log ("ok" for nil).
func Outcome(err error) string {
	if err == nil {
		return "ok"
	}
	for _, c := range errorClasses {
		if errors.Is(err, c.err) {
			return c.name
		}
	}
	return "error"
}
