package gcp_test

import (
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
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
		// file replaces the key file; summary must appear in the summary.
		file, summary string
		// refused points the check at a port nothing listens on.
		refused bool
	}
	cases := []tc{
		{name: "ok", account: viewer, want: providers.StatusOK, excess: []string{}},
		{name: "ok with admin roles", account: admin, want: providers.StatusOK,
			excess: []string{"iam.serviceAccounts.create", "iam.serviceAccountKeys.create", "iam.serviceAccountKeys.delete", "iam.serviceAccounts.actAs"}},
		{name: "missing permissions", account: nobody, want: providers.StatusInsufficientPermissions, missing: []string{"resourcemanager.projects.get"}},
		{name: "key deleted", account: gone, want: providers.StatusExpired, summary: "rejected the key's signature"},
		{name: "account unknown to the token endpoint", account: "stranger", want: providers.StatusExpired, summary: "no longer accepts this service account"},
		{name: "invalid key json", account: admin, file: `{"type":"service_account",`, want: providers.StatusMalformed, summary: "not valid JSON"},
		{name: "connection refused", account: admin, refused: true, want: providers.StatusNetwork, summary: "refused the connection"},
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
			var file string
			switch {
			case c.file != "":
				file = c.file
			case c.account == "stranger":
				// A key the fake never issued: Google answers
				// invalid_grant for an account it does not know.
				file = gcptest.New(t).NewKey(t, viewer, perms...)
			default:
				file = s.NewKey(t, c.account, perms...)
			}
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
			env := s.Env(0, "GCP")
			if c.refused {
				env.Endpoints["GCP"] = closedURL(t)
			}
			got := spec.Check(t.Context(), vals, env)
			if got.Status != c.want {
				t.Fatalf("status = %v (%s), want %v", got.Status, got.Summary, c.want)
			}
			if !strings.Contains(got.Summary, c.summary) {
				t.Errorf("summary = %q, want it to say %q", got.Summary, c.summary)
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

// closedURL is the address of a port that was just listening and no longer
// is, so that connecting to it is refused.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}

type recordingTransport struct {
	mu    sync.Mutex
	hosts []string
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.hosts = append(r.hosts, req.URL.Host)
	r.mu.Unlock()
	return nil, errors.New("offline")
}

// TestTokenURIOnlyGoogle: the token library reads the key file's token_uri;
// the signed assertion still goes only to Google's token host, not to
// whatever URL a crafted key file names.
func TestTokenURIOnlyGoogle(t *testing.T) {
	t.Parallel()
	s := gcptest.New(t)
	file := s.NewKey(t, viewer, gcp.RequiredPermissions...)
	rec := &recordingTransport{}
	env := &providers.Env{HTTPClient: &http.Client{Transport: rec}, Getenv: func(string) string { return "" }}
	got := gcp.Provider().Credentials.Check(t.Context(), providers.Values{"key_file": file}, env)
	if got.Status != providers.StatusNetwork {
		t.Errorf("status = %v (%s), want network (the offline transport)", got.Status, got.Summary)
	}
	if len(s.Requests()) != 0 {
		t.Errorf("the key file's token_uri received %d requests", len(s.Requests()))
	}
	if !slices.Equal(rec.hosts, []string{"oauth2.googleapis.com"}) {
		t.Errorf("requests went to %v, want only oauth2.googleapis.com", rec.hosts)
	}
}
