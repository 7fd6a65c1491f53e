package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// Inputs. Field comments become the schema's descriptions.

type workspaceIn struct {
	Workspace string `json:"workspace,omitempty" jsonschema:"workspace root directory; default: the one the server was started for"`
}

type scanIn struct {
	Workspace string `json:"workspace,omitempty" jsonschema:"workspace root directory; default: the one the server was started for"`
	Full      bool   `json:"full,omitempty" jsonschema:"discard the cached snapshot and analyze every file again"`
}

type envIn struct {
	Workspace   string `json:"workspace,omitempty" jsonschema:"workspace root directory; default: the one the server was started for"`
	Environment string `json:"environment,omitempty" jsonschema:"environment name (default local)"`
}

type envCheckIn struct {
	Workspace   string `json:"workspace,omitempty" jsonschema:"workspace root directory; default: the one the server was started for"`
	Environment string `json:"environment,omitempty" jsonschema:"environment name (default local)"`
	Service     string `json:"service,omitempty" jsonschema:"only this service's variables (its path, as scan reports it)"`
}

type planIn struct {
	Workspace   string `json:"workspace,omitempty" jsonschema:"workspace root directory; default: the one the server was started for"`
	Environment string `json:"environment,omitempty" jsonschema:"environment name (default local)"`
	Destroy     bool   `json:"destroy,omitempty" jsonschema:"plan the removal of everything the environment created"`
}

type applyIn struct {
	Workspace   string `json:"workspace,omitempty" jsonschema:"workspace root directory; default: the one the server was started for"`
	Environment string `json:"environment,omitempty" jsonschema:"environment name (default local)"`
	PlanID      string `json:"plan_id,omitempty" jsonschema:"a plan from the plan tool; default: a fresh plan of the environment"`
}

type credsIn struct {
	Workspace string `json:"workspace,omitempty" jsonschema:"workspace root directory; default: the one the server was started for"`
	Provider  string `json:"provider,omitempty" jsonschema:"only this provider (stripe, auth0, ...)"`
	Check     bool   `json:"check,omitempty" jsonschema:"validate the stored credentials live at the provider (a cheap read-only call)"`
}

// Outputs: plain structs (never proto messages), with no field that could
// hold a secret value.

// Service is one service (a directory with a manifest).
type Service struct {
	Path       string   `json:"path"`
	Name       string   `json:"name"`
	Language   string   `json:"language,omitempty"`
	Frameworks []string `json:"frameworks,omitempty"`
	Providers  []string `json:"providers,omitempty"`
	// Routes are the HTTP routes the service serves, full paths resolved
	// across files.
	Routes []Route `json:"routes,omitempty"`
}

// Route is one HTTP route a service serves.
type Route struct {
	Method string `json:"method,omitempty"`
	Path   string `json:"path"`
	File   string `json:"file"`
	Line   uint32 `json:"line"`
	// Source: "code" (a route call or attribute), "file" (a file-system
	// router) or "library" (served by an auth or provider library).
	Source string `json:"source"`
}

// Finding is one place where the code uses a provider.
type Finding struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Provider string `json:"provider,omitempty"`
	Service  string `json:"service,omitempty"`
	Path     string `json:"path"`
	Line     uint32 `json:"line"`
	// Detail is what was found: the env var read, the SDK package, the
	// webhook route and its events, the OAuth callback route.
	Detail string `json:"detail"`
}

// ScanOut is the scan tool's result.
type ScanOut struct {
	Root        string    `json:"root"`
	Services    []Service `json:"services"`
	Findings    []Finding `json:"findings"`
	Diagnostics []string  `json:"diagnostics,omitempty"`
}

// Step is one step of a plan.
type Step struct {
	ID       string   `json:"id"`
	Action   string   `json:"action"`
	Provider string   `json:"provider"`
	Type     string   `json:"type"`
	Name     string   `json:"name"`
	Reason   string   `json:"reason,omitempty"`
	Changes  []string `json:"changes,omitempty"`
}

