package providers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// This file is the desired-state contract: a provider's Desire rule turns
// findings, an environment's URLs and the services' patchbay.json into the
// resources the environment should have, with the env vars each provides.

// Desired is one resource an environment should have.
type Desired struct {
	Key     Key
	Props   Props
	Profile string
	// DependsOn orders creation (and, reversed, deletion).
	DependsOn []Key
	// Reason points at the code that asks for the resource.
	Reason string
	// Service is the path of the service the resource serves.
	Service  string
	Bindings []Binding
	// Forward, when set, means no resource: the environment's URL cannot be
	// reached by the provider, and the provider's local forwarding (stripe
	// listen) delivers events instead; the bindings name the variables it
	// provides.
	Forward *Forward
}

// Forward is a provider's local forwarding of webhooks to the app.
type Forward struct {
	Provider  string
	ForwardTo string
	Events    []string
}

// Binding says how a resource's value reaches the app as an env var.
type Binding struct {
	// Names are the variable names this value is conventionally read under,
	// the canonical one first. Injection uses the ones the code reads.
	Names []string
	// Match, when set, also accepts any name the code reads that the
	// provider's findings attribute to it and that contains one of these
	// fragments ("WEBHOOK" for a Stripe signing secret read as MY_WEBHOOK_KEY).
	Match []string
	// Exact: Names are what the code was seen to read for this value (the
	// variable a webhook handler's verify call reads), so Match does not
	// apply and no other binding may take them.
	Exact bool
	// Prefer, when several bindings of one service could take a name, gives
	// it to the binding whose words it contains (a route's "billing").
	Prefer []string
	// Output names a non-secret output, or a secret when Secret is set.
	Output string
	Secret bool
	// Value is a literal (an environment URL) used when Output is empty.
	Value string
}

// Environment is what desired state reads of an environment.
type Environment struct {
	Name         string
	FrontendURL  string
	APIURL       string
	ExtraOrigins []string
}

// DesiredInput is everything desired state is computed from.
type DesiredInput struct {
	Environment Environment
	// Workspace names the workspace in provider-side names.
	Workspace string
	Services  []*patchbayv1.Service
	Findings  []*patchbayv1.Finding
	// Profiles picks the credential profile per provider ("default" when
	// absent).
	Profiles map[string]string
	// Configs are the services' patchbay.json files by service path.
	Configs map[string]*ServiceConfig
}

// DesireFunc computes an environment's desired resources and warnings.
type DesireFunc func(in DesiredInput) ([]Desired, []string)

// Profile is the credential profile to use for provider.
func (in DesiredInput) Profile(provider string) string {
	if p := in.Profiles[provider]; p != "" {
		return p
	}
	return "default"
}

// ServiceName is the name of the service at path p.
func (in DesiredInput) ServiceName(p string) string {
	for _, s := range in.Services {
		if s.GetPath() == p && s.GetName() != "" {
			return s.GetName()
		}
	}
	if p == "." || p == "" {
		return in.Workspace
	}
	return path.Base(p)
}

// ResourceName is the provider-side name of a service's resource in an
// environment: "<workspace>-<service>-<env>", without repeating the
// workspace when the service carries its name (a single-service repo).
func (in DesiredInput) ResourceName(service, env string) string {
	if service == in.Workspace || in.Workspace == "" {
		return service + "-" + env
	}
	return in.Workspace + "-" + service + "-" + env
}

// ServicePaths are the services to look for configs in: the analyzed ones,
// or the workspace root when the analysis found none.
func (in DesiredInput) ServicePaths() []string {
	var out []string
	for _, s := range in.Services {
		out = append(out, s.GetPath())
	}
	if len(out) == 0 {
		out = []string{"."}
	}
	return out
}

// Config returns the config that applies to a service: its own file, or
// the workspace root's for a single-service repo.
func (in DesiredInput) Config(svc string) *ServiceConfig {
	if svc == "" {
		svc = "."
	}
	if c := in.Configs[svc]; c != nil {
		return c
	}
	if len(in.Services) <= 1 {
		return in.Configs["."]
	}
	return nil
}

// ConfigFile is the name of the per-service provisioning config, read from
// the service's root directory. It declares what the code cannot show;
// each provider owns one top-level section of it (ConfigSection).
const ConfigFile = "patchbay.json"

