package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/engine/enginetest"
)

// unreadableSecrets is a SecretStore whose items exist but cannot be read
// (a damaged keyring item).
type unreadableSecrets struct{ engine.SecretStore }

func (unreadableSecrets) Get(_ context.Context, key string) (string, error) {
	return "", fmt.Errorf("keyring item %s is damaged (unreadable): %w", key, engine.ErrSecretDamaged)
}

// TestUnreadableSecretIsNamedInThePlan: a secret that cannot be read is
// treated as lost (Patchbay cannot inject it), but the plan says it is
// unreadable and why, instead of silently rotating it as "lost".
func TestUnreadableSecretIsNamedInThePlan(t *testing.T) {
	t.Parallel()
	things := enginetest.NewThings()
	r := newRig(t, things, nil)
	r.setWant(thing("db", ""))
	r.apply(r.plan(false))
	r.open(func(o *engine.Options) { o.Secrets = unreadableSecrets{r.secrets} })
	p := r.plan(false)
	if actions(p)["db"] != engine.ActionRotate {
		t.Fatalf("plan:\n%s", p.Summary())
	}
	if !strings.Contains(p.Summary(), "unreadable in the secret store") {
		t.Errorf("plan does not say the secret is unreadable:\n%s", p.Summary())
	}
	found := false
	for _, w := range p.Warnings {
		if strings.Contains(w, "cannot be read") && strings.Contains(w, "damaged") {
			found = true
		}
	}
	if !found {
		t.Errorf("warnings = %q, want one naming the unreadable secret", p.Warnings)
	}
}
