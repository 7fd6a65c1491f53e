package vercel_test

import (
	"context"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/vercel"
	"github.com/patchbay-dev/patchbay/providers/vercel/verceltest"
)

// TestCallsDeclarePermissions derives what Patchbay asks of a Vercel token
// from what its code calls: the check, its only code calling Vercel, runs
// against the fake with and without a Team ID; every request it makes
// must be declared in vercel.Calls, every declared call must be made, and
// the form must name exactly what the calls read.
func TestCallsDeclarePermissions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := verceltest.New(t)
	for _, v := range []providers.Values{{"token": verceltest.Token}, {"token": verceltest.Token, "team_id": verceltest.TeamID}} {
		if r := vercel.Provider().Credentials.Check(ctx, v, s.Env(0, "VERCEL")); r.Status != providers.StatusOK {
			t.Fatalf("check %v: %v %s", v["team_id"], r.Status, r.Summary)
		}
	}
	providertest.CheckCalls(t, "vercel.Calls", vercel.Calls, s.Requests())
	form := strings.Join(vercel.Provider().Credentials.Permissions, "\n")
	for _, c := range vercel.Calls {
		if !strings.Contains(form, strings.TrimPrefix(c.Op, "GET ")) {
			t.Errorf("the form does not name %s:\n%s", c.Op, form)
		}
	}
	for _, p := range vercel.RequiredPermissions {
		if !strings.Contains(form, p) {
			t.Errorf("the form does not say Patchbay reads %s:\n%s", p, form)
		}
	}
	if n := len(vercel.Provider().Credentials.Permissions); n != 1 {
		t.Errorf("the form has %d permission lines, want 1", n)
	}
}
