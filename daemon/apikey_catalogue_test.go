package daemon_test

import (
	"context"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/gateway"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

func TestListAvailableComponents(t *testing.T) {
	d := startGatewayDaemon(t)
	ctx := context.Background()

	type comp struct{ Provider, ID, Description string }
	var want []comp
	for _, c := range gateway.Catalogue() {
		want = append(want, comp{c.Provider, c.ID, c.Description})
	}
	if len(want) == 0 {
		t.Fatal("empty gateway catalogue")
	}

	tests := []struct {
		name     string
		token    string
		provider string
		want     []comp
		code     connect.Code
	}{
		{name: "all", token: d.info.Token, want: want},
		{name: "one provider, any case", token: d.info.Token, provider: " Slack ", want: keepWhere(want, func(c comp) bool { return c.Provider == "slack" })},
		{name: "unknown provider", token: d.info.Token, provider: "nope", code: connect.CodeNotFound},
		{name: "no token", token: "", code: connect.CodeUnauthenticated},
		{name: "wrong token", token: "pbk_x_y", code: connect.CodeUnauthenticated},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := d.keys(tc.token).ListAvailableComponents(ctx, connect.NewRequest(&patchbayv1.ListAvailableComponentsRequest{Provider: tc.provider}))
			if tc.code != 0 {
				if code(err) != tc.code {
					t.Fatalf("err = %v, want code %v", err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []comp
			for _, c := range res.Msg.GetComponents() {
				if c.GetKind() == patchbayv1.ComponentKind_COMPONENT_KIND_UNSPECIFIED || c.GetInputSchema() == "" {
					t.Errorf("%s/%s: kind %v, input schema %q", c.GetProvider(), c.GetId(), c.GetKind(), c.GetInputSchema())
				}
				got = append(got, comp{c.GetProvider(), c.GetId(), c.GetDescription()})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("components (-want +got):\n%s", diff)
			}
		})
	}

	// An API key must not reach management RPCs, even read-only ones.
	created, err := d.keys(d.info.Token).CreateApiKey(ctx, connect.NewRequest(&patchbayv1.CreateApiKeyRequest{
		Team: "acme", Name: "CI", Grants: []*patchbayv1.Grant{{Provider: "slack", Components: []string{"post_message"}}}}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.keys(created.Msg.GetToken()).ListAvailableComponents(ctx, connect.NewRequest(&patchbayv1.ListAvailableComponentsRequest{})); code(err) != connect.CodeUnauthenticated {
		t.Fatalf("API key on ListAvailableComponents: %v", err)
	}
}

func keepWhere[T any](in []T, keep func(T) bool) []T {
	var out []T
	for _, v := range in {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}
