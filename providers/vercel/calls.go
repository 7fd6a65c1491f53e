package vercel

import (
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// Calls are the Vercel calls Patchbay makes: the credential check's reads
// (validate.go); no code edits projects, environment variables or
// webhooks. Vercel's tokens carry no permission list, only scopes that are
// reach (the personal account, teams; see docs/providers.md), and these
// reads are open to any member's token (Get the User, Get a Team, Get Auth
// Token Metadata in https://vercel.com/docs/rest-api), so Needs name the
// read. The credential form's permission text derives from them;
// TestCallsDeclarePermissions records the calls against the fake and
// checks them against this table.
var Calls = providers.APICalls{
	{Op: "GET /v2/user", Needs: []string{"the user"}},
	// Only with a Team ID.
	{Op: "GET /v2/teams/{id}", Needs: []string{"the team"}},
	// The token's expiry and scopes (teamId in the query with a Team ID).
	{Op: "GET /v5/user/tokens/current", Needs: []string{"the token"}},
}

// RequiredPermissions are what the calls read, once each.
var RequiredPermissions = Calls.Permissions()

// formPermissions is the credential form's permission line, made from
// Calls.
func formPermissions() []string {
	reads := RequiredPermissions
	var ops []string
	for _, c := range Calls {
		ops = append(ops, strings.TrimPrefix(c.Op, "GET "))
	}
	what := reads[0]
	if n := len(reads); n > 1 {
		what = strings.Join(reads[:n-1], ", ") + " and " + reads[n-1]
	}
	return []string{"Token scoped to the team (or personal account) that owns the projects; Patchbay only reads " + what +
		" (GET " + strings.Join(ops, ", ") + "), which any member's token may."}
}
