package okta_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/okta"
	"github.com/patchbay-dev/patchbay/providers/okta/oktatest"
)

func getUser(t *testing.T) providers.Action {
	t.Helper()
	for _, a := range okta.Provider().Actions {
		if a.ID == "get_user" {
			return a
		}
	}
	t.Fatal("no get_user action")
	return providers.Action{}
}

// get_user reads a user by id or by login and returns only id, status and
// profile; its schemas are draft 2020-12 objects and the input allows no
// unknown properties.
func TestGetUser(t *testing.T) {
	t.Parallel()
	s := oktatest.New(t)
	id := s.AddUser("ada@example.test")
	a := getUser(t)
	for _, doc := range []string{a.InputSchema, a.OutputSchema} {
		var m map[string]any
		if err := json.Unmarshal([]byte(doc), &m); err != nil || m["type"] != "object" || m["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
			t.Fatalf("schema %s: %v", doc, err)
		}
	}
	env := providers.ActionEnv{BaseURL: s.URL}
	for _, who := range []string{id, "ada@example.test"} {
		out, err := a.Run(context.Background(), env, s.Credentials(), map[string]any{"user": who}, "")
		if err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		profile, _ := out["profile"].(map[string]any)
		if out["id"] != id || out["status"] != "ACTIVE" || profile["login"] != "ada@example.test" || len(out) != 3 {
			t.Errorf("%s: out = %v", who, out)
		}
	}
}

// Failures keep Okta's status for the gateway to classify (errors.As), and
// missing credential fields are a connection problem.
func TestGetUserErrors(t *testing.T) {
	t.Parallel()
	s := oktatest.New(t)
	a := getUser(t)
	env := providers.ActionEnv{BaseURL: s.URL}
	ctx := context.Background()
	_, err := a.Run(ctx, env, s.Credentials(), map[string]any{"user": "nobody@example.test"}, "")
	var he *providers.HTTPError
	if !errors.Is(err, okta.ErrNotFound) || !errors.As(err, &he) || he.HTTPStatus() != http.StatusNotFound || he.Code != "E0000007" {
		t.Errorf("unknown user: %v", err)
	}
	bad := map[string]string{"org_url": "https://patchbay-dev.okta.com", "api_token": "00NotTheFakesToken000000000000"}
	if _, err := a.Run(ctx, env, bad, map[string]any{"user": "x"}, ""); !errors.As(err, &he) || he.HTTPStatus() != http.StatusUnauthorized {
		t.Errorf("bad token: %v", err)
	}
	if _, err := a.Run(ctx, env, map[string]string{"org_url": "https://x.okta.com"}, map[string]any{"user": "x"}, ""); !errors.Is(err, providers.ErrConnection) {
		t.Errorf("no token: %v", err)
	}
}
