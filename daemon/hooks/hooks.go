// Package hooks is the daemon's HTTP adapter for provider trigger webhooks:
// it reads a delivery posted to gateway.WebhookPathPrefix + <trigger id>,
// hands it to the gateway, and turns the gateway's answer into the status
// the provider sees. Signature checks, parsing and the delivery outbox are
// the gateway's (gateway.ReceiveTriggerEvent).
//
// The route must be mounted without the daemon token (providers cannot send
// it): the provider's signature is the authentication.
package hooks

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/patchbay-dev/patchbay/gateway"
)

// Receiver takes one provider delivery; *gateway.Gateway is one.
type Receiver interface {
	ReceiveTriggerEvent(ctx context.Context, triggerID string, header http.Header, body []byte) (gateway.EventReceipt, error)
}

// Handler serves gateway.WebhookPathPrefix + <trigger id>.
func Handler(r Receiver) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		id := strings.TrimPrefix(req.URL.Path, gateway.WebhookPathPrefix)
		body, err := io.ReadAll(io.LimitReader(req.Body, gateway.MaxEventBody+1))
		if err != nil || len(body) > gateway.MaxEventBody {
			http.Error(w, "body too large or unreadable", http.StatusRequestEntityTooLarge)
			return
		}
		if _, err := r.ReceiveTriggerEvent(req.Context(), id, req.Header, body); err != nil {
			status, text := statusOf(err)
			if errors.Is(err, gateway.ErrQueueFull) {
				w.Header().Set("Retry-After", "60")
			}
			http.Error(w, text, status)
			return
		}
		// Every receipt (queued, duplicate, ignored, dropped with an expired
		// key) is a 200: the event is ours now, or nobody wants it, and the
		// provider must not send it again.
		w.WriteHeader(http.StatusOK)
	})
}

// statusOf maps the gateway's error classes to the status and the fixed
// text the provider sees (the error itself can name the trigger and the
// reason; the gateway logs that).
func statusOf(err error) (int, string) {
	switch {
	case errors.Is(err, gateway.ErrNotFound):
		return http.StatusNotFound, "unknown trigger"
	case errors.Is(err, gateway.ErrUnauthenticated):
		// 400, not 401: the provider has no credentials to send instead,
		// and every provider treats any non-2xx as a failed delivery.
		return http.StatusBadRequest, "signature verification failed"
	case errors.Is(err, gateway.ErrInvalidArgument):
		return http.StatusBadRequest, "event body is not JSON"
	case errors.Is(err, gateway.ErrSecretUnavailable):
		return http.StatusInternalServerError, "trigger secret unavailable"
	case errors.Is(err, gateway.ErrQueueFull):
		// The provider retries on 5xx, which is what we want when full.
		return http.StatusServiceUnavailable, "delivery queue full"
	}
	// What is left is the state database failing to store the event: the
	// provider retries on 5xx.
	return http.StatusServiceUnavailable, "event not stored"
}