// ConfigPath is the workspace-relative path of a service's config file.
func ConfigPath(svc string) string {
	if svc == "" || svc == "." {
		return ConfigFile
	}
	return svc + "/" + ConfigFile
}

// ConfigSection is one provider-owned top-level section of patchbay.json
// ("stripe": {...}).
type ConfigSection struct {
	Name string
	// Decode parses and validates the section; errors name the fields
	// ("stripe.products[0].key ...").
	Decode func(raw json.RawMessage) (any, error)
}

// DecodeSection is the usual ConfigSection.Decode: strict JSON into *T,
// then validate.
func DecodeSection[T any](validate func(*T) []error) func(json.RawMessage) (any, error) {
	return func(raw json.RawMessage) (any, error) {
		v := new(T)
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			return nil, err
		}
		if validate != nil {
			if errs := validate(v); len(errs) > 0 {
				return v, errors.Join(errs...)
			}
		}
		return v, nil
	}
}

// ServiceConfig is one service's patchbay.json, by section.
type ServiceConfig struct {
	sections map[string]any
}

// NewServiceConfig returns a config holding decoded sections.
func NewServiceConfig(sections map[string]any) *ServiceConfig {
	return &ServiceConfig{sections: sections}
}

// Section returns the decoded section name (nil when absent or c is nil).
func (c *ServiceConfig) Section(name string) any {
	if c == nil {
		return nil
	}
	return c.sections[name]
}

// Where names the code a finding points at ("path:line").
func Where(f *patchbayv1.Finding) string {
	if l := f.GetLocation(); l != nil {
		return fmt.Sprintf("%s:%d", l.GetPath(), l.GetStartLine())
	}
	return f.GetService()
}

// Origin returns scheme://host[:port] of u, or "" when u is not absolute.
func Origin(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Scheme == "" || p.Host == "" {
		return ""
	}
	return p.Scheme + "://" + p.Host
}

// ResolveURL places a detected route under the environment's base URL; an
// absolute URL written in the code is what the app will use in every
// environment, so it stays as it is.
func ResolveURL(base, route string) string {
	if Origin(route) != "" {
		return route
	}
	return JoinURL(base, route)
}

// JoinURL appends route to base with one slash between.
func JoinURL(base, route string) string {
	if route == "" || route == "/" {
		return strings.TrimRight(base, "/")
	}
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(route, "/")
}

// EnvSuffix turns a key into the upper-case fragment of an env var name.
func EnvSuffix(k string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(k) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Unreachable says why a provider on the internet cannot call u ("" when
// it can): loopback, private and link-local addresses, and names that only
// resolve on a local network.
func Unreachable(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return "it is not an absolute URL"
	}
	host := strings.ToLower(strings.TrimSuffix(p.Hostname(), "."))
	if ip := net.ParseIP(host); ip != nil {
		switch {
		case ip.IsLoopback():
			return host + " is a loopback address"
		case ip.IsPrivate():
			return host + " is a private address"
		case ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast():
			return host + " is a link-local address"
		case ip.IsUnspecified():
			return host + " is not an address others can reach"
		}
		return ""
	}
	switch {
	case host == "localhost" || strings.HasSuffix(host, ".localhost"):
		return host + " is this machine"
	case strings.HasSuffix(host, ".local"), strings.HasSuffix(host, ".lan"), strings.HasSuffix(host, ".internal"),
		strings.HasSuffix(host, ".home.arpa"), strings.HasSuffix(host, ".test"):
		return host + " only resolves on a local network"
	case !strings.Contains(host, "."):
		return host + " is not a public host name"
	}
	return ""
}

// UnreachableWarning explains why a provider will not be given a URL and
// what the user can do instead.
func UnreachableWarning(provider, what, u, why, envName, local string) string {
	msg := fmt.Sprintf("%s: %s is not registered at %s: %s cannot be reached from the internet (%s). Give environment %q a public URL (a tunnel you run): `patchbay env set-url %s --api-url https://…`",
		provider, what, provider, u, why, envName, envName)
	if local != "" {
		msg += "; or " + local
	}
	return msg
}
