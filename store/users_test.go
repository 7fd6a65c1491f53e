package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/store"
)

// TestServerUsers covers users, token hashes and team roles (both engines).
func TestServerUsers(t *testing.T) {
	s := openAPIKeyStore(t)
	ctx := context.Background()
	if err := s.AddUser(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser(ctx, "alice"); !errors.Is(err, store.ErrExists) {
		t.Fatalf("second AddUser: %v", err)
	}
	if err := s.AddUserToken(ctx, "alice", "hash1"); err != nil {
		t.Fatal(err)
	}
	if u, err := s.UserByToken(ctx, "hash1"); err != nil || u != "alice" {
		t.Fatalf("UserByToken = %q, %v", u, err)
	}
	if _, err := s.UserByToken(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	for _, m := range []store.Member{{Team: "acme", User: "alice", Role: "owner"}, {Team: "acme", User: "bob", Role: "viewer"},
		{Team: "beta", User: "alice", Role: "viewer"}, {Team: "acme", User: "bob", Role: "member"}} {
		if err := s.SetMember(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ListMembers(ctx, "acme", "")
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Member{{Team: "acme", User: "alice", Role: "owner"}, {Team: "acme", User: "bob", Role: "member"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("acme members (-want +got):\n%s", d)
	}
	if got, _ := s.ListMembers(ctx, "", "alice"); len(got) != 2 {
		t.Errorf("alice's teams = %v", got)
	}
	if err := s.RemoveMember(ctx, "beta", "alice"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveMember(ctx, "beta", "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second RemoveMember: %v", err)
	}
	if err := s.RevokeUserTokens(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByToken(ctx, "hash1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked token still works: %v", err)
	}
}