// PlanOut is the plan tool's result.
type PlanOut struct {
	PlanID      string   `json:"plan_id"`
	Environment string   `json:"environment"`
	Destroy     bool     `json:"destroy"`
	HasChanges  bool     `json:"has_changes"`
	Summary     string   `json:"summary"`
	Steps       []Step   `json:"steps"`
	Warnings    []string `json:"warnings,omitempty"`
}

// Variable is one variable the code reads or Patchbay provides; never its value.
type Variable struct {
	Name      string `json:"name"`
	Service   string `json:"service,omitempty"`
	Secret    bool   `json:"secret"`
	Provided  bool   `json:"provided"`
	Satisfied bool   `json:"satisfied"`
	Source    string `json:"source,omitempty"`
	// Fix says how to satisfy a variable that is not.
	Fix string `json:"fix,omitempty"`
}

// EnvCheckOut is the env_check tool's result.
type EnvCheckOut struct {
	Environment string     `json:"environment"`
	Satisfied   bool       `json:"satisfied"`
	Variables   []Variable `json:"variables"`
	Missing     []string   `json:"missing"`
}

// Profile is a credential profile's status; never its values or hints.
type Profile struct {
	Provider  string `json:"provider"`
	Profile   string `json:"profile"`
	Status    string `json:"status"`
	Summary   string `json:"summary,omitempty"`
	Fix       string `json:"fix,omitempty"`
	Account   string `json:"account,omitempty"`
	CheckedAt string `json:"checked_at,omitempty"`
	// Permissions say what the check proved, per permission.
	Permissions []Permission `json:"permissions,omitempty"`
}

// Permission is one permission's verdict: verified, missing, unverifiable
// (detail says how to verify it) or excess (granted, never used).
type Permission struct {
	Name    string `json:"name"`
	Verdict string `json:"verdict"`
	Detail  string `json:"detail,omitempty"`
}

// CredentialsOut is the credential_status tool's result.
type CredentialsOut struct {
	Backend  string    `json:"backend"`
	Locked   bool      `json:"locked"`
	Profiles []Profile `json:"profiles"`
	// NotConnected lists providers the workspace's code uses that have no
	// credentials yet.
	NotConnected []string `json:"not_connected,omitempty"`
}

