package csharp

import (
	"testing"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter/frontendtest"
)

var sample = frontendtest.Sample{
	Src:         "using Stripe;\nvar k = Environment.GetEnvironmentVariable(\"STRIPE_SECRET_KEY\");\n",
	FirstImport: "Stripe",
	FirstEnv:    "STRIPE_SECRET_KEY",
}

func TestQueryCompiles(t *testing.T) { frontendtest.Smoke(t, Lang, sample) }

func FuzzExtract(f *testing.F) { frontendtest.Fuzz(f, Lang, sample) }
