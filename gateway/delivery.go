package gateway

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// DeliveryOptions tune trigger deliveries to target URLs.
type DeliveryOptions struct {
	// Workers deliver in parallel; default 4.
	Workers int
	// Queue bounds pending deliveries; when full, inbound provider webhooks
	// are answered 503 so the provider retries later. Default 1024.
	Queue int
	// MaxAttempts per delivery; default 8.
	MaxAttempts int
	// Backoff is the first retry delay, doubled per attempt (with jitter)
	// up to MaxBackoff; defaults 1 s and 5 min.
	Backoff    time.Duration
	MaxBackoff time.Duration
}

// delivery is one event on its way to a target.
type delivery struct {
	id, trigger, event, target, secret string
	body                               []byte
}

type deliverer struct {
	opt    DeliveryOptions
	http   *http.Client
	log    *slog.Logger
	now    func() time.Time
	queue  chan delivery
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
	mu     sync.RWMutex
	closed bool
}

func newDeliverer(opt DeliveryOptions, hc *http.Client, log *slog.Logger, now func() time.Time) *deliverer {
	if opt.Workers <= 0 {
		opt.Workers = 4
	}
	if opt.Queue <= 0 {
		opt.Queue = 1024
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
	ctx, cancel := context.WithCancel(context.Background())
	d := &deliverer{opt: opt, http: hc, log: log, now: now, queue: make(chan delivery, opt.Queue), ctx: ctx, cancel: cancel}
	for range opt.Workers {
		d.wg.Add(1)
		go d.work()
	}
	return d
}

// enqueue reports false when the queue is full or closed.
func (d *deliverer) enqueue(dl delivery) bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return false
	}
	select {
	case d.queue <- dl:
		return true
	default:
		return false
	}
}

// close stops retries in progress (pending deliveries are dropped with a
// log line each) and waits for the workers.
func (d *deliverer) close() {
	d.once.Do(func() {
		d.mu.Lock()
		d.closed = true
		close(d.queue)
		d.mu.Unlock()
		d.cancel()
		d.wg.Wait()
	})
}

func (d *deliverer) work() {
	defer d.wg.Done()
	for dl := range d.queue {
		d.run(dl)
	}
}

func (d *deliverer) run(dl delivery) {
	for attempt := 1; ; attempt++ {
		if d.ctx.Err() != nil {
			d.log.Warn("gateway: delivery dropped at shutdown", "delivery", dl.id, "trigger", dl.trigger)
			return
		}
		retry, wait, status, err := d.attempt(dl)
		if !retry {
			if err != nil || status >= 300 {
				d.log.Warn("gateway: delivery refused by target", "delivery", dl.id, "trigger", dl.trigger, "status", status)
			} else {
				d.log.Debug("gateway: delivered", "delivery", dl.id, "trigger", dl.trigger, "attempt", attempt)
			}
			return
		}
		if attempt >= d.opt.MaxAttempts {
			d.log.Error("gateway: delivery failed, giving up", "delivery", dl.id, "trigger", dl.trigger, "attempts", attempt,
				"status", status, "err", err)
			return
		}
		if wait <= 0 {
			wait = d.backoff(attempt)
		}
		d.log.Info("gateway: delivery will be retried", "delivery", dl.id, "trigger", dl.trigger, "attempt", attempt,
			"status", status, "in", wait)
		select {
		case <-time.After(wait):
		case <-d.ctx.Done():
		}
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

// attempt posts once. Network errors, 408, 429 and 5xx are retried (429
// and 503 honour Retry-After seconds); other statuses are final.
func (d *deliverer) attempt(dl delivery) (retry bool, wait time.Duration, status int, err error) {
	ctx, cancel := context.WithTimeout(d.ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, dl.target, bytes.NewReader(dl.body))
	if err != nil {
		return false, 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Patchbay-Webhooks/1")
	req.Header.Set("X-Patchbay-Delivery", dl.id)
	req.Header.Set("X-Patchbay-Trigger", dl.trigger)
	req.Header.Set("X-Patchbay-Event", dl.event)
	req.Header.Set("X-Patchbay-Signature", Sign(dl.secret, dl.body, d.now()))
	resp, err := d.http.Do(req)
	if err != nil {
		return true, 0, 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch s := resp.StatusCode; {
	case s < 300:
		return false, 0, s, nil
	case s == http.StatusTooManyRequests || s == http.StatusServiceUnavailable:
		if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && n >= 0 {
			wait = min(time.Duration(n)*time.Second, d.opt.MaxBackoff)
		}
		return true, wait, s, nil
	case s == http.StatusRequestTimeout || s >= 500:
		return true, 0, s, nil
	default:
		return false, 0, s, nil
	}
}