// Node and Edge are the system map's parts.
type Node struct {
	ID         string            `json:"id"`
	Kind       string            `json:"kind"`
	Label      string            `json:"label"`
	Provider   string            `json:"provider,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// Edge links two nodes.
type Edge struct {
	From string `json:"from"`
	To   string `json:"to"`
	Kind string `json:"kind"`
}

// MapOut is the system_map tool's result.
type MapOut struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
}

// Environment is one environment's URLs.
type Environment struct {
	Name         string   `json:"name"`
	FrontendURL  string   `json:"frontend_url,omitempty"`
	APIURL       string   `json:"api_url,omitempty"`
	ExtraOrigins []string `json:"extra_origins,omitempty"`
}

// EnvironmentsOut is the list_environments tool's result.
type EnvironmentsOut struct {
	Environments []Environment `json:"environments"`
}

// ApplyOut is the apply and destroy tools' result.
type ApplyOut struct {
	PlanID string `json:"plan_id,omitempty"`
	// Approval is the user's answer: approved, denied, timeout, or
	// not_needed when the plan changes nothing.
	Approval string `json:"approval"`
	// State is the operation's final state when it ran: completed, failed
	// or canceled.
	State    string   `json:"state,omitempty"`
	Progress []string `json:"progress,omitempty"`
}

func boolp(b bool) *bool { return &b }

func (s *server) addTools(srv *mcp.Server) {
	ro := &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: boolp(false)}
	mcp.AddTool(srv, &mcp.Tool{Name: "scan", Title: "Scan workspace", Annotations: ro,
		Description: "Find the third-party services the workspace's code uses: SDK usage, environment variables read, webhook handlers and OAuth callback routes, each with file and line."}, s.scan)
	mcp.AddTool(srv, &mcp.Tool{Name: "list_environments", Title: "List environments", Annotations: ro,
		Description: "The workspace's environments (local, staging, prod) and their frontend/API URLs."}, s.listEnvironments)
	mcp.AddTool(srv, &mcp.Tool{Name: "plan", Title: "Plan environment", Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true},
		Description: "Read-only: what provisioning the environment would create, update or delete at the providers (an Auth0 application with the callback URLs, a Stripe webhook endpoint for the events the handler handles, ...). Returns a plan_id for apply."}, s.plan)
	mcp.AddTool(srv, &mcp.Tool{Name: "env_check", Title: "Check environment variables", Annotations: ro,
		Description: "The environment's contract: every variable the code reads, per service, where its value comes from (provisioned output, connected credential, generated secret, URL, default, ...) and, for each one not satisfied, how to fix it. Never returns values."}, s.envCheck)
	mcp.AddTool(srv, &mcp.Tool{Name: "credential_status", Title: "Credential status", Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true},
		Description: "Which provider credentials are configured and whether they work (check=true validates them live), with what the check proved per permission (verified, missing, unverifiable without a side effect, excess), and which providers the code uses without credentials. Never returns credential values; the user enters them in the editor (Patchbay: Connect Provider…) or with `patchbay creds set`."}, s.credentialStatus)
	mcp.AddTool(srv, &mcp.Tool{Name: "system_map", Title: "System map", Annotations: ro,
		Description: "Services, providers, provisioned resources and environment variables of the workspace and how they relate (uses, reads, provides, owns, calls_back)."}, s.systemMap)
	mcp.AddTool(srv, &mcp.Tool{Name: "apply", Title: "Apply plan (asks the user)", Annotations: &mcp.ToolAnnotations{DestructiveHint: boolp(false)},
		Description: "Apply a plan at the providers. The user must approve it first: Patchbay shows the plan in the editor (or `patchbay approve` in a terminal) and this call waits for the answer. A denied or unanswered request changes nothing."}, s.apply)
	mcp.AddTool(srv, &mcp.Tool{Name: "destroy", Title: "Destroy environment (asks the user)", Annotations: &mcp.ToolAnnotations{DestructiveHint: boolp(true)},
		Description: "Delete everything Patchbay created for the environment at the providers (adopted objects stay). The user must approve it first, in the editor or with `patchbay approve`; this call waits for the answer."}, s.destroy)
}

func (s *server) scan(ctx context.Context, _ *mcp.CallToolRequest, in scanIn) (*mcp.CallToolResult, ScanOut, error) {
	root, err := s.root(in.Workspace)
	if err != nil {
		return nil, ScanOut{}, err
	}
	out, err := s.analyze(ctx, root, in.Full)
	if err != nil {
		return nil, ScanOut{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d services, %d findings in %s\n\n", len(out.Services), len(out.Findings), out.Root)
	for _, sv := range out.Services {
		fmt.Fprintf(&b, "## Service %s (%s) %s\nproviders: %s\n", sv.Name, sv.Path, sv.Language, strings.Join(sv.Providers, ", "))
		for _, r := range sv.Routes {
			fmt.Fprintf(&b, "- route %s %s (%s:%d, %s)\n", routeMethod(r.Method), r.Path, r.File, r.Line, r.Source)
		}
		b.WriteString("\n")
	}
	for _, f := range out.Findings {
		fmt.Fprintf(&b, "- %s:%d %s %s: %s\n", f.Path, f.Line, f.Provider, f.Kind, f.Detail)
	}
	return text("%s", b.String()), out, nil
}

func (s *server) analyze(ctx context.Context, root string, full bool) (ScanOut, error) {
	resp, err := s.d.Workspace.Analyze(ctx, connect.NewRequest(&patchbayv1.AnalyzeRequest{Root: root, Full: full}))
	if err != nil {
		return ScanOut{}, err
	}
	out := ScanOut{Root: resp.Msg.GetRoot(), Services: []Service{}, Findings: []Finding{}}
	for _, sv := range resp.Msg.GetServices() {
		svc := Service{Path: sv.GetPath(), Name: sv.GetName(), Language: sv.GetLanguage(),
			Frameworks: sv.GetFrameworks(), Providers: sv.GetProviders()}
		for _, r := range sv.GetRoutes() {
			svc.Routes = append(svc.Routes, Route{Method: r.GetMethod(), Path: r.GetPath(), File: r.GetLocation().GetPath(),
				Line: r.GetLocation().GetStartLine(), Source: r.GetSource()})
		}
		out.Services = append(out.Services, svc)
	}
	for _, f := range resp.Msg.GetFindings() {
		out.Findings = append(out.Findings, Finding{ID: f.GetId(), Kind: findingKind(f.GetKind()), Provider: f.GetProvider(),
			Service: f.GetService(), Path: f.GetLocation().GetPath(), Line: f.GetLocation().GetStartLine(), Detail: FindingDetail(f)})
	}
	for _, d := range resp.Msg.GetDiagnostics() {
		out.Diagnostics = append(out.Diagnostics, fmt.Sprintf("%s %s: %s", d.GetSeverity(), d.GetPath(), d.GetMessage()))
	}
	return out, nil
}

// routeMethod names a route's method for people: "ANY" when it answers
// every method.
func routeMethod(m string) string {
	if m == "" {
		return "ANY"
	}
	return m
}

func findingKind(k patchbayv1.FindingKind) string {
	switch k {
	case patchbayv1.FindingKind_SDK_USAGE:
		return "sdk_usage"
	case patchbayv1.FindingKind_ENV_REFERENCE:
		return "env_reference"
	case patchbayv1.FindingKind_WEBHOOK_HANDLER:
		return "webhook_handler"
	case patchbayv1.FindingKind_OAUTH_CALLBACK:
		return "oauth_callback"
	case patchbayv1.FindingKind_MANIFEST_DEPENDENCY:
		return "manifest_dependency"
	}
	return "unknown"
}

// FindingDetail says what a finding found, in a few words and without the
// evidence text.
func FindingDetail(f *patchbayv1.Finding) string {
	switch d := f.GetDetail().(type) {
	case *patchbayv1.Finding_Sdk:
		return strings.TrimSpace(d.Sdk.GetPackage() + " " + d.Sdk.GetSymbol())
	case *patchbayv1.Finding_EnvVar:
		return "reads " + d.EnvVar.GetName()
	case *patchbayv1.Finding_Webhook:
		s := "webhook " + strings.TrimSpace(d.Webhook.GetMethod()+" "+d.Webhook.GetRoute())
		if ev := d.Webhook.GetEvents(); len(ev) > 0 {
			s += " handling " + strings.Join(ev, ", ")
		}
		return s
	case *patchbayv1.Finding_Callback:
		return "OAuth callback " + d.Callback.GetRoute()
	case *patchbayv1.Finding_Dependency:
		return strings.TrimSpace("depends on " + d.Dependency.GetPackage() + " " + d.Dependency.GetVersion())
	}
	return ""
}

func (s *server) listEnvironments(ctx context.Context, _ *mcp.CallToolRequest, in workspaceIn) (*mcp.CallToolResult, EnvironmentsOut, error) {
	root, err := s.root(in.Workspace)
	if err != nil {
		return nil, EnvironmentsOut{}, err
	}
	resp, err := s.d.Environment.ListEnvironments(ctx, connect.NewRequest(&patchbayv1.ListEnvironmentsRequest{WorkspaceRoot: root}))
	if err != nil {
		return nil, EnvironmentsOut{}, err
	}
	out := EnvironmentsOut{Environments: []Environment{}}
	var lines []string
	for _, e := range resp.Msg.GetEnvironments() {
		out.Environments = append(out.Environments, Environment{Name: e.GetName(), FrontendURL: e.GetFrontendUrl(), APIURL: e.GetApiUrl(), ExtraOrigins: e.GetExtraOrigins()})
		lines = append(lines, fmt.Sprintf("%s: frontend %s, API %s", e.GetName(), orDash(e.GetFrontendUrl()), orDash(e.GetApiUrl())))
	}
	if len(lines) == 0 {
		return text("No environments yet. The user creates one in the editor (Patchbay: Create Environment…) or with `patchbay env create local --frontend-url http://localhost:3000`."), out, nil
	}
	return text("%s", bullet(lines)), out, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

