package sendgrid_test

import (
	"context"
	"slices"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/sendgrid"
	"github.com/patchbay-dev/patchbay/providers/sendgrid/sendgridtest"
)

// TestAPIKeyConverges: SendGrid reports scopes nobody asked for, answers
// GET wrapped in "result" and PUT without scopes; the key's state is still
// exactly the scopes asked for, after create, read and update.
func TestAPIKeyConverges(t *testing.T) {
	t.Parallel()
	s := sendgridtest.New(t)
	typ := sendgrid.NewAPIKeyType(providers.HTTPOptions{BaseURL: s.URL})
	creds := providers.Credentials{"api_key": sendgridtest.Key}
	ctx := context.Background()
	want := func(st providers.State, scopes ...string) {
		t.Helper()
		if got := st.Props["scopes"]; !slices.Equal(got, scopes) {
			t.Errorf("scopes = %v, want %v", got, scopes)
		}
	}
	st, err := typ.Create(ctx, creds, providers.Props{"name": {"patchbay shop-local"}, "scopes": {"mail.send"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	want(st, "mail.send")
	read, err := typ.Read(ctx, creds, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	want(read, "mail.send")
	if read.Props.Get("name") != "patchbay shop-local" {
		t.Errorf("name = %v", read.Props["name"])
	}
	up, err := typ.Update(ctx, creds, st.ID, providers.Props{"name": {"patchbay shop-local"}, "scopes": {"mail.send", "scopes.read"}})
	if err != nil {
		t.Fatal(err)
	}
	want(up, "mail.send", "scopes.read")
}
