package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/store"
)

// Variable is one env var Patchbay can inject.
type Variable struct {
	Name string
	// Value is empty unless values were asked for.
	Value  string
	Secret bool
	// Source says where the value comes from, never the value.
	Source string
	// Provided is false when the code reads the variable but nothing
	// provides it (or its secret is lost).
	Provided bool
	// Resource is the providing resource, when any.
	Resource Key
	// Service is the service that reads it, when known.
	Service string
}

// workspace gathers what injection and the system map need.
type workspace struct {
	env      store.Environment
	services []*patchbayv1.Service
	findings []*patchbayv1.Finding
	desired  []Desired
	rows     map[Key]store.Resource
}

func (e *Engine) loadWorkspace(ctx context.Context, root string, env store.Environment) (*workspace, error) {
	svcs, findings, err := e.opts.Source.Analysis(ctx, root)
	if err != nil {
		return nil, fmt.Errorf("engine: analyze %s: %w", root, err)
	}
	configs, err := LoadConfigs(root, svcs)
	if err != nil {
		return nil, err
	}
	desired, _ := e.opts.Desire(DesiredInput{Environment: env, Workspace: workspaceName(root), Services: svcs, Findings: findings,
		Profiles: e.opts.Profiles, Configs: configs})
	rows, err := e.st.ListResources(ctx, env.ID)
	if err != nil {
		return nil, err
	}
	w := &workspace{env: env, services: svcs, findings: findings, desired: desired, rows: map[Key]store.Resource{}}
	for _, r := range rows {
		w.rows[Key{r.Provider, r.Type, r.Name}] = r
	}
	return w, nil
}

// reads maps each env var name the code reads to the finding's provider
// and service.
func (w *workspace) reads() map[string]*patchbayv1.Finding {
	out := map[string]*patchbayv1.Finding{}
	for _, f := range w.findings {
		if f.GetKind() == patchbayv1.FindingKind_ENV_REFERENCE && f.GetEnvVar().GetName() != "" {
			if _, seen := out[f.GetEnvVar().GetName()]; !seen {
				out[f.GetEnvVar().GetName()] = f
			}
		}
	}
	return out
}

// namesFor returns the names a binding is injected under: those the code
// reads, or the canonical name when the code reads none of them.
func namesFor(b Binding, provider string, reads map[string]*patchbayv1.Finding) []string {
	var out []string
	for _, n := range b.Names {
		if reads[n] != nil {
			out = append(out, n)
		}
	}
	for n, f := range reads {
		if f.GetProvider() != provider {
			continue
		}
		for _, frag := range b.Match {
			if strings.Contains(n, frag) {
				out = append(out, n)
				break
			}
		}
	}
	out = normList(out)
	if len(out) == 0 && len(b.Names) > 0 {
		out = []string{b.Names[0]}
	}
	return out
}

// Variables returns the env vars for an environment under the names the
// code reads, with values only when includeValues is set.
func (e *Engine) Variables(ctx context.Context, root, envName string, includeValues bool) ([]Variable, error) {
	root, err := cleanRoot(root)
	if err != nil {
		return nil, err
	}
	env, err := e.environment(ctx, root, envName)
	if err != nil {
		return nil, err
	}
	w, err := e.loadWorkspace(ctx, root, env)
	if err != nil {
		return nil, err
	}
	vars, err := e.variables(ctx, w)
	if err != nil {
		return nil, err
	}
	if !includeValues {
		for i := range vars {
			vars[i].Value = ""
		}
	}
	return vars, nil
}

