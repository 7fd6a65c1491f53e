package ruby

import (
	"testing"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter/frontendtest"
)

var sample = frontendtest.Sample{
	Src:         "require \"stripe\"\nStripe.api_key = ENV[\"STRIPE_SECRET_KEY\"]\n",
	FirstImport: "stripe",
	FirstEnv:    "STRIPE_SECRET_KEY",
}

func TestQueryCompiles(t *testing.T) { frontendtest.Smoke(t, Lang, sample) }

func FuzzExtract(f *testing.F) { frontendtest.Fuzz(f, Lang, sample) }
