package contracttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The API descriptions, as installed by `make tools` (npm ci in
// providers/contracttest/testdata, whose package-lock.json pins them).
const (
	// GitHubSpec is GitHub's description of api.github.com (@octokit/openapi).
	GitHubSpec = "@octokit/openapi/generated/api.github.com.json"
	// NetlifySpec is Netlify's description of its API (@netlify/open-api).
	NetlifySpec = "@netlify/open-api/dist/swagger.json"
)

// require fails t (under PATCHBAY_REQUIRE_TOOLS, as `make test` sets) or
// skips it, naming what is missing and how to install it.
func require(t testing.TB, what string) {
	t.Helper()
	how := what + " (run `make tools`, or `npm ci` in providers/contracttest/testdata)"
	if os.Getenv("PATCHBAY_REQUIRE_TOOLS") != "" {
		t.Fatal(how)
	}
	t.Skip(how)
}

// ModulesDir is providers/contracttest/testdata/node_modules of the module
// the test runs in, or "" when no go.mod is found above the working
// directory.
func ModulesDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for ; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "providers", "contracttest", "testdata", "node_modules")
		}
		if dir == filepath.Dir(dir) {
			return ""
		}
	}
}

// SpecPath is the installed file of spec (GitHubSpec, NetlifySpec); t
// fails or skips when it is not installed.
func SpecPath(t testing.TB, spec string) string {
	t.Helper()
	p := filepath.Join(ModulesDir(), filepath.FromSlash(spec))
	if _, err := os.Stat(p); err != nil {
		require(t, "API description "+spec+" not installed")
	}
	return p
}

// specCache holds descriptions already read: the GitHub one is 13 MB.
var specCache sync.Map // path -> map[string]any

