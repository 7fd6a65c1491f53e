package github

import "github.com/patchbay-dev/patchbay/providers"

// Calls are the GitHub REST calls Patchbay makes with the token (the
// ActionClient's actions and triggers, and the credential check), each with
// the fine-grained repository permission it needs
// (https://docs.github.com/en/rest/authentication/permissions-required-for-fine-grained-personal-access-tokens).
// RequiredPermissions, and so the credential form, derive from them;
// TestCallsDeclarePermissions records the calls the actions make and checks
// them against this table. Patchbay writes no repository secrets, so it
// does not ask for Secrets.
var Calls = providers.APICalls{
	// The check: who the token belongs to needs no permission.
	{Op: "GET /user"},
	{Op: "GET /repos/{owner}/{repo}", Needs: []string{"metadata:read"}},
	// create_issue.
	{Op: "POST /repos/{owner}/{repo}/issues", Needs: []string{"issues:write"}},
	// The repository-webhook trigger: register and unregister.
	{Op: "POST /repos/{owner}/{repo}/hooks", Needs: []string{"webhooks:write"}},
	{Op: "DELETE /repos/{owner}/{repo}/hooks/{hook_id}", Needs: []string{"webhooks:write"}},
}

// CheckProbes are the reads the credential check makes to learn what it
// can; they need the Read half of the permissions above, not more.
var CheckProbes = providers.APICalls{
	{Op: "GET /repos/{owner}/{repo}/hooks", Needs: []string{"webhooks:read"}},
	{Op: "GET /repos/{owner}/{repo}/issues", Needs: []string{"issues:read"}},
}

// RequiredPermissions are the fine-grained permissions the calls need.
var RequiredPermissions = Calls.Permissions()

// permissionLabels name the permissions as the token settings page does.
var permissionLabels = map[string]string{
	"metadata:read":  "Repository permissions: Metadata — Read-only",
	"issues:write":   "Repository permissions: Issues — Read and write",
	"webhooks:write": "Repository permissions: Webhooks — Read and write",
}

// classicScopes are the classic-token scopes that cover the permissions:
// "repo" grants full access to repositories, webhooks and issues included
// (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps).
var classicScopes = map[string][]string{
	"metadata:read":  {"repo", "public_repo"},
	"issues:write":   {"repo", "public_repo"},
	"webhooks:write": {"repo", "admin:repo_hook", "write:repo_hook"},
}

func permissionList() []string {
	var out []string
	for _, p := range RequiredPermissions {
		out = append(out, permissionLabels[p])
	}
	return out
}
