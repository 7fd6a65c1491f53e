package github_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/github"
	"github.com/patchbay-dev/patchbay/providers/github/githubtest"
)

// everyCall makes each call Patchbay makes with the token: the check, an
// issue, a webhook registered and removed.
func everyCall(ctx context.Context, s *githubtest.Server, token string) error {
	if r := github.Provider().Credentials.Check(ctx, providers.Values{"token": token, "repository": githubtest.Repo}, s.Env(0, "GITHUB")); r.Status != providers.StatusOK {
		return fmt.Errorf("check: %v %s", r.Status, r.Summary)
	}
	c := github.NewActionClient(token, s.URL, nil)
	if _, err := c.CreateIssue(ctx, "acme", "app", github.Issue{Title: "t"}); err != nil {
		return fmt.Errorf("create issue: %w", err)
	}
	id, err := c.CreateRepoWebhook(ctx, "acme", "app", "https://hooks.example.com/gh", "s3cret", []string{"push"})
	if err != nil {
		return fmt.Errorf("create hook: %w", err)
	}
	if err := c.DeleteRepoWebhook(ctx, "acme", "app", id); err != nil {
		return fmt.Errorf("delete hook: %w", err)
	}
	return nil
}

// TestCallsDeclarePermissions derives the permissions the form asks for
// from the calls: every request is declared, every declared call is made,
// RequiredPermissions suffice, and each one is needed.
func TestCallsDeclarePermissions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const tok = "github_pat_11FAKE3333333333333333_exactpermissions"
	s := githubtest.New(t)
	s.AddToken(tok, githubtest.TokenInfo{Login: "octodev", Repos: []string{githubtest.Repo}, Perms: github.RequiredPermissions})
	if err := everyCall(ctx, s, tok); err != nil {
		t.Fatalf("with %v: %v", github.RequiredPermissions, err)
	}
	used := map[string]bool{}
	for _, r := range s.Requests() {
		op := r.Method + " " + r.Path
		if c, ok := github.Calls.Match(op); ok {
			used[c.Op] = true
		} else if c, ok := github.CheckProbes.Match(op); ok {
			used[c.Op] = true
		} else {
			t.Errorf("%s is not declared in github.Calls", op)
		}
	}
	for _, c := range append(slices.Clone(github.Calls), github.CheckProbes...) {
		if !used[c.Op] {
			t.Errorf("%s is declared but no code made it", c.Op)
		}
	}
	if slices.Contains(github.RequiredPermissions, "secrets:write") {
		t.Error("Patchbay writes no secrets but asks for secrets:write")
	}
	for _, drop := range github.RequiredPermissions {
		if drop == "metadata:read" {
			continue // every fine-grained token has it
		}
		t.Run("without "+drop, func(t *testing.T) {
			t.Parallel()
			s := githubtest.New(t)
			s.AddToken(tok, githubtest.TokenInfo{Login: "octodev", Repos: []string{githubtest.Repo},
				Perms: slices.DeleteFunc(slices.Clone(github.RequiredPermissions), func(x string) bool { return x == drop })})
			if err := everyCall(ctx, s, tok); err == nil {
				t.Errorf("everything works without %s, so Patchbay should not ask for it", drop)
			}
		})
	}
}