var actionWords = map[patchbayv1.StepAction]string{
	patchbayv1.StepAction_STEP_ACTION_CREATE: "create", patchbayv1.StepAction_STEP_ACTION_UPDATE: "update",
	patchbayv1.StepAction_STEP_ACTION_DELETE: "delete", patchbayv1.StepAction_STEP_ACTION_NOOP: "noop",
	patchbayv1.StepAction_STEP_ACTION_ROTATE: "rotate", patchbayv1.StepAction_STEP_ACTION_ADOPT: "adopt",
	patchbayv1.StepAction_STEP_ACTION_FORGET: "forget",
}

func planOut(p *patchbayv1.Plan) PlanOut {
	out := PlanOut{PlanID: p.GetId(), Environment: p.GetEnvironment(), Destroy: p.GetDestroy(), Summary: p.GetSummary(),
		Steps: []Step{}, Warnings: p.GetWarnings()}
	for _, st := range p.GetSteps() {
		if st.GetAction() != patchbayv1.StepAction_STEP_ACTION_NOOP {
			out.HasChanges = true
		}
		step := Step{ID: st.GetId(), Action: actionWords[st.GetAction()], Provider: st.GetProvider(), Type: st.GetResourceType(),
			Name: st.GetName(), Reason: st.GetReason()}
		for _, c := range st.GetChanges() {
			step.Changes = append(step.Changes, fmt.Sprintf("%s: %s → %s", c.GetField(), orDash(c.GetBefore()), orDash(c.GetAfter())))
		}
		out.Steps = append(out.Steps, step)
	}
	return out
}

