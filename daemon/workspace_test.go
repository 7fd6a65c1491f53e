package daemon_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"connectrpc.com/connect"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
)

// TestWorkspaceService drives Analyze, SetOverlay and Watch through a real
// daemon and a Connect client.
func TestWorkspaceService(t *testing.T) {
	info := startDaemon(t)
	c := patchbayv1connect.NewWorkspaceServiceClient(http.DefaultClient, "http://"+info.Address, bearer(info.Token))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "app.js"), []byte("const s = require('stripe')(process.env.STRIPE_SECRET_KEY);\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	res, err := c.Analyze(ctx, connect.NewRequest(&patchbayv1.AnalyzeRequest{Root: root}))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Msg.GetFindings()); n != 2 {
		t.Fatalf("Analyze findings = %d, want 2 (sdk + env)", n)
	}

	_, err = c.Analyze(ctx, connect.NewRequest(&patchbayv1.AnalyzeRequest{Root: "relative"}))
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Fatalf("relative root: %v, want InvalidArgument", err)
	}

	ov, err := c.SetOverlay(ctx, connect.NewRequest(&patchbayv1.SetOverlayRequest{Root: root, Path: "app.js", Content: "process.env.TWILIO_AUTH_TOKEN\n"}))
	if err != nil {
		t.Fatal(err)
	}
	if f := ov.Msg.GetFindings(); len(f) != 1 || f[0].GetProvider() != "twilio" {
		t.Fatalf("overlay findings = %v", f)
	}
	if _, err := c.SetOverlay(ctx, connect.NewRequest(&patchbayv1.SetOverlayRequest{Root: root, Path: "app.js", Clear: true})); err != nil {
		t.Fatal(err)
	}

	stream, err := c.Watch(ctx, connect.NewRequest(&patchbayv1.WatchRequest{Root: root}))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	if !stream.Receive() {
		t.Fatalf("no initial analysis: %v", stream.Err())
	}
	if err := os.WriteFile(filepath.Join(root, "b.py"), []byte("import os\nos.getenv('SENDGRID_API_KEY')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for stream.Receive() {
		for _, f := range stream.Msg().GetAnalysis().GetFindings() {
			if f.GetLocation().GetPath() == "b.py" && f.GetProvider() == "sendgrid" {
				return
			}
		}
	}
	t.Fatalf("watch ended without reporting b.py: %v", stream.Err())
}
