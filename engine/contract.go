package engine

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// The env contract: every variable a service's code reads (or its example
// file declares) gets a source, or a reason and a fix. Sources are tried in
// this order: a provisioned resource's output (or the provider's local
// forwarding where the environment's URL cannot be reached), a value the
// user set or Patchbay generated, a connected credential, a secret Patchbay
// generates, an environment URL, the platform, and defaults.

// credentialRule derives a variable from a connected credential.
type credentialRule struct {
	provider string
	names    []string
	field    string
	secret   bool
	// derive computes the value from the credential (the field's value when nil).
	derive func(c Credentials) string
	// optional: the SDK works without it, so a missing value is a default.
	optional bool
	fix      string
}

var credentialRules = []credentialRule{
	{provider: "stripe", field: "secret_key", secret: true,
		names: []string{"STRIPE_SECRET_KEY", "STRIPE_API_KEY", "STRIPE_SECRET", "STRIPE_KEY", "STRIPE_RESTRICTED_KEY"}},
	{provider: "stripe", field: "publishable_key",
		names: []string{"STRIPE_PUBLISHABLE_KEY", "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY", "VITE_STRIPE_PUBLISHABLE_KEY", "REACT_APP_STRIPE_PUBLISHABLE_KEY",
			"PUBLIC_STRIPE_PUBLISHABLE_KEY", "STRIPE_PUBLIC_KEY", "NEXT_PUBLIC_STRIPE_PUBLIC_KEY", "NEXT_PUBLIC_STRIPE_KEY", "EXPO_PUBLIC_STRIPE_PUBLISHABLE_KEY"},
		fix: "add the publishable key (pk_…) to the Stripe connection: `patchbay creds set stripe`"},
	{provider: "auth0", field: "domain",
		names: []string{"AUTH0_DOMAIN", "NEXT_PUBLIC_AUTH0_DOMAIN", "VITE_AUTH0_DOMAIN", "REACT_APP_AUTH0_DOMAIN", "AUTH0_TENANT_DOMAIN"}},
	{provider: "auth0", field: "domain", derive: func(c Credentials) string { return "https://" + c["domain"] + "/" },
		names: []string{"AUTH0_ISSUER_BASE_URL", "AUTH0_ISSUER", "AUTH_AUTH0_ISSUER", "ISSUER_BASE_URL", "AUTH0_ISSUER_URL"}},
	{provider: "auth0", field: "audience", optional: true,
		names: []string{"AUTH0_AUDIENCE", "NEXT_PUBLIC_AUTH0_AUDIENCE", "VITE_AUTH0_AUDIENCE", "REACT_APP_AUTH0_AUDIENCE"},
		fix:   "add the API audience to the Auth0 connection (`patchbay creds set auth0`), or leave it unset"},
	{provider: "aws", field: "region", names: []string{"AWS_REGION", "AWS_DEFAULT_REGION", "COGNITO_REGION", "NEXT_PUBLIC_AWS_REGION"}},
	// Supabase: the project URL and the public key go to server and browser
	// names alike; the service-role key bypasses Row Level Security, so it
	// has server names only.
	{provider: "supabase", field: "url", names: publicNames("SUPABASE_URL")},
	{provider: "supabase", field: "anon_key",
		names: append(append(publicNames("SUPABASE_ANON_KEY"), publicNames("SUPABASE_PUBLISHABLE_KEY")...),
			"SUPABASE_KEY", "NUXT_PUBLIC_SUPABASE_KEY", "NEXT_PUBLIC_SUPABASE_PUBLISHABLE_OR_ANON_KEY")},
	{provider: "supabase", field: "service_role_key", secret: true,
		names: []string{"SUPABASE_SERVICE_ROLE_KEY", "SUPABASE_SERVICE_KEY", "SUPABASE_SECRET_KEY", "SUPABASE_SERVICE_ROLE"},
		fix:   "add the secret (service-role) key to the Supabase connection: `patchbay creds set supabase`"},
	// Firebase: the web config (public by design) and firebase-admin's
	// service account.
	{provider: "firebase", field: "api_key", names: publicNames("FIREBASE_API_KEY")},
	{provider: "firebase", field: "auth_domain", names: publicNames("FIREBASE_AUTH_DOMAIN")},
	{provider: "firebase", field: "project_id", names: append(publicNames("FIREBASE_PROJECT_ID"), "FIREBASE_ADMIN_PROJECT_ID")},
	{provider: "firebase", field: "storage_bucket", names: publicNames("FIREBASE_STORAGE_BUCKET")},
	{provider: "firebase", field: "messaging_sender_id", names: publicNames("FIREBASE_MESSAGING_SENDER_ID")},
	{provider: "firebase", field: "app_id", names: publicNames("FIREBASE_APP_ID")},
	{provider: "firebase", field: "measurement_id", optional: true, names: publicNames("FIREBASE_MEASUREMENT_ID"),
		fix: "add the measurementId to the Firebase connection (`patchbay creds set firebase`), or leave it unset"},
	// FIREBASE_CONFIG is what firebase-admin's initializeApp() reads
	// without arguments (JSON with projectId and storageBucket).
	{provider: "firebase", field: "project_id", names: []string{"FIREBASE_CONFIG"}, derive: func(c Credentials) string {
		b, _ := json.Marshal(map[string]string{"projectId": c["project_id"], "storageBucket": c["storage_bucket"]})
		return string(b)
	}},
	{provider: "firebase", field: "service_account", secret: true, fix: firebaseAdminFix,
		names: []string{"FIREBASE_SERVICE_ACCOUNT", "FIREBASE_SERVICE_ACCOUNT_KEY", "FIREBASE_SERVICE_ACCOUNT_JSON", "GOOGLE_APPLICATION_CREDENTIALS_JSON", "FIREBASE_ADMIN_CREDENTIALS"}},
	{provider: "firebase", field: "client_email", fix: firebaseAdminFix,
		names: []string{"FIREBASE_CLIENT_EMAIL", "FIREBASE_ADMIN_CLIENT_EMAIL"}},
	{provider: "firebase", field: "service_account", secret: true, fix: firebaseAdminFix, derive: func(c Credentials) string {
		var sa struct {
			PrivateKey string `json:"private_key"`
		}
		_ = json.Unmarshal([]byte(c["service_account"]), &sa)
		return sa.PrivateKey
	}, names: []string{"FIREBASE_PRIVATE_KEY", "FIREBASE_ADMIN_PRIVATE_KEY"}},
}

