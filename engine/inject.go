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
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/store"
)

// Variable is one variable of the env contract: a name a service reads and
// where its value comes from.
type Variable struct {
	Name string
	// Value is empty unless values were asked for.
	Value  string
	Secret bool
	// Source says where the value comes from, never the value.
	Source string
	// Provided is true when Patchbay has a value to inject now.
	Provided bool
	// Resource is the providing resource, when any.
	Resource Key
	// Service is the service that reads it.
	Service string
	Kind    patchbayv1.VariableSource
	// Satisfied: provided, or left to the platform, a default or local
	// forwarding.
	Satisfied bool
	// Fix says what to do when it is not satisfied.
	Fix string
	// Reads are where the code reads it.
	Reads []*patchbayv1.Location
	// Forward is the local forwarding that provides it.
	Forward *patchbayv1.LocalForward
}

// workspace gathers what injection and the system map need.
type workspace struct {
	root     string
	env      store.Environment
	services []*patchbayv1.Service
	// findings are the evidence; all includes example and input files.
	findings, all []*patchbayv1.Finding
	desired       []Desired
	rows          map[Key]store.Resource
}

func (e *Engine) loadWorkspace(ctx context.Context, root string, env store.Environment) (*workspace, error) {
	svcs, findings, all, err := e.analysis(ctx, root)
	if err != nil {
		return nil, err
	}
	configs, err := LoadConfigs(root, svcs)
	if err != nil {
		return nil, err
	}
	desired, _ := e.opts.Desire(DesiredInput{Environment: desiredEnv(env), Workspace: workspaceName(root), Services: svcs, Findings: findings,
		Profiles: e.opts.Profiles, Configs: configs})
	rows, err := e.st.ListResources(ctx, env.ID)
	if err != nil {
		return nil, err
	}
	w := &workspace{root: root, env: env, services: svcs, findings: findings, all: all, desired: desired, rows: map[Key]store.Resource{}}
	for _, r := range rows {
		w.rows[Key{Provider: r.Provider, Type: r.Type, Name: r.Name}] = r
	}
	return w, nil
}

// Variables returns an environment's env contract, with values only when
// includeValues is set (then secrets Patchbay generates are created on
// first use).
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
	vars, err := e.contract(ctx, w, includeValues)
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

// ProtoVariables converts for the API.
func ProtoVariables(vars []Variable) []*patchbayv1.EnvironmentVariable {
	out := make([]*patchbayv1.EnvironmentVariable, 0, len(vars))
	for _, v := range vars {
		out = append(out, &patchbayv1.EnvironmentVariable{Name: v.Name, Value: v.Value, Secret: v.Secret, Source: v.Source, Provided: v.Provided,
			Kind: v.Kind, Satisfied: v.Satisfied, Fix: v.Fix, Service: v.Service, Reads: v.Reads, Forward: v.Forward})
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
