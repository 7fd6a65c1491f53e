package analyzer

import (
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
	"github.com/patchbay-dev/patchbay/providers"
)

// SDK use without an import: Bundler autoloads the Gemfile's gems (a
// Rails model calls DropletKit::Client.new with no require), a Nuxt
// module auto-imports its composables (useSupabaseClient()). A call
// naming one of a package's globals (providers.Package.Globals) is a use
// of that SDK when the service's manifest declares the package; an app's
// own class that happens to share the name, in a service that does not
// depend on the package, is not.

// globalUses returns one SDK_USAGE finding per provider whose global the
// file's calls name, skipping providers the file already has an SDK
// finding for (have).
func (a *Analyzer) globalUses(f *fileState, svc string, deps []facts.Dep, have []*patchbayv1.Finding) []*patchbayv1.Finding {
	if f.fe == nil || len(a.ix.globals[f.fe.ecosystem]) == 0 || len(deps) == 0 {
		return nil
	}
	eco := f.fe.ecosystem
	done := map[string]bool{}
	for _, x := range have {
		if x.GetKind() == patchbayv1.FindingKind_SDK_USAGE {
			done[x.GetProvider()] = true
		}
	}
	var out []*patchbayv1.Finding
	for _, c := range f.facts.Calls {
		p, pkg, name := a.ix.globalOf(eco, c.Callee)
		if p == "" || done[p] || !declares(deps, eco, pkg) {
			continue
		}
		done[p] = true
		x := &patchbayv1.Finding{
			Kind:     patchbayv1.FindingKind_SDK_USAGE,
			Provider: p,
			Service:  svc,
			Location: &patchbayv1.Location{Path: f.rel, StartLine: c.Span.StartLine, StartColumn: c.Span.StartCol, EndLine: c.Span.EndLine, EndColumn: c.Span.EndCol},
			Evidence: f.lines.line(c.Span.StartLine),
			Language: f.fe.language,
			Detail:   &patchbayv1.Finding_Sdk{Sdk: &patchbayv1.SdkUsage{Ecosystem: string(eco), Package: pkg, Symbol: name, Form: "global"}},
		}
		out = append(out, withID(x, name))
	}
	return out
}

// declares: a dependency of the manifest matches the package name
// pattern ("aws-sdk*").
func declares(deps []facts.Dep, eco providers.Ecosystem, pkg string) bool {
	sep := depSep(eco)
	for _, d := range deps {
		if d.Ecosystem == string(eco) && matchName(pkg, d.Name, sep) {
			return true
		}
	}
	return false
}