const firebaseAdminFix = "add the service account key (Project settings → Service accounts) to the Firebase connection: `patchbay creds set firebase`"

// publicNames are the names frameworks give one value for server and
// browser code: NAME and its NEXT_PUBLIC_, VITE_, REACT_APP_, PUBLIC_
// (SvelteKit, Astro), EXPO_PUBLIC_ and NUXT_PUBLIC_ forms.
func publicNames(name string) []string {
	out := []string{name}
	for _, p := range []string{"NEXT_PUBLIC_", "VITE_", "REACT_APP_", "PUBLIC_", "EXPO_PUBLIC_", "NUXT_PUBLIC_"} {
		out = append(out, p+name)
	}
	return out
}

// generatedNames are secrets an app only needs to be random and stable:
// Patchbay generates them and keeps them in the keyring.
var generatedNames = []string{"AUTH0_SECRET", "NEXTAUTH_SECRET", "AUTH_SECRET", "SESSION_SECRET", "COOKIE_SECRET", "JWT_SECRET",
	"SECRET_KEY_BASE", "APP_SECRET", "SECRET_KEY", "ENCRYPTION_KEY", "CSRF_SECRET", "BETTER_AUTH_SECRET", "IRON_SESSION_PASSWORD"}

// generatedSuffixes extend generatedNames to MY_JWT_SECRET and the like.
var generatedSuffixes = []string{"_JWT_SECRET", "_SESSION_SECRET", "_COOKIE_SECRET", "_SIGNING_KEY_SECRET"}

func isGeneratedName(n string) bool {
	if slices.Contains(generatedNames, n) {
		return true
	}
	for _, s := range generatedSuffixes {
		if strings.HasSuffix(n, s) {
			return true
		}
	}
	return false
}

