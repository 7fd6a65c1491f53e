package analyzer

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
)

func TestPrefilter(t *testing.T) {
	t.Parallel()
	p := newPrefilter().add(classEnv, needles("process.env", "Getenv")).add(classImport, needles(`"stripe`, "x"))
	for src, want := range map[string]uint8{
		"const a = process.env.A":      classEnv,
		`import s from "stripe"`:       classImport,
		`os.Getenv("A"); "stripe"`:     classEnv | classImport,
		"nothing to see; process.envy": classEnv,
		"proc ess.env":                 0,
		"":                             0,
		"x":                            0, // one-byte needles are ignored
		`"strip`:                       0,
	} {
		if got := p.scan([]byte(src)); got != want {
			t.Errorf("scan(%q) = %b, want %b", src, got, want)
		}
	}
}

// TestJSHookWordsInContext: in JavaScript, OAuth words make a file worth
// parsing for routes only as an option key with a literal value or inside
// a quoted path, which is where the query can turn them into facts.
func TestJSHookWordsInContext(t *testing.T) {
	t.Parallel()
	p := newPrefilter().addChecked(classHook, jsOAuthNeedles, jsKeyOrPath).add(classHook, webhookNeedles)
	for src, want := range map[string]bool{
		`passport.use(new Strategy({ callbackURL: "/auth/callback" }))`: true,
		`{ "redirect_uri": 'https://app.example.com/cb' }`:              true,
		"{ redirectUri:\n  `https://${host}/cb` }":                      true,
		`cors({ origin: ['https://app.example.com'] })`:                 true,
		`router.get('/sign-out', logout)`:                               true,
		`res.oidc.logout({ returnTo: 'https://app.example.com/bye' })`:  true,
		`fetch("https://example.com/oauth/token")`:                      false, // a provider endpoint
		`app.get("/oauth/github", start)`:                               true,
		`{ callbackURL: /* set below */ "" }`:                           true,
		`stripe.webhooks.constructEvent(body, sig, secret)`:             true, // webhook words count anywhere
		`function done(err, callback) { callback(err) }`:                false,
		`return res.redirect(url)`:                                      false,
		`const origin = req.headers.origin`:                             false,
		`interface Options { callbackURL: string }`:                     false,
		`"callback"`: false, // a word, not a path
		`callback`:   false,
	} {
		if got := p.match([]byte(src)); got != want {
			t.Errorf("match(%q) = %v, want %v", src, got, want)
		}
	}
}

// TestPathOptions: Next.js's and NextAuth's basePath and Koa's and
// Fastify's prefix matter only as options whose value is a path.
func TestPathOptions(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]bool{
		`module.exports = { basePath: '/docs' }`:         true,
		`NextAuth({ "basePath": "/auth" })`:              true,
		`new Router({ prefix: "/api" })`:                 true,
		"fastify.register(routes, { prefix: `/v${n}` })": true,
		`const { basePath } = config`:                    false,
		`url = basePath + "/x"`:                          false,
		`{ basePath: config.basePath }`:                  false,
		`{ basePath: '' }`:                               false,
		`s3.list({ prefix: 'uploads-' })`:                false,
	} {
		at := strings.Index(src, "basePath")
		if at < 0 {
			at = strings.Index(src, "prefix")
		}
		if got := jsKeyWithPath([]byte(src), at, -1); got != want {
			t.Errorf("jsKeyWithPath(%q) = %v, want %v", src, got, want)
		}
	}
}

// TestEnvCallsNeedLiteral: env-reading calls make a file worth parsing
// only when called with a literal name, the only reads the front ends
// report.
func TestEnvCallsNeedLiteral(t *testing.T) {
	t.Parallel()
	goCall, jsCall := feGo.envCallCheck, feJS.envCallCheck
	for _, tc := range []struct {
		check  func([]byte, int, int) bool
		src    string
		needle string
		want   bool
	}{
		{goCall, `key := os.Getenv("STRIPE_KEY")`, "Getenv", true},
		{goCall, "os.LookupEnv(\n\t`HOME`)", "LookupEnv", true},
		{goCall, `v := getenvOr("PORT", "8080")`, "getenv", true},
		{goCall, `os.Getenv(/* name */ "X")`, "Getenv", true},
		{goCall, `return os.Getenv(key)`, "Getenv", false},
		{goCall, `f := os.Getenv`, "Getenv", false},
		{jsCall, `const k = getEnv('STRIPE_KEY')`, "Env(", true},
		{jsCall, `configService.getOrThrow("AUTH0_DOMAIN")`, "onfigService.get", true},
		{jsCall, `if (isBrowserEnv()) {}`, "Env(", false},
		{jsCall, `config.get(key)`, "config.get", false},
	} {
		if got := tc.check([]byte(tc.src), strings.Index(tc.src, tc.needle), strings.Index(tc.src, tc.needle)+len(tc.needle)); got != tc.want {
			t.Errorf("%q at %q = %v, want %v", tc.src, tc.needle, got, tc.want)
		}
	}
}

