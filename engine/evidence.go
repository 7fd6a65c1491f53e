package engine

import (
	"context"
	"fmt"
	"path"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers"
)

// Inputs are not outputs: what a service needs is read from its code. An
// example file (.env.example) declares names and defaults, a .env file
// holds values (Patchbay's own managed block among them), and compose
// files, Dockerfiles and CI files pass variables along to the code; none of
// them is evidence that a service uses a provider, and none is a service.

// isInputFile reports whether rel (a workspace-relative path) is a file that
// passes variables to the code rather than code that reads them.
func isInputFile(rel string) bool {
	base := path.Base(rel)
	lower := strings.ToLower(base)
	switch {
	case base == ".env" || strings.HasPrefix(base, ".env.") || strings.HasSuffix(base, ".env"):
		return true
	case (strings.HasPrefix(lower, "docker-compose") || strings.HasPrefix(lower, "compose")) &&
		(strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".yaml")):
		return true
	case base == "Dockerfile" || strings.HasPrefix(base, "Dockerfile.") || strings.HasSuffix(lower, ".dockerfile") || base == "Containerfile":
		return true
	case strings.HasPrefix(rel, ".github/workflows/") || strings.Contains(rel, "/.github/workflows/"),
		strings.HasPrefix(rel, ".circleci/") || strings.Contains(rel, "/.circleci/"),
		base == ".gitlab-ci.yml", base == "Jenkinsfile", base == "azure-pipelines.yml", base == "bitbucket-pipelines.yml",
		base == ".travis.yml", base == "cloudbuild.yaml", base == "cloudbuild.yml":
		return true
	}
	return false
}

// isExampleFile reports whether rel is an example env file, which declares
// the names a service expects and their defaults.
func isExampleFile(rel string) bool {
	base := strings.ToLower(path.Base(rel))
	for _, s := range []string{".example", ".sample", ".template", ".dist", ".defaults"} {
		if strings.HasPrefix(base, ".env") && strings.HasSuffix(base, s) {
			return true
		}
	}
	return false
}

// evidence keeps the findings that say what a service uses: code, manifests
// and routes inside a service, never input files or files outside every
// service.
func evidence(findings []*patchbayv1.Finding) []*patchbayv1.Finding {
	out := make([]*patchbayv1.Finding, 0, len(findings))
	for _, f := range findings {
		if f.GetService() == "" || isInputFile(f.GetLocation().GetPath()) {
			continue
		}
		if f.GetKind() == patchbayv1.FindingKind_ENV_REFERENCE {
			if s := f.GetEnvVar().GetSource(); s != "" && s != "code" {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

// analysis is the Source's analysis with findings reduced to evidence; all
// holds every finding (the env contract also reads example files).
func (e *Engine) analysis(ctx context.Context, root string) (svcs []*patchbayv1.Service, ev, all []*patchbayv1.Finding, err error) {
	svcs, all, err = e.opts.Source.Analysis(ctx, root)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("engine: analyze %s: %w", root, err)
	}
	return svcs, evidence(all), all, nil
}

// Unreachable says why a provider on the internet cannot call u ("" when
// it can); see providers.Unreachable.
func Unreachable(u string) string { return providers.Unreachable(u) }
