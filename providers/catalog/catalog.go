// Package catalog lists every provider Patchbay knows.
package catalog

import (
	"sort"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/auth0"
	"github.com/patchbay-dev/patchbay/providers/aws"
	"github.com/patchbay-dev/patchbay/providers/azure"
	"github.com/patchbay-dev/patchbay/providers/clerk"
	"github.com/patchbay-dev/patchbay/providers/digitalocean"
	"github.com/patchbay-dev/patchbay/providers/firebase"
	"github.com/patchbay-dev/patchbay/providers/gcp"
	"github.com/patchbay-dev/patchbay/providers/github"
	"github.com/patchbay-dev/patchbay/providers/mailgun"
	"github.com/patchbay-dev/patchbay/providers/mongodb"
	"github.com/patchbay-dev/patchbay/providers/netlify"
	"github.com/patchbay-dev/patchbay/providers/okta"
	"github.com/patchbay-dev/patchbay/providers/redis"
	"github.com/patchbay-dev/patchbay/providers/sendgrid"
	"github.com/patchbay-dev/patchbay/providers/slack"
	"github.com/patchbay-dev/patchbay/providers/stripe"
	"github.com/patchbay-dev/patchbay/providers/supabase"
	"github.com/patchbay-dev/patchbay/providers/twilio"
	"github.com/patchbay-dev/patchbay/providers/vercel"
)

// All returns every provider, sorted by ID.
func All() []providers.Provider {
	all := []providers.Provider{
		stripe.Provider(),
		auth0.Provider(),
		sendgrid.Provider(),
		twilio.Provider(),
		mailgun.Provider(),
		aws.Provider(),
		gcp.Provider(),
		azure.Provider(),
		digitalocean.Provider(),
		mongodb.Provider(),
		redis.Provider(),
		netlify.Provider(),
		vercel.Provider(),
		github.Provider(),
		slack.Provider(),
		okta.Provider(),
		firebase.Provider(),
		supabase.Provider(),
		clerk.Provider(),
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	return all
}

// Get returns the provider with the given ID.
func Get(id string) (providers.Provider, bool) {
	for _, p := range All() {
		if p.ID == id {
			return p, true
		}
	}
	return providers.Provider{}, false
}
