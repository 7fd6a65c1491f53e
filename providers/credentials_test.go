package providers_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/catalog"
)

// The providers issue 5 asks credential forms for.
var withCredentials = []string{"auth0", "aws", "azure", "digitalocean", "firebase", "gcp", "github", "mailgun", "mongodb", "netlify", "redis", "sendgrid", "slack", "stripe", "supabase", "twilio", "vercel"}

func TestCatalogueForms(t *testing.T) {
	t.Parallel()
	for _, id := range withCredentials {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			p, ok := catalog.Get(id)
			if !ok {
				t.Fatalf("provider %q not in the catalogue", id)
			}
			spec := p.Credentials
			if spec == nil {
				t.Fatal("no credential spec")
			}
			if len(spec.Fields) == 0 || len(spec.Steps) == 0 || len(spec.Permissions) == 0 || spec.Validator == nil || spec.Endpoint == "" || spec.DocsURL == "" {
				t.Errorf("incomplete spec: %d fields, %d steps, %d permissions, validator %v, endpoint %q, docs %q",
					len(spec.Fields), len(spec.Steps), len(spec.Permissions), spec.Validator != nil, spec.Endpoint, spec.DocsURL)
			}
			if spec.Endpoint != strings.ToUpper(id) {
				t.Errorf("endpoint key %q, want %q (PATCHBAY_ENDPOINT_<PROVIDER>)", spec.Endpoint, strings.ToUpper(id))
			}
			seen := map[string]bool{}
			secret := false
			for _, f := range spec.Fields {
				if seen[f.Name] {
					t.Errorf("duplicate field %q", f.Name)
				}
				seen[f.Name] = true
				secret = secret || f.Secret()
				if f.Label == "" || f.Kind == 0 {
					t.Errorf("field %q lacks label or kind", f.Name)
				}
				if f.Pattern != "" {
					re, err := regexp.Compile(f.Pattern)
					if err != nil {
						t.Errorf("field %q: pattern does not compile: %v", f.Name, err)
					} else if f.Default != "" && !re.MatchString(f.Default) {
						t.Errorf("field %q: default %q fails its own pattern", f.Name, f.Default)
					}
				}
				if f.Kind == providers.FieldSelect && len(f.Options) == 0 {
					t.Errorf("select field %q has no options", f.Name)
				}
			}
			if !secret {
				t.Errorf("no secret field: something must be kept in the keyring")
			}
			if (p.ID == "netlify") != spec.OAuth {
				t.Errorf("OAuth = %v", spec.OAuth)
			}
		})
	}
}

func TestMask(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"sk_test_51AbCdEfGhIjKlMnOpQrStUvWx": "sk_test_…UvWx",
		"short":                              "…",
		"SG.aaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbb":                    "SG.…bbbb",
		"https://hooks.slack.com/services/T000/B000/abcdefghijklmnopqrstuvwx": "https://hooks.slack.com/services/…uvwx",
	} {
		if got := providers.Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClientBase(t *testing.T) {
	t.Setenv("PATCHBAY_ENDPOINT_EXAMPLE", "http://127.0.0.1:9/")
	for _, tc := range []struct{ base, key, want string }{
		{"http://explicit/", "EXAMPLE", "http://explicit"},
		{"", "EXAMPLE", "http://127.0.0.1:9"},
		{"", "UNSET_EXAMPLE", "https://api.example.com"},
	} {
		if got := providers.ClientBase(tc.base, tc.key, "https://api.example.com"); got != tc.want {
			t.Errorf("ClientBase(%q, %q) = %q, want %q", tc.base, tc.key, got, tc.want)
		}
	}
}
