package contracttest

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the mock end with the test binary even when the
// binary is killed (a go test timeout) before its cleanups run.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
