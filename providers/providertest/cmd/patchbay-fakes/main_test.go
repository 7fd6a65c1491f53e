package main

import (
	"context"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/catalog"
)

// Every credential the command prints passes its provider's live check
// against the fakes it started, so demos and editor runs start green.
func TestEveryPrintedCredentialWorks(t *testing.T) {
	f := Start(t)
	for id, values := range f.Credentials {
		t.Run(id, func(t *testing.T) {
			p, ok := catalog.Get(id)
			if !ok {
				t.Fatalf("unknown provider %q", id)
			}
			env := &providers.Env{Endpoints: map[string]string{}, Getenv: func(string) string { return "" }}
			for k, v := range f.Env {
				env.Endpoints[strings.TrimPrefix(k, providers.EndpointEnvPrefix)] = v
			}
			vals := providers.Values(values)
			if got := p.Credentials.Check(context.Background(), vals, env); !got.OK() {
				t.Errorf("%s: %v: %s", id, got.Status, got.Summary)
			}
		})
	}
	if len(f.Credentials) != 15 {
		t.Errorf("%d providers, want 15", len(f.Credentials))
	}
}
