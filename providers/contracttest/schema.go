package contracttest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// StripeMockVersion is the stripe-mock `make tools` installs (the
// Makefile's STRIPE_MOCK_VERSION; a test keeps the two equal).
const StripeMockVersion = "v0.203.0"

// StripeSpecPath is the OpenAPI description of Stripe's API that
// stripe-mock embeds (embedded/openapi/spec3.json of its Go module, from
// the module cache, where installing it put it; `go mod download` fetches
// it from the module proxy otherwise).
func StripeSpecPath(t testing.TB) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		require(t, "the go command is not on PATH, so stripe-mock's module cannot be found")
	}
	out, err := exec.Command(goBin, "mod", "download", "-json", "github.com/stripe/stripe-mock@"+StripeMockVersion).Output()
	if err != nil {
		require(t, "stripe-mock's module "+StripeMockVersion+" cannot be downloaded: "+err.Error())
	}
	var mod struct{ Dir, Error string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		require(t, "stripe-mock's module "+StripeMockVersion+" has no directory: "+mod.Error)
	}
	p := filepath.Join(mod.Dir, "embedded", "openapi", "spec3.json")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("stripe-mock %s has no embedded description: %v", StripeMockVersion, err)
	}
	return p
}

// RequestSchema returns the request body schema of method path in the
// description at specPath for the media type (application/json,
// application/x-www-form-urlencoded), and a function that resolves the
// description's $refs.
func RequestSchema(specPath, method, path, mediaType string) (map[string]any, func(map[string]any) map[string]any, error) {
	doc, err := readSpec(specPath)
	if err != nil {
		return nil, nil, err
	}
	ptr := "#/paths/" + strings.ReplaceAll(strings.ReplaceAll(path, "~", "~0"), "/", "~1") + "/" + strings.ToLower(method) +
		"/requestBody/content/" + strings.ReplaceAll(mediaType, "/", "~1") + "/schema"
	v, err := pointer(doc, ptr)
	if err != nil {
		return nil, nil, err
	}
	resolve := func(s map[string]any) map[string]any {
		for range 32 {
			ref, ok := s["$ref"].(string)
			if !ok {
				return s
			}
			t, err := pointer(doc, ref)
			if err != nil {
				return s
			}
			if s, ok = t.(map[string]any); !ok {
				return map[string]any{}
			}
		}
		return s
	}
	m, _ := v.(map[string]any)
	return resolve(m), resolve, nil
}

// Within lists what the JSON Schema mine (an action's or trigger's input
// schema as Patchbay publishes it) admits that theirs (the description's
// request schema) does not: a property theirs lacks, a type theirs does
// not take, a string longer than theirs allows or without theirs' limit,
// a value outside theirs' enum, a required property of theirs that mine
// makes optional. Each is a request Patchbay would accept from a caller
// and the provider refuse. skip names mine's top-level properties that are
// no part of the body (path parameters). Where theirs offers alternatives
// (anyOf, oneOf), mine must fit one of them.
func Within(mine, theirs map[string]any, resolve func(map[string]any) map[string]any, skip ...string) []string {
	var out []string
	var walk func(at string, m, th map[string]any, top bool)
	walk = func(at string, m, th map[string]any, top bool) {
		th = resolve(th)
		if alts := alternatives(th, m, resolve); len(alts) > 0 {
			var best []string
			for i, a := range alts {
				var sub []string
				saved := out
				out = nil
				walk(at, m, a, top)
				sub, out = out, saved
				if len(sub) == 0 {
					return
				}
				if i == 0 || len(sub) < len(best) {
					best = sub
				}
			}
			out = append(out, best...)
			return
		}
		mt, _ := m["type"].(string)
		if tt, _ := th["type"].(string); tt != "" && mt != "" && tt != mt && !(mt == "integer" && tt == "number") {
			out = append(out, fmt.Sprintf("%s: Patchbay takes %s, the description %s", at, mt, tt))
			return
		}
		if e, ok := th["enum"].([]any); ok {
			me, _ := m["enum"].([]any)
			if len(me) == 0 {
				out = append(out, fmt.Sprintf("%s: the description allows only %v, Patchbay any value", at, e))
			}
			for _, v := range me {
				if !slices.Contains(e, v) {
					out = append(out, fmt.Sprintf("%s: Patchbay allows %v, outside the description's %v", at, v, e))
				}
			}
		}
		if tl, ok := th["maxLength"].(float64); ok {
			ml, ok := m["maxLength"].(float64)
			switch {
			case !ok:
				out = append(out, fmt.Sprintf("%s: the description allows at most %v characters, Patchbay any length", at, tl))
			case ml > tl:
				out = append(out, fmt.Sprintf("%s: Patchbay allows %v characters, the description %v", at, ml, tl))
			}
		}
		if mi, ok := m["items"].(map[string]any); ok {
			if ti, ok := th["items"].(map[string]any); ok {
				walk(at+"[]", mi, ti, false)
			}
		}
		mp, _ := m["properties"].(map[string]any)
		tp, _ := th["properties"].(map[string]any)
		if len(mp) > 0 {
			names := make([]string, 0, len(mp))
			for k := range mp {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				if top && slices.Contains(skip, k) {
					continue
				}
				ms, _ := mp[k].(map[string]any)
				ts, ok := tp[k].(map[string]any)
				if !ok {
					if tp != nil || th["additionalProperties"] == false {
						out = append(out, fmt.Sprintf("%s.%s: the description has no such parameter", at, k))
					}
					continue
				}
				walk(at+"."+k, ms, ts, false)
			}
			if req, ok := th["required"].([]any); ok {
				mr, _ := m["required"].([]any)
				for _, r := range req {
					if !slices.Contains(mr, r) {
						out = append(out, fmt.Sprintf("%s.%v: the description requires it, Patchbay does not", at, r))
					}
				}
			}
		}
		if ma, ok := m["additionalProperties"].(map[string]any); ok {
			if ta, ok := th["additionalProperties"].(map[string]any); ok {
				walk(at+".*", ma, ta, false)
			}
		}
	}
	walk("$", mine, theirs, true)
	return out
}

// alternatives are theirs' anyOf/oneOf branches, those of mine's type
// when there are any.
func alternatives(s, mine map[string]any, resolve func(map[string]any) map[string]any) []map[string]any {
	var all, typed []map[string]any
	mt, _ := mine["type"].(string)
	for _, k := range []string{"anyOf", "oneOf"} {
		if alts, ok := s[k].([]any); ok {
			for _, a := range alts {
				if m, ok := a.(map[string]any); ok {
					m = resolve(m)
					all = append(all, m)
					if t, _ := m["type"].(string); t == "" || t == mt || (mt == "integer" && t == "number") {
						typed = append(typed, m)
					}
				}
			}
		}
	}
	if len(typed) > 0 {
		return typed
	}
	return all
}
