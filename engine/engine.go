// Package engine turns findings into provisioned resources: it computes the
// resources an environment needs from the code, diffs them against recorded
// state into a plan, and applies approved plans as a DAG with bounded
// parallelism, journaling every provider call so that a crash at any point
// converges on the next run without duplicates or lost secrets.
//
// Provider objects are reached through ResourceType (Terraform-like
// Read/Lookup/Create/Update/Delete); credentials and the secret store are
// interfaces so that the daemon can back them with the vault.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/store"
)

// Source gives the engine a workspace's services and findings; the daemon
// backs it with the analyzer.
type Source interface {
	Analysis(ctx context.Context, workspaceRoot string) ([]*patchbayv1.Service, []*patchbayv1.Finding, error)
}

// StaticSource is a Source with fixed contents, for tests and tools.
type StaticSource struct {
	Services []*patchbayv1.Service
	Findings []*patchbayv1.Finding
}

// Analysis returns the fixed contents.
func (s *StaticSource) Analysis(context.Context, string) ([]*patchbayv1.Service, []*patchbayv1.Finding, error) {
	return s.Services, s.Findings, nil
}

// Options configure an Engine.
type Options struct {
	Store       *store.Store
	Types       []ResourceType
	Credentials CredentialSource
	Secrets     SecretStore
	Source      Source
	// Desire computes desired state; DefaultDesired when nil.
	Desire DesireFunc
	// Profiles picks credential profiles per provider.
	Profiles map[string]string
	Logger   *slog.Logger
	// Parallelism bounds concurrent provider calls during apply (default 8).
	Parallelism int
	// MaxAttempts bounds tries of one provider call on 429/5xx (default 5).
	MaxAttempts int
	// RetryBase is the first backoff delay, doubled per attempt up to
	// RetryMax, when the provider gives no Retry-After (default 500ms, 30s).
	RetryBase, RetryMax time.Duration
	// KillSwitch is for crash tests: it is consulted at every journal point
	// and, when it returns true, the engine behaves as if its process died
	// there: no further provider calls, database writes or events.
	KillSwitch func(point string) bool
	// Owner names who holds environment locks taken by this engine
	// (default user@host; WithActor overrides it per operation).
	Owner string
}

// Engine plans and applies. It is safe for concurrent use; applies of the
// same environment are serialized by the plan state machine in the store.
type Engine struct {
	opts  Options
	st    *store.Store
	log   *slog.Logger
	types map[string]ResourceType
	dead  atomic.Bool
}

// ErrKilled is returned by every call after the KillSwitch fired.
var ErrKilled = errors.New("engine: killed by test kill switch")

// Typed errors the daemon maps to connect codes.
var (
	ErrInvalid  = errors.New("invalid argument")
	ErrNotFound = store.ErrNotFound
	ErrExists   = store.ErrExists
	// ErrConflict: the plan is no longer pending (applied, superseded, ...).
	ErrConflict = errors.New("conflict")
)

// New returns an Engine. It marks plans and operations left running by a
// previous process as interrupted, so their environments can be planned
// again.
func New(ctx context.Context, opts Options) (*Engine, error) {
	if opts.Store == nil || opts.Secrets == nil || opts.Credentials == nil || opts.Source == nil {
		return nil, fmt.Errorf("engine: Store, Secrets, Credentials and Source are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Desire == nil {
		opts.Desire = DefaultDesired
	}
	if opts.Parallelism <= 0 {
		opts.Parallelism = 8
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 5
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = 500 * time.Millisecond
	}
	if opts.RetryMax <= 0 {
		opts.RetryMax = 30 * time.Second
	}
	e := &Engine{opts: opts, st: opts.Store, log: opts.Logger, types: map[string]ResourceType{}}
	for _, t := range opts.Types {
		e.types[t.Provider()+"/"+t.Type()] = t
	}
	if err := e.st.MarkInterrupted(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *Engine) typeOf(k Key) (ResourceType, error) {
	t, ok := e.types[k.Provider+"/"+k.Type]
	if !ok {
		return nil, fmt.Errorf("engine: no resource type %s/%s registered", k.Provider, k.Type)
	}
	return t, nil
}

// checkpoint consults the kill switch at a journal point.
func (e *Engine) checkpoint(point string) error {
	if e.dead.Load() {
		return ErrKilled
	}
	if e.opts.KillSwitch != nil && e.opts.KillSwitch(point) {
		e.dead.Store(true)
		return ErrKilled
	}
	return nil
}

func workspaceName(root string) string {
	n := filepath.Base(filepath.Clean(root))
	if n == "." || n == "/" || n == "" {
		return "workspace"
	}
	return n
}

func validURL(field, v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s %q must be an absolute http(s) URL: %w", field, v, ErrInvalid)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%s %q must not have a query or fragment: %w", field, v, ErrInvalid)
	}
	return nil
}