func (e *Engine) variables(ctx context.Context, w *workspace) ([]Variable, error) {
	reads := w.reads()
	byName := map[string]Variable{}
	for _, d := range w.desired {
		row, ok := w.rows[d.Key]
		if !ok || row.Status != store.StatusPresent {
			continue
		}
		for _, b := range d.Bindings {
			v := Variable{Secret: b.Secret, Resource: d.Key, Service: d.Service, Provided: true}
			switch {
			case b.Secret:
				val, err := e.opts.Secrets.Get(ctx, secretKey(w.env.ID, d.Key, b.Output))
				if errors.Is(err, ErrSecretNotFound) {
					v.Provided = false
					v.Source = fmt.Sprintf("%s %s %s: secret lost; run `patchbay plan` to rotate it", d.Key.Provider, d.Key.Type, row.ProviderID)
				} else if err != nil {
					return nil, fmt.Errorf("engine: read secret %s of %s: %w", b.Output, d.Key, err)
				} else {
					v.Value = val
					v.Source = fmt.Sprintf("%s %s %s %s", d.Key.Provider, d.Key.Type, row.ProviderID, b.Output)
				}
			case b.Output != "":
				v.Value = row.Outputs[b.Output]
				v.Provided = v.Value != ""
				v.Source = fmt.Sprintf("%s %s %s %s", d.Key.Provider, d.Key.Type, row.ProviderID, b.Output)
			default:
				v.Value = b.Value
				v.Source = fmt.Sprintf("environment %s URL", w.env.Name)
			}
			for _, n := range namesFor(b, d.Key.Provider, reads) {
				if _, taken := byName[n]; taken {
					continue
				}
				vv := v
				vv.Name = n
				byName[n] = vv
			}
		}
	}
	// What a wanted but not yet provisioned resource will provide.
	for _, d := range w.desired {
		if row, ok := w.rows[d.Key]; ok && row.Status == store.StatusPresent {
			continue
		}
		for _, b := range d.Bindings {
			for _, n := range namesFor(b, d.Key.Provider, reads) {
				if _, taken := byName[n]; !taken && reads[n] != nil {
					byName[n] = Variable{Name: n, Secret: b.Secret, Resource: d.Key, Service: d.Service,
						Source: fmt.Sprintf("%s %s %q is not provisioned yet; run `patchbay apply --env %s`", d.Key.Provider, d.Key.Type, d.Key.Name, w.env.Name)}
				}
			}
		}
	}
	for n, f := range reads {
		if _, ok := byName[n]; ok {
			continue
		}
		byName[n] = Variable{Name: n, Service: f.GetService(), Source: "nothing Patchbay provisions provides it"}
	}
	out := make([]Variable, 0, len(byName))
	for _, v := range byName {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// ProtoVariables converts for the API.
func ProtoVariables(vars []Variable) []*patchbayv1.EnvironmentVariable {
	out := make([]*patchbayv1.EnvironmentVariable, 0, len(vars))
	for _, v := range vars {
		out = append(out, &patchbayv1.EnvironmentVariable{Name: v.Name, Value: v.Value, Secret: v.Secret, Source: v.Source, Provided: v.Provided})
	}
	return out
}

// Format renders provided variables as "dotenv", "json" or "shell".
func Format(vars []*patchbayv1.EnvironmentVariable, format string) (string, error) {
	var b strings.Builder
	switch format {
	case "dotenv", "":
		for _, v := range vars {
			if v.GetProvided() {
				fmt.Fprintf(&b, "%s=%s\n", v.GetName(), dotenvQuote(v.GetValue()))
			}
		}
	case "shell":
		for _, v := range vars {
			if v.GetProvided() {
				fmt.Fprintf(&b, "export %s=%s\n", v.GetName(), shellQuote(v.GetValue()))
			}
		}
	case "json":
		m := map[string]string{}
		for _, v := range vars {
			if v.GetProvided() {
				m[v.GetName()] = v.GetValue()
			}
		}
		out, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			return "", err
		}
		b.Write(out)
		b.WriteByte('\n')
	default:
		return "", fmt.Errorf("unknown format %q (want dotenv, json or shell): %w", format, ErrInvalid)
	}
	return b.String(), nil
}

func dotenvQuote(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\n\"'#$\\=") {
		return v
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, `$`, `\$`)
	return `"` + r.Replace(v) + `"`
}

func shellQuote(v string) string { return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'" }

// Managed-block markers in .env.local.
const (
	blockBegin = "# >>> patchbay managed block: do not edit, `patchbay env --write` rewrites it >>>"
	blockEnd   = "# <<< patchbay managed block <<<"
)

// ErrNotIgnored refuses to write secrets to a file git would commit.
var ErrNotIgnored = errors.New("refusing to write secrets to a file git does not ignore")

// WriteManagedBlock writes the provided variables into a managed block of
// path (normally .env.local), keeping everything else in the file. It
// refuses unless `git check-ignore` confirms git ignores the file.
func WriteManagedBlock(ctx context.Context, path string, vars []*patchbayv1.EnvironmentVariable) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "git", "-C", filepath.Dir(abs), "check-ignore", "-q", "--", filepath.Base(abs))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 1 {
			return fmt.Errorf("%s is not ignored by git; add it to .gitignore first: %w", path, ErrNotIgnored)
		}
		return fmt.Errorf("cannot confirm git ignores %s (%s): %w", path, strings.TrimSpace(stderr.String()), ErrNotIgnored)
	}
	body, err := Format(vars, "dotenv")
	if err != nil {
		return err
	}
	old, err := os.ReadFile(abs)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	block := blockBegin + "\n" + body + blockEnd + "\n"
	text := string(old)
	if i := strings.Index(text, blockBegin); i >= 0 {
		j := strings.Index(text[i:], blockEnd)
		if j < 0 {
			return fmt.Errorf("%s has a patchbay block start without its end; fix the file by hand", path)
		}
		end := i + j + len(blockEnd)
		if end < len(text) && text[end] == '\n' {
			end++
		}
		text = text[:i] + block + text[end:]
	} else {
		if text != "" && !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		text += block
	}
	tmp, err := os.CreateTemp(filepath.Dir(abs), ".env.local.patchbay-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.WriteString(text); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), abs)
}