// urlNames are variables that hold one of the environment's URLs.
var (
	frontendURLNames = []string{"APP_BASE_URL", "AUTH0_BASE_URL", "BASE_URL", "NEXTAUTH_URL", "AUTH_URL", "APP_URL", "SITE_URL",
		"FRONTEND_URL", "WEB_URL", "CLIENT_URL", "PUBLIC_URL", "ORIGIN", "NEXT_PUBLIC_APP_URL", "NEXT_PUBLIC_SITE_URL", "NEXT_PUBLIC_BASE_URL",
		"NEXT_PUBLIC_APP_BASE_URL", "VITE_APP_URL", "VITE_BASE_URL", "BETTER_AUTH_URL"}
	apiURLNames = []string{"API_URL", "API_BASE_URL", "BACKEND_URL", "SERVER_URL", "NEXT_PUBLIC_API_URL", "NEXT_PUBLIC_API_BASE_URL",
		"VITE_API_URL", "VITE_API_BASE_URL", "REACT_APP_API_URL", "PUBLIC_API_URL", "EXPO_PUBLIC_API_URL"}
)

// platformNames are set by the runtime or the hosting platform.
var platformNames = []string{"NODE_ENV", "NODE_OPTIONS", "CI", "HOME", "PATH", "PWD", "USER", "SHELL", "HOSTNAME", "TZ", "LANG", "TERM",
	"TMPDIR", "VERCEL", "VERCEL_ENV", "VERCEL_URL", "NETLIFY", "RENDER", "FLY_APP_NAME", "K_SERVICE", "AWS_LAMBDA_FUNCTION_NAME",
	"GITHUB_ACTIONS", "DYNO", "RAILWAY_ENVIRONMENT", "NEXT_RUNTIME", "NEXT_PHASE", "GO_ENV", "RACK_ENV", "RAILS_ENV", "FLASK_ENV", "DEBUG"}

// contractEntry is one variable of one service as the workspace shows it.
type contractEntry struct {
	service, name string
	provider      string
	reads         []*patchbayv1.Location
	// codeRead: the code reads it (not only the example file).
	codeRead bool
	// allDefault: every code read has a fallback.
	allDefault bool
	// example is the value .env.example gives, and where.
	example, exampleFile string
}

// contractEntries gathers the variables each service reads or declares.
func contractEntries(root string, all []*patchbayv1.Finding) []*contractEntry {
	by := map[[2]string]*contractEntry{}
	examples := map[string]map[string]string{}
	get := func(svc, name string) *contractEntry {
		k := [2]string{svc, name}
		c := by[k]
		if c == nil {
			c = &contractEntry{service: svc, name: name, allDefault: true}
			by[k] = c
		}
		return c
	}
	for _, f := range all {
		if f.GetKind() != patchbayv1.FindingKind_ENV_REFERENCE || f.GetService() == "" || f.GetEnvVar().GetName() == "" {
			continue
		}
		rel := f.GetLocation().GetPath()
		name := f.GetEnvVar().GetName()
		switch src := f.GetEnvVar().GetSource(); {
		case src == "" || src == "code":
			if isInputFile(rel) {
				continue
			}
			c := get(f.GetService(), name)
			c.codeRead = true
			c.allDefault = c.allDefault && f.GetEnvVar().GetHasDefault()
			c.reads = append(c.reads, f.GetLocation())
			if c.provider == "" {
				c.provider = f.GetProvider()
			}
		case src == "dotenv" && isExampleFile(rel):
			c := get(f.GetService(), name)
			if c.provider == "" {
				c.provider = f.GetProvider()
			}
			vals, ok := examples[rel]
			if !ok {
				vals = readDotenv(filepath.Join(root, filepath.FromSlash(rel)))
				examples[rel] = vals
			}
			if v := vals[name]; v != "" && c.example == "" && !placeholder(v) {
				c.example, c.exampleFile = v, rel
			}
		}
	}
	out := make([]*contractEntry, 0, len(by))
	for _, c := range by {
		if !c.codeRead {
			c.allDefault = false
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].service != out[j].service {
			return out[i].service < out[j].service
		}
		return out[i].name < out[j].name
	})
	return out
}

// readDotenv reads NAME=value lines of an example file. Example files hold
// no secrets, so their values are defaults.
func readDotenv(path string) map[string]string {
	out := map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
			v = v[1 : len(v)-1]
		} else if i := strings.Index(v, " #"); i >= 0 {
			v = strings.TrimSpace(v[:i])
		}
		out[strings.TrimSpace(k)] = v
	}
	return out
}