func readSpec(path string) (map[string]any, error) {
	if d, ok := specCache.Load(path); ok {
		return d.(map[string]any), nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	specCache.Store(path, doc)
	return doc, nil
}

// Subset returns the description at path cut down to the path items keep
// names (spelled as in the description, "/repos/{owner}/{repo}/hooks"),
// every operation of each, and the components they reference, directly or
// not. Nothing in what is kept changes, except for two things Prism would
// misread: a Swagger 2.0 basePath is written into the paths (Prism
// matches paths without it, and the clients send it), and an OpenAPI 3.0
// schema that is "nullable" without a "type" (GitHub's issue milestone:
// nullable oneOf string or integer) says null with a {"type":"null"}
// alternative instead — Prism's validator cannot compile the first form
// and then checks nothing of the whole request body. Prism starts in a second or two on a subset, where
// the whole GitHub description takes it about a minute; a request to a
// path left out is refused as unknown, so a client that calls one more
// endpoint fails its test until the endpoint is added here.
func Subset(path string, keep ...string) ([]byte, error) {
	doc, err := readSpec(path)
	if err != nil {
		return nil, err
	}
	paths, _ := doc["paths"].(map[string]any)
	base, _ := doc["basePath"].(string)
	base = strings.TrimRight(base, "/")
	out := map[string]any{}
	for k, v := range doc {
		switch k {
		case "paths", "components", "definitions", "parameters", "responses", "x-webhooks", "webhooks":
		case "basePath":
		default:
			out[k] = v
		}
	}
	keptPaths := map[string]any{}
	refs := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok && strings.HasPrefix(ref, "#/") && !refs[ref] {
				refs[ref] = true
				target, err := pointer(doc, ref)
				if err == nil {
					walk(target)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for _, p := range keep {
		item, ok := paths[p]
		if !ok {
			return nil, fmt.Errorf("%s has no path %s", filepath.Base(path), p)
		}
		keptPaths[base+p] = item
		walk(item)
	}
	out["paths"] = keptPaths
	if sec, ok := doc["securityDefinitions"]; ok {
		walk(sec)
	}
	// Copy each referenced entry: components.<kind>.<name> (OpenAPI 3) or
	// definitions|parameters|responses.<name> (Swagger 2.0).
	for ref := range refs {
		parts := splitPointer(ref)
		switch {
		case len(parts) >= 3 && parts[0] == "components":
			copyEntry(doc, out, parts[:3])
		case len(parts) >= 2 && slices.Contains([]string{"definitions", "parameters", "responses"}, parts[0]):
			copyEntry(doc, out, parts[:2])
		default:
			return nil, fmt.Errorf("%s: reference %s outside the components", filepath.Base(path), ref)
		}
	}
	copyEntry(doc, out, []string{"components", "securitySchemes"})
	// out shares its values with the cached description: the rewrite
	// works on a copy.
	raw, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	var cp map[string]any
	if err := json.Unmarshal(raw, &cp); err != nil {
		return nil, err
	}
	if _, oas3 := cp["openapi"]; oas3 {
		nullTypes(cp)
	}
	return json.Marshal(cp)
}

// nullTypes rewrites {"nullable": true} without "type": the null joins the
// oneOf/anyOf alternatives, or is dropped where the schema admits any
// value anyway.
func nullTypes(v any) {
	switch x := v.(type) {
	case map[string]any:
		if n, _ := x["nullable"].(bool); n {
			if _, typed := x["type"]; !typed {
				delete(x, "nullable")
				for _, k := range []string{"oneOf", "anyOf"} {
					if alts, ok := x[k].([]any); ok {
						x[k] = append(alts, map[string]any{"type": "null"})
					}
				}
			}
		}
		for _, e := range x {
			nullTypes(e)
		}
	case []any:
		for _, e := range x {
			nullTypes(e)
		}
	}
}

func splitPointer(ref string) []string {
	parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts
}

func pointer(doc map[string]any, ref string) (any, error) {
	var cur any = doc
	for _, p := range splitPointer(ref) {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: not an object at %s", ref, p)
		}
		if cur, ok = m[p]; !ok {
			return nil, fmt.Errorf("%s: no %s", ref, p)
		}
	}
	return cur, nil
}

// copyEntry copies doc's value at parts into out, creating the objects on
// the way.
func copyEntry(doc, out map[string]any, parts []string) {
	src, dst := any(doc), out
	for i, p := range parts {
		m, ok := src.(map[string]any)
		if !ok {
			return
		}
		if src, ok = m[p]; !ok {
			return
		}
		if i == len(parts)-1 {
			dst[p] = src
			return
		}
		next, ok := dst[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			dst[p] = next
		}
		dst = next
	}
}

// StartPrism runs Stoplight Prism (@stoplight/prism-cli) in mock mode on a
// free loopback port for the life of t, serving the description doc (its
// bytes, from Subset), and returns its base URL. Prism validates each
// request against the description (see the Prism judge). Start one per
// description per test package: each start costs a node process and a
// second or more.
func StartPrism(t testing.TB, name string, doc []byte) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		require(t, "node not found on PATH")
	}
	cli := filepath.Join(ModulesDir(), "@stoplight", "prism-cli", "dist", "index.js")
	if _, err := os.Stat(cli); err != nil {
		require(t, "Stoplight Prism not installed")
	}
	file := filepath.Join(t.TempDir(), name+".json")
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	host, port, _ := net.SplitHostPort(addr)
	log := &syncBuffer{}
	cmd := exec.Command(node, cli, "mock", "--host", host, "--port", port, "--verboseLevel", "warn", file)
	cmd.Stdout, cmd.Stderr = log, log
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	for deadline := time.Now().Add(90 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return "http://" + addr
		}
		select {
		case <-exited:
			t.Fatalf("prism exited before listening on %s:\n%s", addr, log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("prism did not listen on %s: %v\n%s", addr, err, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// syncBuffer is Prism's output, written by exec's copying goroutine and
// read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// CloseRequestBodies makes each request body object of doc (an OpenAPI 3
// description, as Subset returns it) that lists its properties but leaves
// others open refuse the others (additionalProperties: false), in the
// body and in the objects written inside it (not those it references:
// answers share them). A provider that ignores a property it does not know
// (GitHub does) would leave Patchbay believing it set something it did
// not, so a contract test treats one as an error, as stripe-mock does for
// Stripe.
func CloseRequestBodies(doc []byte) ([]byte, error) {
	var d map[string]any
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	paths, _ := d["paths"].(map[string]any)
	for _, item := range paths {
		ops, _ := item.(map[string]any)
		for _, op := range ops {
			o, _ := op.(map[string]any)
			rb, _ := o["requestBody"].(map[string]any)
			content, _ := rb["content"].(map[string]any)
			for _, media := range content {
				if m, ok := media.(map[string]any); ok {
					closeObject(m["schema"])
				}
			}
		}
	}
	return json.Marshal(d)
}

func closeObject(v any) {
	s, ok := v.(map[string]any)
	if !ok {
		return
	}
	if props, ok := s["properties"].(map[string]any); ok {
		_, open := s["additionalProperties"]
		_, composed := s["allOf"]
		if !open && !composed {
			s["additionalProperties"] = false
		}
		for _, p := range props {
			closeObject(p)
		}
	}
	if items, ok := s["items"]; ok {
		closeObject(items)
	}
}
