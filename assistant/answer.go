package assistant

import (
	"context"
	"fmt"
	"sort"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// Command is an editor command an answer proposes (extension command id and
// string arguments); the CLI shows the equivalent line in the text.
type Command struct {
	Title   string
	Command string
	Args    []string
}

// Reply is one chunk of an answer: markdown that concatenates.
type Reply struct {
	Intent   string
	Text     string
	Commands []Command
}

// Domains are the domain functions the answers call: the same the CLI's
// commands reach through the daemon. A nil function leaves its intents
// answered with what is missing.
type Domains struct {
	// Credentials answers the credential intents (the vault).
	Credentials func(ctx context.Context, in Intent, send func(Reply) error) error
	Providers   func() []Provider
	// Environments lists the workspace's environment names.
	Environments func(ctx context.Context, root string) ([]string, error)
	// Plan is read-only (engine.Plan).
	Plan      func(ctx context.Context, root, env string, destroy bool) (*patchbayv1.Plan, error)
	Map       func(ctx context.Context, root, env string) (string, error)
	Variables func(ctx context.Context, root, env string) ([]*patchbayv1.EnvironmentVariable, error)
	Findings  func(ctx context.Context, root string) ([]*patchbayv1.Finding, error)
	// Keys lists API keys as "name (id): grants" lines.
	Keys func(ctx context.Context) ([]string, error)
}

// Answer parses the question and streams its answer.
func (d Domains) Answer(ctx context.Context, root, question string, send func(Reply) error) error {
	var provs []Provider
	if d.Providers != nil {
		provs = d.Providers()
	}
	in := Parse(question, provs)
	if IsCredential(in.Kind) {
		if d.Credentials == nil {
			return send(Reply{Intent: in.Kind, Text: "This daemon keeps no credentials (no keyring)."})
		}
		return d.Credentials(ctx, in, send)
	}
	needRoot := map[string]bool{Plan: true, Apply: true, Destroy: true, Map: true, EnvCheck: true, Explain: true}
	if needRoot[in.Kind] && root == "" {
		return send(Reply{Intent: in.Kind, Text: "Which workspace? Ask from an open folder, or pass `--workspace DIR` to `patchbay ask`."})
	}
	switch in.Kind {
	case Plan, Apply, Destroy:
		return d.plan(ctx, root, in, send)
	case Map:
		return d.sysmap(ctx, root, in, send)
	case EnvCheck:
		return d.envCheck(ctx, root, in, send)
	case Explain:
		return d.explain(ctx, root, in, send)
	case Keys:
		return d.keys(ctx, send)
	}
	return send(Reply{Intent: Help, Text: "I can do these — ask in plain words:\n\n" +
		"- **Credentials**: *what credentials do I have configured?*, *update my AWS credentials*, *delete my Azure credentials*, *why are my Stripe credentials not working?*\n" +
		"- **Provisioning**: *plan local*, *apply to staging* (you approve the plan first), *destroy local* (asks to confirm)\n" +
		"- **Environment variables**: *why is STRIPE_SECRET_KEY missing?*\n" +
		"- **Findings**: *why does example-api need STRIPE_SECRET_KEY?*, *explain the Stripe findings*\n" +
		"- **The system map**: *show the map*\n- **API keys**: *list my API keys*"})
}

// environment resolves the environment a question means: the one named,
// else local, else the only one.
func (d Domains) environment(ctx context.Context, root string, in Intent) (string, []string, error) {
	if d.Environments == nil {
		return in.Environment, nil, nil
	}
	names, err := d.Environments(ctx, root)
	if err != nil {
		return "", nil, err
	}
	if in.Environment != "" {
		for _, n := range names {
			if n == in.Environment || (in.Environment == "prod" && n == "production") || (in.Environment == "production" && n == "prod") {
				return n, names, nil
			}
		}
		return "", names, nil
	}
	for _, n := range names {
		if n == "local" {
			return n, names, nil
		}
	}
	if len(names) == 1 {
		return names[0], names, nil
	}
	return "", names, nil
}

func (d Domains) noEnvironment(in Intent, names []string, send func(Reply) error) error {
	if len(names) == 0 {
		return send(Reply{Intent: in.Kind, Text: "This workspace has no environments yet. Create one (its frontend and API URLs) first: in the editor with **Patchbay: Create Environment…**, or `patchbay env create local --frontend-url http://localhost:3000`.",
			Commands: []Command{{Title: "Create Environment…", Command: "patchbay.createEnvironment"}}})
	}
	what := "Which environment?"
	if in.Environment != "" {
		what = fmt.Sprintf("There is no environment %q.", in.Environment)
	}
	return send(Reply{Intent: in.Kind, Text: fmt.Sprintf("%s This workspace has: %s. For example: *plan %s*.", what, strings.Join(names, ", "), names[0])})
}

func (d Domains) plan(ctx context.Context, root string, in Intent, send func(Reply) error) error {
	if d.Plan == nil {
		return send(Reply{Intent: in.Kind, Text: "This daemon has no provisioning engine."})
	}
	env, names, err := d.environment(ctx, root, in)
	if err != nil {
		return err
	}
	if env == "" {
		return d.noEnvironment(in, names, send)
	}
	if err := send(Reply{Intent: in.Kind, Text: fmt.Sprintf("Planning **%s** (read-only)…\n\n", env)}); err != nil {
		return err
	}
	p, err := d.Plan(ctx, root, env, in.Kind == Destroy)
	if err != nil {
		return err
	}
	changes := false
	for _, s := range p.GetSteps() {
		changes = changes || s.GetAction() != patchbayv1.StepAction_STEP_ACTION_NOOP
	}
	text := "```\n" + strings.TrimRight(p.GetSummary(), "\n") + "\n```\n"
	if !changes {
		return send(Reply{Intent: in.Kind, Text: text + "\nNothing to change."})
	}
	switch in.Kind {
	case Destroy:
		// Destroy is never done on a chat message: the plan panel (or the
		// CLI's question) is the confirmation.
		return send(Reply{Intent: in.Kind, Text: text + fmt.Sprintf("\nThis deletes the resources above at the providers. Review and confirm in the plan view, or run `patchbay destroy --env %s` (it asks before deleting).", env),
			Commands: []Command{{Title: "Review and Destroy " + env + "…", Command: "patchbay.destroy", Args: []string{root, env}}}})
	default:
		return send(Reply{Intent: in.Kind, Text: text + fmt.Sprintf("\nApply it after reviewing: the plan view has **Approve and Apply**; in a terminal `patchbay apply --env %s` asks first.", env),
			Commands: []Command{{Title: "Review and Apply " + env + "…", Command: "patchbay.provision", Args: []string{root, env}}}})
	}
}

func (d Domains) sysmap(ctx context.Context, root string, in Intent, send func(Reply) error) error {
	if d.Map == nil {
		return send(Reply{Intent: Map, Text: "This daemon has no provisioning engine, so it has no system map."})
	}
	env := ""
	if in.Environment != "" {
		e, _, err := d.environment(ctx, root, in)
		if err != nil {
			return err
		}
		env = e
	}
	m, err := d.Map(ctx, root, env)
	if err != nil {
		return err
	}
	return send(Reply{Intent: Map, Text: "The system map (services, providers, resources, env vars):\n\n```\n" + strings.TrimRight(m, "\n") + "\n```\n",
		Commands: []Command{{Title: "Show System Map", Command: "patchbay.showSystemMap"}}})
}

// readsOf lists where the code reads a variable, as markdown links.
func readsOf(findings []*patchbayv1.Finding, name string) []string {
	var out []string
	for _, f := range findings {
		if f.GetKind() == patchbayv1.FindingKind_ENV_REFERENCE && f.GetEnvVar().GetName() == name {
			out = append(out, loc(f))
		}
	}
	return out
}

func loc(f *patchbayv1.Finding) string {
	l := f.GetLocation()
	return fmt.Sprintf("[%s:%d](%s#L%d)", l.GetPath(), l.GetStartLine(), l.GetPath(), l.GetStartLine())
}

func (d Domains) envCheck(ctx context.Context, root string, in Intent, send func(Reply) error) error {
	if d.Variables == nil {
		return send(Reply{Intent: EnvCheck, Text: "This daemon has no provisioning engine, so it knows no environment variables."})
	}
	env, names, err := d.environment(ctx, root, in)
	if err != nil {
		return err
	}
	if env == "" {
		return d.noEnvironment(in, names, send)
	}
	vars, err := d.Variables(ctx, root, env)
	if err != nil {
		return err
	}
	var findings []*patchbayv1.Finding
	if d.Findings != nil {
		findings, _ = d.Findings(ctx, root)
	}
	where := readsOf(findings, in.Variable)
	for _, v := range vars {
		if v.GetName() != in.Variable {
			continue
		}
		if v.GetProvided() {
			return send(Reply{Intent: EnvCheck, Text: fmt.Sprintf("**%s** is not missing in %s: it comes from %s. Run the app with `patchbay run --env %s -- CMD` (or a terminal with this environment selected) to get it.%s",
				v.GetName(), env, v.GetSource(), env, readAt(where))})
		}
		text := fmt.Sprintf("**%s** is missing in **%s**: the code reads it%s but nothing provides it", v.GetName(), env, readAtInline(where))
		if s := v.GetSource(); s != "" {
			text += " (" + s + ")"
		}
		text += ".\n\n"
		cmds := []Command{{Title: "Plan " + env + "…", Command: "patchbay.provision", Args: []string{root, env}}}
		switch {
		case strings.Contains(strings.ToLower(v.GetName()), "webhook"):
			text += "A webhook secret comes from the webhook endpoint Patchbay registers: plan and apply the environment (its API URL must be reachable from the internet)."
		default:
			text += "If a provider's credentials provide it, connect them; if a provisioned resource does, plan and apply the environment; otherwise set it yourself for this environment."
			if prov := providerOf(findings, in.Variable); prov != "" {
				cmds = append(cmds, Command{Title: "Connect " + prov, Command: "patchbay.connectProvider", Args: []string{prov}})
			}
		}
		return send(Reply{Intent: EnvCheck, Text: text, Commands: cmds})
	}
	if len(where) > 0 {
		return send(Reply{Intent: EnvCheck, Text: fmt.Sprintf("The code reads **%s**%s, but environment %s has no entry for it yet; re-analyze the workspace and ask again.", in.Variable, readAtInline(where), env)})
	}
	return send(Reply{Intent: EnvCheck, Text: fmt.Sprintf("No code in this workspace reads **%s**, so Patchbay provides nothing for it.", in.Variable)})
}

func providerOf(findings []*patchbayv1.Finding, name string) string {
	for _, f := range findings {
		if f.GetKind() == patchbayv1.FindingKind_ENV_REFERENCE && f.GetEnvVar().GetName() == name && f.GetProvider() != "" {
			return f.GetProvider()
		}
	}
	return ""
}

func readAt(where []string) string {
	if len(where) == 0 {
		return ""
	}
	return " It is read at " + strings.Join(where, ", ") + "."
}

func readAtInline(where []string) string {
	if len(where) == 0 {
		return ""
	}
	return " at " + strings.Join(where, ", ")
}

var kindWords = map[patchbayv1.FindingKind]string{
	patchbayv1.FindingKind_SDK_USAGE: "uses the SDK", patchbayv1.FindingKind_ENV_REFERENCE: "reads",
	patchbayv1.FindingKind_WEBHOOK_HANDLER: "handles webhooks", patchbayv1.FindingKind_OAUTH_CALLBACK: "has an OAuth callback",
	patchbayv1.FindingKind_MANIFEST_DEPENDENCY: "depends on",
}

func describe(f *patchbayv1.Finding) string {
	switch d := f.GetDetail().(type) {
	case *patchbayv1.Finding_Sdk:
		return fmt.Sprintf("uses `%s`", strings.TrimSpace(d.Sdk.GetPackage()+" "+d.Sdk.GetSymbol()))
	case *patchbayv1.Finding_EnvVar:
		return fmt.Sprintf("reads `%s`", d.EnvVar.GetName())
	case *patchbayv1.Finding_Webhook:
		s := fmt.Sprintf("handles %s webhooks at `%s`", f.GetProvider(), d.Webhook.GetRoute())
		if ev := d.Webhook.GetEvents(); len(ev) > 0 {
			s += " (" + strings.Join(ev, ", ") + ")"
		}
		return s
	case *patchbayv1.Finding_Callback:
		return fmt.Sprintf("has an OAuth callback at `%s`", d.Callback.GetRoute())
	case *patchbayv1.Finding_Dependency:
		return fmt.Sprintf("depends on `%s` %s", d.Dependency.GetPackage(), d.Dependency.GetVersion())
	}
	return kindWords[f.GetKind()]
}

func (d Domains) explain(ctx context.Context, root string, in Intent, send func(Reply) error) error {
	if d.Findings == nil {
		return send(Reply{Intent: Explain, Text: "This daemon cannot analyze workspaces."})
	}
	all, err := d.Findings(ctx, root)
	if err != nil {
		return err
	}
	var pick []*patchbayv1.Finding
	for _, f := range all {
		match := true
		if in.Variable != "" {
			match = f.GetKind() == patchbayv1.FindingKind_ENV_REFERENCE && f.GetEnvVar().GetName() == in.Variable ||
				f.GetWebhook().GetSecretEnv() == in.Variable
		} else if in.Provider != "" {
			match = f.GetProvider() == in.Provider
		}
		if in.Service != "" && match {
			svc := f.GetService()
			match = svc == in.Service || strings.HasSuffix(svc, "/"+in.Service) || (svc == "." && strings.HasSuffix(root, "/"+in.Service)) || strings.HasSuffix(svc, in.Service)
		}
		if match {
			pick = append(pick, f)
		}
	}
	subject := "this workspace"
	switch {
	case in.Variable != "":
		subject = "`" + in.Variable + "`"
	case in.Provider != "":
		subject = in.Provider
	}
	if len(pick) == 0 {
		if in.Service != "" {
			return send(Reply{Intent: Explain, Text: fmt.Sprintf("Patchbay found nothing in service %s about %s. It reports only what the code shows: imports and SDK calls, env-var reads, webhook handlers and OAuth callback routes.", in.Service, subject)})
		}
		return send(Reply{Intent: Explain, Text: fmt.Sprintf("Patchbay found nothing about %s in this workspace.", subject)})
	}
	sort.SliceStable(pick, func(i, j int) bool {
		return pick[i].GetLocation().GetPath() < pick[j].GetLocation().GetPath() ||
			pick[i].GetLocation().GetPath() == pick[j].GetLocation().GetPath() && pick[i].GetLocation().GetStartLine() < pick[j].GetLocation().GetStartLine()
	})
	var b strings.Builder
	who := "The code"
	if in.Service != "" {
		who = "Service **" + in.Service + "**"
	}
	fmt.Fprintf(&b, "%s needs %s because of what Patchbay found in it:\n\n", who, subject)
	const max = 12
	for i, f := range pick {
		if i == max {
			fmt.Fprintf(&b, "- … and %d more\n", len(pick)-max)
			break
		}
		svc := f.GetService()
		if svc == "" || svc == "." {
			svc = "the root service"
		}
		fmt.Fprintf(&b, "- %s: %s %s\n", loc(f), svc, describe(f))
	}
	if in.Variable != "" {
		b.WriteString("\nA variable the code reads is part of the environment's contract: Patchbay provides it from a provider's credentials or a resource it provisions, or tells you it is missing (*why is " + in.Variable + " missing?*).")
	}
	return send(Reply{Intent: Explain, Text: b.String()})
}

func (d Domains) keys(ctx context.Context, send func(Reply) error) error {
	if d.Keys == nil {
		return send(Reply{Intent: Keys, Text: "This daemon serves no API keys."})
	}
	list, err := d.Keys(ctx)
	if err != nil {
		return err
	}
	cmds := []Command{{Title: "Create API Key…", Command: "patchbay.createApiKey"}, {Title: "Show API Keys", Command: "patchbay.showApiKeys"}}
	if len(list) == 0 {
		return send(Reply{Intent: Keys, Text: "No API keys yet. A key lets a CI job or backend run provider actions with exactly the grants you give it; its token is shown once. From a terminal: `patchbay keys create NAME --grant stripe:create_customer`.", Commands: cmds})
	}
	return send(Reply{Intent: Keys, Text: "API keys (tokens are never shown again; hints only):\n\n- " + strings.Join(list, "\n- ") + "\n", Commands: cmds})
}
