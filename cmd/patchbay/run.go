package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/spf13/cobra"
)

func newRunCmd() *cobra.Command {
	var wf workspaceFlags
	cmd := &cobra.Command{
		Use:   "run [--env NAME] -- CMD [ARGS...]",
		Short: "Run a command with the environment's variables injected",
		Long: `Run a command with the variables Patchbay provides for an environment,
under the names the code reads. Values from Patchbay override the same names
in the current environment; nothing is written to disk.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, c, err := wf.open(cmd.Context())
			if err != nil {
				return err
			}
			vars, err := fetchVariables(cmd.Context(), c, root, wf.env, true)
			if err != nil {
				return err
			}
			env := os.Environ()
			for _, v := range vars {
				if v.GetProvided() {
					env = append(env, v.GetName()+"="+v.GetValue())
				} else {
					fmt.Fprintf(cmd.ErrOrStderr(), "patchbay: note: %s is not provided: %s\n", v.GetName(), v.GetSource())
				}
			}
			child := exec.CommandContext(cmd.Context(), args[0], args[1:]...)
			child.Env = env
			child.Stdin, child.Stdout, child.Stderr = cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr()
			if err := child.Run(); err != nil {
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					return &exitError{code: ee.ExitCode(), err: fmt.Errorf("%s exited with status %d", args[0], ee.ExitCode())}
				}
				return fmt.Errorf("run %s: %w", args[0], err)
			}
			return nil
		},
	}
	wf.add(cmd)
	// Flags after CMD belong to CMD.
	cmd.Flags().SetInterspersed(false)
	return cmd
}
