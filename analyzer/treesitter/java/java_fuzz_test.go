package java

import (
	"testing"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter/frontendtest"
)

var sample = frontendtest.Sample{
	Src:         "import com.stripe.Stripe;\nclass A { void f() { Stripe.apiKey = System.getenv(\"STRIPE_SECRET_KEY\"); } }\n",
	FirstImport: "com.stripe.Stripe",
	FirstEnv:    "STRIPE_SECRET_KEY",
}

func TestQueryCompiles(t *testing.T) { frontendtest.Smoke(t, Lang, sample) }

func FuzzExtract(f *testing.F) { frontendtest.Fuzz(f, Lang, sample) }
