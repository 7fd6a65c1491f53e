package teams_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/internal/teams"
	"github.com/patchbay-dev/patchbay/store"
)

func TestRequire(t *testing.T) {
	t.Parallel()
	c := &teams.Caller{User: "carol", Roles: map[string]teams.Role{"acme": teams.Viewer, "beta": teams.Owner}}
	for _, tc := range []struct {
		team  string
		need  teams.Role
		ok    bool
		words string
	}{
		{"acme", teams.Viewer, true, ""},
		{"acme", teams.Member, false, `carol is a viewer of team "acme"; X needs member`},
		{"beta", teams.Owner, true, ""},
		{"gamma", teams.Viewer, false, `carol is not in team "gamma"`},
	} {
		err := c.Require(tc.team, tc.need, "X")
		if (err == nil) != tc.ok || err != nil && (!errors.Is(err, teams.ErrDenied) || !strings.Contains(err.Error(), tc.words)) {
			t.Errorf("Require(%s, %s) = %v", tc.team, tc.need, err)
		}
	}
	if _, err := c.Team(""); !errors.Is(err, teams.ErrInvalid) || !strings.Contains(err.Error(), "acme, beta") {
		t.Errorf("Team of a caller in two teams: %v", err)
	}
	if team, err := (&teams.Caller{User: "a", Roles: map[string]teams.Role{"acme": teams.Member}}).Team(""); err != nil || team != "acme" {
		t.Errorf("only team = %q, %v", team, err)
	}
	if _, err := (&teams.Caller{User: "dave"}).Team(""); !errors.Is(err, teams.ErrDenied) {
		t.Errorf("no team: %v", err)
	}
}

func TestUsers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "state.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u := teams.New(st)
	tok, err := u.Add(ctx, "acme", "alice", teams.Owner)
	if err != nil || !strings.HasPrefix(tok, teams.TokenPrefix) {
		t.Fatalf("Add = %q, %v", tok, err)
	}
	if again, err := u.Add(ctx, "beta", "alice", teams.Viewer); err != nil || again != "" {
		t.Errorf("a known user got a new token: %q, %v", again, err)
	}
	c, err := u.Authenticate(ctx, tok)
	if err != nil || c.User != "alice" || c.Roles["acme"] != teams.Owner || c.Roles["beta"] != teams.Viewer {
		t.Fatalf("Authenticate = %+v, %v", c, err)
	}
	for _, bad := range []string{"", "pbk_apikey", teams.TokenPrefix + "x"} {
		if _, err := u.Authenticate(ctx, bad); !errors.Is(err, teams.ErrUnauthenticated) {
			t.Errorf("Authenticate(%q) = %v", bad, err)
		}
	}
	if err := u.Remove(ctx, "acme", "alice"); !errors.Is(err, teams.ErrLastOwner) {
		t.Errorf("removing the last owner: %v", err)
	}
	if _, err := u.Add(ctx, "acme", "alice", teams.Member); !errors.Is(err, teams.ErrLastOwner) {
		t.Errorf("demoting the last owner: %v", err)
	}
	if _, err := u.Add(ctx, "acme", "bad name", teams.Member); !errors.Is(err, teams.ErrInvalid) {
		t.Errorf("bad user name: %v", err)
	}
	if err := u.Revoke(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Authenticate(ctx, tok); !errors.Is(err, teams.ErrUnauthenticated) {
		t.Errorf("a revoked token authenticates: %v", err)
	}
	if err := u.Revoke(ctx, "nobody"); !errors.Is(err, teams.ErrNotFound) {
		t.Errorf("Revoke(nobody) = %v", err)
	}
	if _, err := teams.ParseRole("admin"); !errors.Is(err, teams.ErrInvalid) {
		t.Errorf("ParseRole(admin): %v", err)
	}
}
