package gateway_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/gateway"
)

func TestSchemaValidate(t *testing.T) {
	t.Parallel()
	s, err := gateway.ParseSchema(`{"type":"object","additionalProperties":false,"required":["n"],
		"anyOf":[{"required":["a"]},{"required":["b"]}],
		"properties":{
			"n":{"type":"integer","minimum":1,"maximum":10},
			"a":{"type":"string","minLength":2,"maxLength":3,"pattern":"^[a-z]+$"},
			"b":{"type":"array","minItems":1,"maxItems":2,"items":{"type":"string","format":"email"}},
			"u":{"type":"string","format":"uri"},
			"e":{"enum":["x",1]},
			"m":{"type":"object","additionalProperties":{"type":"string"}},
			"f":{"type":"number"},
			"ok":{"type":"boolean"}}}`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		want []string
	}{
		{`{"n":1,"a":"ab"}`, nil},
		{`{"n":10,"b":["x@y.co"],"u":"https://x.test/a","e":1,"m":{"k":"v"},"f":1.5,"ok":true}`, nil},
		{`[]`, []string{"/: must be an object, got an array"}},
		{`{"a":"ab"}`, []string{`/: missing required property "n"`}},
		{`{"n":0,"a":"ab"}`, []string{"/n: must be >= 1"}},
		{`{"n":11,"a":"ab"}`, []string{"/n: must be <= 10"}},
		{`{"n":1.5,"a":"ab"}`, []string{"/n: must be an integer, got a number"}},
		{`{"n":1}`, []string{"/: must satisfy one of: has a, or has b"}},
		{`{"n":1,"a":"A1"}`, []string{"/a: must match ^[a-z]+$"}},
		{`{"n":1,"a":"abcd"}`, []string{"/a: must be at most 3 characters"}},
		{`{"n":1,"a":"a"}`, []string{"/a: must be at least 2 characters"}},
		{`{"n":1,"b":[]}`, []string{"/b: must have at least 1 items"}},
		{`{"n":1,"b":["a@b.co","c@d.co","e@f.co"]}`, []string{"/b: must have at most 2 items"}},
		{`{"n":1,"b":["Ada <a@b.co>"]}`, []string{"/b/0: must be an email address"}},
		{`{"n":1,"a":"ab","u":"/relative"}`, []string{"/u: must be an absolute URI"}},
		{`{"n":1,"a":"ab","e":"y"}`, []string{`/e: must be one of "x", 1`}},
		{`{"n":1,"a":"ab","m":{"k":2}}`, []string{"/m/k: must be a string, got an integer"}},
		{`{"n":1,"a":"ab","zz":1,"a/b":2}`, []string{`/: unknown property "a/b"`, `/: unknown property "zz"`}},
		{`{"n":"1","a":1,"ok":"yes"}`, []string{"/a: must be a string, got an integer", "/n: must be an integer, got a string", "/ok: must be a boolean, got a string"}},
	}
	for _, tc := range tests {
		var v any
		if err := json.Unmarshal([]byte(tc.in), &v); err != nil {
			t.Fatal(err)
		}
		got := s.Validate(v)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Validate(%s) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestParseSchemaRefusesUnsupported(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{
		`{"type":"object","oneOf":[]}`,
		`{"type":"string","format":"date-time"}`,
		`{"type":"string","pattern":"("}`,
		`{"type":"object","properties":{"a":{"$ref":"#/x"}}}`,
		`{"type":"object","required":["x"]}`,
	} {
		if _, err := gateway.ParseSchema(doc); err == nil {
			t.Errorf("ParseSchema(%s) accepted", doc)
		}
	}
}

// TestCatalogueSchemasRoundTrip: the published documents are what the
// validator enforces, and every one is a draft 2020-12 object schema.
func TestCatalogueSchemasRoundTrip(t *testing.T) {
	t.Parallel()
	for _, c := range gateway.Catalogue() {
		for _, doc := range []string{c.InputSchema, c.OutputSchema} {
			var m map[string]any
			if err := json.Unmarshal([]byte(doc), &m); err != nil {
				t.Fatalf("%s/%s: %v", c.Provider, c.ID, err)
			}
			if m["$schema"] != "https://json-schema.org/draft/2020-12/schema" || m["type"] != "object" {
				t.Errorf("%s/%s: not a draft 2020-12 object schema", c.Provider, c.ID)
			}
		}
		if c.Kind == gateway.KindAction && !strings.Contains(c.InputSchema, `"additionalProperties":false`) {
			t.Errorf("%s/%s: input schema allows unknown properties", c.Provider, c.ID)
		}
	}
	if n := len(gateway.Catalogue()); n != 11 {
		t.Errorf("catalogue has %d components, want 11 (9 actions, 2 triggers)", n)
	}
}
