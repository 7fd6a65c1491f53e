package analyzer

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestASPNetSchemeCallbacks: AddGoogle() and AddGitHub() in one chain each
// serve their /signin-<scheme> callback.
func TestASPNetSchemeCallbacks(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for rel, body := range map[string]string{
		"App.csproj": `<Project Sdk="Microsoft.NET.Sdk.Web"><ItemGroup><PackageReference Include="AspNet.Security.OAuth.GitHub" Version="8.0.0" /></ItemGroup></Project>`,
		"Program.cs": "var builder = WebApplication.CreateBuilder(args);\nbuilder.Services.AddAuthentication()\n    .AddGoogle(o => { o.ClientId = \"x\"; })\n    .AddGitHub(o => { o.ClientId = \"y\"; });\nbuilder.Build().Run();\n",
	} {
		if err := os.WriteFile(filepath.Join(root, rel), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := New(Options{NoGoPackages: true}).Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		if cb := f.GetCallback(); cb != nil {
			got = append(got, f.GetProvider()+" "+cb.GetRoute())
		}
	}
	sort.Strings(got)
	if strings.Join(got, ",") != "gcp /signin-google,github /signin-github" {
		t.Errorf("callbacks = %v", got)
	}
}
