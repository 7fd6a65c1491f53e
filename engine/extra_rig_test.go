package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers/aws/awstest"
	"github.com/patchbay-dev/patchbay/providers/sendgrid/sendgridtest"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/providers/twilio/twiliotest"
	"github.com/patchbay-dev/patchbay/store"
)

// extRig provisions a workspace on disk (for patchbay.json) against the
// stateful fakes of the providers beyond Auth0.
type extRig struct {
	t        *testing.T
	root     string
	stripe   *stripetest.Server
	sendgrid *sendgridtest.Server
	aws      *awstest.Server
	twilio   *twiliotest.Server
	secrets  *engine.MemorySecrets
	st       *store.Store
	eng      *engine.Engine
	src      engine.Source
	creds    map[string]engine.Credentials
}

func newExtRig(t *testing.T, svcs []*patchbayv1.Service, findings []*patchbayv1.Finding) *extRig {
	t.Helper()
	r := &extRig{t: t, root: t.TempDir(), stripe: stripetest.New(t), sendgrid: sendgridtest.New(t), aws: awstest.New(t, "*"), twilio: twiliotest.New(t), secrets: engine.NewMemorySecrets(),
		src: &engine.StaticSource{Services: svcs, Findings: findings}}
	r.creds = map[string]engine.Credentials{"stripe": r.stripe.Credentials(), "sendgrid": r.sendgrid.Credentials(), "twilio": r.twilio.Credentials(),
		"aws": {"access_key_id": awstest.KeyID, "secret_access_key": awstest.Secret, "region": "us-east-1"}}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r.st = st
	r.open(nil)
	eng := r.eng
	if _, err := eng.CreateEnvironment(context.Background(), store.Environment{WorkspaceRoot: r.root, Name: "local",
		FrontendURL: "https://dev.example.net:3000", APIURL: "https://dev.example.net:8080"}); err != nil {
		t.Fatal(err)
	}
	return r
}

// openWith restarts the engine with another source of findings.
func (r *extRig) openWith(src engine.Source) {
	r.src = src
	r.open(nil)
}

// open starts a fresh engine on the rig's database, as a restarted daemon
// would; kill is its kill switch.
func (r *extRig) open(kill func(string) bool) {
	r.t.Helper()
	eng, err := engine.New(context.Background(), engine.Options{
		Store: r.st, Secrets: r.secrets, Source: r.src,
		Types: engine.AllTypes(engine.Endpoints{"stripe": engine.HTTPOptions{BaseURL: r.stripe.URL},
			"sendgrid": engine.HTTPOptions{BaseURL: r.sendgrid.URL}, "aws": engine.HTTPOptions{BaseURL: r.aws.URL},
			"twilio": engine.HTTPOptions{BaseURL: r.twilio.URL}}),
		Credentials: engine.CredentialFunc(func(_ context.Context, provider, _ string) (engine.Credentials, error) {
			if c, ok := r.creds[provider]; ok {
				return c, nil
			}
			return nil, fmt.Errorf("%s: %w", provider, engine.ErrNoCredentials)
		}),
		RetryBase: time.Millisecond, RetryMax: 20 * time.Millisecond, KillSwitch: kill,
	})
	if err != nil {
		r.t.Fatal(err)
	}
	r.eng = eng
}

func (r *extRig) writeConfig(svc, body string) {
	r.t.Helper()
	dir := filepath.Join(r.root, filepath.FromSlash(svc))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, engine.ConfigFile), []byte(body), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *extRig) plan() *engine.Plan {
	r.t.Helper()
	p, err := r.eng.Plan(context.Background(), r.root, "local", false)
	if err != nil {
		r.t.Fatal(err)
	}
	return p
}

func (r *extRig) apply(p *engine.Plan) {
	r.t.Helper()
	if res, err := r.eng.Apply(context.Background(), p.ID, nil); err != nil {
		r.t.Fatalf("apply: %v %v\n%s", err, res.Failed, p.Summary())
	}
}

