package supabase

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// Patchbay provisions nothing at Supabase: the connection only gives the
// app its project URL and keys (see engine/contract.go), and the check
// proves the URL and keys belong together.
var credentials = &providers.CredentialSpec{
	Endpoint: "SUPABASE",
	DocsURL:  "https://supabase.com/docs/guides/api/api-keys",
	Fields: []providers.Field{
		{
			Name:           "url",
			Label:          "Project URL",
			Kind:           providers.FieldText,
			Required:       true,
			Pattern:        `^https?://[A-Za-z0-9.-]+(:[0-9]+)?$`,
			PatternMessage: "The project URL is https://<project-ref>.supabase.co (or your self-hosted or `supabase start` API URL), without a path.",
			Placeholder:    "https://abcdefghijklmnopqrst.supabase.co",
			Help:           "Shown by the project's Connect button and in Project Settings → Data API. A trailing slash or /rest/v1 is removed. The app gets it as SUPABASE_URL (or NEXT_PUBLIC_…, VITE_…).",
		},
		{
			Name:           "anon_key",
			Label:          "Publishable (anon) key",
			Kind:           providers.FieldText,
			Required:       true,
			Pattern:        `^(eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+|sb_publishable_[A-Za-z0-9_-]{10,})$`,
			PatternMessage: "Use the publishable key (sb_publishable_…) or the legacy anon key (a JWT starting eyJ).",
			Placeholder:    "sb_publishable_…",
			Help:           "Project Settings → API Keys. It is meant for browser code and only reaches what Row Level Security allows, so it is not kept secret; it is injected as SUPABASE_ANON_KEY (or NEXT_PUBLIC_…, VITE_…).",
		},
		{
			Name:           "service_role_key",
			Label:          "Secret (service-role) key (optional)",
			Kind:           providers.FieldSecret,
			Pattern:        `^(eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+|sb_secret_[A-Za-z0-9_-]{10,})$`,
			PatternMessage: "Use a secret key (sb_secret_…) or the legacy service_role key (a JWT starting eyJ).",
			Placeholder:    "sb_secret_…",
			Help:           "Only when server code reads SUPABASE_SERVICE_ROLE_KEY. It bypasses Row Level Security: Patchbay keeps it in the keyring and never injects it under a browser (NEXT_PUBLIC_, VITE_) name.",
		},
	},
	Steps: []string{
		"Open the Supabase Dashboard, pick the project and click \"Connect\" (or Project Settings → Data API) to copy the Project URL.",
		"Open Project Settings → API Keys and copy the publishable key (sb_publishable_…), or the legacy anon key under \"Legacy API keys\".",
		"Only if your server code uses it: create a secret key (sb_secret_…) named \"patchbay\" on the same page, or copy the legacy service_role key.",
		"Paste them here. Patchbay checks them against the project's Auth settings endpoint.",
	},
	Permissions: []string{
		"Publishable (anon) key: the public key, limited by Row Level Security; Patchbay only reads GET /auth/v1/settings with it",
		"Secret (service-role) key, optional: only if server code reads it; Patchbay only calls GET /auth/v1/admin/users?per_page=1 with it to check it",
	},
	Normalize: normalize,
	Validator: providers.ValidatorFunc(validate),
}

// normalize reduces a pasted URL to scheme and host (users paste
// ".../rest/v1/" from the API docs page) and refuses a key pasted into the
// other key's field: a service_role key in the public field would end up
// in browser code.
func normalize(v providers.Values) (providers.Values, error) {
	if raw := v["url"]; raw != "" {
		if !strings.Contains(raw, "://") {
			raw = "https://" + raw
		}
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return nil, &providers.FieldError{Field: "url", Message: "The project URL is not a valid URL."}
		}
		host := strings.ToLower(u.Host)
		if strings.HasSuffix(host, ".supabase.co") && u.Scheme != "https" {
			return nil, &providers.FieldError{Field: "url", Message: "Supabase projects are served over https://."}
		}
		v["url"] = u.Scheme + "://" + host
	}
	if role := JWTRole(v["anon_key"]); role != "" && role != "anon" {
		return nil, &providers.FieldError{Field: "anon_key", Message: "This key's role is " + role + ", not anon: a service_role key bypasses Row Level Security and must never reach browser code. Paste the anon (or publishable) key here."}
	}
	if strings.HasPrefix(v["anon_key"], "sb_secret_") {
		return nil, &providers.FieldError{Field: "anon_key", Message: "This is a secret key; paste it in the secret key field and the publishable key here."}
	}
	if role := JWTRole(v["service_role_key"]); role != "" && role != "service_role" {
		return nil, &providers.FieldError{Field: "service_role_key", Message: "This key's role is " + role + ", not service_role."}
	}
	return v, nil
}

// ProjectRef is the project reference of a hosted project URL
// (https://<ref>.supabase.co), or "" for self-hosted and local URLs.
func ProjectRef(projectURL string) string {
	u, err := url.Parse(projectURL)
	if err != nil {
		return ""
	}
	ref, ok := strings.CutSuffix(strings.ToLower(u.Hostname()), ".supabase.co")
	if !ok || strings.Contains(ref, ".") {
		return ""
	}
	return ref
}

// legacyClaims are the claims of a legacy anon or service_role key. The
// key is decoded, never verified: this is for diagnosis only.
type legacyClaims struct {
	Role string `json:"role"`
	Ref  string `json:"ref"`
	Iss  string `json:"iss"`
}

func claimsOf(key string) (legacyClaims, bool) {
	parts := strings.Split(key, ".")
	if len(parts) != 3 || !strings.HasPrefix(key, "eyJ") {
		return legacyClaims{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return legacyClaims{}, false
	}
	var c legacyClaims
	if json.Unmarshal(raw, &c) != nil {
		return legacyClaims{}, false
	}
	return c, true
}

// JWTRole is the role claim of a legacy key, or "" when the key is not a
// JWT (the sb_ keys carry no claims).
func JWTRole(key string) string {
	c, _ := claimsOf(key)
	return c.Role
}