// TestNonLiteralEnvReadsAreNotParsed: the mechanism behind the check.
func TestNonLiteralEnvReadsAreNotParsed(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"go.mod":       "module example.com/x\n\ngo 1.22\n",
		"lib/dyn.go":   "package lib\n\nimport \"os\"\n\nfunc Get(k string) string { return os.Getenv(k) }\n",
		"lib/port.go":  "package lib\n\nimport \"os\"\n\nvar Port = os.Getenv(\"PORT\")\n",
		"web/env.js":   "export const isNode = () => isBrowserEnv() === false;\n",
		"web/lit.js":   "const k = getEnv('API_KEY');\n",
		"web/proc.js":  "const m = process.env.NODE_ENV;\n", // the lexical path
		"package.json": `{"name": "web"}`,
	})
	a := New(Options{NoGoPackages: true})
	res, err := a.Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if got := a.parses.Load(); got != 2 {
		t.Errorf("parsed %d files, want 2 (lib/port.go and web/lit.js)", got)
	}
	var names []string
	for _, f := range res.Findings {
		if e := f.GetEnvVar(); e != nil {
			names = append(names, f.GetLocation().GetPath()+":"+e.GetName())
		}
	}
	sort.Strings(names)
	if want := "lib/port.go:PORT web/lit.js:API_KEY web/proc.js:NODE_ENV"; strings.Join(names, " ") != want {
		t.Errorf("env findings = %v, want %s", names, want)
	}
}

// FuzzPrefilter: the one-pass scan finds exactly the classes a
// bytes.Contains per needle finds, for needles of every length and any
// text.
func FuzzPrefilter(f *testing.F) {
	f.Add("const a = process.env.A; import s from \"stripe\"", "process.env", "\"stripe", "ab")
	f.Add("xxabcxx", "abc", "bc", "zz")
	f.Add("ab", "ab", "abc", "b")
	f.Fuzz(func(t *testing.T, src, n1, n2, n3 string) {
		for _, step2 := range []bool{true, false} {
			p := newPrefilter()
			want := uint8(0)
			for i, n := range []string{n1, n2, n3} {
				if !step2 && i == 2 && len(n) != 2 {
					n = "ab" // force the one-step scan
				}
				class := uint8(1) << i
				p.add(class, needles(n))
				if len(n) >= 2 && strings.Contains(src, n) {
					want |= class
				}
			}
			if got := p.scan([]byte(src)); got != want {
				t.Fatalf("scan(%q) with needles %q %q %q = %b, want %b", src, n1, n2, n3, got, want)
			}
		}
	})
}

// TestModuleNeedles: a quoted module name counts only where it ends, as
// import patterns without a wildcard match (the module or its sub-paths).
func TestModuleNeedles(t *testing.T) {
	t.Parallel()
	a := New(Options{})
	for src, want := range map[string]treesitter.Parts{
		`import Stripe from "stripe";`:                 treesitter.Calls,
		`const s = require('stripe/lib/stripe.js');`:   treesitter.Calls,
		"const r = await import(`redis`);":             treesitter.Calls,
		`const e = require("redis-errors");`:           treesitter.Base,
		`const u = 'mongodb+srv://' + host;`:           treesitter.Base,
		`fetch('googleapis.com/oauth2'); x.stripe = 1`: treesitter.Base,
		`import { S3 } from "@aws-sdk/client-s3";`:     treesitter.Calls, // a prefix pattern
	} {
		if got, _, _ := a.parts(feJS, []byte(src)); got != want {
			t.Errorf("parts(%q) = %v, want %v", src, got, want)
		}
	}
	if got, _, _ := a.parts(feGo, []byte("import \"github.com/stripe/stripe-go/v82\"\n")); got != treesitter.Calls {
		t.Errorf("Go module with a version suffix: parts = %v, want Calls", got)
	}
}

// TestConfigHelperReceivers: every receiver and method the query reads
// makes a file worth parsing (envalid's env.str("X") used to be missed).
func TestConfigHelperReceivers(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"package.json": `{"name": "web"}`,
		"a.js":         "const k = env.str('STRIPE_SECRET_KEY');\n",
		"b.ts":         "const d = this.configService.getOrThrow(\"AUTH0_DOMAIN\");\n",
		"c.js":         "const u = config.url('DATABASE_URL');\n",
		"d.js":         "const v = ENV.get('SENDGRID_API_KEY');\n",
	})
	res, err := New(Options{}).Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range res.Findings {
		if e := f.GetEnvVar(); e != nil {
			names = append(names, f.GetLocation().GetPath()+":"+e.GetName())
		}
	}
	sort.Strings(names)
	if want := "a.js:STRIPE_SECRET_KEY b.ts:AUTH0_DOMAIN c.js:DATABASE_URL d.js:SENDGRID_API_KEY"; strings.Join(names, " ") != want {
		t.Errorf("env findings = %v, want %s", names, want)
	}
}
