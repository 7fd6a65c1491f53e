package providers

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// FieldKind says how the editor renders a credential field and whether its
// value is secret.
type FieldKind int

// The field kinds. Secret, File and OAuth values are secret: they are stored
// in the keyring only and never shown again (see Field.Secret).
const (
	FieldText FieldKind = iota + 1
	FieldSecret
	FieldFile
	FieldSelect
	FieldOAuth
)

func (k FieldKind) String() string {
	switch k {
	case FieldText:
		return "text"
	case FieldSecret:
		return "secret"
	case FieldFile:
		return "file"
	case FieldSelect:
		return "select"
	case FieldOAuth:
		return "oauth"
	}
	return "unknown"
}

// Field is one input of a credential form. The editor renders forms
// generically from this, so everything a form needs is here.
type Field struct {
	Name  string
	Label string
	Kind  FieldKind
	// Required fields must be non-empty after normalization.
	Required bool
	// Pattern is an RE2 expression the (normalized) value must match.
	Pattern        string
	PatternMessage string
	Placeholder    string
	Help           string
	// Options are the choices of a FieldSelect.
	Options []string
	Default string
}

// Secret reports whether the field's value must never leave the keyring.
// File fields are secret because they hold key files (GCP, Azure JSON).
func (f Field) Secret() bool {
	return f.Kind == FieldSecret || f.Kind == FieldFile || f.Kind == FieldOAuth
}

// Values are credential values keyed by field name.
type Values map[string]string

// Clone returns a copy that can be changed without touching v.
func (v Values) Clone() Values {
	out := make(Values, len(v))
	for k, x := range v {
		out[k] = x
	}
	return out
}

// Status is the outcome class of a credential check.
type Status int

// The check outcomes; they mirror patchbay.v1.CheckStatus.
const (
	StatusUnknown Status = iota
	StatusOK
	// StatusInvalid: the provider does not recognise the credentials.
	StatusInvalid
	// StatusExpired: they were valid once but expired or were revoked.
	StatusExpired
	// StatusInsufficientPermissions: valid, but lacking what Patchbay needs.
	StatusInsufficientPermissions
	// StatusWrongTarget: valid format but the wrong region, tenant, account
	// or project.
	StatusWrongTarget
	// StatusMalformed: the values are not even shaped right; no call made.
	StatusMalformed
	// StatusNetwork: the provider could not be reached.
	StatusNetwork
	// StatusOutage: the provider answered with a server error.
	StatusOutage
	// StatusRateLimited: the provider asked us to slow down.
	StatusRateLimited
	// StatusMissing: no credentials are stored or a required field is empty.
	StatusMissing
)

var statusNames = map[Status]string{
	StatusUnknown:                 "unknown",
	StatusOK:                      "ok",
	StatusInvalid:                 "invalid",
	StatusExpired:                 "expired",
	StatusInsufficientPermissions: "insufficient_permissions",
	StatusWrongTarget:             "wrong_target",
	StatusMalformed:               "malformed",
	StatusNetwork:                 "network",
	StatusOutage:                  "outage",
	StatusRateLimited:             "rate_limited",
	StatusMissing:                 "missing",
}

func (s Status) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return fmt.Sprintf("status(%d)", int(s))
}

// CheckResult is the diagnosis of one credential check. No field may carry
// a secret value: summaries name fields and accounts, never values.
type CheckResult struct {
	Status  Status
	Summary string
	Fix     string
	// Account is a non-secret identity ("acct_123 (test mode)").
	Account string
	// MissingPermissions are the names of the Permissions with
	// VerdictMissing (kept for clients that read only the list).
	MissingPermissions []string
	// Permissions say, per permission, what the check proved: verified,
	// missing, unverifiable without a side effect (and how to verify it),
	// or excess (granted but unused), where the provider tells.
	Permissions []PermissionCheck
	// Field names the form field the problem is in, when known.
	Field      string
	RetryAfter time.Duration
	CheckedAt  time.Time
}

// OK reports whether the credentials work.
func (r CheckResult) OK() bool { return r.Status == StatusOK }

// Validator makes a live, cheap call with the (prepared) values and
// diagnoses the answer.
type Validator interface {
	Validate(ctx context.Context, v Values, env *Env) CheckResult
}

// ValidatorFunc adapts a function to Validator.
type ValidatorFunc func(ctx context.Context, v Values, env *Env) CheckResult

// Validate calls f.
func (f ValidatorFunc) Validate(ctx context.Context, v Values, env *Env) CheckResult {
	return f(ctx, v, env)
}

// CredentialSpec describes a provider's credential form, how to obtain the
// credentials, the least privilege Patchbay needs, and the live check.
type CredentialSpec struct {
	Fields []Field
	// Steps say how to obtain the credentials, one step per entry.
	Steps []string
	// Permissions are the minimal permissions or scopes Patchbay needs.
	Permissions []string
	DocsURL     string
	// OAuth is set when the credentials come from a browser flow rather
	// than from the user typing them.
	OAuth bool
	// Endpoint is the suffix of the PATCHBAY_ENDPOINT_<Endpoint> variable
	// that overrides the provider's base URL.
	Endpoint string
	// Normalize canonicalizes values before checks and storage (the Auth0
	// domain, the GCP project id read from the key file). It may derive
	// non-secret fields from secret ones. Optional.
	Normalize func(Values) (Values, error)
	Validator Validator
}