// cleanRoot checks a workspace root and returns it in the one spelling the
// store keys environments by ("/src/app/" and "/src/app" are one workspace).
func cleanRoot(root string) (string, error) {
	if root == "" {
		return "", fmt.Errorf("workspace root is required: %w", ErrInvalid)
	}
	if !filepath.IsAbs(root) {
		return "", fmt.Errorf("workspace root %q must be an absolute path: %w", root, ErrInvalid)
	}
	return filepath.Clean(root), nil
}

func validateEnvironment(env *store.Environment) error {
	root, err := cleanRoot(env.WorkspaceRoot)
	if err != nil {
		return err
	}
	env.WorkspaceRoot = root
	if env.Name == "" || strings.ContainsAny(env.Name, "/\\ \t\n") {
		return fmt.Errorf("environment name %q must be non-empty without spaces or slashes: %w", env.Name, ErrInvalid)
	}
	if err := validURL("frontend URL", env.FrontendURL); err != nil {
		return err
	}
	if err := validURL("API URL", env.APIURL); err != nil {
		return err
	}
	for _, o := range env.ExtraOrigins {
		if err := validURL("origin", o); err != nil {
			return err
		}
	}
	return nil
}

// environment loads an environment, saying how to create a missing one.
func (e *Engine) environment(ctx context.Context, root, name string) (store.Environment, error) {
	team, named := teamOf(ctx)
	env, err := e.st.GetEnvironment(ctx, team, root, name)
	if errors.Is(err, store.ErrNotFound) {
		of := ""
		if named {
			// Another team's environment of that name is not this team's
			// to see: the answer is the same whether it exists or not.
			of = fmt.Sprintf(" in team %q", team)
		}
		return env, fmt.Errorf("no environment %q for workspace %s%s; create it with `patchbay env create %s --frontend-url URL`: %w",
			name, root, of, name, ErrNotFound)
	}
	return env, err
}

// CreateEnvironment records a new environment.
func (e *Engine) CreateEnvironment(ctx context.Context, env store.Environment) (store.Environment, error) {
	if err := validateEnvironment(&env); err != nil {
		return store.Environment{}, err
	}
	env.Team, _ = teamOf(ctx)
	out, err := e.st.CreateEnvironment(ctx, env)
	if err != nil {
		return store.Environment{}, err
	}
	e.audit(ctx, "environment.create", "environment:"+out.Name, fmt.Sprintf("frontend=%s api=%s", out.FrontendURL, out.APIURL))
	return out, nil
}

// UpdateEnvironment changes an environment's URLs and origins. The next plan
// carries the change to every provider that holds the old URLs.
func (e *Engine) UpdateEnvironment(ctx context.Context, env store.Environment) (store.Environment, error) {
	if err := validateEnvironment(&env); err != nil {
		return store.Environment{}, err
	}
	env.Team, _ = teamOf(ctx)
	out, err := e.st.UpdateEnvironment(ctx, env)
	if errors.Is(err, store.ErrNotFound) {
		_, err = e.environment(ctx, env.WorkspaceRoot, env.Name) // the message that says how to create it
	}
	if err != nil {
		return store.Environment{}, err
	}
	e.audit(ctx, "environment.update", "environment:"+out.Name, fmt.Sprintf("frontend=%s api=%s", out.FrontendURL, out.APIURL))
	return out, nil
}

// ListEnvironments lists the team's environments of a workspace.
func (e *Engine) ListEnvironments(ctx context.Context, root string) ([]store.Environment, error) {
	if root != "" {
		var err error
		if root, err = cleanRoot(root); err != nil {
			return nil, err
		}
	}
	team, _ := teamOf(ctx)
	return e.st.ListEnvironments(ctx, team, root)
}

// GetEnvironment returns one environment.
func (e *Engine) GetEnvironment(ctx context.Context, root, name string) (store.Environment, error) {
	root, err := cleanRoot(root)
	if err != nil {
		return store.Environment{}, err
	}
	return e.environment(ctx, root, name)
}

// DeleteEnvironment forgets an environment that tracks no resources.
func (e *Engine) DeleteEnvironment(ctx context.Context, root, name string) error {
	root, err := cleanRoot(root)
	if err != nil {
		return err
	}
	if _, err := e.environment(ctx, root, name); err != nil {
		return err
	}
	team, _ := teamOf(ctx)
	if err := e.st.DeleteEnvironment(ctx, team, root, name); err != nil {
		if errors.Is(err, store.ErrInUse) {
			return fmt.Errorf("environment %q still has provisioned resources; run `patchbay destroy --env %s` first: %w", name, name, ErrConflict)
		}
		return err
	}
	e.audit(ctx, "environment.delete", "environment:"+name, "")
	return nil
}

// audit records a domain action under the user it runs for (WithActor, on
// a Patchbay server), else "engine".
func (e *Engine) audit(ctx context.Context, action, target, detail string) {
	actor := "engine"
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		actor = a
	}
	if err := e.st.Audit(context.WithoutCancel(ctx), actor, action, target, detail); err != nil {
		e.log.Warn("audit log write failed", "action", action, "err", err)
	}
}
