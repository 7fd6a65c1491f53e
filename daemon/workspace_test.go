package daemon_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/patchbay-dev/patchbay/analyzer"
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

// TestWatchDeltas: with deltas set, the first message is the whole
// analysis and the next ones only what changed; applied to the first, they
// give what Analyze returns.
func TestWatchDeltas(t *testing.T) {
	info := startDaemon(t)
	c := patchbayv1connect.NewWorkspaceServiceClient(http.DefaultClient, "http://"+info.Address, bearer(info.Token))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	root := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("package.json", `{"dependencies": {"stripe": "14"}}`)
	write("app.js", "const s = require('stripe')(process.env.STRIPE_SECRET_KEY);\n")
	write("other.js", "const a = process.env.A;\n")
	stream, err := c.Watch(ctx, connect.NewRequest(&patchbayv1.WatchRequest{Root: root, Deltas: true}))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	if !stream.Receive() {
		t.Fatalf("no initial analysis: %v", stream.Err())
	}
	held := stream.Msg().GetAnalysis()
	if held == nil || stream.Msg().GetDelta() != nil || len(held.GetFindings()) == 0 {
		t.Fatalf("first message = %v, want the whole analysis", stream.Msg())
	}
	write("other.js", "const a = process.env.B;\n")
	for stream.Receive() {
		msg := stream.Msg()
		if msg.GetAnalysis() != nil || msg.GetDelta() == nil {
			t.Fatalf("after the first message got the whole analysis (%d findings), want a delta", len(msg.GetAnalysis().GetFindings()))
		}
		if err := analyzer.ApplyDelta(held, msg.GetDelta()); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range held.GetFindings() {
			names = append(names, f.GetEnvVar().GetName())
		}
		if !slices.Contains(names, "B") {
			continue // an earlier event's message
		}
		d := msg.GetDelta()
		if len(d.GetFindings()) != 1 || len(d.GetRemovedFindings()) != 1 || len(d.GetServices()) != 0 {
			t.Errorf("delta = %d findings, %d removed, %d services; want 1, 1, 0", len(d.GetFindings()), len(d.GetRemovedFindings()), len(d.GetServices()))
		}
		whole, err := c.Analyze(ctx, connect.NewRequest(&patchbayv1.AnalyzeRequest{Root: root}))
		if err != nil {
			t.Fatal(err)
		}
		got, want := findingIDs(held.GetFindings()), findingIDs(whole.Msg.GetFindings())
		if !slices.Equal(got, want) {
			t.Fatalf("findings rebuilt from deltas %v, Analyze %v", got, want)
		}
		return
	}
	t.Fatalf("watch ended without reporting the change: %v", stream.Err())
}

func findingIDs(fs []*patchbayv1.Finding) []string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.GetId())
	}
	slices.Sort(ids)
	return ids
}
