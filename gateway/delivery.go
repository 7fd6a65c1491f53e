package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/store"
)

// DeliveryOptions tune trigger deliveries to target URLs.
//
// Deliveries are durable: the webhook route commits each accepted event to
// the state database's outbox before answering the provider, and workers
// deliver from there, so a daemon killed with events pending delivers them
// after it restarts. All scheduling reads Config.Now, so tests drive time
// through the clock rather than by sleeping.
type DeliveryOptions struct {
	// Workers deliver in parallel; default 4.
	Workers int
	// Queue bounds pending deliveries in the outbox; when full, inbound
	// provider webhooks are answered 503 so the provider retries later.
	// Default 10000.
	Queue int
	// MaxAttempts per delivery; default 8. A delivery that runs out is
	// kept as failed and recorded in the key's audit log.
	MaxAttempts int
	// Backoff is the first retry delay, doubled per attempt (with jitter)
	// up to MaxBackoff; defaults 1 s and 5 min. A target's Retry-After
	// replaces the computed delay (capped at MaxBackoff).
	Backoff    time.Duration
	MaxBackoff time.Duration
	// AttemptTimeout bounds one POST to a target; default 30 s.
	AttemptTimeout time.Duration
	// Lease is how long a claimed delivery is held by its worker before
	// another may take it over (a worker in a killed process never
	// releases it); default AttemptTimeout + 30 s.
	Lease time.Duration
	// PollInterval caps how long the dispatcher sleeps before looking at
	// the outbox again by Now; default 1 min. Tests whose clock is moved
	// by hand set it short.
	PollInterval time.Duration
	// DedupeWindow is how long an accepted event id is remembered so a
	// provider's retry of it is not delivered twice; default 7 days
	// (Stripe retries for up to 3).
	DedupeWindow time.Duration
	// OnSettled, when set, is called after each attempt's outcome is
	// committed to the outbox (for metrics and tests). It must not block.
	OnSettled func(DeliveryReport)
}

// DeliveryReport describes one settled delivery attempt. It carries no
// body and no secret.
type DeliveryReport struct {
	Delivery string
	Trigger  string
	Attempt  int
	// Outcome is "delivered", "retry", "failed" (given up) or "released"
	// (the gateway closed before the attempt could run).
	Outcome string
	Status  int
	// NextAttemptAt is set for "retry".
	NextAttemptAt time.Time
	Err           string
}

// Delivery is an event in the outbox, as FailedDeliveries reports it.
type Delivery struct {
	ID            string
	TriggerID     string
	EventID       string
	EventType     string
	State         string // "pending" or "failed"
	Attempts      int
	NextAttemptAt time.Time
	LastStatus    int
	LastError     string
	CreatedAt     time.Time
}

type deliverer struct {
	g       *Gateway
	opt     DeliveryOptions
	http    *http.Client
	log     *slog.Logger
	now     func() time.Time
	claimID string
	wake    chan struct{}
	slots   chan struct{}
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	once    sync.Once
}

func newDeliverer(g *Gateway, opt DeliveryOptions, hc *http.Client, log *slog.Logger, now func() time.Time) (*deliverer, error) {
	if opt.Workers <= 0 {
		opt.Workers = 4
	}
	if opt.Queue <= 0 {
		opt.Queue = 10000
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 8
	}
	if opt.Backoff <= 0 {
		opt.Backoff = time.Second
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = 5 * time.Minute
	}
	if opt.AttemptTimeout <= 0 {
		opt.AttemptTimeout = 30 * time.Second
	}
	if opt.Lease <= 0 {
		opt.Lease = opt.AttemptTimeout + 30*time.Second
	}
	if opt.PollInterval <= 0 {
		opt.PollInterval = time.Minute
	}
	if opt.DedupeWindow <= 0 {
		opt.DedupeWindow = 7 * 24 * time.Hour
	}
	// Each gateway claims under its own id, so a worker whose lease lapsed
	// and was taken over cannot overwrite the new holder's outcome.
	claimID, err := randomHex("dlw_", 8)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &deliverer{g: g, opt: opt, http: hc, log: log, now: now, claimID: claimID,
		wake: make(chan struct{}, 1), slots: make(chan struct{}, opt.Workers), ctx: ctx, cancel: cancel}
	d.wg.Add(1)
	go d.dispatch()
	return d, nil
}

// notify wakes the dispatcher after a commit to the outbox. The database
// is the source of truth; a lost signal only delays until the next poll.
func (d *deliverer) notify() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// close stops the dispatcher, cancels attempts in flight (their rows are
// released, not counted, and stay pending for the next start) and waits.
func (d *deliverer) close() {
	d.once.Do(func() {
		d.cancel()
		d.wg.Wait()
	})
}

