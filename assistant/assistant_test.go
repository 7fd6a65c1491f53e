package assistant_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/assistant"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

var provs = []assistant.Provider{{ID: "stripe", DisplayName: "Stripe"}, {ID: "aws", DisplayName: "AWS"}, {ID: "azure", DisplayName: "Azure"},
	{ID: "auth0", DisplayName: "Auth0"}, {ID: "gcp", DisplayName: "Google Cloud"}, {ID: "mongodb", DisplayName: "MongoDB Atlas"}}

func TestParse(t *testing.T) {
	t.Parallel()
	for q, want := range map[string]assistant.Intent{
		"what credentials do I have configured?":           {Kind: assistant.ListCredentials},
		"update my AWS credentials":                        {Kind: assistant.UpdateCredentials, Provider: "aws"},
		"delete my Azure credentials":                      {Kind: assistant.DeleteCredentials, Provider: "azure"},
		"why are my Stripe credentials not working?":       {Kind: assistant.CheckCredentials, Provider: "stripe"},
		"/connect stripe":                                  {Kind: assistant.UpdateCredentials, Provider: "stripe"},
		"/credentials":                                     {Kind: assistant.ListCredentials},
		"/deploy staging":                                  {Kind: assistant.Plan, Environment: "staging"},
		"/keys":                                            {Kind: assistant.Keys},
		"/map":                                             {Kind: assistant.Map},
		"/why STRIPE_SECRET_KEY":                           {Kind: assistant.Explain, Variable: "STRIPE_SECRET_KEY"},
		"why does example-api need STRIPE_SECRET_KEY?":     {Kind: assistant.Explain, Variable: "STRIPE_SECRET_KEY", Service: "example-api"},
		"why is STRIPE_SECRET_KEY missing?":                {Kind: assistant.EnvCheck, Variable: "STRIPE_SECRET_KEY"},
		"why is STRIPE_WEBHOOK_SECRET missing in staging?": {Kind: assistant.EnvCheck, Variable: "STRIPE_WEBHOOK_SECRET", Environment: "staging"},
		"plan local":                                       {Kind: assistant.Plan, Environment: "local"},
		"apply to staging":                                 {Kind: assistant.Apply, Environment: "staging"},
		"provision the prod environment":                   {Kind: assistant.Apply, Environment: "prod"},
		"destroy local":                                    {Kind: assistant.Destroy, Environment: "local"},
		"tear down staging":                                {Kind: assistant.Destroy, Environment: "staging"},
		"show the system map":                              {Kind: assistant.Map},
		"list my API keys":                                 {Kind: assistant.Keys},
		"explain this finding":                             {Kind: assistant.Explain},
		"tell me a joke":                                   {Kind: assistant.Help},
		"remove the MongoDB Atlas token profile work":      {Kind: assistant.DeleteCredentials, Provider: "mongodb", Profile: "work"},
		"rotate the stripe key for profile Org":            {Kind: assistant.UpdateCredentials, Provider: "stripe", Profile: "org"},
		"are my google cloud keys valid":                   {Kind: assistant.CheckCredentials, Provider: "gcp"},
	} {
		if d := cmp.Diff(want, assistant.Parse(q, provs)); d != "" {
			t.Errorf("Parse(%q) (-want +got):\n%s", q, d)
		}
	}
}

func fakeDomains(planCalls *[]string) assistant.Domains {
	finding := func(path string, line uint32, name string) *patchbayv1.Finding {
		return &patchbayv1.Finding{Kind: patchbayv1.FindingKind_ENV_REFERENCE, Provider: "stripe", Service: "services/example-api",
			Location: &patchbayv1.Location{Path: path, StartLine: line}, Detail: &patchbayv1.Finding_EnvVar{EnvVar: &patchbayv1.EnvVar{Name: name}}}
	}
	return assistant.Domains{
		Providers:    func() []assistant.Provider { return provs },
		Environments: func(context.Context, string) ([]string, error) { return []string{"local", "staging"}, nil },
		Plan: func(_ context.Context, _, env string, destroy bool) (*patchbayv1.Plan, error) {
			*planCalls = append(*planCalls, env)
			s := "+ create stripe webhook_endpoint"
			if destroy {
				s = "- delete stripe webhook_endpoint"
			}
			return &patchbayv1.Plan{Id: "plan_1", Environment: env, Summary: s, Destroy: destroy,
				Steps: []*patchbayv1.PlanStep{{Id: "s1", Action: patchbayv1.StepAction_STEP_ACTION_CREATE}}}, nil
		},
		Map: func(context.Context, string, string) (string, error) {
			return "service example-api\n    reads → env_var STRIPE_SECRET_KEY\n", nil
		},
		Variables: func(context.Context, string, string) ([]*patchbayv1.EnvironmentVariable, error) {
			return []*patchbayv1.EnvironmentVariable{{Name: "STRIPE_SECRET_KEY", Secret: true, Source: "nothing provides it"},
				{Name: "STRIPE_WEBHOOK_SECRET", Provided: true, Secret: true, Source: "stripe webhook_endpoint we_1 secret"}}, nil
		},
		Findings: func(context.Context, string) ([]*patchbayv1.Finding, error) {
			return []*patchbayv1.Finding{finding("services/example-api/pay.ts", 3, "STRIPE_SECRET_KEY"), finding("services/example-api/hook.ts", 8, "STRIPE_WEBHOOK_SECRET")}, nil
		},
		Keys: func(context.Context) ([]string, error) { return nil, nil },
		Credentials: func(_ context.Context, in assistant.Intent, send func(assistant.Reply) error) error {
			return send(assistant.Reply{Intent: in.Kind, Text: "credential answer for " + in.Provider})
		},
	}
}