// placeholder: an example value that stands for one the user must supply.
func placeholder(v string) bool {
	l := strings.ToLower(v)
	for _, s := range []string{"replace", "your", "changeme", "change_me", "xxx", "<", "...", "…", "todo", "example_secret", "secret_here", "here"} {
		if strings.Contains(l, s) {
			return true
		}
	}
	for _, p := range []string{"sk_", "rk_", "pk_", "whsec_", "sg."} {
		if strings.HasPrefix(l, p) {
			return true // a key-shaped example is never a working default
		}
	}
	return false
}

// storedVar is a value the user set, or a secret Patchbay generated.
type storedVar struct {
	Value     string `json:"value"`
	Secret    bool   `json:"secret"`
	Generated bool   `json:"generated,omitempty"`
}

func varKey(envID, service, name string) string {
	return strings.Join([]string{"patchbay", envID, "var", service, name}, "/")
}

func (e *Engine) storedVar(ctx context.Context, envID, service, name string) (*storedVar, error) {
	raw, err := e.opts.Secrets.Get(ctx, varKey(envID, service, name))
	if errors.Is(err, ErrSecretNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var sv storedVar
	if err := json.Unmarshal([]byte(raw), &sv); err != nil {
		return nil, fmt.Errorf("engine: stored value of %s is damaged: %w", name, ErrSecretDamaged)
	}
	return &sv, nil
}

// GenerateSecret returns 32 random bytes, hex-encoded (64 characters: more
// than any SDK's minimum, e.g. AUTH0_SECRET's 32).
func GenerateSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+: it crashes instead)
	return hex.EncodeToString(b)
}

// SetVariable keeps a user-supplied value (or, with generate, a freshly
// generated secret) for a service's variable in an environment.
func (e *Engine) SetVariable(ctx context.Context, root, envName, service, name, value string, secret, generate bool) (Variable, error) {
	root, err := cleanRoot(root)
	if err != nil {
		return Variable{}, err
	}
	env, err := e.environment(ctx, root, envName)
	if err != nil {
		return Variable{}, err
	}
	if name == "" || strings.ContainsAny(name, "=\x00 ") {
		return Variable{}, fmt.Errorf("invalid variable name %q: %w", name, ErrInvalid)
	}
	if service == "" {
		service = "."
	}
	sv := storedVar{Value: value, Secret: secret}
	if generate {
		sv = storedVar{Value: GenerateSecret(), Secret: true, Generated: true}
	}
	b, _ := json.Marshal(sv)
	if err := e.opts.Secrets.Put(ctx, varKey(env.ID, service, name), string(b)); err != nil {
		return Variable{}, err
	}
	vars, err := e.Variables(ctx, root, envName, false)
	if err != nil {
		return Variable{}, err
	}
	for _, v := range vars {
		if v.Service == service && v.Name == name {
			return v, nil
		}
	}
	return Variable{Name: name, Service: service, Secret: sv.Secret, Provided: true, Satisfied: true, Kind: kindOfStored(sv),
		Source: "set for environment " + envName + "; no code reads it yet"}, nil
}

// DeleteVariable forgets a value SetVariable kept.
func (e *Engine) DeleteVariable(ctx context.Context, root, envName, service, name string) error {
	root, err := cleanRoot(root)
	if err != nil {
		return err
	}
	env, err := e.environment(ctx, root, envName)
	if err != nil {
		return err
	}
	if service == "" {
		service = "."
	}
	return e.opts.Secrets.Delete(ctx, varKey(env.ID, service, name))
}

func kindOfStored(sv storedVar) patchbayv1.VariableSource {
	if sv.Generated {
		return patchbayv1.VariableSource_VARIABLE_SOURCE_GENERATED
	}
	return patchbayv1.VariableSource_VARIABLE_SOURCE_USER
}

// serviceURL is the environment URL a service is served from: the API URL
// for a backend, the frontend URL for a frontend (and when there is only one).
func (w *workspace) serviceURL(service string) string {
	front := false
	for _, s := range w.services {
		if s.GetPath() != service {
			continue
		}
		for _, fw := range s.GetFrameworks() {
			if strings.HasPrefix(fw, "next") || slices.Contains([]string{"nuxt", "sveltekit", "remix", "vite", "react", "vue", "angular", "astro", "gatsby"}, fw) {
				front = true
			}
		}
	}
	if front || w.env.APIURL == "" {
		return w.env.FrontendURL
	}
	return w.env.APIURL
}

