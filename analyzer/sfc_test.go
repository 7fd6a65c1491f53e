package analyzer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScriptBlocks(t *testing.T) {
	src := "<template>\n  <p>{{ stripe }}</p>\n</template>\n<script setup lang=\"ts\">\nimport Stripe from 'stripe'\n</script>\n"
	got := string(scriptBlocks([]byte(src)))
	if len(got) != len(src) {
		t.Fatalf("length changed: %d != %d", len(got), len(src))
	}
	// Every line but the script's is blanked, lengths kept.
	lines := strings.SplitAfter(src, "\n")
	for i, l := range lines {
		if i != 4 {
			lines[i] = strings.Repeat(" ", len(strings.TrimSuffix(l, "\n"))) + l[len(strings.TrimSuffix(l, "\n")):]
		}
	}
	if want := strings.Join(lines, ""); got != want {
		t.Errorf("scriptBlocks =\n%q\nwant\n%q", got, want)
	}
	astro := "---\nimport Stripe from 'stripe'\n---\n<h1>x</h1>\n"
	if got := string(scriptBlocks([]byte(astro))); got != "   \nimport Stripe from 'stripe'\n   \n          \n" {
		t.Errorf("astro frontmatter: %q", got)
	}
}

// TestSingleFileComponents: SDK use and env reads in the scripts of Vue,
// Svelte and Astro components are found at their lines.
func TestSingleFileComponents(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	files := map[string]string{
		"package.json":          `{"name":"web","dependencies":{"@stripe/stripe-js":"^4","stripe":"^18"}}`,
		"pages/pay.vue":         "<template><div/></template>\n<script setup>\nimport { loadStripe } from '@stripe/stripe-js'\nconst s = await loadStripe(import.meta.env.VITE_STRIPE_KEY)\n</script>\n",
		"src/Pay.svelte":        "<script>\n  import { PUBLIC_STRIPE_KEY } from '$env/static/public'\n</script>\n<p>pay</p>\n",
		"src/pages/index.astro": "---\nimport Stripe from 'stripe'\nconst stripe = new Stripe(import.meta.env.STRIPE_SECRET_KEY)\n---\n<h1>shop</h1>\n",
	}
	for rel, body := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := New(Options{NoGoPackages: true}).Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		path string
		line uint32
		what string
	}
	got := map[key]bool{}
	for _, f := range res.Findings {
		what := f.GetKind().String() + " " + f.GetEnvVar().GetName()
		got[key{f.GetLocation().GetPath(), f.GetLocation().GetStartLine(), what}] = true
	}
	for _, want := range []key{
		{"pages/pay.vue", 3, "SDK_USAGE "},
		{"pages/pay.vue", 4, "ENV_REFERENCE VITE_STRIPE_KEY"},
		{"src/Pay.svelte", 2, "ENV_REFERENCE PUBLIC_STRIPE_KEY"},
		{"src/pages/index.astro", 2, "SDK_USAGE "},
		{"src/pages/index.astro", 3, "ENV_REFERENCE STRIPE_SECRET_KEY"},
	} {
		if !got[want] {
			t.Errorf("missing %+v; got %v", want, got)
		}
	}
}
