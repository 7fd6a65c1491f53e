package contracttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeSpec(t *testing.T, doc string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "spec.json")
	if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSubsetOpenAPI3(t *testing.T) {
	t.Parallel()
	p := writeSpec(t, `{"openapi":"3.0.3","info":{"title":"t"},"x-webhooks":{"a":{}},
		"paths":{"/a":{"post":{"requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/A"}}}},
			"responses":{"200":{"$ref":"#/components/responses/ok"}}}},
			"/b":{"get":{"responses":{"200":{"$ref":"#/components/responses/unused"}}}}},
		"components":{"schemas":{"A":{"type":"object","properties":{"b":{"$ref":"#/components/schemas/B"},
			"m":{"nullable":true,"oneOf":[{"type":"string"},{"type":"integer"}]},"n":{"nullable":true,"type":"string"}}},
			"B":{"type":"string"},"C":{"type":"string"}},
			"responses":{"ok":{"description":"ok"},"unused":{"description":"x"}},
			"securitySchemes":{"bearer":{"type":"http","scheme":"bearer"}}}}`)
	raw, err := Subset(p, "/a")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	_ = json.Unmarshal([]byte(`{"openapi":"3.0.3","info":{"title":"t"},
		"paths":{"/a":{"post":{"requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/A"}}}},
			"responses":{"200":{"$ref":"#/components/responses/ok"}}}}},
		"components":{"schemas":{"A":{"type":"object","properties":{"b":{"$ref":"#/components/schemas/B"},
			"m":{"oneOf":[{"type":"string"},{"type":"integer"},{"type":"null"}]},"n":{"nullable":true,"type":"string"}}},
			"B":{"type":"string"}},
			"responses":{"ok":{"description":"ok"}},
			"securitySchemes":{"bearer":{"type":"http","scheme":"bearer"}}}}`), &want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("subset (-want +got):\n%s", diff)
	}
	// The cached description is unchanged by the rewrite.
	again, _ := Subset(p, "/a")
	if string(again) != string(raw) {
		t.Fatal("a second subset differs: the rewrite changed the cached description")
	}
	if _, err := Subset(p, "/nope"); err == nil || !strings.Contains(err.Error(), "/nope") {
		t.Fatalf("unknown path: %v", err)
	}
}

func TestSubsetSwagger2(t *testing.T) {
	t.Parallel()
	p := writeSpec(t, `{"swagger":"2.0","basePath":"/api/v1","securityDefinitions":{"o":{"type":"oauth2"}},"security":[{"o":[]}],
		"paths":{"/user":{"get":{"responses":{"200":{"schema":{"$ref":"#/definitions/user"}}}}},"/other":{}},
		"definitions":{"user":{"type":"object","properties":{"m":{"$ref":"#/definitions/meta"}}},"meta":{"type":"object"},"unused":{}}}`)
	raw, err := Subset(p, "/user")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	_ = json.Unmarshal(raw, &got)
	var want map[string]any
	_ = json.Unmarshal([]byte(`{"swagger":"2.0","securityDefinitions":{"o":{"type":"oauth2"}},"security":[{"o":[]}],
		"paths":{"/api/v1/user":{"get":{"responses":{"200":{"schema":{"$ref":"#/definitions/user"}}}}}},
		"definitions":{"user":{"type":"object","properties":{"m":{"$ref":"#/definitions/meta"}}},"meta":{"type":"object"}}}`), &want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("subset (-want +got):\n%s", diff)
	}
}

