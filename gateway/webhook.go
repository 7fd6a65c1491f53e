package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/patchbay-dev/patchbay/store"
)

// MaxEventBody caps inbound provider deliveries (Stripe and GitHub events
// are well under this); the transport refuses larger bodies before
// ReceiveTriggerEvent sees them.
const MaxEventBody = 1 << 20

// EventReceipt says what became of a provider event ReceiveTriggerEvent
// accepted. Every receipt means the provider must not send the event again.
type EventReceipt int

const (
	// EventQueued: committed to the delivery outbox.
	EventQueued EventReceipt = iota + 1
	// EventDuplicate: the provider resent an event the outbox already has;
	// it is not delivered again.
	EventDuplicate
	// EventIgnored: a ping, or an event type the trigger does not subscribe
	// to.
	EventIgnored
	// EventKeyExpired: the trigger's key expired (or is gone): its triggers
	// stop delivering with it, and the event is dropped.
	EventKeyExpired
)

func (r EventReceipt) String() string {
	switch r {
	case EventQueued:
		return "queued"
	case EventDuplicate:
		return "duplicate"
	case EventIgnored:
		return "ignored"
	case EventKeyExpired:
		return "key expired"
	}
	return fmt.Sprintf("EventReceipt(%d)", int(r))
}

// ReceiveTriggerEvent takes one provider delivery for trigger triggerID
// (the headers and raw body the provider sent, at most MaxEventBody
// bytes), verifies the provider's signature over the body, and commits a
// matching event to the delivery outbox before returning, so a daemon
// killed after answering the provider still has it. The signature is the
// authentication: callers need not (and providers cannot) present anything
// else.
//
// Errors: ErrNotFound (no such trigger), ErrUnauthenticated (the signature
// does not verify), ErrInvalidArgument (a verified body that is not JSON),
// ErrSecretUnavailable, ErrQueueFull (retry later), or a state database
// error (retry later).
func (g *Gateway) ReceiveTriggerEvent(ctx context.Context, triggerID string, header http.Header, body []byte) (EventReceipt, error) {
	t, err := g.st.GetAPIKeyTrigger(ctx, triggerID)
	if err != nil {
		return 0, fmt.Errorf("%w: trigger %q: %v", ErrNotFound, triggerID, err)
	}
	comp := lookupComponent(t.Provider, t.Trigger)
	if comp == nil || comp.trigger == nil {
		return 0, fmt.Errorf("%w: trigger %q: %s has no trigger %q", ErrNotFound, triggerID, t.Provider, t.Trigger)
	}
	provSecret, err := g.cfg.Secrets.Get(ctx, providerSecretName(t.ID))
	if err != nil {
		g.log.Error("gateway: trigger has no provider secret; deliveries cannot be verified", "trigger", t.ID, "err", err)
		return 0, fmt.Errorf("%w: trigger %s: the provider's webhook secret", ErrSecretUnavailable, t.ID)
	}
	typ, evID, err := comp.trigger.Verify(header, body, provSecret, g.now())
	if err != nil {
		g.log.Warn("gateway: rejected webhook", "trigger", t.ID, "provider", t.Provider, "reason", err.Error())
		return 0, fmt.Errorf("%w: %s webhook signature: %v", ErrUnauthenticated, t.Provider, err)
	}
	if typ == "ping" || !matches(t.Config, typ) {
		return EventIgnored, nil
	}
	// An expired key's triggers stop delivering with it. The provider is
	// told the event was taken so it does not retry an event nobody will
	// receive.
	if k, err := g.st.LookupAPIKey(ctx, t.KeyID); err != nil || (!k.ExpiresAt.IsZero() && !g.now().Before(k.ExpiresAt)) {
		g.log.Info("gateway: event dropped: the trigger's key expired", "trigger", t.ID, "key", t.KeyID)
		return EventKeyExpired, nil
	}
	// The signing secret is read per attempt, never stored with the
	// delivery; checking it here refuses events that could never be
	// signed while the provider can still retry them.
	if _, err := g.cfg.Secrets.Get(ctx, signingSecretName(t.ID)); err != nil {
		g.log.Error("gateway: trigger has no signing secret", "trigger", t.ID, "err", err)
		return 0, fmt.Errorf("%w: trigger %s: the signing secret", ErrSecretUnavailable, t.ID)
	}
	dlvID := deliveryID(t.ID, evID, body)
	payload, err := json.Marshal(map[string]any{
		"id": dlvID, "trigger_id": t.ID, "provider": t.Provider, "type": typ,
		"received_at": g.now().UTC().Format(time.RFC3339Nano), "data": json.RawMessage(body),
	})
	if err != nil {
		return 0, fmt.Errorf("%w: the %s event body is not JSON", ErrInvalidArgument, t.Provider)
	}
	fresh, err := g.deliver.enqueue(ctx, store.TriggerDelivery{ID: dlvID, TriggerID: t.ID, EventID: evID, EventType: typ,
		TargetURL: t.TargetURL, Body: payload})
	switch {
	case errors.Is(err, ErrQueueFull):
		return 0, err
	case errors.Is(err, store.ErrNotFound):
		return 0, fmt.Errorf("%w: trigger %q was deleted", ErrNotFound, triggerID)
	case err != nil:
		g.log.Error("gateway: cannot store a trigger event", "trigger", t.ID, "err", err)
		return 0, fmt.Errorf("storing a %s event: %w", t.Provider, err)
	case !fresh:
		g.log.Info("gateway: duplicate event acknowledged, not delivered again", "trigger", t.ID, "delivery", dlvID)
		return EventDuplicate, nil
	}
	return EventQueued, nil
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
