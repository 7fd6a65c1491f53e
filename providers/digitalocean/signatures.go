package digitalocean

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "@digitalocean/dots"},
		{Ecosystem: providers.NPM, Name: "do-wrapper"},
		{Ecosystem: providers.PyPI, Name: "pydo"},
		// The community client most Python apps use (import digitalocean).
		{Ecosystem: providers.PyPI, Name: "python-digitalocean", Imports: []string{"digitalocean"}},
		{Ecosystem: providers.Go, Name: "github.com/digitalocean/godo"},
		{Ecosystem: providers.RubyGems, Name: "droplet_kit", Globals: []string{"DropletKit"}},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "createDigitalOceanClient"},
		{Ecosystem: providers.PyPI, Symbol: "Client"},
		{Ecosystem: providers.Go, Symbol: "godo.NewFromToken"},
		{Ecosystem: providers.Go, Symbol: "godo.New"},
		{Ecosystem: providers.RubyGems, Symbol: "DropletKit::Client.new"},
	},
	EnvVars:     []string{"DIGITALOCEAN_TOKEN", "DIGITALOCEAN_ACCESS_TOKEN"},
	EnvPrefixes: []string{"DIGITALOCEAN_", "DO_SPACES_"},
}
