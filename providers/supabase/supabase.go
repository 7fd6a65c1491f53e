// Package supabase declares what Patchbay knows about Supabase.
package supabase

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns Supabase's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "supabase",
		DisplayName: "Supabase",
		Category:    providers.Service,
		Signatures:  signatures,
		Credentials: credentials,
	}
}
