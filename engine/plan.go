package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/store"
)

// Action is what a plan step does.
type Action string

const (
	ActionCreate Action = "create"
	ActionUpdate Action = "update"
	ActionDelete Action = "delete"
	ActionNoop   Action = "noop"
	// ActionRotate replaces a lost secret: in place where the provider can,
	// else create new, re-inject, delete old.
	ActionRotate Action = "rotate"
	// ActionAdopt starts tracking an object Patchbay did not create; it is
	// never deleted by Patchbay.
	ActionAdopt Action = "adopt"
	// ActionForget stops tracking an adopted object without deleting it.
	ActionForget Action = "forget"
)

// Change is one field a step changes. Values are never secrets.
type Change struct {
	Field  string `json:"field"`
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	// Added and Removed detail a change of a list that had entries before.
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
}

// Step is one node of the plan's DAG.
type Step struct {
	ID         string `json:"id"`
	Action     Action `json:"action"`
	Key        Key    `json:"key"`
	ResourceID string `json:"resource_id,omitempty"`
	ProviderID string `json:"provider_id,omitempty"`
	Profile    string `json:"profile,omitempty"`
	Props      Props  `json:"props,omitempty"`
	// Managed is the desired state alone, without entries kept for others;
	// it is recorded as what Patchbay manages.
	Managed   Props    `json:"managed,omitempty"`
	Changes   []Change `json:"changes,omitempty"`
	DependsOn []string `json:"depends_on,omitempty"`
	Reason    string   `json:"reason,omitempty"`
	Service   string   `json:"service,omitempty"`
	// Resume marks a step that finishes a create or rotation a previous run
	// started and did not record the end of.
	Resume bool `json:"resume,omitempty"`
	// DependsOnKeys are the desired dependencies, recorded as relationships
	// after apply so that destroy can delete in reverse order.
	DependsOnKeys []Key `json:"depends_on_keys,omitempty"`
}

