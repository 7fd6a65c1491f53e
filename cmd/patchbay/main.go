// Command patchbay is Patchbay's one binary: the daemon and the CLI.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"
)

// globals are the flags every command shares.
type globals struct {
	home    string
	noStart bool
}

var g globals

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd()
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "patchbay:", err)
		os.Exit(exitCode(err))
	}
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "patchbay",
		Short: "Wire your app to the third-party services it uses",
		Long: `Patchbay finds the third-party services your code uses (Stripe, Auth0,
SendGrid, AWS, ...), keeps their credentials in your OS keyring, provisions
what the app needs at each provider and keeps it in step with your URLs.

Most commands talk to the local daemon and start it when it is not running.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&g.home, "home", "", "state directory (default $PATCHBAY_HOME, else the user config dir + /patchbay)")
	root.PersistentFlags().BoolVar(&g.noStart, "no-start", false, "fail instead of starting the daemon when it is not running")
	root.AddCommand(
		newVersionCmd(),
		newDaemonCmd(),
		newScanCmd(),
		newAnalyzeCmd(),
		newEventsCmd(),
		newKeysCmd(),
		newCredsCmd(),
		newProvidersCmd(),
		newAskCmd(),
		newEnvCmd(),
		newPlanCmd(),
		newApplyCmd(),
		newDestroyCmd(),
		newRunCmd(),
		newMapCmd(),
		newMCPCmd(),
		newApproveCmd(),
		newServerCmd(),
		newLoginCmd(),
		newLogoutCmd(),
		newTeamCmd(),
	)
	return root
}

// homeDir resolves the state directory: --home, $PATCHBAY_HOME, then the
// user's config directory.
func homeDir() (string, error) {
	if g.home != "" {
		return filepath.Abs(g.home)
	}
	if h := os.Getenv("PATCHBAY_HOME"); h != "" {
		return filepath.Abs(h)
	}
	cfg, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find a config directory (set PATCHBAY_HOME): %w", err)
	}
	return filepath.Join(cfg, "patchbay"), nil
}

// exitError carries a specific exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}
