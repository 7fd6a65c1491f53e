package stripetest

import (
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// Customer is a customer created through POST /v1/customers.
type Customer struct {
	ID, Email, Name, Description, Phone string
	Metadata                            map[string]string
	Created                             int64
}

func (c *Customer) object() map[string]any {
	opt := func(v string) any {
		if v == "" {
			return nil
		}
		return v
	}
	return map[string]any{"id": c.ID, "object": "customer", "email": opt(c.Email), "name": opt(c.Name), "description": opt(c.Description),
		"phone": opt(c.Phone), "metadata": c.Metadata, "created": c.Created, "livemode": false, "balance": 0, "currency": nil,
		"delinquent": false, "invoice_prefix": "FAKE0001", "preferred_locales": []string{}}
}

// createCustomer follows Create a customer
// (https://docs.stripe.com/api/customers/create): every parameter is
// optional; a restricted key needs Customers Write (rak_customer_write);
// an unknown parameter is parameter_unknown.
func (s *Server) createCustomer(w http.ResponseWriter, r *http.Request, a *account) {
	v, meta, ok := catalogForm(w, r.PostForm, "email", "name", "description", "phone", "metadata")
	if !ok {
		return
	}
	c := &Customer{ID: s.nextID("cus"), Email: v["email"], Name: v["name"], Description: v["description"], Phone: v["phone"],
		Metadata: map[string]string{}, Created: time.Now().Unix()}
	mergeMetadata(c.Metadata, meta)
	if a.customers == nil {
		a.customers = map[string]*Customer{}
	}
	a.customers[c.ID] = c
	s.Changed()
	providertest.WriteJSON(w, http.StatusOK, c.object())
}

func listCustomers(w http.ResponseWriter, r *http.Request, a *account) {
	ids := slices.Sorted(maps.Keys(a.customers))
	writePage(w, r.URL.Query(), "/v1/customers", "customer", ids, func(id string) map[string]any { return a.customers[id].object() })
}

// Customers returns the default account's customers by id.
func (s *Server) Customers() map[string]Customer {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]Customer{}
	for id, c := range s.account(Account).customers {
		cc := *c
		cc.Metadata = maps.Clone(c.Metadata)
		out[id] = cc
	}
	return out
}