// Field returns the field with the given name.
func (s *CredentialSpec) Field(name string) (Field, bool) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Prepare normalizes values, drops unknown fields, applies defaults and
// checks required fields and formats. A non-nil result explains why the
// values cannot be checked live.
func (s *CredentialSpec) Prepare(in Values) (Values, *CheckResult) {
	v := make(Values, len(in))
	for k, x := range in {
		if _, ok := s.Field(k); ok {
			v[k] = strings.TrimSpace(x)
		}
	}
	if s.Normalize != nil {
		n, err := s.Normalize(v)
		if err != nil {
			// Normalizers build messages from field names only.
			field := ""
			var fe *FieldError
			if errors.As(err, &fe) {
				field = fe.Field
			}
			return nil, &CheckResult{Status: StatusMalformed, Summary: err.Error(), Field: field,
				Fix: "Correct the value and try again."}
		}
		v = n
	}
	for _, f := range s.Fields {
		if v[f.Name] == "" && f.Default != "" {
			v[f.Name] = f.Default
		}
		val := v[f.Name]
		if val == "" {
			if f.Required && f.Kind == FieldOAuth {
				return nil, &CheckResult{Status: StatusMissing, Field: f.Name,
					Summary: "Not connected yet: the browser sign-in has not been completed.",
					Fix:     fmt.Sprintf("Click %q and approve in the browser.", f.Label)}
			}
			if f.Required {
				return nil, &CheckResult{Status: StatusMissing, Field: f.Name,
					Summary: fmt.Sprintf("%s is required.", f.Label),
					Fix:     fmt.Sprintf("Fill in %s.", f.Label)}
			}
			delete(v, f.Name)
			continue
		}
		if f.Kind == FieldSelect && len(f.Options) > 0 && !contains(f.Options, val) {
			return nil, &CheckResult{Status: StatusMalformed, Field: f.Name,
				Summary: fmt.Sprintf("%s must be one of %s.", f.Label, strings.Join(f.Options, ", ")),
				Fix:     fmt.Sprintf("Pick one of the offered values for %s.", f.Label)}
		}
		if f.Pattern != "" && !regexp.MustCompile(f.Pattern).MatchString(val) {
			msg := f.PatternMessage
			if msg == "" {
				msg = fmt.Sprintf("%s has the wrong format.", f.Label)
			}
			return nil, &CheckResult{Status: StatusMalformed, Field: f.Name, Summary: msg,
				Fix: fmt.Sprintf("Copy %s again from the provider's console; check for missing or extra characters.", f.Label)}
		}
	}
	return v, nil
}

// Check prepares the values and validates them live.
func (s *CredentialSpec) Check(ctx context.Context, in Values, env *Env) CheckResult {
	if env == nil {
		env = &Env{}
	}
	now := env.now()
	v, bad := s.Prepare(in)
	if bad != nil {
		bad.CheckedAt = now
		return *bad
	}
	if s.Validator == nil {
		return CheckResult{Status: StatusUnknown, CheckedAt: now,
			Summary: "Patchbay cannot check these credentials live; they were checked for format only."}
	}
	r := s.Validator.Validate(ctx, v, env)
	r.CheckedAt = now
	return r
}

// Hints returns a masked hint per stored field: secret values keep a known
// non-random prefix and their last four characters at most, other values
// are shown as they are.
func (s *CredentialSpec) Hints(v Values) map[string]string {
	out := map[string]string{}
	for _, f := range s.Fields {
		val, ok := v[f.Name]
		if !ok || val == "" {
			continue
		}
		if !f.Secret() {
			out[f.Name] = val
			continue
		}
		if f.Kind == FieldFile {
			out[f.Name] = fmt.Sprintf("(file, %d bytes)", len(val))
			continue
		}
		out[f.Name] = Mask(val)
	}
	return out
}

var knownPrefix = regexp.MustCompile(`^(sk_test_|sk_live_|rk_test_|rk_live_|dop_v1_|github_pat_|ghp_|gho_|SG\.|AC|SK|AKIA|ASIA|key-|https://hooks\.slack\.com/services/)`)

// Mask hides a secret. Short secrets lose everything but their prefix:
// showing the tail of a short value gives too much away.
func Mask(secret string) string {
	prefix := knownPrefix.FindString(secret)
	rest := len(secret) - len(prefix)
	if rest >= 16 {
		return prefix + "…" + secret[len(secret)-4:]
	}
	return prefix + "…"
}

// SortedKeys returns the map's keys in order, for stable output.
func SortedKeys[M ~map[string]V, V any](m M) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// FieldError is a normalization error tied to one field. Its message must
// not quote the value.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Message }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
