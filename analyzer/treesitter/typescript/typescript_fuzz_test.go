package typescript

import (
	"testing"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter/frontendtest"
)

var sample = frontendtest.Sample{
	Src:         "import { WebClient } from \"@slack/web-api\";\nconst t: string = process.env.SLACK_BOT_TOKEN!;\n",
	FirstImport: "@slack/web-api",
	FirstEnv:    "SLACK_BOT_TOKEN",
}

func TestQueryCompiles(t *testing.T) { frontendtest.Smoke(t, TS, sample) }

func TestQueryCompilesTSX(t *testing.T) { frontendtest.Smoke(t, TSX, sample) }

func FuzzExtract(f *testing.F) { frontendtest.Fuzz(f, TS, sample) }

func FuzzExtractTSX(f *testing.F) { frontendtest.Fuzz(f, TSX, sample) }
