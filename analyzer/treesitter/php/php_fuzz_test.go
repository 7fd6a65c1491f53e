package php

import (
	"context"
	"testing"
	"time"
)

var smokeSource = []byte("<?php\nuse Stripe\\StripeClient;\n$k = getenv(\"STRIPE_SECRET_KEY\");\n")

// TestQueryCompiles checks the embedded query compiled (at package init,
// through MustNew) and still finds what it is for.
func TestQueryCompiles(t *testing.T) {
	t.Parallel()
	if Lang.Query().PatternCount() == 0 {
		t.Fatal("empty query")
	}
	f, err := Lang.Extract(context.Background(), smokeSource)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Imports) == 0 || f.Imports[0].Path != "Stripe\\StripeClient" {
		t.Errorf("imports = %+v, want first %q", f.Imports, "Stripe\\StripeClient")
	}
	if len(f.Env) == 0 || f.Env[0].Name != "STRIPE_SECRET_KEY" {
		t.Errorf("env = %+v, want first %q", f.Env, "STRIPE_SECRET_KEY")
	}
}

// FuzzExtract: malformed, truncated and non-UTF-8 input never panics or
// hangs, and every span is well formed.
func FuzzExtract(f *testing.F) {
	f.Add(smokeSource)
	f.Add(smokeSource[:len(smokeSource)/2])
	f.Add([]byte("\xff\xfe\x00"))
	f.Add([]byte("((((((((((((((((((((((((((((((((((((((((((((((((((("))
	f.Fuzz(func(t *testing.T, src []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		out, err := Lang.Extract(ctx, src)
		if err != nil {
			return
		}
		for _, e := range out.Env {
			if e.Span.StartLine == 0 || e.Span.EndLine < e.Span.StartLine {
				t.Fatalf("bad span %+v", e.Span)
			}
		}
		for _, i := range out.Imports {
			if i.Span.StartLine == 0 || i.Span.EndLine < i.Span.StartLine {
				t.Fatalf("bad span %+v", i.Span)
			}
		}
	})
}
