package analyzer

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering enforces ARCHITECTURE.md's dependency direction: the analyzer
// (and everything below it) imports neither the daemon nor connect nor the
// keyring.
func TestLayering(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := []string{
		"github.com/patchbay-dev/patchbay/daemon",
		"github.com/patchbay-dev/patchbay/vault",
		"github.com/patchbay-dev/patchbay/engine",
		"connectrpc.com/connect",
		"github.com/99designs/keyring",
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if dep == f || strings.HasPrefix(dep, f+"/") {
				t.Errorf("analyzer depends on %s", dep)
			}
		}
	}
}