func (s *server) plan(ctx context.Context, _ *mcp.CallToolRequest, in planIn) (*mcp.CallToolResult, PlanOut, error) {
	root, err := s.root(in.Workspace)
	if err != nil {
		return nil, PlanOut{}, err
	}
	resp, err := s.d.Provision.Plan(ctx, connect.NewRequest(&patchbayv1.PlanRequest{WorkspaceRoot: root, Environment: envOr(in.Environment), Destroy: in.Destroy}))
	if err != nil {
		return nil, PlanOut{}, err
	}
	out := planOut(resp.Msg.GetPlan())
	next := "Nothing to change."
	if out.HasChanges {
		next = fmt.Sprintf("To apply it, call apply with plan_id %q; the user approves it in the editor or with `patchbay approve`.", out.PlanID)
	}
	return text("%s\n%s", out.Summary, next), out, nil
}

func (s *server) envCheck(ctx context.Context, _ *mcp.CallToolRequest, in envCheckIn) (*mcp.CallToolResult, EnvCheckOut, error) {
	root, err := s.root(in.Workspace)
	if err != nil {
		return nil, EnvCheckOut{}, err
	}
	env := envOr(in.Environment)
	// IncludeValues stays false: the daemon sends names and sources only.
	resp, err := s.d.Environment.GetEnvironmentVariables(ctx, connect.NewRequest(&patchbayv1.GetEnvironmentVariablesRequest{WorkspaceRoot: root, Environment: env, Service: in.Service}))
	if err != nil {
		return nil, EnvCheckOut{}, err
	}
	out := EnvCheckOut{Environment: env, Satisfied: resp.Msg.GetSatisfied(), Variables: []Variable{}, Missing: []string{}}
	var lines []string
	for _, v := range resp.Msg.GetVariables() {
		out.Variables = append(out.Variables, Variable{Name: v.GetName(), Service: v.GetService(), Secret: v.GetSecret(), Provided: v.GetProvided(),
			Satisfied: v.GetSatisfied(), Source: v.GetSource(), Fix: v.GetFix()})
		name := v.GetName()
		if svc := v.GetService(); svc != "" && svc != "." {
			name = svc + ": " + name
		}
		switch {
		case !v.GetSatisfied():
			out.Missing = append(out.Missing, v.GetName())
			line := fmt.Sprintf("%s: missing — %s", name, orDash(v.GetSource()))
			if v.GetFix() != "" {
				line += ". Fix: " + v.GetFix()
			}
			lines = append(lines, line)
		default:
			lines = append(lines, fmt.Sprintf("%s: %s", name, orDash(v.GetSource())))
		}
	}
	hint := ""
	if len(out.Missing) > 0 {
		hint = "\nMissing variables are provided by planning and applying the environment (resources such as webhook secrets) or by connecting the provider's credentials; run the app with `patchbay run --env " + env + " -- CMD`."
	}
	return text("Environment %s:\n%s%s", env, bullet(lines), hint), out, nil
}

