package analyzer

import (
	"path"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
)

// frameworkCallbacks are callback routes that auth frameworks (not one
// provider's SDK) serve by default: NextAuth/Auth.js per configured
// provider under basePath, OmniAuth and Devise per strategy, ASP.NET's
// OAuth handlers and OpenID Connect handler, django-allauth per provider
// app, Spring Security's OAuth2 client per registration. Each library's
// defaults are one function below.
func (a *Analyzer) frameworkCallbacks(s *snapshot, dir string, si *serviceInfo, sf *svcFiles, spring []*fileState) []*patchbayv1.Finding {
	c := &authDefaults{a: a, s: s, dir: dir, si: si}
	var out []*patchbayv1.Finding
	if sf != nil {
		out = append(out, c.authJS(sf)...)
		out = append(out, c.omniAuth(sf)...)
		out = append(out, c.aspNetSchemes(sf)...)
		out = append(out, c.allauth(sf)...)
		out = append(out, c.socialAuth(sf)...)
	}
	out = append(out, c.spring(spring)...)
	out = append(out, c.aspNetOIDC()...)
	return out
}

// authDefaults is one service's context for its auth libraries' defaults.
type authDefaults struct {
	a   *Analyzer
	s   *snapshot
	dir string
	si  *serviceInfo
}

// dep finds a dependency of the service's manifests ("name*" a prefix).
func (c *authDefaults) dep(eco, name string) (facts.Dep, *fileState, bool) {
	for _, rel := range c.si.svc.Manifests {
		f := c.s.files[rel]
		if f == nil || f.facts == nil {
			continue
		}
		for _, d := range f.facts.Deps {
			if d.Ecosystem == eco && (d.Name == name || strings.HasSuffix(name, "*") && strings.HasPrefix(d.Name, name[:len(name)-1])) {
				return d, f, true
			}
		}
	}
	return facts.Dep{}, nil, false
}

func (c *authDefaults) finding(f *fileState, sp facts.Span, provider, route, source string) *patchbayv1.Finding {
	lang := ""
	if f.manifest != nil {
		lang = f.manifest.Language
	} else if f.fe != nil {
		lang = f.fe.language
	}
	x := &patchbayv1.Finding{
		Kind: patchbayv1.FindingKind_OAUTH_CALLBACK, Provider: provider, Service: c.dir, Language: lang,
		Location: &patchbayv1.Location{Path: f.rel, StartLine: sp.StartLine, StartColumn: sp.StartCol, EndLine: sp.EndLine, EndColumn: sp.EndCol},
		Evidence: lineOf(f, sp.StartLine),
		Detail:   &patchbayv1.Finding_Callback{Callback: &patchbayv1.OAuthCallback{Route: route, Source: source}},
	}
	return withID(x, route)
}

// authJS: NextAuth/Auth.js serves <basePath>/callback/<id> per provider
// module the code imports.
func (c *authDefaults) authJS(sf *svcFiles) []*patchbayv1.Finding {
	var out []*patchbayv1.Finding
	basePath := ""
	for _, f := range sf.files {
		for _, p := range f.facts.Props {
			if p.Name == "basePath" && strings.HasPrefix(p.Value, "/") && !strings.HasPrefix(path.Base(f.rel), "next.config.") {
				basePath = strings.TrimSuffix(p.Value, "/")
			}
		}
	}
	for _, rel := range sortedKeys(sf.files) {
		f := sf.files[rel]
		for _, im := range f.facts.Imports {
			name, def, ok := authJSProvider(im.Path)
			if !ok {
				continue
			}
			bp := def
			if basePath != "" {
				bp = basePath
			}
			out = append(out, c.finding(f, im.Span, authJSProviders[name], bp+"/callback/"+name, "Auth.js default"))
		}
	}
	return out
}

