package daemon

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
)

// startStreamDaemon runs a daemon with cfg in a short private home (Unix
// socket paths are limited) until the test ends.
func startStreamDaemon(t *testing.T, cfg Config) (*Server, *Info, context.Context) {
	t.Helper()
	home, err := os.MkdirTemp("", "pb")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	cfg.Home = home
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan *Info, 1)
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, func(i *Info) { ready <- i }) }()
	t.Cleanup(func() { cancel(); <-done })
	return srv, <-ready, ctx
}

// TestStuckSubscriberIsDropped: a WatchEvents client that never reads is
// cut off after the write timeout, not kept until it hangs up. The queue is
// made huge so that only the write deadline can drop it.
func TestStuckSubscriberIsDropped(t *testing.T) {
	t.Parallel()
	srv, info, _ := startStreamDaemon(t, Config{EventQueue: 1 << 16, StreamWriteTimeout: 300 * time.Millisecond})

	conn, err := net.Dial("unix", info.Socket)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := []byte("{}")
	env := make([]byte, 5, 5+len(body))
	binary.BigEndian.PutUint32(env[1:], uint32(len(body)))
	env = append(env, body...)
	fmt.Fprintf(conn, "POST /patchbay.v1.DaemonService/WatchEvents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/connect+json\r\nContent-Length: %d\r\n\r\n", len(env))
	if _, err := conn.Write(env); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for srv.bus.subscribers() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	// Far more than the socket buffers hold, while the client reads nothing.
	big := strings.Repeat("x", 64<<10)
	for range 200 {
		srv.publish(&patchbayv1.Event{Payload: &patchbayv1.Event_AnalysisUpdated{AnalysisUpdated: &patchbayv1.AnalysisUpdated{ChangedPaths: []string{big}}}})
	}
	time.Sleep(time.Second) // past the write timeout
	// Now drain: a dropped stream ends; a live one would go on streaming
	// (the publisher is done, so it would block on the next read).
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	_, err = io.Copy(io.Discard, conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the stuck subscriber's stream is still open after the write timeout")
	}
}

// TestIdleSubscriberIsKept: a subscriber that reads but gets no event for
// longer than the write timeout keeps its stream: the deadline bounds a
// blocked write, not the time between events. Over HTTP/2 (gRPC, the
// Connect clients) a deadline left armed resets an idle stream.
func TestIdleSubscriberIsKept(t *testing.T) {
	t.Parallel()
	srv, info, ctx := startStreamDaemon(t, Config{StreamWriteTimeout: 200 * time.Millisecond})

	tr := &http.Transport{Protocols: new(http.Protocols), DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", info.Socket)
	}}
	tr.Protocols.SetUnencryptedHTTP2(true)
	client := patchbayv1connect.NewDaemonServiceClient(&http.Client{Transport: tr}, "http://localhost", connect.WithGRPC())
	sctx, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	stream, err := client.WatchEvents(sctx, connect.NewRequest(&patchbayv1.WatchEventsRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	if !stream.Receive() { // the snapshot
		t.Fatalf("no snapshot: %v", stream.Err())
	}
	time.Sleep(time.Second) // idle for five write timeouts
	srv.publish(&patchbayv1.Event{Payload: &patchbayv1.Event_AnalysisUpdated{AnalysisUpdated: &patchbayv1.AnalysisUpdated{ChangedPaths: []string{"after-idle.go"}}}})
	for stream.Receive() {
		if u := stream.Msg().GetEvent().GetAnalysisUpdated(); u != nil && len(u.ChangedPaths) == 1 && u.ChangedPaths[0] == "after-idle.go" {
			return
		}
	}
	t.Fatalf("the idle subscriber's stream ended before the next event: %v", stream.Err())
}
