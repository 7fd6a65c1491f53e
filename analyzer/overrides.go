package analyzer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// Users correct the analyzer in the service's patchbay.json, under
// "analyzer": routes it missed are declared, findings it got wrong are
// suppressed. The engine reads the same file for what to provision; this
// section is the analyzer's alone.
//
//	{"analyzer": {
//	  "webhooks":  [{"provider": "stripe", "route": "/hooks/stripe", "method": "POST", "file": "src/hooks.ts", "events": ["invoice.paid"]}],
//	  "callbacks": [{"provider": "auth0", "route": "/auth/callback", "file": "src/auth.ts"}],
//	  "suppress":  [{"kind": "webhook", "provider": "github", "file": "scripts/"}]
//	}}

const configFile = "patchbay.json"

type overrides struct {
	Webhooks  []declaredRoute `json:"webhooks"`
	Callbacks []declaredRoute `json:"callbacks"`
	Suppress  []suppression   `json:"suppress"`
}

type declaredRoute struct {
	Provider string   `json:"provider"`
	Route    string   `json:"route"`
	Method   string   `json:"method,omitempty"`
	File     string   `json:"file,omitempty"` // relative to the service
	Events   []string `json:"events,omitempty"`
	Logout   []string `json:"logout_routes,omitempty"`
}

// suppression drops the findings it matches: every field set must match
// (file as a path prefix relative to the service, route exactly).
type suppression struct {
	Kind     string `json:"kind,omitempty"` // sdk, env, webhook, callback, dependency
	Provider string `json:"provider,omitempty"`
	File     string `json:"file,omitempty"`
	Route    string `json:"route,omitempty"`
	Name     string `json:"name,omitempty"` // an env var
}

// parseOverrides reads the "analyzer" section of a patchbay.json.
func parseOverrides(src []byte) (*overrides, error) {
	var doc struct {
		Analyzer *json.RawMessage `json:"analyzer"`
	}
	if err := json.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("patchbay.json: %v", err)
	}
	if doc.Analyzer == nil {
		return nil, nil
	}
	var o overrides
	dec := json.NewDecoder(bytes.NewReader(*doc.Analyzer))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return nil, fmt.Errorf("patchbay.json: analyzer: %v", err)
	}
	for i, d := range append(append([]declaredRoute(nil), o.Webhooks...), o.Callbacks...) {
		if d.Provider == "" || !strings.HasPrefix(d.Route, "/") {
			return nil, fmt.Errorf("patchbay.json: analyzer: route %d needs a provider and a route starting with /", i+1)
		}
	}
	for i, s := range o.Suppress {
		if kindOf(s.Kind) == patchbayv1.FindingKind_FINDING_KIND_UNSPECIFIED && s.Kind != "" {
			return nil, fmt.Errorf("patchbay.json: analyzer: suppress %d: kind %q is not sdk, env, webhook, callback or dependency", i+1, s.Kind)
		}
		if s == (suppression{}) {
			return nil, fmt.Errorf("patchbay.json: analyzer: suppress %d matches everything", i+1)
		}
	}
	return &o, nil
}

func kindOf(k string) patchbayv1.FindingKind {
	switch k {
	case "sdk":
		return patchbayv1.FindingKind_SDK_USAGE
	case "env":
		return patchbayv1.FindingKind_ENV_REFERENCE
	case "webhook":
		return patchbayv1.FindingKind_WEBHOOK_HANDLER
	case "callback":
		return patchbayv1.FindingKind_OAUTH_CALLBACK
	case "dependency":
		return patchbayv1.FindingKind_MANIFEST_DEPENDENCY
	}
	return patchbayv1.FindingKind_FINDING_KIND_UNSPECIFIED
}

// applyOverrides suppresses and declares findings for the service at dir.
func applyOverrides(findings []*patchbayv1.Finding, dir string, o *overrides) []*patchbayv1.Finding {
	in := func(rel string) string {
		if dir == "." || dir == "" {
			return rel
		}
		return strings.TrimPrefix(rel, dir+"/")
	}
	out := findings[:0]
	for _, f := range findings {
		if f.Service == dir && suppressed(f, in(f.GetLocation().GetPath()), o.Suppress) {
			continue
		}
		out = append(out, f)
	}
	cfg := path.Join(dir, configFile)
	at := func(d declaredRoute) *patchbayv1.Location {
		if d.File != "" {
			return &patchbayv1.Location{Path: path.Join(dir, d.File), StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 1}
		}
		return &patchbayv1.Location{Path: cfg, StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 1}
	}
	for _, d := range o.Webhooks {
		x := &patchbayv1.Finding{Kind: patchbayv1.FindingKind_WEBHOOK_HANDLER, Provider: d.Provider, Service: dir, Location: at(d),
			Evidence: "declared in " + cfg, Language: "json",
			Detail: &patchbayv1.Finding_Webhook{Webhook: &patchbayv1.WebhookHandler{Route: d.Route, Method: strings.ToUpper(d.Method), Events: d.Events, Verification: "declared in " + cfg}}}
		out = append(out, withID(x, "declared "+d.Method+" "+d.Route))
	}
	for _, d := range o.Callbacks {
		x := &patchbayv1.Finding{Kind: patchbayv1.FindingKind_OAUTH_CALLBACK, Provider: d.Provider, Service: dir, Location: at(d),
			Evidence: "declared in " + cfg, Language: "json",
			Detail: &patchbayv1.Finding_Callback{Callback: &patchbayv1.OAuthCallback{Route: d.Route, LogoutRoutes: d.Logout, Source: "declared in " + cfg}}}
		out = append(out, withID(x, "declared "+d.Route))
	}
	return out
}

func suppressed(f *patchbayv1.Finding, rel string, rules []suppression) bool {
	for _, s := range rules {
		if s.Kind != "" && kindOf(s.Kind) != f.Kind {
			continue
		}
		if s.Provider != "" && s.Provider != f.Provider {
			continue
		}
		if s.File != "" && rel != s.File && !strings.HasPrefix(rel, strings.TrimSuffix(s.File, "/")+"/") {
			continue
		}
		if s.Name != "" && s.Name != f.GetEnvVar().GetName() {
			continue
		}
		if s.Route != "" && s.Route != f.GetWebhook().GetRoute() && s.Route != f.GetCallback().GetRoute() {
			continue
		}
		return true
	}
	return false
}