var statusWords = map[patchbayv1.CheckStatus]string{
	patchbayv1.CheckStatus_CHECK_STATUS_OK: "ok", patchbayv1.CheckStatus_CHECK_STATUS_INVALID: "invalid",
	patchbayv1.CheckStatus_CHECK_STATUS_EXPIRED: "expired", patchbayv1.CheckStatus_CHECK_STATUS_INSUFFICIENT_PERMISSIONS: "insufficient_permissions",
	patchbayv1.CheckStatus_CHECK_STATUS_WRONG_TARGET: "wrong_target", patchbayv1.CheckStatus_CHECK_STATUS_MALFORMED: "malformed",
	patchbayv1.CheckStatus_CHECK_STATUS_NETWORK: "network", patchbayv1.CheckStatus_CHECK_STATUS_OUTAGE: "outage",
	patchbayv1.CheckStatus_CHECK_STATUS_RATE_LIMITED: "rate_limited", patchbayv1.CheckStatus_CHECK_STATUS_MISSING: "missing",
}

func profileOut(provider, profile string, r *patchbayv1.CheckResult) Profile {
	p := Profile{Provider: provider, Profile: profile, Status: "not_checked"}
	if r != nil && r.GetStatus() != patchbayv1.CheckStatus_CHECK_STATUS_UNSPECIFIED {
		p.Status, p.Summary, p.Fix, p.Account = statusWords[r.GetStatus()], r.GetSummary(), r.GetFix(), r.GetAccount()
		if r.GetCheckedAt() != nil {
			p.CheckedAt = r.GetCheckedAt().AsTime().Format(time.RFC3339)
		}
		for _, pc := range r.GetPermissions() {
			p.Permissions = append(p.Permissions, Permission{Name: pc.GetName(), Detail: pc.GetDetail(),
				Verdict: strings.ToLower(strings.TrimPrefix(pc.GetVerdict().String(), "PERMISSION_VERDICT_"))})
		}
	}
	return p
}

// permissionLines groups a profile's permissions by verdict, one line each.
func permissionLines(ps []Permission) string {
	by := map[string][]string{}
	for _, p := range ps {
		by[p.Verdict] = append(by[p.Verdict], p.Name)
	}
	var out []string
	for _, v := range []string{"verified", "missing", "unverifiable", "excess"} {
		if len(by[v]) > 0 {
			out = append(out, v+": "+strings.Join(by[v], ", "))
		}
	}
	if len(out) == 0 {
		return ""
	}
	return " Permissions — " + strings.Join(out, "; ") + "."
}