// bindingNames assigns the names of one service's reads to the bindings of
// its desired resources: exact names first, then the names the code reads
// among each binding's conventional ones, then fragment matches, preferring
// the binding whose route words a name contains. A name goes to one
// binding only.
func bindingNames(desired []Desired, reads map[string]*contractEntry) map[*Binding][]string {
	out := map[*Binding][]string{}
	taken := map[string]bool{}
	type ref struct {
		b        *Binding
		provider string
	}
	var refs []ref
	for i := range desired {
		for j := range desired[i].Bindings {
			refs = append(refs, ref{&desired[i].Bindings[j], desired[i].Key.Provider})
		}
	}
	for _, r := range refs {
		if r.b.Exact {
			out[r.b] = r.b.Names
			for _, n := range r.b.Names {
				taken[n] = true
			}
		}
	}
	// A name with a binding's preferred word (a route's "billing") is that
	// binding's, before conventional names are handed out.
	for _, n := range sortedNames(reads) {
		var pick *Binding
		count := 0
		for _, r := range refs {
			if r.b.Exact || !(slices.Contains(r.b.Names, n) || matchesFrag(r.b, r.provider, reads[n])) {
				continue
			}
			for _, w := range r.b.Prefer {
				if strings.Contains(n, w) {
					pick = r.b
					count++
					break
				}
			}
		}
		if count == 1 && !taken[n] {
			out[pick] = append(out[pick], n)
			taken[n] = true
		}
	}
	for _, r := range refs {
		if r.b.Exact || len(out[r.b]) > 0 {
			continue
		}
		for _, n := range r.b.Names {
			if reads[n] != nil && !taken[n] {
				out[r.b] = append(out[r.b], n)
				taken[n] = true
			}
		}
	}
	// Fragment matches: a name that more than one binding could take goes
	// to the binding whose preferred words it contains.
	matches := func(b *Binding, provider, n string) bool { return matchesFrag(b, provider, reads[n]) }
	for _, n := range sortedNames(reads) {
		if taken[n] {
			continue
		}
		var cands []ref
		for _, r := range refs {
			if !r.b.Exact && matches(r.b, r.provider, n) {
				cands = append(cands, r)
			}
		}
		var pick *Binding
		for _, c := range cands {
			for _, w := range c.b.Prefer {
				if strings.Contains(n, w) && pick == nil {
					pick = c.b
				}
			}
		}
		if pick == nil && len(cands) > 0 {
			// Without a preferred word, only a binding that has no name yet
			// takes it: one secret per endpoint.
			for _, c := range cands {
				if len(out[c.b]) == 0 {
					pick = c.b
					break
				}
			}
		}
		if pick != nil {
			out[pick] = append(out[pick], n)
			taken[n] = true
		}
	}
	for _, r := range refs {
		if len(out[r.b]) == 0 && len(r.b.Names) > 0 && !taken[r.b.Names[0]] {
			out[r.b] = []string{r.b.Names[0]}
			taken[r.b.Names[0]] = true
		}
		out[r.b] = normList(out[r.b])
	}
	return out
}

func matchesFrag(b *Binding, provider string, c *contractEntry) bool {
	if c == nil || c.provider != provider {
		return false
	}
	for _, frag := range b.Match {
		if strings.Contains(c.name, frag) {
			return true
		}
	}
	return false
}

