package daemon

import (
	"errors"
	"sync"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// errSubscriberBehind is the error a subscriber sees when its queue filled
// up: the daemon never waits for the editor, it drops the subscriber instead
// and lets it reconnect (and get a fresh snapshot).
var errSubscriberBehind = connect.NewError(connect.CodeResourceExhausted,
	errors.New("event subscriber fell behind and was dropped; reconnect to get a fresh snapshot"))

// bus is the daemon's one event bus (tailscale's IPN bus shape): a
// subscriber first gets the current state as a snapshot, then every event
// published after it, through a bounded queue.
//
// On a Patchbay server each subscriber sees its team's events only: an
// event published for a team (an environment changed, an operation's
// progress, an approval request) reaches that team's subscribers, one
// published for no team (the server's own workspaces and keyring) reaches
// all. A local daemon's subscribers name no team and see everything.
type bus struct {
	mu       sync.Mutex
	seq      uint64
	subs     map[*subscription]struct{}
	snapshot func(team string) *patchbayv1.Snapshot
	queueLen int
}

type subscription struct {
	C    chan *patchbayv1.Event
	bus  *bus
	team string // "" sees every team's events
	err  error  // set under bus.mu before C is closed
	done bool
}

func newBus(queueLen int, snapshot func(team string) *patchbayv1.Snapshot) *bus {
	return &bus{subs: map[*subscription]struct{}{}, snapshot: snapshot, queueLen: queueLen}
}

// publish stamps ev with the next sequence number and the time and hands it
// to every subscriber of team ("" for all) without blocking.
func (b *bus) publish(ev *patchbayv1.Event, team string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	ev.Seq = b.seq
	ev.Time = timestamppb.Now()
	for s := range b.subs {
		if team != "" && s.team != "" && s.team != team {
			continue
		}
		select {
		case s.C <- ev:
		default:
			s.closeLocked(errSubscriberBehind)
		}
	}
}

// subscribe registers a subscriber of team ("" for all) whose first event
// is a snapshot. The snapshot is taken under the bus lock so no event falls
// between it and the first queued event.
func (b *bus) subscribe(team string) *subscription {
	s := &subscription{C: make(chan *patchbayv1.Event, b.queueLen), bus: b, team: team}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	s.C <- &patchbayv1.Event{
		Seq:     b.seq,
		Time:    timestamppb.Now(),
		Payload: &patchbayv1.Event_Snapshot{Snapshot: b.snapshot(team)},
	}
	b.subs[s] = struct{}{}
	return s
}

// subscribers returns the number of live subscriptions.
func (b *bus) subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

func (s *subscription) closeLocked(err error) {
	if s.done {
		return
	}
	s.done = true
	s.err = err
	delete(s.bus.subs, s)
	close(s.C)
}

// Close unsubscribes.
func (s *subscription) Close() {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	s.closeLocked(nil)
}

// Err reports why the subscription ended; valid once C is closed.
func (s *subscription) Err() error {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	return s.err
}
