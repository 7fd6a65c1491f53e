package gcp_test

import (
	"slices"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/gcp"
	"github.com/patchbay-dev/patchbay/providers/gcp/gcptest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

const (
	admin  = "patchbay@patchbay-dev-123.iam.gserviceaccount.com"
	viewer = "viewer@patchbay-dev-123.iam.gserviceaccount.com"
	nobody = "nobody@patchbay-dev-123.iam.gserviceaccount.com"
	gone   = "gone@patchbay-dev-123.iam.gserviceaccount.com"
)

// adminPerms are what the Service Account Admin and Key Admin roles Patchbay
// used to ask for hold, among others.
var adminPerms = []string{"resourcemanager.projects.get", "iam.serviceAccounts.get", "iam.serviceAccounts.create",
	"iam.serviceAccountKeys.create", "iam.serviceAccountKeys.delete", "iam.serviceAccounts.actAs"}

func TestValidate(t *testing.T) {
	t.Parallel()
	type tc struct {
		name    string
		account string
		project string
		fault   *providertest.Fault
		disable bool
		want    providers.Status
		missing []string
		// excess, when set, are exactly the permissions reported excess.
		excess []string
	}
	cases := []tc{
		{name: "ok", account: viewer, want: providers.StatusOK, excess: []string{}},
		{name: "ok with admin roles", account: admin, want: providers.StatusOK,
			excess: []string{"iam.serviceAccounts.create", "iam.serviceAccountKeys.create", "iam.serviceAccountKeys.delete", "iam.serviceAccounts.actAs"}},
		{name: "missing permissions", account: nobody, want: providers.StatusInsufficientPermissions, missing: []string{"resourcemanager.projects.get"}},
		{name: "key deleted", account: gone, want: providers.StatusExpired},
		{name: "other project", account: admin, project: "someone-elses-1", want: providers.StatusWrongTarget},
		{name: "api disabled", account: admin, disable: true, want: providers.StatusInsufficientPermissions},
		{name: "fault 401", account: admin, fault: &providertest.Fault{Kind: providertest.Unauthorized}, want: providers.StatusExpired},
		{name: "fault 403", account: admin, fault: &providertest.Fault{Kind: providertest.Forbidden}, want: providers.StatusInsufficientPermissions},
		{name: "fault expired", account: admin, fault: &providertest.Fault{Kind: providertest.Expired}, want: providers.StatusExpired},
		{name: "fault token 401 on api", account: admin, fault: &providertest.Fault{Kind: providertest.Unauthorized, Path: "/v1/"}, want: providers.StatusExpired},
		{name: "fault 429", account: admin, fault: &providertest.Fault{Kind: providertest.RateLimited, RetryAfter: 3e9}, want: providers.StatusRateLimited},
		{name: "fault 5xx", account: admin, fault: &providertest.Fault{Kind: providertest.Outage}, want: providers.StatusOutage},
		{name: "fault timeout", account: admin, fault: &providertest.Fault{Kind: providertest.Timeout}, want: providers.StatusNetwork},
	}
	spec := gcp.Provider().Credentials
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := gcptest.New(t)
			perms := adminPerms
			switch c.account {
			case viewer:
				perms = gcp.RequiredPermissions
			case nobody:
				perms = nil
			}
			file := s.NewKey(t, c.account, perms...)
			if c.account == gone {
				s.DeleteKeys(gone)
			}
			if c.disable {
				s.DisableAPI(gcptest.Project)
			}
			if c.fault != nil {
				s.Inject(*c.fault)
			}
			vals := providers.Values{"key_file": file, "project_id": c.project}
			got := spec.Check(t.Context(), vals, s.Env(0, "GCP"))
			if got.Status != c.want {
				t.Fatalf("status = %v (%s), want %v", got.Status, got.Summary, c.want)
			}
			if c.missing != nil && !slices.Equal(got.MissingPermissions, c.missing) {
				t.Errorf("missing = %v, want %v", got.MissingPermissions, c.missing)
			}
			if c.excess != nil {
				if e := providers.Excess(got.Permissions); !slices.Equal(e, c.excess) && len(e)+len(c.excess) > 0 {
					t.Errorf("excess = %v, want %v", e, c.excess)
				}
				if m := providers.Missing(got.Permissions); len(m) > 0 {
					t.Errorf("missing = %v, want none", m)
				}
			}
			if c.want == providers.StatusRateLimited && got.RetryAfter == 0 {
				t.Errorf("no retry-after")
			}
			providertest.AssertNoSecrets(t, spec, vals, got.Summary, got.Fix, got.Account)
		})
	}
}

func TestNormalizeReadsProject(t *testing.T) {
	t.Parallel()
	s := gcptest.New(t)
	file := s.NewKey(t, admin)
	got, bad := gcp.Provider().Credentials.Prepare(providers.Values{"key_file": file})
	if bad != nil {
		t.Fatalf("Prepare: %+v", bad)
	}
	if got["project_id"] != gcptest.Project || got["client_email"] != admin {
		t.Errorf("project_id = %q, client_email = %q", got["project_id"], got["client_email"])
	}
	for name, file := range map[string]string{
		"not json":        "{",
		"authorized user": `{"type":"authorized_user","client_id":"x","refresh_token":"y"}`,
		"no private key":  `{"type":"service_account","client_email":"a@b"}`,
		"garbled key":     `{"type":"service_account","client_email":"a@b","private_key":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}`,
	} {
		if _, bad := gcp.Provider().Credentials.Prepare(providers.Values{"key_file": file}); bad == nil || bad.Status != providers.StatusMalformed {
			t.Errorf("%s: got %+v, want malformed", name, bad)
		}
	}
}
