package vault

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
)

// Request asks the editor for credentials a flow needs.
type Request struct {
	ID       string
	Provider string
	Profile  string
	// Reason says why, for the form's header.
	Reason string
	// Problem is the last check's diagnosis when stored credentials fail.
	Problem   *providers.CheckResult
	ExpiresAt time.Time
}

// Outcomes of a closed request, as published in CredentialRequestClosed.
const (
	OutcomeAnswered = "answered"
	OutcomeCanceled = "canceled"
	OutcomeTimeout  = "timeout"
)

type pending struct {
	req  Request
	done chan providers.Values // receives once, when answered
	stop chan string           // receives the outcome when canceled
}

// Require returns the values of a working profile. When the profile is
// missing or fails its live check, it publishes a credential request and
// waits until the editor (or CLI) answers it with values that pass, the
// request is canceled, it times out, or ctx ends.
func (c *Credentials) Require(ctx context.Context, provider, profile, reason string) (providers.Values, error) {
	prov, err := c.spec(provider)
	if err != nil {
		return nil, err
	}
	name := profileName(profile)
	var problem *providers.CheckResult
	p, err := c.cfg.Store.Get(provider, name)
	switch {
	case err == nil:
		res := prov.Credentials.Check(ctx, p.Values, c.cfg.Env)
		if res.OK() {
			return p.Values, nil
		}
		if res.Status == providers.StatusNetwork || res.Status == providers.StatusOutage || res.Status == providers.StatusRateLimited {
			// The credentials may be fine; asking the user for new ones
			// would not help.
			return nil, fmt.Errorf("vault: cannot verify the %s credentials now: %s", prov.DisplayName, res.Summary)
		}
		problem = &res
	case errors.Is(err, ErrDamaged):
		// Ask for them again, saying why; the answer replaces the item.
		res := damagedCheck(provider, name, c.cfg.Now())
		problem = &res
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	return c.Request(ctx, provider, name, reason, problem)
}

// Request publishes a credential request and waits for its answer.
func (c *Credentials) Request(ctx context.Context, provider, profile, reason string, problem *providers.CheckResult) (providers.Values, error) {
	if _, err := c.spec(provider); err != nil {
		return nil, err
	}
	id := newID()
	timeout := c.cfg.RequestTimeout
	pd := &pending{
		req: Request{ID: id, Provider: provider, Profile: profileName(profile), Reason: reason, Problem: problem,
			ExpiresAt: c.cfg.Now().Add(timeout).UTC()},
		done: make(chan providers.Values, 1),
		stop: make(chan string, 1),
	}
	c.mu.Lock()
	c.requests[id] = pd
	c.mu.Unlock()
	c.log.Info("credential request opened", "id", id, "provider", provider, "profile", pd.req.Profile)
	c.ev().RequestOpened(pd.req)

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case v := <-pd.done:
		return v, nil
	case outcome := <-pd.stop:
		if outcome == OutcomeCanceled {
			return nil, ErrRequestCanceled
		}
		return nil, ErrRequestTimeout
	case <-timer.C:
		c.close(id, OutcomeTimeout)
		return nil, ErrRequestTimeout
	case <-ctx.Done():
		c.close(id, OutcomeCanceled)
		return nil, ctx.Err()
	}
}

// close removes an open request and publishes its outcome; it reports
// whether the request was still open.
func (c *Credentials) close(id, outcome string) (*pending, bool) {
	c.mu.Lock()
	pd, ok := c.requests[id]
	delete(c.requests, id)
	c.mu.Unlock()
	if !ok {
		return nil, false
	}
	c.log.Info("credential request closed", "id", id, "outcome", outcome)
	c.ev().RequestClosed(id, outcome)
	return pd, true
}

// Answer answers a request: cancel closes it; values are checked and
// saved like Save (merged over a stored profile). A failing check leaves
// the request open so the user can correct the form.
func (c *Credentials) Answer(ctx context.Context, id string, values providers.Values, cancel, force bool) (SaveResult, error) {
	c.mu.Lock()
	pd, ok := c.requests[id]
	c.mu.Unlock()
	if !ok {
		return SaveResult{}, ErrRequestNotFound
	}
	if cancel {
		if pd, ok := c.close(id, OutcomeCanceled); ok {
			pd.stop <- OutcomeCanceled
		}
		return SaveResult{}, nil
	}
	res, err := c.Save(ctx, SaveInput{Provider: pd.req.Provider, Profile: pd.req.Profile, Values: values, Force: force, Merge: true})
	if err != nil || !res.Saved {
		return res, err
	}
	return res, nil
}

// resolve hands freshly saved values to every open request for the same
// profile, whichever way they were saved (form answer, CLI, OAuth).
func (c *Credentials) resolve(provider, profile string, values providers.Values) {
	c.mu.Lock()
	var ids []string
	for id, pd := range c.requests {
		if pd.req.Provider == provider && pd.req.Profile == profile {
			ids = append(ids, id)
		}
	}
	c.mu.Unlock()
	for _, id := range ids {
		if pd, ok := c.close(id, OutcomeAnswered); ok {
			pd.done <- values.Clone()
		}
	}
}

// Pending returns the open requests, oldest expiry first, for snapshots.
func (c *Credentials) Pending() []Request {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Request, 0, len(c.requests))
	for _, pd := range c.requests {
		out = append(out, pd.req)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ExpiresAt.Before(out[j].ExpiresAt) })
	return out
}

func newID() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return "creq_" + hex.EncodeToString(b)
}