func (s *server) credentialStatus(ctx context.Context, _ *mcp.CallToolRequest, in credsIn) (*mcp.CallToolResult, CredentialsOut, error) {
	resp, err := s.d.Credentials.ListCredentials(ctx, connect.NewRequest(&patchbayv1.ListCredentialsRequest{Provider: in.Provider}))
	if err != nil {
		return nil, CredentialsOut{}, err
	}
	out := CredentialsOut{Backend: resp.Msg.GetBackend(), Locked: resp.Msg.GetLocked(), Profiles: []Profile{}}
	have := map[string]bool{}
	var lines []string
	for _, p := range resp.Msg.GetProfiles() {
		have[p.GetProvider()] = true
		res := p.GetLastCheck()
		if in.Check {
			c, err := s.d.Credentials.CheckCredentials(ctx, connect.NewRequest(&patchbayv1.CheckCredentialsRequest{Provider: p.GetProvider(), Profile: p.GetProfile()}))
			if err != nil {
				return nil, CredentialsOut{}, err
			}
			res = c.Msg.GetResult()
		}
		po := profileOut(p.GetProvider(), p.GetProfile(), res)
		out.Profiles = append(out.Profiles, po)
		line := fmt.Sprintf("%s/%s: %s", po.Provider, po.Profile, po.Status)
		if po.Summary != "" {
			line += " — " + po.Summary
		}
		line += permissionLines(po.Permissions)
		if po.Fix != "" && po.Status != "ok" {
			line += " Fix: " + po.Fix
		}
		lines = append(lines, line)
	}
	// Providers the code uses without credentials, when a workspace is known.
	if root, err := s.root(in.Workspace); err == nil {
		if scan, err := s.analyze(ctx, root, false); err == nil {
			seen := map[string]bool{}
			for _, sv := range scan.Services {
				for _, p := range sv.Providers {
					if !have[p] && !seen[p] && (in.Provider == "" || in.Provider == p) {
						seen[p] = true
						out.NotConnected = append(out.NotConnected, p)
					}
				}
			}
			sort.Strings(out.NotConnected)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Keyring: %s", out.Backend)
	if out.Locked {
		b.WriteString(" (locked: the user unlocks it with Patchbay: Unlock Keyring or `patchbay creds unlock`)")
	}
	b.WriteString("\n")
	b.WriteString(bullet(lines))
	if len(out.NotConnected) > 0 {
		fmt.Fprintf(&b, "\nUsed by the code but not connected: %s. The user connects them in the editor (Patchbay: Connect Provider…) or with `patchbay creds set PROVIDER`; never ask for the values in chat.\n",
			strings.Join(out.NotConnected, ", "))
	}
	return text("%s", b.String()), out, nil
}

func (s *server) systemMap(ctx context.Context, _ *mcp.CallToolRequest, in envIn) (*mcp.CallToolResult, MapOut, error) {
	root, err := s.root(in.Workspace)
	if err != nil {
		return nil, MapOut{}, err
	}
	m, err := s.d.Provision.GetSystemMap(ctx, connect.NewRequest(&patchbayv1.GetSystemMapRequest{WorkspaceRoot: root, Environment: in.Environment}))
	if err != nil {
		return nil, MapOut{}, err
	}
	out := mapOut(m.Msg)
	return text("%s", engine.RenderMap(m.Msg)), out, nil
}

func mapOut(m *patchbayv1.GetSystemMapResponse) MapOut {
	out := MapOut{Nodes: []Node{}, Edges: []Edge{}}
	for _, n := range m.GetNodes() {
		out.Nodes = append(out.Nodes, Node{ID: n.GetId(), Kind: n.GetKind(), Label: n.GetLabel(), Provider: n.GetProvider(), Attributes: n.GetAttributes()})
	}
	for _, e := range m.GetEdges() {
		out.Edges = append(out.Edges, Edge{From: e.GetFrom(), To: e.GetTo(), Kind: e.GetKind()})
	}
	return out
}

func (s *server) apply(ctx context.Context, req *mcp.CallToolRequest, in applyIn) (*mcp.CallToolResult, ApplyOut, error) {
	planID := in.PlanID
	if planID == "" {
		root, err := s.root(in.Workspace)
		if err != nil {
			return nil, ApplyOut{}, err
		}
		resp, err := s.d.Provision.Plan(ctx, connect.NewRequest(&patchbayv1.PlanRequest{WorkspaceRoot: root, Environment: envOr(in.Environment)}))
		if err != nil {
			return nil, ApplyOut{}, err
		}
		if p := planOut(resp.Msg.GetPlan()); !p.HasChanges {
			return text("Nothing to apply: %s is up to date.", envOr(in.Environment)), ApplyOut{PlanID: p.PlanID, Approval: "not_needed"}, nil
		}
		planID = resp.Msg.GetPlan().GetId()
	}
	return s.approveAndApply(ctx, req, planID)
}

func (s *server) destroy(ctx context.Context, req *mcp.CallToolRequest, in envIn) (*mcp.CallToolResult, ApplyOut, error) {
	root, err := s.root(in.Workspace)
	if err != nil {
		return nil, ApplyOut{}, err
	}
	resp, err := s.d.Provision.Plan(ctx, connect.NewRequest(&patchbayv1.PlanRequest{WorkspaceRoot: root, Environment: envOr(in.Environment), Destroy: true}))
	if err != nil {
		return nil, ApplyOut{}, err
	}
	if p := planOut(resp.Msg.GetPlan()); !p.HasChanges {
		return text("Nothing to destroy in %s.", envOr(in.Environment)), ApplyOut{PlanID: p.PlanID, Approval: "not_needed"}, nil
	}
	// The destroy plan the user reviews is the one that runs.
	return s.approveAndApply(ctx, req, resp.Msg.GetPlan().GetId())
}

var outcomeWords = map[patchbayv1.ApprovalOutcome]string{
	patchbayv1.ApprovalOutcome_APPROVAL_OUTCOME_APPROVED: "approved", patchbayv1.ApprovalOutcome_APPROVAL_OUTCOME_DENIED: "denied",
	patchbayv1.ApprovalOutcome_APPROVAL_OUTCOME_TIMEOUT: "timeout", patchbayv1.ApprovalOutcome_APPROVAL_OUTCOME_CANCELED: "canceled",
}

var stateWords = map[patchbayv1.OperationState]string{
	patchbayv1.OperationState_OPERATION_STATE_COMPLETED: "completed", patchbayv1.OperationState_OPERATION_STATE_FAILED: "failed",
	patchbayv1.OperationState_OPERATION_STATE_CANCELED: "canceled",
}

// approveAndApply asks the user through the daemon and applies only an
// approved plan.
func (s *server) approveAndApply(ctx context.Context, req *mcp.CallToolRequest, planID string) (*mcp.CallToolResult, ApplyOut, error) {
	requester := "an MCP client"
	if req != nil && req.Session != nil {
		if ip := req.Session.InitializeParams(); ip != nil && ip.ClientInfo != nil && ip.ClientInfo.Name != "" {
			requester = "MCP client " + ip.ClientInfo.Name
		}
	}
	notify := progressNotifier(req)
	notify(ctx, "Waiting for the user to approve the plan in the editor (or with `patchbay approve` in a terminal)…")
	ar, err := s.d.Provision.RequestApproval(ctx, connect.NewRequest(&patchbayv1.RequestApprovalRequest{PlanId: planID, Requester: requester,
		TimeoutSeconds: uint32(s.opts.ApprovalTimeout / time.Second)}))
	if err != nil {
		return nil, ApplyOut{}, err
	}
	out := ApplyOut{PlanID: planID, Approval: outcomeWords[ar.Msg.GetOutcome()]}
	if ar.Msg.GetOutcome() != patchbayv1.ApprovalOutcome_APPROVAL_OUTCOME_APPROVED {
		return text("The user did not approve plan %s (%s); nothing changed. Do not retry unless the user asks.", planID, out.Approval), out, nil
	}
	stream, err := s.d.Provision.Apply(ctx, connect.NewRequest(&patchbayv1.ApplyRequest{PlanId: planID}))
	if err != nil {
		return nil, out, err
	}
	defer stream.Close()
	for stream.Receive() {
		p := stream.Msg().GetProgress()
		if p.GetMessage() != "" && (p.GetStepId() == "" || p.GetStepState() == patchbayv1.StepState_STEP_STATE_DONE ||
			p.GetStepState() == patchbayv1.StepState_STEP_STATE_FAILED) {
			line := p.GetMessage()
			if p.GetStepId() != "" {
				line = p.GetStepId() + ": " + line
			}
			out.Progress = append(out.Progress, line)
			notify(ctx, line)
		}
		if w, ok := stateWords[p.GetState()]; ok {
			out.State = w
		}
	}
	if err := stream.Err(); err != nil {
		return nil, out, err
	}
	if out.State == "" {
		return nil, out, errors.New("the daemon ended the operation without a final state")
	}
	res := text("Approved by the user; %s %s.\n%s", planID, out.State, bullet(out.Progress))
	res.IsError = out.State != "completed"
	return res, out, nil
}

// progressNotifier returns a function that sends progress notifications
// when the client asked for them (a progress token on the call).
func progressNotifier(req *mcp.CallToolRequest) func(context.Context, string) {
	if req == nil || req.Session == nil || req.Params == nil || req.Params.GetProgressToken() == nil {
		return func(context.Context, string) {}
	}
	tok, n := req.Params.GetProgressToken(), 0.0
	return func(ctx context.Context, msg string) {
		n++
		_ = req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{ProgressToken: tok, Message: msg, Progress: n})
	}
}
