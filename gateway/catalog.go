package gateway

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/catalog"
)

// Kind tells actions from triggers.
type Kind int

const (
	KindAction Kind = iota + 1
	KindTrigger
)

// Component is one action or trigger of a provider, with its published
// input/output JSON Schemas (draft 2020-12).
type Component struct {
	Provider     string
	ID           string
	Kind         Kind
	Description  string
	InputSchema  string
	OutputSchema string

	input *Schema
	// run executes an action with the profile's credential fields.
	run func(ctx context.Context, env providers.ActionEnv, creds map[string]string, in map[string]any, idem string) (map[string]any, error)
	// trigger registers/removes the provider side of a trigger.
	trigger *providers.Trigger
}

// catalogue is built once; its schemas are parsed in init (after every
// package variable, the schema keyword table among them, is set) so a
// malformed one fails every test rather than a caller's request.
var catalogue map[string][]*Component

func init() { catalogue = buildCatalogue() }

func buildCatalogue() map[string][]*Component {
	var all []*Component
	for _, p := range catalog.All() {
		for _, a := range p.Actions {
			all = append(all, &Component{Provider: p.ID, ID: a.ID, Kind: KindAction, Description: a.Description,
				InputSchema: a.InputSchema, OutputSchema: a.OutputSchema, run: a.Run})
		}
		for _, t := range p.Triggers {
			all = append(all, &Component{Provider: p.ID, ID: t.ID, Kind: KindTrigger, Description: t.Description,
				InputSchema: t.InputSchema, OutputSchema: t.OutputSchema, trigger: &t})
		}
	}
	m := map[string][]*Component{}
	for _, c := range all {
		s, err := ParseSchema(c.InputSchema)
		if err != nil {
			panic(fmt.Sprintf("gateway: %s/%s input schema: %v", c.Provider, c.ID, err))
		}
		if _, err := ParseSchema(c.OutputSchema); err != nil {
			panic(fmt.Sprintf("gateway: %s/%s output schema: %v", c.Provider, c.ID, err))
		}
		c.input = s
		m[c.Provider] = append(m[c.Provider], c)
	}
	for _, cs := range m {
		sort.Slice(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
	}
	return m
}

func knownProvider(p string) bool { return len(catalogue[p]) > 0 }

func providerIDs() []string {
	ids := make([]string, 0, len(catalogue))
	for p := range catalogue {
		ids = append(ids, p)
	}
	sort.Strings(ids)
	return ids
}

func lookupComponent(provider, id string) *Component {
	for _, c := range catalogue[provider] {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// Catalogue lists every component Patchbay offers, for management UIs that
// build grants.
func Catalogue() []Component {
	var out []Component
	for _, p := range providerIDs() {
		for _, c := range catalogue[p] {
			out = append(out, *c)
		}
	}
	return out
}

// ListComponents returns the components p's grants allow, optionally of one
// provider.
func (g *Gateway) ListComponents(ctx context.Context, p *Principal, provider string) ([]Component, error) {
	provider = strings.ToLower(provider)
	var out []Component
	for _, gr := range p.Grants {
		if provider != "" && gr.Provider != provider {
			continue
		}
		for _, id := range gr.Components {
			if c := lookupComponent(gr.Provider, id); c != nil {
				out = append(out, *c)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Provider != out[j].Provider {
			return out[i].Provider < out[j].Provider
		}
		return out[i].ID < out[j].ID
	})
	g.audit(ctx, p.Team, p.KeyID, "ListComponents", provider, "", "", nil)
	return out, nil
}
