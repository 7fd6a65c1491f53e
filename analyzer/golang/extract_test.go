package golang

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPackageName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"github.com/stripe/stripe-go/v82":        "stripe",
		"github.com/stripe/stripe-go/v82/client": "client",
		"github.com/google/go-github/v75/github": "github",
		"github.com/digitalocean/godo":           "godo",
		"gopkg.in/yaml.v3":                       "yaml",
		"github.com/sendgrid/sendgrid-go":        "sendgrid",
	} {
		if got := PackageName(in); got != want {
			t.Errorf("PackageName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExtract(t *testing.T) {
	t.Parallel()
	src := []byte(`package x

import (
	"os"
	sc "github.com/stripe/stripe-go/v82"
	_ "github.com/lib/pq"
)

func f() {
	c := sc.NewClient(os.Getenv("PAY_KEY"))
	v, _ := os.LookupEnv("B")
	w := getenv("C_NAME", "d")
	_, _, _ = c, v, w
}
`)
	f, err := Extract(context.Background(), "x.go", src)
	if err != nil {
		t.Fatal(err)
	}
	var imports, env []string
	for _, i := range f.Imports {
		imports = append(imports, i.Path+"="+i.Alias)
	}
	for _, e := range f.Env {
		env = append(env, e.Name+"<"+e.Callee)
	}
	if d := cmp.Diff([]string{"os=", "github.com/stripe/stripe-go/v82=sc", "github.com/lib/pq=_"}, imports); d != "" {
		t.Error(d)
	}
	if d := cmp.Diff([]string{"PAY_KEY<github.com/stripe/stripe-go/v82.NewClient", "B<", "C_NAME<"}, env); d != "" {
		t.Error(d)
	}
	if !f.Env[2].HasDefault {
		t.Error("getenv with a second argument has a default")
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/m\n\ngo 1.22\n")
	write("main.go", "package main\n\nimport \"os\"\n\nfunc main() { _ = os.Getenv(\"X\") }\n")
	m, err := Load(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Path != "example.com/m" || len(m.Files) != 1 || len(m.Problems) != 0 {
		t.Fatalf("got %+v", m)
	}
}

// TestLoadOverlay: the go command reads overlaid contents instead of the
// files on disk (packages.Config.Overlay), including a file that exists
// only in the editor.
func TestLoadOverlay(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	unsaved := filepath.Join(dir, "pay.go")
	m, err := Load(context.Background(), dir, map[string][]byte{
		unsaved: []byte("package main\n\nimport _ \"github.com/stripe/stripe-go/v82\"\n"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Files[unsaved]; !ok {
		t.Errorf("files = %v, want the overlay-only pay.go", m.Files)
	}
	if len(m.Problems) != 1 || !strings.Contains(m.Problems[0], "github.com/stripe/stripe-go/v82") {
		t.Errorf("problems = %q, want the overlay's unresolvable import", m.Problems)
	}
}

func FuzzExtract(f *testing.F) {
	f.Add([]byte("package x\nimport \"os\"\nvar _ = os.Getenv(\"A\")\n"))
	f.Add([]byte("package x\nfunc f() { g(((((((((((("))
	f.Add([]byte("\xff\x00package"))
	f.Fuzz(func(t *testing.T, src []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _ = Extract(ctx, "f.go", src)
	})
}

// TestLoadLeavesGoModAlone: analysis must never edit the user's files. A
// module that imports a package missing from its go.mod (but present in the
// module cache) is what -mod=mod would "fix" by rewriting go.mod and
// writing go.sum.
func TestLoadLeavesGoModAlone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// go-cmp is in the module cache wherever this repository's tests build
	// (it is a test dependency); go.sum is missing on purpose.
	gomod := "module example.com/m\n\ngo 1.22\n\nrequire github.com/google/go-cmp v0.7.0\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	src := "package main\n\nimport _ \"github.com/google/go-cmp/cmp\"\n\nfunc main() {}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _ = Load(context.Background(), dir, nil) // may fail: the requirement is missing
	got, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil || string(got) != gomod {
		t.Errorf("go.mod changed by analysis:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.sum")); err == nil {
		t.Error("analysis wrote a go.sum")
	}
}

// TestGroupHandoff: a gin/echo group handed to a route-registering
// function is a mount of that function under the group.
func TestGroupHandoff(t *testing.T) {
	t.Parallel()
	src := []byte(`package main

import "example.com/app/internal/routes"

func main() {
	r := gin.Default()
	api := r.Group("/api/v1")
	routes.PaymentRoutes(api)
	log.Println("x")
}
`)
	f, err := Extract(context.Background(), "main.go", src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range f.Mounts {
		got = append(got, m.Parent+" "+m.Prefix+" -> "+m.Target)
	}
	want := []string{"r /api/v1 -> api", "api  -> routes.PaymentRoutes"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mounts (-want +got):\n%s", diff)
	}
}

// TestEnvWrappers: a file's own functions that hand a string parameter to
// os.Getenv, directly or through another wrapper, read what their callers
// name; a function that uses its parameter otherwise does not.
func TestEnvWrappers(t *testing.T) {
	t.Parallel()
	src := []byte(`package config

import (
	"encoding/base64"
	"os"
)

func MustGetBase64Env(name string) []byte {
	b, _ := base64.StdEncoding.DecodeString(MustGetenv(name))
	return b
}

func MustGetenv(name string) string {
	v := os.Getenv(name)
	if v == "" {
		panic(name + " is not set")
	}
	return v
}

func GetenvWithDefault(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return fallback
}

func label(name string) string { return "x-" + name }

var SIGNER = MustGetBase64Env("ACCESS_TOKEN_SIGNER")
var PORT = GetenvWithDefault("PORT", "3000")
var L = label("NOT_AN_ENV")
`)
	ff, err := Extract(context.Background(), "config.go", src)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, e := range ff.Env {
		got[e.Name] = e.HasDefault
	}
	want := map[string]bool{"ACCESS_TOKEN_SIGNER": false, "PORT": true}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("env reads (name -> has default) (-want +got):\n%s", d)
	}
}
