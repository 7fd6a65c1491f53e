package supabase

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "@supabase/*"},
		{Ecosystem: providers.PyPI, Name: "supabase"},
		{Ecosystem: providers.Go, Name: "github.com/supabase-community/*"},
		{Ecosystem: providers.RubyGems, Name: "supabase", Globals: []string{"Supabase"}},
		// The Nuxt module auto-imports its composables (https://supabase.nuxtjs.org/).
		{Ecosystem: providers.NPM, Name: "@nuxtjs/supabase", Globals: []string{"useSupabaseClient", "useSupabaseUser", "useSupabaseSession",
			"serverSupabaseClient", "serverSupabaseUser", "serverSupabaseServiceRole", "serverSupabaseSession"}},
		{Ecosystem: providers.NuGet, Name: "Supabase", Imports: []string{"Supabase"}},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "createClient"},
		{Ecosystem: providers.NPM, Symbol: "createBrowserClient"},
		{Ecosystem: providers.NPM, Symbol: "createServerClient"},
		{Ecosystem: providers.PyPI, Symbol: "create_client"},
		{Ecosystem: providers.Go, Symbol: "supabase.NewClient"},
		{Ecosystem: providers.NuGet, Symbol: "Client"},
	},
	EnvVars: []string{"SUPABASE_URL", "SUPABASE_ANON_KEY", "SUPABASE_SERVICE_ROLE_KEY", "SUPABASE_KEY",
		"SUPABASE_JWT_SECRET", "SUPABASE_ACCESS_TOKEN"},
	EnvPrefixes: []string{"SUPABASE_"},
	// The Nuxt module's sign-in flows return the browser to
	// redirectOptions.callback, "/confirm" by default
	// (https://supabase.nuxtjs.org/getting-started/introduction#redirectoptions).
	Callbacks: []providers.CallbackDefault{
		{Ecosystem: providers.NPM, Package: "@nuxtjs/supabase", Route: "/confirm", Source: "@nuxtjs/supabase default"},
	},
}
