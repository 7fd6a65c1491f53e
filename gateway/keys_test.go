package gateway_test

import (
	"context"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/gateway"
)

var tokenRe = regexp.MustCompile(`^pbk_k[a-z2-7]{16}_[a-z2-7]{52}$`)

func TestKeyLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	k, tok := e.createKey(t, "acme", "Production", []gateway.Grant{{Provider: "stripe", Components: []string{"create_customer"}}})
	if !tokenRe.MatchString(tok) {
		t.Fatalf("token %q does not have the pbk_<id>_<secret> shape", tok)
	}
	if !strings.HasPrefix(tok, strings.TrimSuffix(k.TokenHint, "…")) || len(k.TokenHint) >= len(tok)/2 {
		t.Fatalf("hint %q is not a short prefix of the token", k.TokenHint)
	}
	want := []gateway.Grant{{Provider: "stripe", Components: []string{"create_customer"}, Profile: "default"}}
	if diff := cmp.Diff(want, k.Grants); diff != "" {
		t.Fatalf("grants (-want +got):\n%s", diff)
	}
	p := e.auth(t, tok)
	if p.KeyID != k.ID || p.Team != "acme" {
		t.Fatalf("principal = %+v", p)
	}
	got, err := e.gw.GetKey(ctx, "acme", k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.LastUsedAt.IsZero() {
		t.Error("last used time not recorded")
	}

	// Update keeps the token working and changes grants.
	up, err := e.gw.UpdateKey(ctx, k.ID, gateway.KeySpec{Team: "acme", Name: "Prod", RateLimitPerMinute: 30,
		Grants: []gateway.Grant{{Provider: "slack", Components: []string{"post_message"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if up.Name != "Prod" || up.RateLimitPerMinute != 30 || up.Grants[0].Provider != "slack" {
		t.Fatalf("updated = %+v", up)
	}
	e.auth(t, tok)

	// Regenerate: old token fails at once, new one works, id unchanged.
	rk, tok2, err := e.gw.RegenerateKey(ctx, "acme", k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rk.ID != k.ID || tok2 == tok || !tokenRe.MatchString(tok2) {
		t.Fatalf("regenerated %q (id %s)", tok2, rk.ID)
	}
	if _, err := e.gw.Authenticate(ctx, "Bearer "+tok); !errors.Is(err, gateway.ErrUnauthenticated) {
		t.Fatalf("old token after regenerate: %v", err)
	}
	e.auth(t, tok2)

	keys, err := e.gw.ListKeys(ctx, "acme")
	if err != nil || len(keys) != 1 {
		t.Fatalf("ListKeys = %v, %v", keys, err)
	}
	if err := e.gw.DeleteKey(ctx, "acme", k.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.gw.Authenticate(ctx, "Bearer "+tok2); !errors.Is(err, gateway.ErrUnauthenticated) {
		t.Fatalf("token after delete: %v", err)
	}
	if _, err := e.gw.GetKey(ctx, "acme", k.ID); !errors.Is(err, gateway.ErrNotFound) {
		t.Fatalf("GetKey after delete: %v", err)
	}
}

func TestCreateKeyRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.checker.bad["stripe/expired"] = "the key expired on 2026-01-01 (api_key_expired)"
	e.checker.bad["github/readonly"] = "the token lacks the Issues: write permission"
	ctx := context.Background()
	if _, _, err := e.gw.CreateKey(ctx, gateway.KeySpec{Team: "t", Name: "dup"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		spec    gateway.KeySpec
		want    error
		wantMsg string
	}{
		{"expired connection", gateway.KeySpec{Name: "a", Grants: []gateway.Grant{{Provider: "stripe", Components: []string{"create_customer"}, Profile: "expired"}}},
			gateway.ErrConnection, "api_key_expired"},
		{"missing permission", gateway.KeySpec{Name: "a", Grants: []gateway.Grant{{Provider: "github", Components: []string{"create_issue"}, Profile: "readonly"}}},
			gateway.ErrConnection, "Issues: write"},
		{"unknown provider", gateway.KeySpec{Name: "a", Grants: []gateway.Grant{{Provider: "acme", Components: []string{"x"}}}},
			gateway.ErrInvalidArgument, "no actions or triggers"},
		{"unknown component", gateway.KeySpec{Name: "a", Grants: []gateway.Grant{{Provider: "stripe", Components: []string{"refund"}}}},
			gateway.ErrInvalidArgument, `no component "refund"`},
		{"no name", gateway.KeySpec{}, gateway.ErrInvalidArgument, "name"},
		{"bad team", gateway.KeySpec{Team: "Acme Corp", Name: "a"}, gateway.ErrInvalidArgument, "team"},
		{"past expiry", gateway.KeySpec{Name: "a", ExpiresAt: time.Now().Add(-time.Hour)}, gateway.ErrInvalidArgument, "past"},
		{"duplicate name", gateway.KeySpec{Team: "t", Name: "dup"}, gateway.ErrAlreadyExists, "dup"},
		{"provider twice", gateway.KeySpec{Name: "a", Grants: []gateway.Grant{{Provider: "slack", Components: []string{"post_message"}}, {Provider: "slack"}}},
			gateway.ErrInvalidArgument, "twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, tok, err := e.gw.CreateKey(ctx, tc.spec)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("err = %v, want %v containing %q", err, tc.want, tc.wantMsg)
			}
			if tok != "" {
				t.Fatal("a refused key returned a token")
			}
		})
	}
}

func TestDefaultCheckerRefusesMissingCredentials(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *gateway.Config) { c.Checker = nil })
	_, _, err := e.gw.CreateKey(context.Background(), gateway.KeySpec{Name: "a",
		Grants: []gateway.Grant{{Provider: "stripe", Components: []string{"create_customer"}, Profile: "nosuch"}}})
	if !errors.Is(err, gateway.ErrConnection) || !strings.Contains(err.Error(), `no stripe credentials are saved under profile "nosuch"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestAuthenticateRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	_, tok := e.createKey(t, "", "a", nil)
	_, regenerated := e.createKey(t, "", "b", nil)
	kb, _ := e.gw.ListKeys(ctx, "")
	var bID string
	for _, x := range kb {
		if x.Name == "b" {
			bID = x.ID
		}
	}
	if _, _, err := e.gw.RegenerateKey(ctx, "", bID); err != nil {
		t.Fatal(err)
	}
	dk, revoked := e.createKey(t, "", "c", nil)
	if err := e.gw.DeleteKey(ctx, "", dk.ID, false); err != nil {
		t.Fatal(err)
	}
	_, expiring, err := e.gw.CreateKey(ctx, gateway.KeySpec{Name: "d", ExpiresAt: e.clock.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	e.auth(t, expiring)
	e.clock.Add(time.Hour)

	id, sec, _ := strings.Cut(strings.TrimPrefix(tok, "pbk_"), "_")
	wrongSecret := "pbk_" + id + "_" + strings.Repeat("a", len(sec))
	tests := map[string]string{
		"missing":        "",
		"not bearer":     "Basic " + tok,
		"no prefix":      "Bearer " + strings.TrimPrefix(tok, "pbk_"),
		"garbage":        "Bearer pbk_nonsense",
		"wrong secret":   "Bearer " + wrongSecret,
		"unknown id":     "Bearer pbk_kaaaaaaaaaaaaaaaa_" + sec,
		"regenerated":    "Bearer " + regenerated,
		"revoked":        "Bearer " + revoked,
		"expired":        "Bearer " + expiring,
		"daemon token":   "Bearer 3f1c0e0f2b6d4a59a1c7e8d9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3",
		"token + suffix": "Bearer " + tok + "x",
	}
	for name, h := range tests {
		t.Run(name, func(t *testing.T) {
			p, err := e.gw.Authenticate(ctx, h)
			if !errors.Is(err, gateway.ErrUnauthenticated) || p != nil {
				t.Fatalf("Authenticate(%s) = %v, %v; want unauthenticated", name, p, err)
			}
		})
	}
	e.auth(t, tok)
}

func TestTeamIsolation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	ka, _ := e.createKey(t, "team-a", "Production", allGrants())
	kb, _ := e.createKey(t, "team-b", "Production", allGrants()) // same name, other team: fine
	if ka.ID == kb.ID {
		t.Fatal("keys share an id")
	}
	keys, err := e.gw.ListKeys(ctx, "team-b")
	if err != nil || len(keys) != 1 || keys[0].ID != kb.ID {
		t.Fatalf("team-b sees %v (%v)", keys, err)
	}
	if _, err := e.gw.GetKey(ctx, "team-b", ka.ID); !errors.Is(err, gateway.ErrNotFound) {
		t.Errorf("GetKey across teams: %v", err)
	}
	if _, err := e.gw.UpdateKey(ctx, ka.ID, gateway.KeySpec{Team: "team-b", Name: "x"}); !errors.Is(err, gateway.ErrNotFound) {
		t.Errorf("UpdateKey across teams: %v", err)
	}
	if _, _, err := e.gw.RegenerateKey(ctx, "team-b", ka.ID); !errors.Is(err, gateway.ErrNotFound) {
		t.Errorf("RegenerateKey across teams: %v", err)
	}
	if err := e.gw.DeleteKey(ctx, "team-b", ka.ID, false); !errors.Is(err, gateway.ErrNotFound) {
		t.Errorf("DeleteKey across teams: %v", err)
	}
	if _, err := e.gw.GetKey(ctx, "team-a", ka.ID); err != nil {
		t.Errorf("team-a lost its key: %v", err)
	}
}

// TestTimingSafeComparison pins the property that the token hash is only
// ever compared with crypto/subtle: a future refactor to == or bytes.Equal
// would make comparison time depend on the matching prefix.
func TestTimingSafeComparison(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("auth.go")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	if !strings.Contains(s, "subtle.ConstantTimeCompare(hashToken(strings.TrimSpace(token)), row.TokenHash) != 1") {
		t.Error("Authenticate no longer compares the token hash with subtle.ConstantTimeCompare")
	}
	for _, bad := range []string{"bytes.Equal", "TokenHash ==", "== row.TokenHash", "string(row.TokenHash)"} {
		if strings.Contains(s, bad) {
			t.Errorf("auth.go uses %q on secrets", bad)
		}
	}
	// Trigger signature schemes are the providers' (Stripe's timestamped
	// HMAC, which Patchbay's deliveries copy, and GitHub's).
	for _, f := range []string{"../providers/action.go", "../providers/github/components.go"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(src), "hmac.Equal(") {
			t.Errorf("signature checks in %s must use hmac.Equal", f)
		}
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	_, tok, err := e.gw.CreateKey(ctx, gateway.KeySpec{Name: "slow", RateLimitPerMinute: 3})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := e.gw.Authenticate(ctx, "Bearer "+tok); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if _, err := e.gw.Authenticate(ctx, "Bearer "+tok); !errors.Is(err, gateway.ErrRateLimited) || !strings.Contains(err.Error(), "retry in 20s") {
		t.Fatalf("4th call: %v", err)
	}
	e.clock.Add(20 * time.Second) // 3/min refills one token every 20 s
	if _, err := e.gw.Authenticate(ctx, "Bearer "+tok); err != nil {
		t.Fatalf("after refill: %v", err)
	}
	// Another key has its own bucket.
	_, other := e.createKey(t, "", "other", nil)
	e.auth(t, other)
}
