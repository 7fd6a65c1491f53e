package analyzer

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

// TestStrategyCallbacks: a callback route with a provider parameter is one
// callback per strategy package the service declares, each attributed to
// its provider (passport-github2 → github, passport-google-oauth20 →
// gcp's "google").
func TestStrategyCallbacks(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs(filepath.Join(fixtureDir, "route-model"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := New(Options{NoGoPackages: true}).Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		if cb := f.GetCallback(); cb != nil && f.GetService() == "passport" {
			got = append(got, f.GetProvider()+" "+cb.GetRoute())
		}
	}
	slices.Sort(got)
	if want := []string{"gcp /auth/google/callback", "github /auth/github/callback"}; !slices.Equal(got, want) {
		t.Errorf("callbacks = %q, want %q", got, want)
	}
}
