package engine

import (
	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/catalog"
)

// Endpoints point providers' resource types somewhere else than
// production (PATCHBAY_ENDPOINT_<KEY>, fakes in tests), by provider ID.
type Endpoints map[string]HTTPOptions

// AllTypes are every resource type the registry's providers declare.
func AllTypes(o Endpoints) []ResourceType {
	var out []ResourceType
	for _, p := range catalog.All() {
		if p.Resources != nil {
			out = append(out, p.Resources(o[p.ID])...)
		}
	}
	return out
}

// DefaultTypes are the resource types Patchbay provisions, with Auth0 and
// Stripe pointed at the given endpoints and the other providers at their
// production endpoints (see AllTypes).
func DefaultTypes(auth0Opts, stripeOpts HTTPOptions) []ResourceType {
	return AllTypes(Endpoints{"auth0": auth0Opts, "stripe": stripeOpts})
}

// EndpointsFromEnv resolves every provider's PATCHBAY_ENDPOINT_<KEY>
// override through env.
func EndpointsFromEnv(env *providers.Env) Endpoints {
	out := Endpoints{}
	for _, p := range catalog.All() {
		if p.EndpointKey == "" {
			continue
		}
		if u, ok := env.Override(p.EndpointKey); ok {
			out[p.ID] = HTTPOptions{BaseURL: u}
		}
	}
	return out
}
