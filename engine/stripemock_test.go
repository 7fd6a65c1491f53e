package engine_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/engine"
)

// stripeMock runs the official stripe-mock (installed into .bin by `make
// tools`) on loopback and returns its base URL.
func stripeMock(t *testing.T) string {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join("..", ".bin", "stripe-mock"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		// make test sets PATCHBAY_REQUIRE_TOOLS: there a missing tool is a
		// failure, not a silent skip.
		if os.Getenv("PATCHBAY_REQUIRE_TOOLS") != "" {
			t.Fatalf("stripe-mock not installed at %s (run `make tools`)", bin)
		}
		t.Skip("stripe-mock not installed (run `make tools`)")
	}
	free := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().String()
	}
	httpAddr, httpsAddr := free(), free()
	// -https-addr keeps its HTTPS listener off the other interfaces.
	cmd := exec.Command(bin, "-http-addr", httpAddr, "-https-addr", httpsAddr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	for deadline := time.Now().Add(30 * time.Second); ; {
		c, err := net.DialTimeout("tcp", httpAddr, time.Second)
		if err == nil {
			c.Close()
			return "http://" + httpAddr
		}
		if time.Now().After(deadline) {
			t.Fatalf("stripe-mock did not listen on %s: %v", httpAddr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestStripeWebhookShapesAgainstStripeMock sends every webhook-endpoint
// call the engine makes to the spec-validating stripe-mock: a mis-encoded
// or unknown parameter would be a 400 there. (stripe-mock keeps no state
// and returns fixtures, so only the shapes are checked here; state and the
// whsec_ secret are covered by the stateful fake.)
func TestStripeWebhookShapesAgainstStripeMock(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts stripe-mock")
	}
	base := stripeMock(t)
	ctx := context.Background()
	typ := engine.NewStripeWebhooks(engine.HTTPOptions{BaseURL: base})
	c := engine.Credentials{"secret_key": "sk_test_123"}
	props := engine.Props{"url": {"https://shop.example.dev/api/webhooks/stripe"},
		"enabled_events": {"checkout.session.completed", "invoice.paid"}, "description": {"patchbay shop/web (local)"}}

	st, err := typ.Create(ctx, c, props, "patchbay-idem-1")
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if st.ID == "" {
		t.Fatalf("create returned no id: %+v", st)
	}
	if _, err := typ.Update(ctx, c, st.ID, props); err != nil {
		t.Errorf("update: %v", err)
	}
	if _, err := typ.Read(ctx, c, st.ID); err != nil {
		t.Errorf("read: %v", err)
	}
	if _, err := typ.Lookup(ctx, c, props); err != nil {
		t.Errorf("lookup (list): %v", err)
	}
	if err := typ.Delete(ctx, c, st.ID); err != nil {
		t.Errorf("delete: %v", err)
	}
}
