package analyzer

import (
	"strings"
	"testing"
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
		`fetch("https://example.com/oauth/token")`:                      true,
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

// TestBasePathNeedsLiteral: Next.js's and NextAuth's basePath matters only
// as an option with a string value.
func TestBasePathNeedsLiteral(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]bool{
		`module.exports = { basePath: '/docs' }`: true,
		`NextAuth({ "basePath": "/auth" })`:      true,
		`const { basePath } = config`:            false,
		`url = basePath + "/x"`:                  false,
		`{ basePath: config.basePath }`:          false,
	} {
		if got := jsKeyWithLiteral([]byte(src), strings.Index(src, "basePath")); got != want {
			t.Errorf("jsKeyWithLiteral(%q) = %v, want %v", src, got, want)
		}
	}
}