func TestJudges(t *testing.T) {
	t.Parallel()
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		judge  Judge
		status int
		header http.Header
		body   string
		want   string
	}{
		{"stripe ok", StripeMock, 200, nil, `{"id":"prod_1"}`, ""},
		{"stripe refusal", StripeMock, 400, nil,
			`{"error":{"message":"Request validation error: validator 0x1 failed: additional properties are not allowed","type":"invalid_request_error"}}`,
			"stripe-mock 400 invalid_request_error: Request validation error: validator 0x1 failed: additional properties are not allowed"},
		{"stripe 404 without an envelope", StripeMock, 404, nil, "nope", "stripe-mock 404: nope"},
		{"prism ok", Prism, 200, h("Content-Type", "application/json"), `{}`, ""},
		{"prism request violation", Prism, 422, h("sl-violations",
			`[{"location":["request","body"],"severity":"Error","code":"additionalProperties","message":"Request body must NOT have additional properties; found 'activ'"}]`),
			`{"message":"string"}`, "prism 422; Error at request.body: Request body must NOT have additional properties; found 'activ'"},
		{"prism response violation only", Prism, 200, h("sl-violations",
			`[{"location":["response","body"],"severity":"Error","code":"required","message":"Response body must have required property 'language'"}]`),
			`{}`, ""},
		{"prism problem", Prism, 422, h("Content-Type", "application/problem+json"),
			`{"title":"Invalid request","status":422,"detail":"Your request is not valid","validation":[{"location":["path","hook_id"],"severity":"Error","code":"type","message":"Request path parameter hook_id must be integer"}]}`,
			"prism 422 Invalid request: Your request is not valid; Error at path.hook_id: Request path parameter hook_id must be integer"},
	} {
		if got := tc.judge(tc.status, tc.header, []byte(tc.body)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// A Front passes requests and answers through unchanged, and a refusal
// fails the test that owns it (here a stand-in that records the failure).
func TestFront(t *testing.T) {
	t.Parallel()
	mock := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("bad") != "" {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"error":{"message":"no","type":"invalid_request_error"}}`))
			return
		}
		w.Header().Set("X-Seen", r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Authorization"))
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer mock.Close()
	rec := &recordingT{TB: t}
	f := NewFront(rec, Mock{URL: mock.URL, Judge: StripeMock})
	req, _ := http.NewRequest(http.MethodGet, f.URL+"/v1/x?a=1", nil)
	req.Header.Set("Authorization", "Bearer k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Seen"); got != "GET /v1/x?a=1 Bearer k" {
		t.Fatalf("mock saw %q", got)
	}
	if !f.Sent(http.MethodGet, "/v1/x", "a=1") || len(rec.failures()) != 0 {
		t.Fatalf("requests %v, errors %v", f.Requests(), rec.failures())
	}
	resp, err = http.Get(f.URL + "/v1/x?bad=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if errs := rec.failures(); resp.StatusCode != 400 || len(errs) != 1 || !strings.Contains(errs[0], "GET /v1/x?bad=1: stripe-mock 400 invalid_request_error: no") {
		t.Fatalf("status %d, errors %v", resp.StatusCode, errs)
	}
}

type recordingT struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingT) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recordingT) failures() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.errors)
}

func TestWithin(t *testing.T) {
	t.Parallel()
	theirs := map[string]any{}
	_ = json.Unmarshal([]byte(`{"type":"object","additionalProperties":false,"required":["name"],"properties":{
		"name":{"type":"string","maxLength":250},
		"note":{"$ref":"#/n"},
		"kind":{"type":"string","enum":["a","b"]},
		"tags":{"type":"array","items":{"oneOf":[{"type":"string","maxLength":10},{"type":"object"}]}},
		"meta":{"anyOf":[{"type":"object","additionalProperties":{"type":"string","maxLength":500}},{"type":"string","enum":[""]}]}}}`), &theirs)
	note := map[string]any{"type": "string", "maxLength": float64(100)}
	resolve := func(s map[string]any) map[string]any {
		if s["$ref"] == "#/n" {
			return note
		}
		return s
	}
	ok := `{"type":"object","required":["name","owner"],"properties":{"owner":{"type":"string"},"name":{"type":"string","maxLength":250},
		"note":{"type":"string","maxLength":100},"kind":{"type":"string","enum":["a"]},"tags":{"type":"array","items":{"type":"string","maxLength":10}},
		"meta":{"type":"object","additionalProperties":{"type":"string","maxLength":500}}}}`
	for _, tc := range []struct {
		name, mine string
		want       []string
	}{
		{"within", ok, nil},
		{"too long", strings.Replace(ok, `"maxLength":250`, `"maxLength":251`, 1), []string{"$.name: Patchbay allows 251 characters, the description 250"}},
		{"no limit", strings.Replace(ok, `"note":{"type":"string","maxLength":100}`, `"note":{"type":"string"}`, 1),
			[]string{"$.note: the description allows at most 100 characters, Patchbay any length"}},
		{"outside the enum", strings.Replace(ok, `"enum":["a"]`, `"enum":["a","c"]`, 1), []string{"$.kind: Patchbay allows c, outside the description's [a b]"}},
		{"unknown parameter", strings.Replace(ok, `"owner":{"type":"string"},`, `"owner":{"type":"string"},"colour":{"type":"string"},`, 1),
			[]string{"$.colour: the description has no such parameter"}},
		{"wrong type", strings.Replace(ok, `"kind":{"type":"string","enum":["a"]}`, `"kind":{"type":"integer"}`, 1), []string{"$.kind: Patchbay takes integer, the description string"}},
		{"required made optional", strings.Replace(ok, `"required":["name","owner"]`, `"required":["owner"]`, 1), []string{"$.name: the description requires it, Patchbay does not"}},
		{"nested alternative", strings.Replace(ok, `"items":{"type":"string","maxLength":10}`, `"items":{"type":"string","maxLength":11}`, 1),
			[]string{"$.tags[]: Patchbay allows 11 characters, the description 10"}},
		{"map values", strings.Replace(ok, `"additionalProperties":{"type":"string","maxLength":500}`, `"additionalProperties":{"type":"string"}`, 1),
			[]string{"$.meta.*: the description allows at most 500 characters, Patchbay any length"}},
	} {
		var mine map[string]any
		if err := json.Unmarshal([]byte(tc.mine), &mine); err != nil {
			t.Fatal(tc.name, err)
		}
		if diff := cmp.Diff(tc.want, Within(mine, theirs, resolve, "owner")); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

// The stripe-mock whose embedded description the schema tests read is the
// one `make tools` installs.
func TestStripeMockVersionMatchesMakefile(t *testing.T) {
	t.Parallel()
	mk, err := os.ReadFile(filepath.Join(filepath.Dir(filepath.Dir(ModulesDir())), "..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^STRIPE_MOCK_VERSION\s*:=\s*` + regexp.QuoteMeta(StripeMockVersion) + `\s*$`).Match(mk) {
		t.Fatalf("the Makefile's STRIPE_MOCK_VERSION is not %s", StripeMockVersion)
	}
}

func TestCloseRequestBodies(t *testing.T) {
	t.Parallel()
	in := `{"openapi":"3.0.3","paths":{"/a":{"post":{"requestBody":{"content":{"application/json":{"schema":{"type":"object",
		"properties":{"c":{"type":"object","properties":{"u":{"type":"string"}}},"r":{"$ref":"#/components/schemas/R"},
			"l":{"type":"array","items":{"type":"object","properties":{"n":{"type":"string"}}}},
			"m":{"type":"object","additionalProperties":{"type":"string"},"properties":{"k":{"type":"string"}}}}}}}},
		"responses":{"200":{"content":{"application/json":{"schema":{"type":"object","properties":{"id":{"type":"string"}}}}}}}}}},
		"components":{"schemas":{"R":{"type":"object","properties":{"x":{"type":"string"}}}}}}`
	out, err := CloseRequestBodies([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"openapi":"3.0.3","paths":{"/a":{"post":{"requestBody":{"content":{"application/json":{"schema":{"type":"object","additionalProperties":false,
		"properties":{"c":{"type":"object","additionalProperties":false,"properties":{"u":{"type":"string"}}},"r":{"$ref":"#/components/schemas/R"},
			"l":{"type":"array","items":{"type":"object","additionalProperties":false,"properties":{"n":{"type":"string"}}}},
			"m":{"type":"object","additionalProperties":{"type":"string"},"properties":{"k":{"type":"string"}}}}}}}},
		"responses":{"200":{"content":{"application/json":{"schema":{"type":"object","properties":{"id":{"type":"string"}}}}}}}}}},
		"components":{"schemas":{"R":{"type":"object","properties":{"x":{"type":"string"}}}}}}`
	var got, w any
	_ = json.Unmarshal(out, &got)
	_ = json.Unmarshal([]byte(want), &w)
	if diff := cmp.Diff(w, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}
