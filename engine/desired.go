package engine

import (
	"sort"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/catalog"
	"github.com/patchbay-dev/patchbay/store"
)

// Desired state is the providers' (providers/desire.go); these names keep
// the engine's API as it was.
type (
	Desired       = providers.Desired
	Forward       = providers.Forward
	Binding       = providers.Binding
	DesiredInput  = providers.DesiredInput
	DesireFunc    = providers.DesireFunc
	ServiceConfig = providers.ServiceConfig
)

// DefaultDesired derives every provider's resources from the findings by
// asking each provider of the registry.
func DefaultDesired(in DesiredInput) ([]Desired, []string) {
	var out []Desired
	var warnings []string
	for _, p := range catalog.All() {
		if p.Desire == nil {
			continue
		}
		r, w := p.Desire(in)
		out, warnings = append(out, r...), append(warnings, w...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key.String() < out[j].Key.String() })
	return out, warnings
}

// desiredEnv is what desired state reads of an environment.
func desiredEnv(e store.Environment) providers.Environment {
	return providers.Environment{Name: e.Name, FrontendURL: e.FrontendURL, APIURL: e.APIURL, ExtraOrigins: e.ExtraOrigins}
}
