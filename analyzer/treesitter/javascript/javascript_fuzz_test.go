package javascript

import (
	"testing"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter/frontendtest"
)

var sample = frontendtest.Sample{
	Src:         "import Stripe from \"stripe\";\nconst k = process.env.STRIPE_SECRET_KEY;\n",
	FirstImport: "stripe",
	FirstEnv:    "STRIPE_SECRET_KEY",
}

func TestQueryCompiles(t *testing.T) { frontendtest.Smoke(t, Lang, sample) }

func FuzzExtract(f *testing.F) { frontendtest.Fuzz(f, Lang, sample) }