// omniAuth: /auth/<provider>/callback per configured strategy; with
// Devise, under the devise_for scope (/users/auth/github/callback), served
// by the omniauth_callbacks controller when there is one.
func (c *authDefaults) omniAuth(sf *svcFiles) []*patchbayv1.Finding {
	var out []*patchbayv1.Finding
	scopeName, controller := "", (*fileState)(nil)
	for _, rel := range sortedKeys(sf.files) {
		f := sf.files[rel]
		for _, p := range f.facts.Props {
			if p.Name == "devise_for" && scopeName == "" {
				scopeName = p.Value
			}
		}
		if strings.HasSuffix(rel, "omniauth_callbacks_controller.rb") && controller == nil {
			controller = f
		}
	}
	for _, rel := range sortedKeys(sf.files) {
		f := sf.files[rel]
		if f.fe.language != "ruby" {
			continue
		}
		for _, p := range f.facts.Props {
			if p.Name != "provider" && p.Name != "omniauth" || p.Value == "developer" {
				continue
			}
			route, site, at := "/auth/"+p.Value+"/callback", f, p.Span
			if p.Name == "omniauth" && scopeName != "" {
				route = "/" + scopeName + route
			}
			if controller != nil {
				site, at = controller, facts.Span{StartLine: 1, StartCol: 1, EndLine: 1, EndCol: 1}
				for _, fn := range controller.facts.Funcs {
					if fn.Name == p.Value {
						at = firstLineSpan(fn.Span)
					}
				}
			}
			id, _ := providerInRoute(p.Value)
			out = append(out, c.finding(site, at, id, route, "OmniAuth default"))
		}
	}
	return out
}

// aspNetSchemes: ASP.NET Core's OAuth handlers: AddGoogle() serves
// /signin-google, AddGitHub() /signin-github, ... (their CallbackPath
// default).
func (c *authDefaults) aspNetSchemes(sf *svcFiles) []*patchbayv1.Finding {
	var out []*patchbayv1.Finding
	for _, rel := range sortedKeys(sf.files) {
		f := sf.files[rel]
		if f.fe.language != "csharp" {
			continue
		}
		for _, call := range f.facts.Calls {
			scheme := aspNetSchemes[symbolTail(call.Callee)]
			if scheme == "" {
				continue
			}
			id, _ := providerInRoute(scheme)
			out = append(out, c.finding(f, call.Span, id, "/signin-"+scheme, "ASP.NET "+symbolTail(call.Callee)+" default"))
		}
	}
	return out
}

// allauth: django-allauth serves /accounts/<provider>/login/callback/ per
// installed provider app, under wherever allauth.urls is included.
func (c *authDefaults) allauth(sf *svcFiles) []*patchbayv1.Finding {
	var out []*patchbayv1.Finding
	prefix := ""
	for _, f := range sf.files {
		for _, m := range f.facts.Mounts {
			if m.Target == "allauth.urls" {
				prefix = joinRoute(firstOr(c.a.prefixes(sf, f, m.Parent, 0), ""), m.Prefix)
			}
		}
	}
	if prefix == "" {
		prefix = "/accounts"
	}
	for _, rel := range sortedKeys(sf.files) {
		f := sf.files[rel]
		for _, p := range f.facts.Props {
			name, ok := strings.CutPrefix(p.Value, "allauth.socialaccount.providers.")
			if !ok || strings.Contains(name, ".") {
				continue
			}
			id, _ := providerInRoute(name)
			out = append(out, c.finding(f, p.Span, id, joinRoute(prefix, name+"/login/callback/"), "django-allauth default"))
		}
	}
	return out
}

