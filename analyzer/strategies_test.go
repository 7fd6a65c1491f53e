package analyzer

import (
	"slices"
	"testing"
)

// TestStrategyCallbacks: a callback route with a provider parameter is one
// callback per strategy package the service declares, each attributed to
// its provider (passport-github2 → github, passport-google-oauth20 →
// gcp's "google").
func TestStrategyCallbacks(t *testing.T) {
	t.Parallel()
	res := analyzeFixture(t, "route-model")
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
