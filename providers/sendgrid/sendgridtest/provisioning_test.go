package sendgridtest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/sendgrid/sendgridtest"
)

func do(t *testing.T, s *sendgridtest.Server, key, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, out := providertest.Do(t, req)
	var m map[string]any
	_ = json.Unmarshal(out, &m)
	return resp.StatusCode, m
}

func TestAPIKeysShownOnceAndScoped(t *testing.T) {
	t.Parallel()
	s := sendgridtest.New(t)
	st, created := do(t, s, sendgridtest.Key, "POST", "/v3/api_keys", map[string]any{"name": "k", "scopes": []string{"mail.send"}})
	if st != 201 || created["api_key"] == nil {
		t.Fatalf("create: %d %v", st, created)
	}
	id := created["api_key_id"].(string)
	if st, got := do(t, s, sendgridtest.Key, "GET", "/v3/api_keys/"+id, nil); st != 200 || got["api_key"] != nil {
		t.Errorf("get shows the key again or fails: %d %v", st, got)
	}
	// The new key works, with its own scopes only.
	newKey := created["api_key"].(string)
	if st, _ := do(t, s, newKey, "POST", "/v3/api_keys", map[string]any{"name": "x", "scopes": []string{"mail.send"}}); st != 403 {
		t.Errorf("key without api_keys.create created a key: %d", st)
	}
	// A key cannot grant scopes it lacks.
	s.AddKey("SG.limited", "api_keys.create", "mail.send")
	if st, body := do(t, s, "SG.limited", "POST", "/v3/api_keys", map[string]any{"name": "y", "scopes": []string{"api_keys.delete"}}); st != 400 {
		t.Errorf("escalation: %d %v", st, body)
	}
	// PUT replaces the scope list.
	if st, _ := do(t, s, sendgridtest.Key, "PUT", "/v3/api_keys/"+id, map[string]any{"name": "k", "scopes": []string{"scopes.read"}}); st != 200 {
		t.Fatalf("put: %d", st)
	}
	if k := s.APIKeys()[id]; len(k.Scopes) != 1 || k.Scopes[0] != "scopes.read" {
		t.Errorf("scopes after PUT = %v", k.Scopes)
	}
	if st, _ := do(t, s, sendgridtest.Key, "DELETE", "/v3/api_keys/"+id, nil); st != 204 {
		t.Errorf("delete: %d", st)
	}
	if st, body := do(t, s, newKey, "GET", "/v3/scopes", nil); st != 401 {
		t.Errorf("deleted key still works: %d %v", st, body)
	}
}

func TestEventWebhookPatchKeepsOmittedFieldsAndSigns(t *testing.T) {
	t.Parallel()
	s := sendgridtest.New(t)
	st, h := do(t, s, sendgridtest.Key, "POST", "/v3/user/webhooks/event/settings",
		map[string]any{"url": "https://a.example/sg", "enabled": true, "bounce": true, "friendly_name": "a"})
	if st != 201 || h["bounce"] != true || h["delivered"] != false {
		t.Fatalf("create: %d %v", st, h)
	}
	id := h["id"].(string)
	if st, h := do(t, s, sendgridtest.Key, "PATCH", "/v3/user/webhooks/event/settings/"+id, map[string]any{"url": "https://b.example/sg"}); st != 200 ||
		h["bounce"] != true || h["friendly_name"] != "a" {
		t.Errorf("patch: %d %v", st, h)
	}
	if st, sig := do(t, s, sendgridtest.Key, "PATCH", "/v3/user/webhooks/event/settings/signed/"+id, map[string]any{"enabled": true}); st != 200 || sig["public_key"] == "" {
		t.Errorf("sign: %d %v", st, sig)
	}
	if st, all := do(t, s, sendgridtest.Key, "GET", "/v3/user/webhooks/event/settings/all", nil); st != 200 || len(all["webhooks"].([]any)) != 1 {
		t.Errorf("all: %d %v", st, all)
	}
	if st, _ := do(t, s, sendgridtest.Key, "GET", "/v3/user/webhooks/event/settings/nope", nil); st != 404 {
		t.Errorf("missing: %d", st)
	}
}
