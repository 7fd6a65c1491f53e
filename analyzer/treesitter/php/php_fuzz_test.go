package php

import (
	"testing"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter/frontendtest"
)

var sample = frontendtest.Sample{
	Src:         "<?php\nuse Stripe\\StripeClient;\n$k = getenv(\"STRIPE_SECRET_KEY\");\n",
	FirstImport: "Stripe\\StripeClient",
	FirstEnv:    "STRIPE_SECRET_KEY",
}

func TestQueryCompiles(t *testing.T) { frontendtest.Smoke(t, Lang, sample) }

func FuzzExtract(f *testing.F) { frontendtest.Fuzz(f, Lang, sample) }
