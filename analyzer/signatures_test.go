package analyzer

import (
	"context"
	"fmt"
	"strings"
	"testing"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/catalog"
)

// concrete turns a "prefix*" pattern into a name that matches it.
func concrete(pattern string) string {
	switch {
	case strings.HasSuffix(pattern, "/*"), strings.HasSuffix(pattern, ".*"), strings.HasSuffix(pattern, ":*"), strings.HasSuffix(pattern, "-*"):
		return strings.TrimSuffix(pattern, "*") + "x"
	case strings.HasSuffix(pattern, "*"):
		return strings.TrimSuffix(pattern, "*") + "-x"
	}
	return pattern
}

// importSource is a minimal file of the ecosystem that imports name.
func importSource(eco providers.Ecosystem, name string) (file, src string) {
	switch eco {
	case providers.NPM:
		return "a.js", fmt.Sprintf("import x from %q;\n", name)
	case providers.PyPI:
		return "a.py", "import " + name + "\n"
	case providers.Go:
		return "a.go", fmt.Sprintf("package a\n\nimport _ %q\n", name)
	case providers.RubyGems:
		return "a.rb", fmt.Sprintf("require %q\n", name)
	case providers.Composer:
		if strings.ContainsAny(name, "-/") {
			return "a.php", fmt.Sprintf("<?php\nrequire '%s/init.php';\n", name)
		}
		return "a.php", "<?php\nuse " + name + `\Client;` + "\n"
	case providers.Maven:
		return "A.java", "import " + name + ".Client;\nclass A {}\n"
	case providers.NuGet:
		return "a.cs", "using " + name + ";\n"
	}
	panic("unknown ecosystem " + eco)
}

func manifestSource(eco providers.Ecosystem, name string) (file, src string) {
	switch eco {
	case providers.NPM:
		return "package.json", fmt.Sprintf(`{"dependencies": {%q: "1.0.0"}}`, name)
	case providers.PyPI:
		return "requirements.txt", name + "==1.0\n"
	case providers.Go:
		return "go.mod", "module m\n\ngo 1.22\n\nrequire " + name + " v1.0.0\n"
	case providers.RubyGems:
		return "Gemfile", fmt.Sprintf("gem %q\n", name)
	case providers.Composer:
		return "composer.json", fmt.Sprintf(`{"require": {%q: "^1"}}`, name)
	case providers.Maven:
		g, a, ok := strings.Cut(name, ":")
		if !ok {
			a = "x" // a group-prefix pattern ("com.okta.*")
		}
		return "pom.xml", fmt.Sprintf("<project><dependencies><dependency><groupId>%s</groupId><artifactId>%s</artifactId></dependency></dependencies></project>", g, a)
	case providers.NuGet:
		return "App.csproj", fmt.Sprintf(`<Project><ItemGroup><PackageReference Include=%q Version="1.0.0" /></ItemGroup></Project>`, name)
	}
	panic("unknown ecosystem " + eco)
}

// TestProviderSignatures checks every provider's declared tables against
// the engine, per ecosystem: each package's import is recognised in code of
// that language, each manifest name as a dependency, each env name as the
// provider's — and attributed to that provider, not another one.
func TestProviderSignatures(t *testing.T) {
	t.Parallel()
	all := catalog.All()
	if len(all) < 19 {
		t.Fatalf("catalog has %d providers", len(all))
	}
	for _, p := range all {
		t.Run(p.ID, func(t *testing.T) {
			t.Parallel()
			sig := p.Signatures
			if len(sig.Packages) == 0 || len(sig.EnvVars) == 0 {
				t.Fatalf("%s declares no packages or env vars", p.ID)
			}
			root := t.TempDir()
			files := map[string]string{}
			type want struct {
				path string
				kind patchbayv1.FindingKind
			}
			var wants []want
			for i, pkg := range sig.Packages {
				for j, imp := range pkg.ImportNames() {
					name, src := importSource(pkg.Ecosystem, concrete(imp))
					path := fmt.Sprintf("code/%s-%d-%d/%s", pkg.Ecosystem, i, j, name)
					files[path] = src
					wants = append(wants, want{path, patchbayv1.FindingKind_SDK_USAGE})
				}
				name, src := manifestSource(pkg.Ecosystem, concrete(pkg.Name))
				path := fmt.Sprintf("deps/%s-%d/%s", pkg.Ecosystem, i, name)
				files[path] = src
				wants = append(wants, want{path, patchbayv1.FindingKind_MANIFEST_DEPENDENCY})
			}
			var env strings.Builder
			for _, e := range sig.EnvVars {
				env.WriteString(e + "=\n")
			}
			files[".env.example"] = env.String()
			writeFiles(t, root, files)
			res, err := New(Options{NoGoPackages: true}).Analyze(context.Background(), root, Request{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, f := range res.Findings {
				if f.Kind != patchbayv1.FindingKind_ENV_REFERENCE {
					got[f.GetLocation().GetPath()+"|"+f.Kind.String()] = f.Provider
				}
			}
			for _, w := range wants {
				if p2 := got[w.path+"|"+w.kind.String()]; p2 != p.ID {
					t.Errorf("%s in %s: provider %q, want %q", w.kind, w.path, p2, p.ID)
				}
			}
			envOwner := map[string]string{}
			for _, f := range res.Findings {
				if ev := f.GetEnvVar(); ev != nil {
					envOwner[ev.GetName()] = f.Provider
				}
			}
			for _, e := range sig.EnvVars {
				if envOwner[e] != p.ID {
					t.Errorf("env %s attributed to %q, want %q", e, envOwner[e], p.ID)
				}
			}
			for _, d := range res.Diagnostics {
				t.Errorf("diagnostic %v", d)
			}
		})
	}
}
