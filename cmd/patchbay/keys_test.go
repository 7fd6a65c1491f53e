package main

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

func TestParseGrants(t *testing.T) {
	t.Parallel()
	got, err := parseGrants([]string{"stripe:create_customer,create_price@live", "slack:post_message", "github:"})
	if err != nil {
		t.Fatal(err)
	}
	want := []*patchbayv1.Grant{
		{Provider: "stripe", Components: []string{"create_customer", "create_price"}, Profile: "live"},
		{Provider: "slack", Components: []string{"post_message"}},
		{Provider: "github"},
	}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Fatalf("grants (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"stripe", ":create_customer"} {
		if _, err := parseGrants([]string{bad}); err == nil {
			t.Errorf("parseGrants(%q) accepted", bad)
		}
	}
}

func TestParseExpiry(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{"", time.Time{}, false},
		{"never", time.Time{}, false},
		{"720h", now.Add(720 * time.Hour), false},
		{"2027-01-01T00:00:00Z", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"-1h", time.Time{}, true},
		{"tomorrow", time.Time{}, true},
	}
	for _, tc := range tests {
		ts, err := parseExpiry(tc.in, now)
		if (err != nil) != tc.wantErr {
			t.Errorf("parseExpiry(%q) err = %v", tc.in, err)
			continue
		}
		var got time.Time
		if ts != nil {
			got = ts.AsTime()
		}
		if !got.Equal(tc.want) {
			t.Errorf("parseExpiry(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
