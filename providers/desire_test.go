package providers

import "testing"

func TestResourceName(t *testing.T) {
	for _, tc := range []struct{ workspace, service, env, want string }{
		{"shop", "shop", "local", "shop-local"},
		{"monorepo", "web", "prod", "monorepo-web-prod"},
		{"", "api", "staging", "api-staging"},
	} {
		in := DesiredInput{Workspace: tc.workspace}
		if got := in.ResourceName(tc.service, tc.env); got != tc.want {
			t.Errorf("ResourceName(%q, %q) in workspace %q = %q, want %q", tc.service, tc.env, tc.workspace, got, tc.want)
		}
	}
}