func (r *extRig) planApply() *engine.Plan {
	r.t.Helper()
	p := r.plan()
	r.apply(p)
	return p
}

func (r *extRig) destroy() {
	r.t.Helper()
	if _, err := r.eng.Destroy(context.Background(), r.root, "local", nil); err != nil {
		r.t.Fatal(err)
	}
}

func (r *extRig) setURLs(front, api string) {
	r.t.Helper()
	env, err := r.st.GetEnvironment(context.Background(), "", r.root, "local")
	if err != nil {
		r.t.Fatal(err)
	}
	env.FrontendURL, env.APIURL = front, api
	if _, err := r.eng.UpdateEnvironment(context.Background(), env); err != nil {
		r.t.Fatal(err)
	}
}

// vars returns the injected variables by name with their values.
func (r *extRig) vars() map[string]string {
	r.t.Helper()
	vs, err := r.eng.Variables(context.Background(), r.root, "local", true)
	if err != nil {
		r.t.Fatal(err)
	}
	out := map[string]string{}
	for _, v := range vs {
		if v.Provided {
			out[v.Name] = v.Value
		}
	}
	return out
}

// actions maps step keys to actions, leaving out unchanged ones.
func changedSteps(p *engine.Plan) map[string]engine.Action {
	out := map[string]engine.Action{}
	for _, s := range p.Steps {
		if s.Action != engine.ActionNoop {
			out[s.Key.String()] = s.Action
		}
	}
	return out
}

func envRead(svc, provider, name string) *patchbayv1.Finding {
	return &patchbayv1.Finding{Kind: patchbayv1.FindingKind_ENV_REFERENCE, Provider: provider, Service: svc,
		Detail: &patchbayv1.Finding_EnvVar{EnvVar: &patchbayv1.EnvVar{Name: name}}}
}

func storeEnv(root, name string) store.Environment {
	return store.Environment{WorkspaceRoot: root, Name: name, FrontendURL: "https://dev.example.net:3001", APIURL: "https://dev.example.net:8081"}
}

func (r *extRig) secret(k engine.Key, name string) string {
	r.t.Helper()
	env, err := r.st.GetEnvironment(context.Background(), "", r.root, "local")
	if err != nil {
		r.t.Fatal(err)
	}
	v, _ := r.secrets.Get(context.Background(), "patchbay/"+env.ID+"/"+k.Provider+"/"+k.Type+"/"+k.Name+"/"+name)
	return v
}

func webhookFinding(svc, provider, route string) *patchbayv1.Finding {
	return &patchbayv1.Finding{Kind: patchbayv1.FindingKind_WEBHOOK_HANDLER, Provider: provider, Service: svc,
		Location: &patchbayv1.Location{Path: svc + "/webhooks.ts", StartLine: 7},
		Detail:   &patchbayv1.Finding_Webhook{Webhook: &patchbayv1.WebhookHandler{Route: route, Method: "POST"}}}
}

func sdkFinding(svc, provider string) *patchbayv1.Finding {
	return &patchbayv1.Finding{Kind: patchbayv1.FindingKind_SDK_USAGE, Provider: provider, Service: svc,
		Location: &patchbayv1.Location{Path: svc + "/mail.ts", StartLine: 1}}
}

// wsName is the workspace's name in provider-side names.
func (r *extRig) wsName() string { return filepath.Base(r.root) }

func callbackFinding(svc, provider, route string, logouts ...string) *patchbayv1.Finding {
	return &patchbayv1.Finding{Kind: patchbayv1.FindingKind_OAUTH_CALLBACK, Provider: provider, Service: svc,
		Location: &patchbayv1.Location{Path: svc + "/auth.ts", StartLine: 4},
		Detail:   &patchbayv1.Finding_Callback{Callback: &patchbayv1.OAuthCallback{Route: route, LogoutRoutes: logouts}}}
}