// spring: Spring Security's oauth2Login() serves one callback per
// registration in the service's configuration, else the pattern at the
// dependency.
func (c *authDefaults) spring(spring []*fileState) []*patchbayv1.Finding {
	var out []*patchbayv1.Finding
	for _, f := range spring {
		for _, p := range f.facts.Props {
			if p.Name != propSpringRegistration {
				continue
			}
			redirect, provider := "", p.Value
			for _, q := range f.facts.Props {
				switch q.Name {
				case propSpringRedirect + p.Value:
					redirect = q.Value
				case propSpringProvider + p.Value:
					provider = q.Value
				}
			}
			id, _ := providerInRoute(provider)
			x := c.finding(f, p.Span, id, springCallbackRoute(p.Value, redirect), "Spring Security OAuth2 client default")
			x.Language = "java"
			out = append(out, x)
		}
	}
	if len(out) > 0 {
		return out
	}
	d, f, ok := c.dep("maven", "org.springframework.boot:spring-boot-starter-oauth2-client")
	if !ok {
		d, f, ok = c.dep("maven", "org.springframework.security:spring-security-oauth2-client")
	}
	if ok {
		provider := ""
		if _, _, okta := c.dep("maven", "com.okta.*"); okta {
			provider = "okta"
		}
		out = append(out, c.finding(f, d.Span, provider, "/login/oauth2/code/{registrationId}", "Spring Security OAuth2 client default"))
	}
	return out
}

// aspNetOIDC: ASP.NET Core's OpenID Connect handler (and
// Microsoft.Identity.Web) serve /signin-oidc.
func (c *authDefaults) aspNetOIDC() []*patchbayv1.Finding {
	if d, f, ok := c.dep("nuget", "Microsoft.AspNetCore.Authentication.OpenIdConnect"); ok {
		provider := ""
		if _, _, ms := c.dep("nuget", "Microsoft.Identity.Web*"); ms {
			provider = "azure"
		}
		return []*patchbayv1.Finding{c.finding(f, d.Span, provider, "/signin-oidc", "ASP.NET OpenID Connect default")}
	}
	if d, f, ok := c.dep("nuget", "Microsoft.Identity.Web*"); ok {
		return []*patchbayv1.Finding{c.finding(f, d.Span, "azure", "/signin-oidc", "Microsoft.Identity.Web default")}
	}
	return nil
}

// socialAuthNames are python-social-auth backends' name attributes, which
// their callback route carries (/complete/<name>/), where the class name
// does not say it plainly.
var socialAuthNames = map[string]string{
	"GithubOAuth2": "github", "GithubAppAuth": "github-app", "GoogleOAuth2": "google-oauth2",
	"GoogleOpenIdConnect": "google-openidconnect", "AzureADOAuth2": "azuread-oauth2",
	"AzureADTenantOAuth2": "azuread-tenant-oauth2", "AzureADV2TenantOAuth2": "azuread-v2-tenant-oauth2",
	"SlackOAuth2": "slack", "Auth0OAuth2": "auth0", "OktaOAuth2": "okta-oauth2",
	"OktaOpenIdConnect": "okta-openidconnect", "CognitoOAuth2": "cognito",
}

// socialAuth: python-social-auth (social-auth-app-django) serves
// /complete/<backend>/ per backend in AUTHENTICATION_BACKENDS, under
// wherever social_django.urls is included
// (https://python-social-auth.readthedocs.io/en/latest/configuration/django.html).
func (c *authDefaults) socialAuth(sf *svcFiles) []*patchbayv1.Finding {
	var out []*patchbayv1.Finding
	prefix := ""
	for _, f := range sf.files {
		for _, m := range f.facts.Mounts {
			if m.Target == "social_django.urls" {
				prefix = joinRoute(firstOr(c.a.prefixes(sf, f, m.Parent, 0), ""), m.Prefix)
			}
		}
	}
	for _, rel := range sortedKeys(sf.files) {
		f := sf.files[rel]
		for _, p := range f.facts.Props {
			backend, ok := strings.CutPrefix(p.Value, "social_core.backends.")
			if !ok {
				continue
			}
			module, class, _ := strings.Cut(backend, ".")
			name := socialAuthNames[class]
			if name == "" {
				name = strings.ReplaceAll(module, "_", "-")
			}
			id, _ := providerInRoute(module)
			out = append(out, c.finding(f, p.Span, id, joinRoute(prefix, "complete/"+name+"/"), "python-social-auth default"))
		}
	}
	return out
}
