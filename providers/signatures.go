package providers

// Signatures is how a provider shows up in code and configuration. The
// analyzer consumes it; the provider packages declare it as plain data, so
// teaching Patchbay a new SDK is a table edit, not analyzer code.
type Signatures struct {
	// Packages are the provider's SDKs, per ecosystem.
	Packages []Package
	// Constructors are calls that create a client (or set the key) of one
	// of the provider's SDKs. They are only matched in files that import one
	// of the provider's packages of the same ecosystem.
	Constructors []Constructor
	// EnvVars are environment-variable names that belong to the provider.
	EnvVars []string
	// EnvPrefixes attribute every variable starting with one of them
	// ("STRIPE_"). Framework prefixes (NEXT_PUBLIC_, VITE_, REACT_APP_) are
	// stripped before matching.
	EnvPrefixes []string
	// Webhooks are the calls that verify the provider's webhook signatures
	// (used to recognise webhook handlers).
	Webhooks []WebhookCheck
	// Callbacks are OAuth/OIDC callback routes that an SDK serves by
	// default once it is a dependency (nextjs-auth0 v4: /auth/callback).
	Callbacks []CallbackDefault
	// WebhookDefaults are webhook routes an SDK or framework integration
	// serves by default once it is used (Bolt's /slack/events).
	WebhookDefaults []WebhookDefault
	// WebhookHeaders are the headers only the provider's webhook requests
	// carry (its signature and event headers: "Stripe-Signature",
	// "X-GitHub-Event"). A route whose handler reads one is the provider's
	// webhook even when it checks the signature by hand or not at all.
	// Matched case-insensitively in the handler's code, '-' and '_' alike,
	// so Rack's and WSGI's HTTP_STRIPE_SIGNATURE count too.
	WebhookHeaders []string
	// WebhookMarkers are words only a handler answering the provider uses
	// (Twilio's TwiML: "twiml", "VoiceResponse"), matched like headers.
	WebhookMarkers []string
	// IdentityNames are the names the provider goes by as an identity
	// provider in callback routes and strategy names
	// (/auth/google/callback names "gcp" by "google").
	IdentityNames []string
	// AuthJSModules are the provider's NextAuth/Auth.js provider modules
	// ("next-auth/providers/azure-ad").
	AuthJSModules []string
}

// CallbackDefault is a callback route an SDK mounts by default.
type CallbackDefault struct {
	Ecosystem Ecosystem
	// Package is the manifest name ("@auth0/nextjs-auth0").
	Package string
	// MinMajor/MaxMajor bound the package's major version the default
	// applies to (0 = unbounded).
	MinMajor, MaxMajor int
	Route              string
	LogoutRoutes       []string
	// Source names the default in findings ("nextjs-auth0 v4 default").
	Source string
	// Calls, when set, are the calls that turn the default on (Bolt's
	// App(...), AddAuth0WebAppAuthentication); the finding sits at the
	// file making one. Otherwise any file importing the package does.
	Calls []string
}

// WebhookDefault is a webhook route an SDK serves by default.
type WebhookDefault struct {
	Ecosystem Ecosystem
	// Package is the manifest name ("slack-bolt").
	Package string
	Route   string
	// UnlessImports: files importing one of these use the SDK without
	// the route (Bolt's socket mode).
	UnlessImports []string
	// Source names the default in findings ("Bolt default").
	Source string
	// Calls are as CallbackDefault.Calls.
	Calls []string
}

// Ecosystem is a package ecosystem.
type Ecosystem string

// The ecosystems the analyzer knows.
const (
	NPM      Ecosystem = "npm"
	PyPI     Ecosystem = "pypi"
	Go       Ecosystem = "go"
	RubyGems Ecosystem = "rubygems"
	Composer Ecosystem = "composer"
	Maven    Ecosystem = "maven"
	NuGet    Ecosystem = "nuget"
)

// Package is one SDK package of a provider in one ecosystem.
//
// Names are matched exactly, or as a prefix when they end in "*". An import
// also matches when it is a sub-path of a name: "stripe/lib/x" for npm
// "stripe", "github.com/stripe/stripe-go/v82/webhook" for the Go module,
// "com.stripe.model" for the Java package "com.stripe".
type Package struct {
	Ecosystem Ecosystem
	// Name is the name a manifest declares ("stripe", "@sendgrid/mail",
	// "github.com/stripe/stripe-go/v*", "com.stripe:stripe-java", "Stripe.net").
	Name string
	// Imports are the names code uses when they differ from Name: the Python
	// module ("auth0" for "auth0-python"), the Java package ("com.stripe"),
	// the C# namespace ("Stripe"), the PHP namespace ("Stripe") or the Ruby
	// require path.
	Imports []string
	// Globals are names code uses without importing the package, in the
	// files of a service whose manifest declares it: the top-level
	// constants Bundler autoloads in Ruby ("Stripe" for Stripe::Customer,
	// "Google::Auth"), the composables a Nuxt module auto-imports
	// ("useSupabaseClient"). A call whose callee is, or starts with, one
	// of them (followed by "::" or ".") is a use of the SDK.
	Globals []string
}

// ImportNames returns the names that code imports the package by.
func (p Package) ImportNames() []string {
	if len(p.Imports) > 0 {
		return p.Imports
	}
	return []string{p.Name}
}

// Constructor is a call that makes a client of the provider's SDK.
type Constructor struct {
	Ecosystem Ecosystem
	// Symbol is matched against the end of the callee as written, dot
	// separated: "Stripe" matches `new Stripe(...)` and `new stripe.Stripe(...)`,
	// "sgMail.setApiKey" matches `sgMail.setApiKey(...)`. In Go the callee is
	// the imported package's name and the function: "stripe.NewClient".
	// In PHP and Ruby namespaces use "\" and "::" as written.
	Symbol string
}

// WebhookCheck is a call that verifies one of the provider's webhooks.
type WebhookCheck struct {
	Ecosystem Ecosystem
	// Symbol is matched like Constructor.Symbol ("webhooks.constructEvent").
	Symbol string
}

// Empty reports whether the provider declares no signatures at all.
func (s Signatures) Empty() bool {
	return len(s.Packages) == 0 && len(s.Constructors) == 0 && len(s.EnvVars) == 0 &&
		len(s.EnvPrefixes) == 0 && len(s.Webhooks) == 0 && len(s.Callbacks) == 0 &&
		len(s.WebhookHeaders) == 0 && len(s.WebhookMarkers) == 0 && len(s.WebhookDefaults) == 0
}
