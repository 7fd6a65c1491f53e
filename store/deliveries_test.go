package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/store"
)

// deliveryFixture is a store with key k1 holding triggers t1 and t2.
func deliveryFixture(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	s := openAPIKeyStore(t)
	if _, err := s.CreateAPIKey(ctx, store.APIKey{ID: "k1", Team: "a", Name: "k", TokenHash: []byte{1}}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"t1", "t2"} {
		if _, err := s.CreateAPIKeyTrigger(ctx, store.APIKeyTrigger{ID: id, KeyID: "k1", Provider: "stripe", Trigger: "events",
			TargetURL: "https://x.test"}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func enqueue(t *testing.T, s *store.Store, id, trigger string, due time.Time) bool {
	t.Helper()
	fresh, err := s.EnqueueTriggerDelivery(context.Background(), store.TriggerDelivery{ID: id, TriggerID: trigger, EventID: "evt_" + id,
		EventType: "customer.created", TargetURL: "https://x.test/in", Body: []byte(`{"id":"` + id + `"}`), NextAttemptAt: due, CreatedAt: due})
	if err != nil {
		t.Fatalf("enqueue %s: %v", id, err)
	}
	return fresh
}

func ids(ds []store.TriggerDelivery) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func TestTriggerDeliveryOutbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := deliveryFixture(t)
	t0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	if !enqueue(t, s, "d1", "t1", t0) || !enqueue(t, s, "d2", "t1", t0.Add(time.Second)) || !enqueue(t, s, "d3", "t2", t0.Add(time.Hour)) {
		t.Fatal("first enqueue reported a duplicate")
	}
	if enqueue(t, s, "d1", "t1", t0.Add(time.Minute)) {
		t.Fatal("the same event id was accepted twice")
	}
	if _, err := s.EnqueueTriggerDelivery(ctx, store.TriggerDelivery{ID: "dx", TriggerID: "gone", EventType: "x", TargetURL: "u", Body: []byte("{}")}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delivery for a missing trigger: %v", err)
	}

	// Only due rows are claimed, oldest first, up to the limit.
	got, err := s.ClaimTriggerDeliveries(ctx, t0.Add(time.Second), time.Minute, 1, "w1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"d1"}, ids(got)); diff != "" || got[0].Attempts != 1 || got[0].KeyID != "k1" || string(got[0].Body) != `{"id":"d1"}` {
		t.Fatalf("first claim %+v (%s)", got, diff)
	}
	got, err = s.ClaimTriggerDeliveries(ctx, t0.Add(time.Second), time.Minute, 10, "w2")
	if err != nil || cmp.Diff([]string{"d2"}, ids(got)) != "" {
		t.Fatalf("second claim: %v %v (d1 is leased, d3 not due)", ids(got), err)
	}
	if at, ok, err := s.NextTriggerDeliveryAt(ctx); err != nil || !ok || !at.Equal(t0.Add(time.Second+time.Minute)) {
		t.Fatalf("next due %v %v %v, want the end of d1's lease", at, ok, err)
	}

	// Outcomes are recorded only by the current holder of the claim.
	if err := s.RetryTriggerDelivery(ctx, "d1", "w2", t0.Add(time.Hour), 503, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("retry under another worker's claim: %v", err)
	}
	next := t0.Add(10 * time.Second)
	if err := s.RetryTriggerDelivery(ctx, "d1", "w1", next, 503, "target answered 503"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ClaimTriggerDeliveries(ctx, next.Add(-time.Millisecond), time.Minute, 10, "w3"); len(got) != 0 {
		t.Fatalf("claimed before its retry time: %v", ids(got))
	}

	// A lease that lapsed (its worker died) is taken over, and the old
	// holder can no longer record an outcome.
	got, err = s.ClaimTriggerDeliveries(ctx, t0.Add(2*time.Minute), time.Minute, 10, "w3")
	if err != nil || cmp.Diff([]string{"d2", "d1"}, ids(got)) != "" || got[0].Attempts != 2 || got[1].Attempts != 2 {
		t.Fatalf("takeover claim %+v %v", got, err)
	}
	if err := s.FailTriggerDelivery(ctx, "d2", "w2", 0, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("stale holder recorded an outcome: %v", err)
	}
	if err := s.ReleaseTriggerDelivery(ctx, "d2", "w3"); err != nil {
		t.Fatal(err)
	}
	if err := s.FailTriggerDelivery(ctx, "d1", "w3", 503, "target answered 503"); err != nil {
		t.Fatal(err)
	}
	failed, err := s.ListTriggerDeliveries(ctx, "k1", "", store.DeliveryFailed)
	if err != nil || len(failed) != 1 || failed[0].ID != "d1" || failed[0].LastStatus != 503 || failed[0].Attempts != 2 || failed[0].Claim != "" {
		t.Fatalf("failed = %+v, %v", failed, err)
	}
	if n, err := s.CountPendingTriggerDeliveries(ctx); err != nil || n != 2 {
		t.Fatalf("pending = %d, %v; want d2 and d3", n, err)
	}
	got, err = s.ClaimTriggerDeliveries(ctx, t0.Add(2*time.Minute), time.Minute, 10, "w4")
	if err != nil || cmp.Diff([]string{"d2"}, ids(got)) != "" || got[0].Attempts != 2 {
		t.Fatalf("after release (attempt not counted): %+v %v", got, err)
	}
	if err := s.CompleteTriggerDelivery(ctx, "d2"); err != nil {
		t.Fatal(err)
	}
	if enqueue(t, s, "d2", "t1", t0) {
		t.Fatal("a delivered event id was accepted again")
	}

	// Forgetting seen ids spares those whose delivery is still stored.
	if n, err := s.PruneTriggerEventsSeen(ctx, t0.Add(24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want only d2's id", n, err)
	}
	if !enqueue(t, s, "d2", "t1", t0.Add(25*time.Hour)) {
		t.Fatal("a pruned id is still remembered")
	}

	// Deleting a trigger, or the key, drops its deliveries.
	if err := s.DeleteAPIKeyTrigger(ctx, "k1", "t2"); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.ListTriggerDeliveries(ctx, "k1", "", ""); cmp.Diff([]string{"d1", "d2"}, ids(all)) != "" {
		t.Fatalf("after deleting t2: %v", ids(all))
	}
	if err := s.DeleteAPIKey(ctx, "a", "k1"); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountPendingTriggerDeliveries(ctx); n != 0 {
		t.Fatalf("%d deliveries outlived their key", n)
	}
	if n, err := s.PruneTriggerEventsSeen(ctx, t0.Add(1000*time.Hour)); err != nil || n != 0 {
		t.Fatalf("seen ids outlived their key: pruned %d, %v", n, err)
	}
}

// TestClaimTriggerDeliveriesConcurrently checks that concurrent claimers
// (two gateways on one database) never hold the same delivery.
func TestClaimTriggerDeliveriesConcurrently(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := deliveryFixture(t)
	t0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	const n = 40
	for i := range n {
		enqueue(t, s, "d"+string(rune('A'+i)), "t1", t0)
	}
	var mu sync.Mutex
	seen := map[string]string{}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			claim := "w" + string(rune('0'+w))
			for {
				got, err := s.ClaimTriggerDeliveries(ctx, t0, time.Hour, 3, claim)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, d := range got {
					if prev, dup := seen[d.ID]; dup {
						t.Errorf("%s claimed by %s and %s", d.ID, prev, claim)
					}
					seen[d.ID] = claim
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != n {
		t.Fatalf("claimed %d of %d", len(seen), n)
	}
}
