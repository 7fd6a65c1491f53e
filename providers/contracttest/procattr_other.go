//go:build !linux

package contracttest

import "os/exec"

// dieWithParent has no portable equivalent off Linux; the test's cleanup
// stops the mock.
func dieWithParent(*exec.Cmd) {}
