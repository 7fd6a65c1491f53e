package gateway

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/patchbay-dev/patchbay/store"
)

// maxWebhookBody caps inbound provider deliveries (Stripe and GitHub
// events are well under this).
const maxWebhookBody = 1 << 20

// WebhookHandler receives provider deliveries for triggers at
// WebhookPathPrefix + <trigger id>, verifies the provider's signature over
// the raw body, and commits matching events to the delivery outbox.
// It must be mounted without the daemon token (providers cannot send it);
// the signature is the authentication.
func (g *Gateway) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		id := strings.TrimPrefix(r.URL.Path, WebhookPathPrefix)
		ctx := r.Context()
		body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
		if err != nil || len(body) > maxWebhookBody {
			http.Error(w, "body too large or unreadable", http.StatusRequestEntityTooLarge)
			return
		}
		t, err := g.st.GetAPIKeyTrigger(ctx, id)
		if err != nil {
			http.Error(w, "unknown trigger", http.StatusNotFound)
			return
		}
		comp := lookupComponent(t.Provider, t.Trigger)
		if comp == nil || comp.trigger == nil {
			http.Error(w, "unknown trigger", http.StatusNotFound)
			return
		}
		provSecret, err := g.cfg.Secrets.Get(ctx, providerSecretName(t.ID))
		if err != nil {
			g.log.Error("gateway: trigger has no provider secret; deliveries cannot be verified", "trigger", t.ID, "err", err)
			http.Error(w, "trigger secret unavailable", http.StatusInternalServerError)
			return
		}
		typ, evID, err := comp.trigger.Verify(r.Header, body, provSecret, g.now())
		if err != nil {
			g.log.Warn("gateway: rejected webhook", "trigger", t.ID, "provider", t.Provider, "reason", err.Error())
			http.Error(w, "signature verification failed", http.StatusBadRequest)
			return
		}
		if typ == "ping" || !matches(t.Config, typ) {
			w.WriteHeader(http.StatusOK)
			return
		}
		// An expired key's triggers stop delivering with it. The provider
		// gets a 200 so it does not retry an event nobody will receive.
		if k, err := g.st.LookupAPIKey(ctx, t.KeyID); err != nil || (!k.ExpiresAt.IsZero() && !g.now().Before(k.ExpiresAt)) {
			g.log.Info("gateway: event dropped: the trigger's key expired", "trigger", t.ID, "key", t.KeyID)
			w.WriteHeader(http.StatusOK)
			return
		}
		// The signing secret is read per attempt, never stored with the
		// delivery; checking it here refuses events that could never be
		// signed while the provider can still retry them.
		if _, err := g.cfg.Secrets.Get(ctx, signingSecretName(t.ID)); err != nil {
			g.log.Error("gateway: trigger has no signing secret", "trigger", t.ID, "err", err)
			http.Error(w, "trigger secret unavailable", http.StatusInternalServerError)
			return
		}
		dlvID := deliveryID(t.ID, evID, body)
		payload, err := json.Marshal(map[string]any{
			"id": dlvID, "trigger_id": t.ID, "provider": t.Provider, "type": typ,
			"received_at": g.now().UTC().Format(time.RFC3339Nano), "data": json.RawMessage(body),
		})
		if err != nil {
			http.Error(w, "event body is not JSON", http.StatusBadRequest)
			return
		}
		// The 2xx below promises the provider the event is ours now, so it
		// is committed first: a daemon killed after answering still has it.
		fresh, err := g.deliver.enqueue(ctx, store.TriggerDelivery{ID: dlvID, TriggerID: t.ID, EventID: evID, EventType: typ,
			TargetURL: t.TargetURL, Body: payload})
		switch {
		case errors.Is(err, errQueueFull):
			// The provider retries on 5xx, which is what we want when full.
			w.Header().Set("Retry-After", "60")
			http.Error(w, "delivery queue full", http.StatusServiceUnavailable)
			return
		case errors.Is(err, store.ErrNotFound):
			http.Error(w, "unknown trigger", http.StatusNotFound)
			return
		case err != nil:
			g.log.Error("gateway: cannot store a trigger event", "trigger", t.ID, "err", err)
			http.Error(w, "event not stored", http.StatusServiceUnavailable)
			return
		case !fresh:
			g.log.Info("gateway: duplicate event acknowledged, not delivered again", "trigger", t.ID, "delivery", dlvID)
		}
		w.WriteHeader(http.StatusOK)
	})
}

// deliveryID is stable for one provider event, so a provider's retry of an
// event gives receivers the same id to deduplicate on.
func deliveryID(trigger, eventID string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(trigger + "\x00" + eventID + "\x00"))
	if eventID == "" {
		h.Write(body)
	}
	return "dlv_" + hex.EncodeToString(h.Sum(nil))[:24]
}
