package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/internal/pgtest"
	"github.com/patchbay-dev/patchbay/store"
)

func openAPIKeyStore(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	if os.Getenv(store.TestEngineEnv) == "postgres" {
		path = pgtest.Database(t)
	}
	s, err := store.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if v, err := s.SchemaVersion(ctx); err != nil || v != store.LatestVersion() {
		t.Fatalf("schema version %d (%v), want %d", v, err, store.LatestVersion())
	}
	return s
}

func TestAPIKeyRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openAPIKeyStore(t)
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	k, err := s.CreateAPIKey(ctx, store.APIKey{ID: "k1", Team: "a", Name: "Prod", TokenHash: []byte{1, 2}, TokenHint: "pbk_k1_ab…",
		Grants: []store.APIKeyGrant{{Provider: "stripe", Components: []string{"create_customer"}, Profile: "default"}}, ExpiresAt: exp})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateAPIKey(ctx, store.APIKey{ID: "k2", Team: "a", Name: "Prod", TokenHash: []byte{3}}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, err := s.CreateAPIKey(ctx, store.APIKey{ID: "k3", Team: "b", Name: "Prod", TokenHash: []byte{4}}); err != nil {
		t.Fatalf("same name, other team: %v", err)
	}
	got, err := s.GetAPIKey(ctx, "a", "k1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(k.Grants, got.Grants); diff != "" || !got.ExpiresAt.Equal(exp) || string(got.TokenHash) != "\x01\x02" || !got.LastUsedAt.IsZero() {
		t.Fatalf("got %+v (%s)", got, diff)
	}
	if _, err := s.GetAPIKey(ctx, "b", "k1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other team: %v", err)
	}
	if _, err := s.SetAPIKeyToken(ctx, "a", "k1", []byte{9}, "pbk_k1_zz…"); err != nil {
		t.Fatal(err)
	}
	used := time.Date(2029, 5, 5, 5, 5, 5, 0, time.UTC)
	if err := s.TouchAPIKey(ctx, "k1", used); err != nil {
		t.Fatal(err)
	}
	got, _ = s.LookupAPIKey(ctx, "k1")
	if string(got.TokenHash) != "\x09" || got.TokenHint != "pbk_k1_zz…" || !got.LastUsedAt.Equal(used) {
		t.Fatalf("after token change %+v", got)
	}
	got.Name, got.ExpiresAt, got.RateLimitPerMinute = "Production", time.Time{}, 60
	up, err := s.UpdateAPIKey(ctx, got)
	if err != nil || up.Name != "Production" || !up.ExpiresAt.IsZero() || up.RateLimitPerMinute != 60 {
		t.Fatalf("update %+v %v", up, err)
	}

	tr, err := s.CreateAPIKeyTrigger(ctx, store.APIKeyTrigger{ID: "t1", KeyID: "k1", Provider: "stripe", Trigger: "events",
		Config: map[string]any{"events": []any{"customer.created"}}, TargetURL: "https://x.test", Profile: "default", ProviderWebhookID: "we_1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateAPIKeyTrigger(ctx, store.APIKeyTrigger{ID: "t2", KeyID: "nokey", Provider: "stripe", Trigger: "events", TargetURL: "x"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("trigger for a missing key: %v", err)
	}
	gt, err := s.GetAPIKeyTrigger(ctx, "t1")
	if err != nil || gt.ProviderWebhookID != "we_1" || gt.Config["events"].([]any)[0] != "customer.created" || gt.CreatedAt.IsZero() {
		t.Fatalf("trigger %+v %v", gt, err)
	}
	_ = tr
	if err := s.DeleteAPIKey(ctx, "a", "k1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetAPIKeyTrigger(ctx, "t1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("trigger survived its key: %v", err)
	}
	if err := s.DeleteAPIKey(ctx, "a", "k1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestAPIKeyAuditRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openAPIKeyStore(t)
	for i, team := range []string{"a", "a", "b", "a"} {
		if err := s.AuditAPIKey(ctx, store.APIKeyAudit{Team: team, KeyID: "k" + team, Call: "RunAction", Provider: "slack",
			Target: "post_message", Profile: "default", Outcome: []string{"ok", "permission_denied", "ok", "ok"}[i]}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ListAPIKeyAudit(ctx, "a", "", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Outcome != "permission_denied" || got[1].Outcome != "ok" || got[0].Seq > got[1].Seq {
		t.Fatalf("newest two, oldest first: %+v", got)
	}
	if b, _ := s.ListAPIKeyAudit(ctx, "b", "", 10); len(b) != 1 {
		t.Fatalf("team b: %+v", b)
	}
}