func sortedNames(m map[string]*contractEntry) []string {
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// stripeCLI is how `patchbay run` forwards Stripe's events locally; a
// variable so tests can point it at a stand-in.
var stripeCLI = "stripe"

func (e *Engine) contract(ctx context.Context, w *workspace, includeValues bool) ([]Variable, error) {
	entries := contractEntries(w.root, w.all)
	bySvc := map[string]map[string]*contractEntry{}
	for _, c := range entries {
		if bySvc[c.service] == nil {
			bySvc[c.service] = map[string]*contractEntry{}
		}
		bySvc[c.service][c.name] = c
	}
	desiredBySvc := map[string][]Desired{}
	for _, d := range w.desired {
		desiredBySvc[d.Service] = append(desiredBySvc[d.Service], d)
	}
	creds := newCredCache(e.opts.Credentials)
	envName := w.env.Name
	var out []Variable
	// Bound variables: outputs of resources, or local forwarding.
	bound := map[[2]string]Variable{}
	for svc, ds := range desiredBySvc {
		names := bindingNames(ds, bySvc[svc])
		for i := range ds {
			d := &ds[i]
			row, present := w.rows[d.Key]
			for j := range d.Bindings {
				b := &d.Bindings[j]
				for _, n := range names[b] {
					k := [2]string{svc, n}
					if _, dup := bound[k]; dup {
						continue
					}
					v := Variable{Name: n, Secret: b.Secret, Resource: d.Key, Service: svc, Kind: patchbayv1.VariableSource_VARIABLE_SOURCE_OUTPUT}
					switch {
					case d.Forward != nil:
						v.Kind = patchbayv1.VariableSource_VARIABLE_SOURCE_LOCAL_FORWARD
						v.Forward = e.forward(ctx, creds, d, includeValues)
						v.Satisfied = v.Forward.GetInstalled()
						v.Source = fmt.Sprintf("the whsec_ `stripe listen` prints when `patchbay run` starts it (%s is not reachable from Stripe)", d.Forward.ForwardTo)
						if !v.Satisfied {
							v.Fix = fmt.Sprintf("install the Stripe CLI (https://docs.stripe.com/stripe-cli) so `patchbay run` can forward events to %s, or give the environment a public URL: `patchbay env set-url %s --api-url https://…` and `patchbay apply --env %s`",
								d.Forward.ForwardTo, envName, envName)
						}
					case !present || row.Status != "present":
						v.Source = fmt.Sprintf("%s %s %q, not provisioned yet", d.Key.Provider, d.Key.Type, d.Key.Name)
						v.Fix = fmt.Sprintf("patchbay apply --env %s", envName)
					case b.Secret:
						val, err := e.opts.Secrets.Get(ctx, secretKey(w.env.ID, d.Key, b.Output))
						switch {
						case errors.Is(err, ErrSecretNotFound):
							v.Source = fmt.Sprintf("%s %s %s: secret lost", d.Key.Provider, d.Key.Type, row.ProviderID)
							v.Fix = fmt.Sprintf("patchbay plan --env %s (rotates it), then apply", envName)
						case err != nil:
							return nil, fmt.Errorf("engine: read secret %s of %s: %w", b.Output, d.Key, err)
						default:
							v.Value, v.Provided, v.Satisfied = val, true, true
							v.Source = fmt.Sprintf("%s %s %s %s", d.Key.Provider, d.Key.Type, row.ProviderID, b.Output)
						}
					case b.Output != "":
						v.Value = row.Outputs[b.Output]
						v.Provided, v.Satisfied = v.Value != "", v.Value != ""
						v.Source = fmt.Sprintf("%s %s %s %s", d.Key.Provider, d.Key.Type, row.ProviderID, b.Output)
						if !v.Provided {
							v.Fix = fmt.Sprintf("patchbay plan --env %s", envName)
						}
					default:
						v.Value, v.Provided, v.Satisfied = b.Value, true, true
						v.Kind = patchbayv1.VariableSource_VARIABLE_SOURCE_URL
						v.Source = fmt.Sprintf("environment %s URL", envName)
					}
					bound[k] = v
				}
			}
		}
	}
	for _, c := range entries {
		v, err := e.resolve(ctx, w, creds, c, bound, includeValues)
		if err != nil {
			return nil, err
		}
		v.Reads = c.reads
		out = append(out, v)
	}
	// Values provisioned for a service under names its code does not read
	// (SDKs read some on their own) are injected too.
	var extra []Variable
	for k, v := range bound {
		if bySvc[k[0]][k[1]] == nil && v.Provided {
			extra = append(extra, v)
		}
	}
	sort.Slice(extra, func(i, j int) bool {
		return extra[i].Service+"\x00"+extra[i].Name < extra[j].Service+"\x00"+extra[j].Name
	})
	return append(out, extra...), nil
}

func (e *Engine) resolve(ctx context.Context, w *workspace, creds *credCache, c *contractEntry, bound map[[2]string]Variable, includeValues bool) (Variable, error) {
	envName := w.env.Name
	svcFlag := ""
	if c.service != "." {
		svcFlag = " --service " + c.service
	}
	if v, ok := bound[[2]string{c.service, c.name}]; ok && (v.Satisfied || v.Kind == patchbayv1.VariableSource_VARIABLE_SOURCE_LOCAL_FORWARD) {
		return v, nil
	}
	v := Variable{Name: c.name, Service: c.service}
	sv, err := e.storedVar(ctx, w.env.ID, c.service, c.name)
	if err != nil && !errors.Is(err, ErrSecretDamaged) {
		return v, err
	}
	if err != nil {
		v.Kind = patchbayv1.VariableSource_VARIABLE_SOURCE_UNSATISFIED
		v.Source = "the value kept in the keyring cannot be read"
		v.Fix = fmt.Sprintf("patchbay env set %s --env %s%s", c.name, envName, svcFlag)
		return v, nil
	}
	if sv != nil {
		v.Kind, v.Secret, v.Value, v.Provided, v.Satisfied = kindOfStored(*sv), sv.Secret, sv.Value, true, true
		v.Source = "set by you for environment " + envName + " (keyring)"
		if sv.Generated {
			v.Source = fmt.Sprintf("generated by Patchbay for environment %s (keyring); rotate with `patchbay env rotate %s --env %s%s`", envName, c.name, envName, svcFlag)
		}
		return v, nil
	}
	if b, ok := bound[[2]string{c.service, c.name}]; ok {
		return b, nil // a resource will provide it: the fix is to apply
	}
	for _, r := range credentialRules {
		if !slices.Contains(r.names, c.name) {
			continue
		}
		v.Kind, v.Secret = patchbayv1.VariableSource_VARIABLE_SOURCE_CREDENTIAL, r.secret
		cr, err := creds.get(ctx, r.provider, profileOf(e.opts.Profiles, r.provider))
		if err != nil && !errors.Is(err, ErrNoCredentials) {
			v.Kind = patchbayv1.VariableSource_VARIABLE_SOURCE_UNSATISFIED
			v.Source = fmt.Sprintf("the %s connection cannot be read: %v", r.provider, err)
			v.Fix = "patchbay creds check " + r.provider
			return v, nil
		}
		val := ""
		if err == nil {
			val = cr[r.field]
			if r.derive != nil && val != "" {
				val = r.derive(cr)
			}
		}
		if val != "" {
			v.Value, v.Provided, v.Satisfied = val, true, true
			v.Source = fmt.Sprintf("%s connection (profile %s), %s", r.provider, profileOf(e.opts.Profiles, r.provider), r.field)
			return v, nil
		}
		if r.optional {
			v.Kind, v.Satisfied = patchbayv1.VariableSource_VARIABLE_SOURCE_DEFAULT, true
			v.Source = fmt.Sprintf("optional: the SDK works without it (%s)", r.fix)
			return v, nil
		}
		v.Kind = patchbayv1.VariableSource_VARIABLE_SOURCE_UNSATISFIED
		if err != nil {
			v.Source = fmt.Sprintf("comes from the %s connection, and none is saved", r.provider)
			v.Fix = "patchbay creds set " + r.provider
		} else {
			v.Source = fmt.Sprintf("comes from the %s connection's %s, which is empty", r.provider, r.field)
			v.Fix = r.fix
			if v.Fix == "" {
				v.Fix = "patchbay creds set " + r.provider
			}
		}
		return v, nil
	}
	if isGeneratedName(c.name) {
		v.Kind, v.Secret, v.Satisfied = patchbayv1.VariableSource_VARIABLE_SOURCE_GENERATED, true, true
		v.Source = "generated by Patchbay and kept in the keyring (at the first `patchbay run`)"
		if includeValues {
			// Generated the first time a value is asked for, then stable.
			gv, err := e.SetVariable(ctx, w.root, envName, c.service, c.name, "", true, true)
			if err != nil {
				return v, err
			}
			sv, err := e.storedVar(ctx, w.env.ID, c.service, c.name)
			if err != nil || sv == nil {
				return v, fmt.Errorf("engine: keep generated %s: %v", c.name, err)
			}
			v.Value, v.Provided, v.Source = sv.Value, true, gv.Source
		}
		return v, nil
	}
	front, api := slices.Contains(frontendURLNames, c.name), slices.Contains(apiURLNames, c.name)
	if front || api {
		v.Kind = patchbayv1.VariableSource_VARIABLE_SOURCE_URL
		u, which := w.env.FrontendURL, "frontend"
		if api {
			u, which = w.env.APIURL, "API"
			if u == "" {
				u, which = w.env.FrontendURL, "frontend"
			}
		}
		if u == "" {
			v.Kind = patchbayv1.VariableSource_VARIABLE_SOURCE_UNSATISFIED
			v.Source = fmt.Sprintf("the environment's %s URL, which is not set", which)
			flag := "--frontend-url"
			if api {
				flag = "--api-url"
			}
			v.Fix = fmt.Sprintf("patchbay env set-url %s %s https://…", envName, flag)
			return v, nil
		}
		v.Value, v.Provided, v.Satisfied = strings.TrimRight(u, "/"), true, true
		v.Source = fmt.Sprintf("environment %s %s URL", envName, which)
		return v, nil
	}
	if c.name == "PORT" {
		v.Kind, v.Satisfied = patchbayv1.VariableSource_VARIABLE_SOURCE_PLATFORM, true
		if p, err := url.Parse(w.serviceURL(c.service)); err == nil && p.Port() != "" {
			v.Value, v.Provided = p.Port(), true
			v.Source = fmt.Sprintf("the port of the service's URL in environment %s (the platform sets it when deployed)", envName)
			return v, nil
		}
		v.Source = "set by the platform"
		if c.allDefault {
			v.Source += "; locally the code's default"
		}
		return v, nil
	}
	if slices.Contains(platformNames, c.name) || strings.HasPrefix(c.name, "npm_") {
		v.Kind, v.Satisfied = patchbayv1.VariableSource_VARIABLE_SOURCE_PLATFORM, true
		v.Source = "set by the runtime or platform"
		return v, nil
	}
	if c.example != "" {
		v.Kind, v.Value, v.Provided, v.Satisfied = patchbayv1.VariableSource_VARIABLE_SOURCE_DEFAULT, c.example, true, true
		v.Source = "the default " + c.exampleFile + " gives"
		return v, nil
	}
	if c.allDefault {
		v.Kind, v.Satisfied = patchbayv1.VariableSource_VARIABLE_SOURCE_DEFAULT, true
		v.Source = "the code's own default"
		return v, nil
	}
	v.Kind = patchbayv1.VariableSource_VARIABLE_SOURCE_UNSATISFIED
	v.Source = "nothing Patchbay provisions or knows provides it"
	if c.provider != "" {
		v.Source = fmt.Sprintf("a %s value nothing Patchbay provisions provides", c.provider)
	}
	v.Fix = fmt.Sprintf("patchbay env set %s --env %s%s (asks for the value; --generate for a random secret)", c.name, envName, svcFlag)
	return v, nil
}

func profileOf(profiles map[string]string, provider string) string {
	if p := profiles[provider]; p != "" {
		return p
	}
	return "default"
}

// forward describes the local forwarding `patchbay run` starts.
func (e *Engine) forward(ctx context.Context, creds *credCache, d *Desired, includeValues bool) *patchbayv1.LocalForward {
	f := d.Forward
	cmd := []string{stripeCLI, "listen", "--forward-to", f.ForwardTo}
	if len(f.Events) > 0 && !slices.Contains(f.Events, "*") {
		cmd = append(cmd, "--events", strings.Join(f.Events, ","))
	}
	lf := &patchbayv1.LocalForward{Provider: f.Provider, Command: cmd, ForwardTo: f.ForwardTo, Env: map[string]string{}}
	_, err := exec.LookPath(stripeCLI)
	lf.Installed = err == nil
	if includeValues {
		// The CLI reads its key from STRIPE_API_KEY: never on argv.
		if c, err := creds.get(ctx, "stripe", d.Profile); err == nil && c["secret_key"] != "" {
			lf.Env["STRIPE_API_KEY"] = c["secret_key"]
		}
	}
	return lf
}