func answer(t *testing.T, d assistant.Domains, q string) (string, []assistant.Command, string) {
	t.Helper()
	var b strings.Builder
	var cmds []assistant.Command
	var intent string
	if err := d.Answer(context.Background(), "/src/shop", q, func(r assistant.Reply) error {
		b.WriteString(r.Text)
		cmds = append(cmds, r.Commands...)
		intent = r.Intent
		return nil
	}); err != nil {
		t.Fatalf("Answer(%q): %v", q, err)
	}
	return b.String(), cmds, intent
}

// TestAnswers: each intent calls its domain function and answers in
// markdown; apply and destroy only propose the command that asks the user.
func TestAnswers(t *testing.T) {
	t.Parallel()
	var plans []string
	d := fakeDomains(&plans)

	text, cmds, intent := answer(t, d, "apply to staging")
	if intent != assistant.Apply || !strings.Contains(text, "+ create stripe webhook_endpoint") || len(cmds) != 1 ||
		cmds[0].Command != "patchbay.provision" || !cmp.Equal(cmds[0].Args, []string{"/src/shop", "staging"}) {
		t.Errorf("apply: %q %v", text, cmds)
	}
	text, cmds, _ = answer(t, d, "destroy local")
	if !strings.Contains(text, "- delete stripe webhook_endpoint") || !strings.Contains(text, "patchbay destroy --env local") || cmds[0].Command != "patchbay.destroy" {
		t.Errorf("destroy: %q %v", text, cmds)
	}
	if !cmp.Equal(plans, []string{"staging", "local"}) {
		t.Errorf("plans = %v", plans)
	}
	if text, _, _ := answer(t, d, "plan prod"); !strings.Contains(text, `no environment "prod"`) || !strings.Contains(text, "local, staging") {
		t.Errorf("unknown environment: %q", text)
	}

	text, cmds, intent = answer(t, d, "why is STRIPE_SECRET_KEY missing?")
	if intent != assistant.EnvCheck || !strings.Contains(text, "**STRIPE_SECRET_KEY** is missing in **local**") ||
		!strings.Contains(text, "[services/example-api/pay.ts:3](services/example-api/pay.ts#L3)") || len(cmds) != 2 || cmds[1].Command != "patchbay.connectProvider" {
		t.Errorf("env check: %q %v", text, cmds)
	}
	if text, _, _ := answer(t, d, "why is STRIPE_WEBHOOK_SECRET missing?"); !strings.Contains(text, "is not missing in local: it comes from stripe webhook_endpoint we_1 secret") {
		t.Errorf("provided variable: %q", text)
	}

	text, _, intent = answer(t, d, "why does example-api need STRIPE_SECRET_KEY?")
	if intent != assistant.Explain || !strings.Contains(text, "Service **example-api** needs `STRIPE_SECRET_KEY`") ||
		!strings.Contains(text, "services/example-api/pay.ts:3") || strings.Contains(text, "hook.ts") {
		t.Errorf("explain: %q", text)
	}
	if text, cmds, _ := answer(t, d, "/map"); !strings.Contains(text, "reads → env_var STRIPE_SECRET_KEY") || cmds[0].Command != "patchbay.showSystemMap" {
		t.Errorf("map: %q", text)
	}
	if text, cmds, _ := answer(t, d, "/keys"); !strings.Contains(text, "No API keys yet") || cmds[0].Command != "patchbay.createApiKey" {
		t.Errorf("keys: %q", text)
	}
	if text, _, _ := answer(t, d, "why are my Stripe credentials not working?"); text != "credential answer for stripe" {
		t.Errorf("credentials go to the vault: %q", text)
	}
	if text, _, _ := answer(t, d, "tell me a joke"); !strings.Contains(text, "why is STRIPE_SECRET_KEY missing?") {
		t.Errorf("help: %q", text)
	}
}
