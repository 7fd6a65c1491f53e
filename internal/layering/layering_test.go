// Package layering holds the test that enforces the dependency direction of
// ARCHITECTURE.md: cmd → daemon → {analyzer, engine, gateway} →
// {providers, vault, store}.
package layering

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/patchbay-dev/patchbay/"

type pkg struct {
	ImportPath string
	Deps       []string
	Imports    []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps=false", "-json=ImportPath,Deps,Imports", "./...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d packages; is the module root right?", len(pkgs))
	}
	return pkgs
}

// forbidden lists, per layer (a package path prefix inside the module),
// the imports it must never reach, directly or transitively.
var forbidden = []struct {
	layer string
	deny  []string
}{
	{"analyzer", []string{mod + "daemon", mod + "cmd", mod + "engine", mod + "gateway", mod + "vault", mod + "store", "connectrpc.com/connect", "github.com/99designs/keyring", mod + "gen/patchbay/v1/patchbayv1connect"}},
	{"providers", []string{mod + "daemon", mod + "cmd", mod + "analyzer", mod + "engine", mod + "gateway", mod + "vault", mod + "store", "connectrpc.com/connect"}},
	{"vault", []string{mod + "daemon", mod + "cmd", mod + "analyzer", mod + "engine", mod + "gateway", "connectrpc.com/connect"}},
	{"store", []string{mod + "daemon", mod + "cmd", mod + "analyzer", mod + "engine", mod + "gateway", mod + "vault", "connectrpc.com/connect"}},
	{"engine", []string{mod + "daemon", mod + "cmd", mod + "gateway", "connectrpc.com/connect"}},
	{"gateway", []string{mod + "daemon", mod + "cmd", mod + "engine"}},
	{"daemon", []string{mod + "cmd"}},
}

func TestDependencyDirection(t *testing.T) {
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(p.ImportPath, mod)
		for _, rule := range forbidden {
			if rel != rule.layer && !strings.HasPrefix(rel, rule.layer+"/") {
				continue
			}
			for _, dep := range p.Deps {
				for _, d := range rule.deny {
					if dep == d || strings.HasPrefix(dep, d+"/") {
						t.Errorf("%s imports %s (directly or through a dependency); %s must not depend on it", p.ImportPath, dep, rule.layer)
					}
				}
			}
		}
	}
}

// TestRulesBite proves the check can fail: the daemon does reach the
// analyzer, so a rule forbidding that must fire.
func TestRulesBite(t *testing.T) {
	for _, p := range listPackages(t) {
		if p.ImportPath != mod+"daemon" {
			continue
		}
		for _, dep := range p.Deps {
			if dep == mod+"analyzer" {
				return
			}
		}
		t.Fatal("daemon does not depend on analyzer; the layering check would not notice a violation")
	}
	t.Fatal("daemon package not listed")
}

// registryUsers loop over providers/catalog and must not import an
// individual provider package: everything a provider is reaches them
// through the registry (ARCHITECTURE.md, "Providers as plug-ins").
var registryUsers = []string{"engine", "gateway", "vault", "analyzer", "daemon", "assistant"}

func TestProvidersOnlyThroughRegistry(t *testing.T) {
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(p.ImportPath, mod)
		user := false
		for _, l := range registryUsers {
			if rel == l || strings.HasPrefix(rel, l+"/") {
				user = true
			}
		}
		if !user {
			continue
		}
		for _, imp := range p.Imports {
			if individualProvider(imp) {
				t.Errorf("%s imports %s; reach providers through %sproviders/catalog", p.ImportPath, imp, mod)
			}
		}
	}
}

// individualProvider reports whether an import path is one provider's
// package (or below it), as opposed to the shared types, the registry and
// the fakes' base.
func individualProvider(imp string) bool {
	rest, ok := strings.CutPrefix(imp, mod+"providers/")
	if !ok {
		return false
	}
	first, _, _ := strings.Cut(rest, "/")
	return first != "catalog" && first != "providertest"
}

// TestRegistryRuleBites proves the rule can fail: the registry itself
// imports provider packages, which the rule would name.
func TestRegistryRuleBites(t *testing.T) {
	for _, p := range listPackages(t) {
		if p.ImportPath != mod+"providers/catalog" {
			continue
		}
		for _, imp := range p.Imports {
			if individualProvider(imp) {
				return
			}
		}
		t.Fatal("providers/catalog imports no provider package; the registry rule would not notice a violation")
	}
	t.Fatal("providers/catalog not listed")
}