// Plan is a reviewed set of steps for one environment.
type Plan struct {
	ID            string    `json:"id"`
	EnvironmentID string    `json:"environment_id"`
	WorkspaceRoot string    `json:"workspace_root"`
	Environment   string    `json:"environment"`
	Destroy       bool      `json:"destroy"`
	Steps         []Step    `json:"steps"`
	Warnings      []string  `json:"warnings,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
}

// HasChanges reports whether applying the plan would do anything.
func (p *Plan) HasChanges() bool {
	for _, s := range p.Steps {
		if s.Action != ActionNoop {
			return true
		}
	}
	return false
}

// credCache fetches each provider profile's credentials once per plan or
// apply.
type credCache struct {
	src CredentialSource
	m   map[string]Credentials
	mu  chan struct{}
}

// PlanOption adjusts one Plan call.
type PlanOption func(*planOptions)

type planOptions struct {
	credentials CredentialSource
	analysis    *Analysis
}

// Analysis is a workspace as its caller analyzed it: the services and
// findings of the analyzer and the patchbay.json of each service path
// (ConfigPaths; "." is the root's), by path, absent when there is none.
type Analysis struct {
	Services []*patchbayv1.Service
	Findings []*patchbayv1.Finding
	Configs  map[string][]byte
}

// WithAnalysis makes one plan use a's services, findings and configs
// instead of analyzing the workspace root on this machine's disk: a
// laptop's checkout planned by a Patchbay server, where the root only
// names the workspace the environment belongs to.
func WithAnalysis(a *Analysis) PlanOption {
	return func(o *planOptions) { o.analysis = a }
}

// WithCredentials makes one plan read credentials from src instead of the
// engine's own source — for example one that asks the editor for missing
// credentials and waits for the answer.
func WithCredentials(src CredentialSource) PlanOption {
	return func(o *planOptions) { o.credentials = src }
}

func newCredCache(src CredentialSource) *credCache {
	return &credCache{src: src, m: map[string]Credentials{}, mu: make(chan struct{}, 1)}
}

func (c *credCache) get(ctx context.Context, provider, profile string) (Credentials, error) {
	c.mu <- struct{}{}
	defer func() { <-c.mu }()
	k := provider + "/" + profile
	if v, ok := c.m[k]; ok {
		return v, nil
	}
	v, err := c.src.Credentials(ctx, provider, profile)
	if err != nil {
		return nil, fmt.Errorf("credentials for %s (profile %q): %w", provider, profile, err)
	}
	c.m[k] = v
	return v, nil
}

// Plan computes what applying the code's desired state to the environment
// would do, or, with destroy, what removing everything it created would do.
// It reads from providers but changes nothing there.
func (e *Engine) Plan(ctx context.Context, root, envName string, destroy bool, opts ...PlanOption) (*Plan, error) {
	var po planOptions
	for _, o := range opts {
		o(&po)
	}
	root, err := cleanRoot(root)
	if err != nil {
		return nil, err
	}
	env, err := e.environment(ctx, root, envName)
	if err != nil {
		return nil, err
	}
	rows, err := e.st.ListResources(ctx, env.ID)
	if err != nil {
		return nil, err
	}
	plan := &Plan{EnvironmentID: env.ID, WorkspaceRoot: root, Environment: envName, Destroy: destroy, CreatedAt: time.Now().UTC()}
	var desired []Desired
	if !destroy {
		var svcs []*patchbayv1.Service
		var findings []*patchbayv1.Finding
		var configs map[string]*ServiceConfig
		if a := po.analysis; a != nil {
			svcs, findings = a.Services, evidence(a.Findings)
			configs, err = loadConfigs(svcs, func(p string) ([]byte, error) {
				if raw, ok := a.Configs[p]; ok {
					return raw, nil
				}
				return nil, fs.ErrNotExist
			})
		} else {
			if svcs, findings, _, err = e.analysis(ctx, root); err == nil {
				configs, err = LoadConfigs(root, svcs)
			}
		}
		if err != nil {
			return nil, err
		}
		e.recordServices(ctx, root, svcs)
		desired, plan.Warnings = e.opts.Desire(DesiredInput{
			Environment: desiredEnv(env), Workspace: workspaceName(root), Services: svcs, Findings: findings, Profiles: e.opts.Profiles,
			Configs: configs,
		})
	}
	src := e.opts.Credentials
	if po.credentials != nil {
		src = po.credentials
	}
	creds := newCredCache(src)
	byKey := map[Key]store.Resource{}
	for _, r := range rows {
		byKey[Key{Provider: r.Provider, Type: r.Type, Name: r.Name}] = r
	}
	wanted := map[Key]bool{}
	for _, d := range desired {
		if d.Forward != nil {
			continue // forwarded locally: nothing to create at the provider
		}
		if w := httpsRequired(ctx, creds, d); w != "" {
			plan.Warnings = append(plan.Warnings, w)
			continue
		}
		if wanted[d.Key] {
			plan.Warnings = append(plan.Warnings, fmt.Sprintf("%s is wanted twice; using the first", d.Key))
			continue
		}
		wanted[d.Key] = true
		step, warns, err := e.planDesired(ctx, env, creds, d, byKey)
		if errors.Is(err, ErrNoCredentials) {
			plan.Warnings = append(plan.Warnings, fmt.Sprintf("%s is needed (%s), but no %s credentials are saved (profile %q): connect %s first",
				d.Key, d.Reason, d.Key.Provider, d.Profile, d.Key.Provider))
			if _, recorded := byKey[d.Key]; recorded {
				// Keep what exists: without credentials it can be neither
				// checked nor changed, and it must not be planned for deletion.
				s := Step{ID: d.Key.String(), Key: d.Key, Action: ActionNoop, Reason: "not checked: no credentials"}
				plan.Steps = append(plan.Steps, s)
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		plan.Warnings = append(plan.Warnings, warns...)
		plan.Steps = append(plan.Steps, step)
	}
	for _, r := range rows {
		k := Key{Provider: r.Provider, Type: r.Type, Name: r.Name}
		if wanted[k] {
			continue
		}
		s := Step{ID: k.String(), Key: k, ResourceID: r.ID, ProviderID: r.ProviderID, Profile: r.Profile}
		if r.CreatedByPatchbay {
			s.Action = ActionDelete
			s.Resume = r.Status == store.StatusCreating
			s.Reason = "no longer needed by the code"
			if destroy {
				s.Reason = "destroying the environment"
			}
		} else {
			s.Action = ActionForget
			s.Reason = "adopted, not created by Patchbay: it stays at the provider"
		}
		plan.Steps = append(plan.Steps, s)
	}
	if err := e.linkSteps(ctx, plan); err != nil {
		return nil, err
	}
	plan.ID = store.NewID("plan")
	body, err := json.Marshal(plan)
	if err != nil {
		return nil, fmt.Errorf("engine: encode plan: %w", err)
	}
	if _, err := e.st.SavePlan(ctx, store.Plan{ID: plan.ID, EnvironmentID: env.ID, Destroy: destroy, Body: body}); err != nil {
		return nil, err
	}
	return plan, nil
}

// httpsRequired: Stripe refuses live-mode webhook endpoints that are not
// https, so none is planned for a plain http URL with a live key.
func httpsRequired(ctx context.Context, creds *credCache, d Desired) string {
	if d.Key.Provider != "stripe" || d.Key.Type != "webhook_endpoint" || len(d.Props["url"]) == 0 || !strings.HasPrefix(d.Props["url"][0], "http://") {
		return ""
	}
	c, err := creds.get(ctx, d.Key.Provider, d.Profile)
	if err != nil || !strings.Contains(c["secret_key"], "_live_") {
		return ""
	}
	return fmt.Sprintf("stripe: the webhook endpoint %s is not registered: Stripe requires https for live-mode endpoints; give the environment an https URL with `patchbay env set-url`", d.Props["url"][0])
}

func (e *Engine) planDesired(ctx context.Context, env store.Environment, creds *credCache, d Desired, byKey map[Key]store.Resource) (Step, []string, error) {
	s := Step{ID: d.Key.String(), Key: d.Key, Profile: d.Profile, Props: d.Props, Managed: d.Props, Reason: d.Reason, Service: d.Service,
		DependsOnKeys: d.DependsOn}
	t, err := e.typeOf(d.Key)
	if err != nil {
		return s, nil, err
	}
	info := t.Info()
	c, err := creds.get(ctx, d.Key.Provider, d.Profile)
	if err != nil {
		return s, nil, err
	}
	row, recorded := byKey[d.Key]
	if recorded {
		s.ResourceID, s.ProviderID = row.ID, row.ProviderID
	}
	switch {
	case recorded && row.Status == store.StatusCreating:
		s.Resume = true
		if row.RetiringProviderID != "" {
			s.Action, s.ProviderID = ActionRotate, row.RetiringProviderID
			s.Reason = "finish the secret rotation an earlier run started"
			return s, nil, nil
		}
		s.Action = ActionCreate
		s.Changes = diff(nil, d.Props)
		s.Reason = "finish the create an earlier run started (it may already exist at the provider)"
		return s, nil, nil
	case recorded:
		var st State
		err := e.call(ctx, "read "+d.Key.String(), func(ctx context.Context) error {
			var err error
			st, err = t.Read(ctx, c, row.ProviderID)
			return err
		})
		if errors.Is(err, ErrGone) {
			s.Action = ActionCreate
			s.Changes = diff(nil, d.Props)
			s.Reason = fmt.Sprintf("%s was deleted outside Patchbay; creating it again", row.ProviderID)
			return s, nil, nil
		}
		if err != nil {
			return s, nil, fmt.Errorf("engine: read %s (%s): %w", d.Key, row.ProviderID, err)
		}
		s.Props = effectiveProps(info, d.Props, st.Props, row.ManagedProps)
		s.Changes = diff(st.Props, s.Props)
		s.Action = ActionNoop
		if len(s.Changes) > 0 {
			s.Action = ActionUpdate
		}
		var warns []string
		if replace, warn := replacement(info, row, s.Changes); replace {
			s.Action, s.Reason = ActionRotate, info.ReplaceReason
		} else if warn != "" {
			s.Action, s.Changes = ActionNoop, nil
			warns = append(warns, fmt.Sprintf("%s (%s): %s", d.Key, row.ProviderID, warn))
		}
		lost, unreadable := e.lostSecrets(ctx, env.ID, d.Key, info)
		switch {
		case len(lost) == 0:
		case info.SecretsReadable:
			for _, name := range lost {
				s.Changes = append(s.Changes, Change{Field: "secret " + name, Before: lostBefore(name, "missing from the secret store", unreadable), After: "read back from the provider"})
			}
			s.Action = ActionUpdate
			warns = append(warns, unreadableWarnings(d.Key, row.ProviderID, unreadable, "read back from the provider")...)
		case row.CreatedByPatchbay:
			for _, name := range lost {
				s.Changes = append(s.Changes, Change{Field: "secret " + name, Before: lostBefore(name, "lost (shown only at creation)", unreadable), After: "rotated: new object, re-injected, old one deleted"})
			}
			s.Action = ActionRotate
			warns = append(warns, unreadableWarnings(d.Key, row.ProviderID, unreadable,
				"rotated; if the keyring item is only damaged, delete it or fix the keyring before approving")...)
		default:
			warns = append(warns, fmt.Sprintf("%s (%s) was adopted and its %s was shown only when it was created; Patchbay cannot inject it. Rotate it at %s yourself, or let Patchbay create its own.",
				d.Key, row.ProviderID, strings.Join(lost, ", "), d.Key.Provider))
		}
		if row.RetiringProviderID != "" {
			s.Action = ActionRotate
			s.Resume = true
			s.Changes = append(s.Changes, Change{Field: "retired object", Before: row.RetiringProviderID, After: "deleted"})
		}
		return s, warns, nil
	default:
		var st State
		var found bool
		err := e.call(ctx, "lookup "+d.Key.String(), func(ctx context.Context) error {
			var err error
			st, found, err = lookupOne(ctx, t, c, d.Props)
			return err
		})
		if err != nil {
			return s, nil, fmt.Errorf("engine: look up %s: %w", d.Key, err)
		}
		if !found {
			s.Action = ActionCreate
			s.Changes = diff(nil, d.Props)
			return s, nil, nil
		}
		s.Action, s.ProviderID = ActionAdopt, st.ID
		s.Props = effectiveProps(info, d.Props, st.Props, nil)
		s.Changes = diff(st.Props, s.Props)
		var warns []string
		if len(info.Secrets) > 0 && !info.SecretsReadable {
			warns = append(warns, fmt.Sprintf("%s: adopting existing %s; its %s was shown only when it was created, so Patchbay cannot inject it",
				d.Key, st.ID, strings.Join(info.Secrets, ", ")))
		}
		return s, warns, nil
	}
}

// recordServices keeps the services table in step with the analysis; the
// system map and later tools read it without re-analyzing.
func (e *Engine) recordServices(ctx context.Context, root string, svcs []*patchbayv1.Service) {
	rows := make([]store.Service, 0, len(svcs))
	for _, s := range svcs {
		rows = append(rows, store.Service{WorkspaceRoot: root, Path: s.GetPath(), Name: s.GetName(), Language: s.GetLanguage(), Providers: s.GetProviders()})
	}
	team, _ := teamOf(ctx)
	if err := e.st.ReplaceServices(ctx, team, root, rows); err != nil {
		e.log.Warn("record services", "root", root, "err", err)
	}
}

// lostSecrets lists the type's secrets missing from the secret store. A
// secret that is there but cannot be read (a damaged keyring item, a
// failing keyring) counts as lost too, since Patchbay cannot inject it, but
// is also listed in unreadable with the reason, so the plan says so
// instead of presenting it as simply gone.
func (e *Engine) lostSecrets(ctx context.Context, envID string, k Key, info TypeInfo) (lost []string, unreadable map[string]string) {
	for _, name := range info.Secrets {
		if _, err := e.opts.Secrets.Get(ctx, secretKey(envID, k, name)); err != nil {
			if !errors.Is(err, ErrSecretNotFound) {
				e.log.Warn("secret store read failed; treating the secret as lost", "resource", k.String(), "secret", name, "err", err)
				if unreadable == nil {
					unreadable = map[string]string{}
				}
				unreadable[name] = err.Error()
			}
			lost = append(lost, name)
		}
	}
	return lost, unreadable
}

// lostBefore describes a lost secret's state for a plan change.
func lostBefore(name, missing string, unreadable map[string]string) string {
	if why, ok := unreadable[name]; ok {
		return "unreadable in the secret store (" + why + ")"
	}
	return missing
}

// unreadableWarnings tells, per unreadable secret, that it is treated as
// lost and why.
func unreadableWarnings(k Key, providerID string, unreadable map[string]string, then string) []string {
	names := make([]string, 0, len(unreadable))
	for n := range unreadable {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []string
	for _, n := range names {
		out = append(out, fmt.Sprintf("%s (%s): its %s is stored but cannot be read (%s); it is treated as lost and %s",
			k, providerID, n, unreadable[n], then))
	}
	return out
}

// linkSteps fills DependsOn: creations and updates after what they depend
// on, deletions before what they depended on.
func (e *Engine) linkSteps(ctx context.Context, p *Plan) error {
	active := map[Key]*Step{}
	for i := range p.Steps {
		if p.Steps[i].Action != ActionNoop {
			active[p.Steps[i].Key] = &p.Steps[i]
		}
	}
	for i := range p.Steps {
		s := &p.Steps[i]
		for _, dk := range s.DependsOnKeys {
			if dep, ok := active[dk]; ok && dep.Action != ActionDelete && dep.Action != ActionForget {
				s.DependsOn = append(s.DependsOn, dep.ID)
			}
		}
	}
	rels, err := e.st.ListRelationships(ctx, p.EnvironmentID)
	if err != nil {
		return err
	}
	for _, r := range rels {
		if r.Kind != "depends_on" {
			continue
		}
		from, ok1 := active[parseNodeKey(r.From)]
		to, ok2 := active[parseNodeKey(r.To)]
		if ok1 && ok2 && from.Action == ActionDelete && to.Action == ActionDelete {
			// from depended on to: delete from first.
			to.DependsOn = append(to.DependsOn, from.ID)
		}
	}
	for i := range p.Steps {
		p.Steps[i].DependsOn = normList(p.Steps[i].DependsOn)
	}
	return nil
}

func resourceNode(k Key) string { return "resource:" + k.String() }

func parseNodeKey(node string) Key {
	rest, ok := strings.CutPrefix(node, "resource:")
	if !ok {
		return Key{}
	}
	parts := strings.SplitN(rest, "/", 3)
	if len(parts) != 3 {
		return Key{}
	}
	return Key{Provider: parts[0], Type: parts[1], Name: parts[2]}
}

func render(v []string) string {
	if len(v) == 0 {
		return ""
	}
	if len(v) == 1 {
		return v[0]
	}
	return "[" + strings.Join(v, ", ") + "]"
}

// diff lists the fields of desired that observed does not match. Fields the
// provider reports but Patchbay does not manage are ignored.
func diff(observed, desired Props) []Change {
	keys := make([]string, 0, len(desired))
	for k := range desired {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []Change
	for _, k := range keys {
		want, have := normList(desired[k]), normList(observed[k])
		if slices.Equal(want, have) {
			continue
		}
		c := Change{Field: k, Before: render(have), After: render(want)}
		if len(have) > 0 && (len(have) > 1 || len(want) > 1) {
			for _, v := range want {
				if !slices.Contains(have, v) {
					c.Added = append(c.Added, v)
				}
			}
			for _, v := range have {
				if !slices.Contains(want, v) {
					c.Removed = append(c.Removed, v)
				}
			}
		}
		out = append(out, c)
	}
	return out
}

var actionSymbols = map[Action]string{
	ActionCreate: "+", ActionUpdate: "~", ActionDelete: "-", ActionRotate: "±", ActionAdopt: "<", ActionForget: ">", ActionNoop: "=",
}

// Summary renders the plan the way `patchbay plan` prints it.
func (p *Plan) Summary() string {
	var b strings.Builder
	counts := map[Action]int{}
	for _, s := range p.Steps {
		counts[s.Action]++
	}
	verb := "apply"
	if p.Destroy {
		verb = "destroy"
	}
	fmt.Fprintf(&b, "Plan to %s environment %q: %d to create, %d to update, %d to delete, %d to rotate, %d to adopt, %d to forget, %d unchanged.\n",
		verb, p.Environment, counts[ActionCreate], counts[ActionUpdate], counts[ActionDelete], counts[ActionRotate],
		counts[ActionAdopt], counts[ActionForget], counts[ActionNoop])
	for _, s := range p.Steps {
		if s.Action == ActionNoop {
			continue
		}
		id := ""
		if s.ProviderID != "" {
			id = " (" + s.ProviderID + ")"
		}
		fmt.Fprintf(&b, "\n  %s %s %s %q%s\n", actionSymbols[s.Action], s.Action, s.Key.Provider+" "+s.Key.Type, s.Key.Name, id)
		if s.Reason != "" {
			fmt.Fprintf(&b, "      because: %s\n", s.Reason)
		}
		for _, c := range s.Changes {
			switch {
			case len(c.Added)+len(c.Removed) > 0:
				fmt.Fprintf(&b, "      %s:\n", c.Field)
				for _, v := range c.Added {
					fmt.Fprintf(&b, "        + %s\n", v)
				}
				for _, v := range c.Removed {
					fmt.Fprintf(&b, "        - %s\n", v)
				}
			case c.Before == "":
				fmt.Fprintf(&b, "      %s: %s\n", c.Field, c.After)
			default:
				fmt.Fprintf(&b, "      %s: %s → %s\n", c.Field, c.Before, orNone(c.After))
			}
		}
	}
	if !p.HasChanges() {
		b.WriteString("\nNothing to do: the providers match the code.\n")
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(&b, "\nwarning: %s\n", w)
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

var actionProto = map[Action]patchbayv1.StepAction{
	ActionCreate: patchbayv1.StepAction_STEP_ACTION_CREATE, ActionUpdate: patchbayv1.StepAction_STEP_ACTION_UPDATE,
	ActionDelete: patchbayv1.StepAction_STEP_ACTION_DELETE, ActionNoop: patchbayv1.StepAction_STEP_ACTION_NOOP,
	ActionRotate: patchbayv1.StepAction_STEP_ACTION_ROTATE, ActionAdopt: patchbayv1.StepAction_STEP_ACTION_ADOPT,
	ActionForget: patchbayv1.StepAction_STEP_ACTION_FORGET,
}

// Proto converts the plan for the API.
func (p *Plan) Proto() *patchbayv1.Plan {
	out := &patchbayv1.Plan{
		Id: p.ID, WorkspaceRoot: p.WorkspaceRoot, Environment: p.Environment, Warnings: p.Warnings,
		Summary: p.Summary(), CreatedAt: timestamppb.New(p.CreatedAt), Destroy: p.Destroy,
	}
	for _, s := range p.Steps {
		ps := &patchbayv1.PlanStep{
			Id: s.ID, Action: actionProto[s.Action], Provider: s.Key.Provider, ResourceType: s.Key.Type, Name: s.Key.Name,
			DependsOn: s.DependsOn, Reason: s.Reason, ProviderId: s.ProviderID,
		}
		for _, c := range s.Changes {
			ps.Changes = append(ps.Changes, &patchbayv1.FieldChange{Field: c.Field, Before: c.Before, After: c.After})
		}
		out.Steps = append(out.Steps, ps)
	}
	return out
}

// LoadPlan returns a stored plan of the team's environments; another
// team's plan is not found.
func (e *Engine) LoadPlan(ctx context.Context, id string) (*Plan, string, error) {
	sp, err := e.st.GetPlan(ctx, id)
	if err != nil {
		return nil, "", err
	}
	env, err := e.st.GetEnvironmentByID(ctx, sp.EnvironmentID)
	if err != nil {
		return nil, "", err
	}
	if team, _ := teamOf(ctx); env.Team != team {
		return nil, "", fmt.Errorf("no plan %s in team %q: %w", id, team, ErrNotFound)
	}
	var p Plan
	if err := json.Unmarshal(sp.Body, &p); err != nil {
		return nil, "", fmt.Errorf("engine: plan %s is unreadable: %w", id, err)
	}
	p.ID = sp.ID
	return &p, sp.State, nil
}