// dispatch claims due rows while workers are free and otherwise sleeps
// until the next row is due, a new one is committed, or PollInterval.
func (d *deliverer) dispatch() {
	defer d.wg.Done()
	var lastPrune time.Time
	for {
		if d.ctx.Err() != nil {
			return
		}
		if now := d.now(); now.Sub(lastPrune) >= time.Hour || now.Before(lastPrune) {
			lastPrune = now
			if _, err := d.g.st.PruneTriggerEventsSeen(d.ctx, now.Add(-d.opt.DedupeWindow)); err != nil && d.ctx.Err() == nil {
				d.log.Warn("gateway: cannot prune remembered trigger events", "err", err)
			}
		}
		free := d.opt.Workers - len(d.slots)
		var rows []store.TriggerDelivery
		var claimErr error
		if free > 0 {
			rows, claimErr = d.g.st.ClaimTriggerDeliveries(d.ctx, d.now(), d.opt.Lease, free, d.claimID)
			if claimErr != nil && d.ctx.Err() == nil {
				d.log.Error("gateway: cannot claim trigger deliveries", "err", claimErr)
			}
		}
		for _, r := range rows {
			d.slots <- struct{}{}
			d.wg.Add(1)
			go func() {
				defer d.wg.Done()
				defer func() { <-d.slots; d.notify() }()
				d.run(r)
			}()
		}
		if len(rows) > 0 && len(rows) == free {
			continue // more may be due
		}
		wait := d.opt.PollInterval
		// After a failed claim the due rows are still due; waiting the full
		// PollInterval keeps a broken database from turning into a hot loop.
		if free > 0 && claimErr == nil {
			if at, ok, err := d.g.st.NextTriggerDeliveryAt(d.ctx); err == nil && ok {
				wait = min(wait, max(at.Sub(d.now()), time.Millisecond))
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-d.wake:
			t.Stop()
		case <-d.ctx.Done():
			t.Stop()
			return
		}
	}
}

// run makes one attempt at a claimed delivery and commits the outcome.
func (d *deliverer) run(r store.TriggerDelivery) {
	bg := context.WithoutCancel(d.ctx)
	rep := DeliveryReport{Delivery: r.ID, Trigger: r.TriggerID, Attempt: r.Attempts}
	retry, wait, status, err := d.attempt(r)
	if d.ctx.Err() != nil && (err != nil || retry) {
		// Shutdown interrupted the attempt: it is not the target's fault.
		if rerr := d.g.st.ReleaseTriggerDelivery(bg, r.ID, d.claimID); rerr != nil && !errors.Is(rerr, store.ErrNotFound) {
			d.log.Error("gateway: cannot release a delivery at shutdown; it resumes when its lease lapses", "delivery", r.ID, "err", rerr)
		}
		rep.Outcome = "released"
		d.settled(rep)
		return
	}
	rep.Status = status
	if err != nil {
		rep.Err = err.Error()
	} else if status >= 300 {
		rep.Err = fmt.Sprintf("target answered %d", status)
	}
	var serr error
	switch {
	case !retry && err == nil && status < 300:
		rep.Outcome = "delivered"
		serr = d.g.st.CompleteTriggerDelivery(bg, r.ID)
		d.log.Debug("gateway: delivered", "delivery", r.ID, "trigger", r.TriggerID, "attempt", r.Attempts)
	case !retry || r.Attempts >= d.opt.MaxAttempts:
		rep.Outcome = "failed"
		serr = d.g.st.FailTriggerDelivery(bg, r.ID, d.claimID, status, rep.Err)
		if serr == nil {
			d.auditFailure(bg, r, rep)
		}
		d.log.Error("gateway: delivery failed, giving up", "delivery", r.ID, "trigger", r.TriggerID, "attempts", r.Attempts,
			"status", status, "err", rep.Err)
	default:
		if wait <= 0 {
			wait = d.backoff(r.Attempts)
		}
		rep.Outcome, rep.NextAttemptAt = "retry", d.now().Add(wait)
		serr = d.g.st.RetryTriggerDelivery(bg, r.ID, d.claimID, rep.NextAttemptAt, status, rep.Err)
		d.log.Info("gateway: delivery will be retried", "delivery", r.ID, "trigger", r.TriggerID, "attempt", r.Attempts,
			"status", status, "in", wait)
	}
	if errors.Is(serr, store.ErrNotFound) {
		// The trigger was deleted (taking its deliveries) or our lease
		// lapsed and another worker owns the row now; either way the
		// outcome is no longer ours to record.
		d.log.Info("gateway: delivery outcome not recorded: the row was deleted or taken over", "delivery", r.ID, "outcome", rep.Outcome)
	} else if serr != nil {
		d.log.Error("gateway: cannot record a delivery outcome; it is retried when its lease lapses", "delivery", r.ID, "err", serr)
	}
	d.settled(rep)
}

func (d *deliverer) settled(rep DeliveryReport) {
	if d.opt.OnSettled != nil {
		d.opt.OnSettled(rep)
	}
}

// auditFailure puts the given-up delivery in the key's audit log, where
// the key's owner looks for what went wrong; the body is never copied.
func (d *deliverer) auditFailure(ctx context.Context, r store.TriggerDelivery, rep DeliveryReport) {
	tr, err := d.g.st.GetAPIKeyTrigger(ctx, r.TriggerID)
	if err != nil {
		return
	}
	k, err := d.g.st.LookupAPIKey(ctx, tr.KeyID)
	if err != nil {
		return
	}
	a := store.APIKeyAudit{At: d.now(), Team: k.Team, KeyID: k.ID, Call: "DeliverTrigger", Provider: tr.Provider, Target: tr.Trigger,
		Profile: tr.Profile, Outcome: "delivery_failed",
		Detail: fmt.Sprintf("delivery %s of trigger %s (%s) given up after %d attempts: %s", r.ID, r.TriggerID, r.EventType, r.Attempts, rep.Err)}
	if err := d.g.st.AuditAPIKey(ctx, a); err != nil {
		d.log.Error("gateway: audit write failed", "key", k.ID, "call", a.Call, "err", err)
	}
}

// backoff is exponential with full jitter over the upper half, so many
// failing deliveries do not retry in lockstep.
func (d *deliverer) backoff(attempt int) time.Duration {
	b := d.opt.Backoff << (attempt - 1)
	if b > d.opt.MaxBackoff || b <= 0 {
		b = d.opt.MaxBackoff
	}
	return b/2 + rand.N(b/2+1)
}

// attempt posts once, signing with the trigger's secret read from the
// keyring now (it is never stored with the delivery). Network errors, 408,
// 429 and 5xx are retried (429 and 503 honour Retry-After, in seconds or
// as an HTTP date); other statuses are final.
func (d *deliverer) attempt(r store.TriggerDelivery) (retry bool, wait time.Duration, status int, err error) {
	secret, err := d.g.cfg.Secrets.Get(d.ctx, signingSecretName(r.TriggerID))
	if err != nil {
		return true, 0, 0, fmt.Errorf("the trigger's signing secret is unavailable: %w", err)
	}
	ctx, cancel := context.WithTimeout(d.ctx, d.opt.AttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.TargetURL, bytes.NewReader(r.Body))
	if err != nil {
		return false, 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Patchbay-Webhooks/1")
	req.Header.Set("X-Patchbay-Delivery", r.ID)
	req.Header.Set("X-Patchbay-Trigger", r.TriggerID)
	req.Header.Set("X-Patchbay-Event", r.EventType)
	req.Header.Set("X-Patchbay-Attempt", strconv.Itoa(r.Attempts))
	req.Header.Set("X-Patchbay-Signature", Sign(secret, r.Body, d.now()))
	resp, err := d.http.Do(req)
	if ue, ok := errors.AsType[*url.Error](err); ok {
		// The URL is the receiver's business; keep it out of rows and audit.
		err = fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	if err != nil {
		return true, 0, 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch s := resp.StatusCode; {
	case s < 300:
		return false, 0, s, nil
	case s == http.StatusTooManyRequests || s == http.StatusServiceUnavailable:
		return true, d.retryAfter(resp.Header.Get("Retry-After")), s, nil
	case s == http.StatusRequestTimeout || s >= 500:
		return true, 0, s, nil
	default:
		return false, 0, s, nil
	}
}

// retryAfter reads a Retry-After value; 0 means none (use backoff).
func (d *deliverer) retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	var w time.Duration
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		w = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		w = t.Sub(d.now())
	}
	if w <= 0 {
		return 0
	}
	return min(w, d.opt.MaxBackoff)
}

// enqueue commits one accepted event to the outbox, due now. fresh is
// false for an event id already accepted (the provider retrying).
func (d *deliverer) enqueue(ctx context.Context, r store.TriggerDelivery) (fresh bool, err error) {
	n, err := d.g.st.CountPendingTriggerDeliveries(ctx)
	if err != nil {
		return false, err
	}
	if n >= d.opt.Queue {
		return false, ErrQueueFull
	}
	r.NextAttemptAt, r.CreatedAt = d.now(), d.now()
	fresh, err = d.g.st.EnqueueTriggerDelivery(ctx, r)
	if err == nil && fresh {
		d.notify()
	}
	return fresh, err
}

// FailedDeliveries returns the key's deliveries that were given up (of one
// trigger when triggerID is set), for inspection; bodies are not included.
func (g *Gateway) FailedDeliveries(ctx context.Context, team, keyID, triggerID string) ([]Delivery, error) {
	team, err := normTeam(team)
	if err != nil {
		return nil, err
	}
	if _, err := g.st.GetAPIKey(ctx, team, keyID); err != nil {
		return nil, storeErr(err)
	}
	rows, err := g.st.ListTriggerDeliveries(ctx, keyID, triggerID, store.DeliveryFailed)
	if err != nil {
		return nil, err
	}
	out := make([]Delivery, 0, len(rows))
	for _, r := range rows {
		out = append(out, Delivery{ID: r.ID, TriggerID: r.TriggerID, EventID: r.EventID, EventType: r.EventType, State: r.State,
			Attempts: r.Attempts, NextAttemptAt: r.NextAttemptAt, LastStatus: r.LastStatus, LastError: r.LastError, CreatedAt: r.CreatedAt})
	}
	return out, nil
}
