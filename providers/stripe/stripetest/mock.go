package stripetest

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// StartMock runs the official stripe-mock on loopback for the life of the
// test and returns its base URL. The binary is $STRIPE_MOCK_BIN, else the
// .bin/stripe-mock that `make tools` installs at the module root, else
// stripe-mock on PATH. Without one the test is skipped — or fails when
// PATCHBAY_REQUIRE_TOOLS is set, as `make test` does.
func StartMock(t testing.TB) string {
	t.Helper()
	bin := mockBinary()
	if bin == "" {
		const how = "stripe-mock not installed (run `make tools`, or GOBIN=$PWD/.bin go install github.com/stripe/stripe-mock@v0.203.0)"
		if os.Getenv("PATCHBAY_REQUIRE_TOOLS") != "" {
			t.Fatal(how)
		}
		t.Skip(how)
	}
	httpAddr, httpsAddr := freeAddr(t), freeAddr(t)
	// stripe-mock listens for HTTPS on every interface unless told where.
	cmd := exec.Command(bin, "-http-addr", httpAddr, "-https-addr", httpsAddr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	for deadline := time.Now().Add(30 * time.Second); ; {
		c, err := net.DialTimeout("tcp", httpAddr, time.Second)
		if err == nil {
			c.Close()
			return "http://" + httpAddr
		}
		if time.Now().After(deadline) {
			t.Fatalf("stripe-mock did not listen on %s: %v", httpAddr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func mockBinary() string {
	if bin := os.Getenv("STRIPE_MOCK_BIN"); bin != "" {
		return bin
	}
	if dir, err := os.Getwd(); err == nil {
		for ; ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				if bin := filepath.Join(dir, ".bin", "stripe-mock"); fileExists(bin) {
					return bin
				}
				break
			}
			if dir == filepath.Dir(dir) {
				break
			}
		}
	}
	if bin, err := exec.LookPath("stripe-mock"); err == nil {
		return bin
	}
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
