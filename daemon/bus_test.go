package daemon

import (
	"errors"
	"testing"

	"connectrpc.com/connect"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

func analysisEvent(root string) *patchbayv1.Event {
	return &patchbayv1.Event{Payload: &patchbayv1.Event_AnalysisUpdated{
		AnalysisUpdated: &patchbayv1.AnalysisUpdated{Workspace: &patchbayv1.WorkspaceSummary{Root: root}},
	}}
}

func TestBusSnapshotThenEventsInOrder(t *testing.T) {
	b := newBus(8, func(string) *patchbayv1.Snapshot { return &patchbayv1.Snapshot{Version: "v-test"} })
	b.publish(analysisEvent("/before"), "") // nobody listens yet: not replayed
	s := b.subscribe("")
	defer s.Close()
	b.publish(analysisEvent("/a"), "")
	b.publish(analysisEvent("/b"), "")

	first := <-s.C
	if first.GetSnapshot().GetVersion() != "v-test" {
		t.Fatalf("first event = %v, want the snapshot", first)
	}
	var last uint64 = first.GetSeq()
	for _, want := range []string{"/a", "/b"} {
		ev := <-s.C
		if got := ev.GetAnalysisUpdated().GetWorkspace().GetRoot(); got != want {
			t.Errorf("event root = %q, want %q", got, want)
		}
		if ev.GetSeq() != last+1 {
			t.Errorf("seq = %d, want %d", ev.GetSeq(), last+1)
		}
		if ev.GetTime() == nil {
			t.Error("event has no time")
		}
		last = ev.GetSeq()
	}
}

func TestBusDropsSlowSubscriberWithoutBlocking(t *testing.T) {
	b := newBus(4, func(string) *patchbayv1.Snapshot { return &patchbayv1.Snapshot{} })
	slow := b.subscribe("")
	fast := b.subscribe("")
	defer fast.Close()

	// The slow subscriber never reads; its queue (snapshot + 3) fills and
	// the next publish must drop it instead of blocking.
	for i := 0; i < 10; i++ {
		b.publish(analysisEvent("/x"), "")
		// Keep the fast one drained.
		for len(fast.C) > 0 {
			<-fast.C
		}
	}
	n := 0
	for range slow.C {
		n++
	}
	if n != 4 {
		t.Errorf("slow subscriber got %d queued events before being dropped, want 4", n)
	}
	err := slow.Err()
	if !errors.Is(err, errSubscriberBehind) || connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Errorf("Err() = %v, want resource_exhausted subscriber-behind", err)
	}
	if got := b.subscribers(); got != 1 {
		t.Errorf("subscribers = %d, want 1 (the fast one)", got)
	}
	slow.Close() // closing a dropped subscription is harmless
}
