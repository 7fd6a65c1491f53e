package javascript

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
)

func TestExtract(t *testing.T) {
	t.Parallel()
	src := []byte(`import Stripe from 'stripe';
const sg = require("@sendgrid/mail");
const mg = await import('mailgun.js');
const s = new Stripe(process.env.STRIPE_SECRET_KEY, { apiVersion: "x" });
const k = import.meta.env.VITE_KEY ?? "d";
const { A, B: b } = process.env;
const x = process.env["REDIS_URL"] || "redis://";
const notEnv = other.env.NOPE;
const y = require(name);
const c = config.get("SLACK_TOKEN");
`)
	got, err := Lang.Extract(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	wantImports := []string{"stripe import Stripe", "@sendgrid/mail require sg", "mailgun.js dynamic_import "}
	var gotImports []string
	for _, im := range got.Imports {
		gotImports = append(gotImports, im.Path+" "+im.Form+" "+im.Alias)
	}
	if d := cmp.Diff(wantImports, gotImports); d != "" {
		t.Errorf("imports (-want +got):\n%s", d)
	}
	want := []facts.Env{
		{Name: "STRIPE_SECRET_KEY", Callee: "Stripe", Span: facts.Span{StartLine: 4, StartCol: 22, EndLine: 4, EndCol: 51}},
		{Name: "VITE_KEY", HasDefault: true, Span: facts.Span{StartLine: 5, StartCol: 11, EndLine: 5, EndCol: 35}},
		{Name: "A", Span: facts.Span{StartLine: 6, StartCol: 9, EndLine: 6, EndCol: 10}},
		{Name: "B", Span: facts.Span{StartLine: 6, StartCol: 12, EndLine: 6, EndCol: 13}},
		{Name: "REDIS_URL", HasDefault: true, Span: facts.Span{StartLine: 7, StartCol: 11, EndLine: 7, EndCol: 35}},
		{Name: "SLACK_TOKEN", Span: facts.Span{StartLine: 10, StartCol: 11, EndLine: 10, EndCol: 36}},
	}
	if d := cmp.Diff(want, got.Env); d != "" {
		t.Errorf("env (-want +got):\n%s", d)
	}
}
