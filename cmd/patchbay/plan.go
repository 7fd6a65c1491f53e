package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

func newPlanCmd() *cobra.Command {
	var wf workspaceFlags
	var af analyzeFlag
	var destroy, asJSON bool
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what provisioning the environment would change (read-only)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := dialer(cmd.Context())
			if err != nil {
				return err
			}
			root, err := af.root(&wf, c)
			if err != nil {
				return err
			}
			req, err := af.planRequest(cmd.Context(), c, root, wf.env, destroy)
			if err != nil {
				return err
			}
			resp, err := c.Provision.Plan(cmd.Context(), connect.NewRequest(req))
			if err != nil {
				return err
			}
			p := resp.Msg.GetPlan()
			if asJSON {
				b, err := protojson.MarshalOptions{Multiline: true}.Marshal(p)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), string(b))
				return nil
			}
			fmt.Fprint(cmd.OutOrStdout(), p.GetSummary())
			if hasChanges(p) {
				fmt.Fprintf(cmd.OutOrStdout(), "\nPlan %s. Apply it with: patchbay apply %s\n", p.GetId(), p.GetId())
			}
			return nil
		},
	}
	wf.add(cmd)
	af.add(cmd)
	cmd.Flags().BoolVar(&destroy, "destroy", false, "plan the removal of everything the environment created")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the plan as JSON")
	return cmd
}

func hasChanges(p *patchbayv1.Plan) bool {
	for _, s := range p.GetSteps() {
		if s.GetAction() != patchbayv1.StepAction_STEP_ACTION_NOOP {
			return true
		}
	}
	return false
}

// confirm asks on stdin unless yes is set.
func confirm(cmd *cobra.Command, question string, yes bool) error {
	if yes {
		return nil
	}
	fmt.Fprintf(cmd.OutOrStdout(), "\n%s [y/N] ", question)
	line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return errors.New("not confirmed; nothing changed (pass --yes to skip the question)")
}

// applyAndFollow applies a plan and prints progress until the final event.
func applyAndFollow(cmd *cobra.Command, c *client, planID string) error {
	stream, err := c.Provision.Apply(cmd.Context(), connect.NewRequest(&patchbayv1.ApplyRequest{PlanId: planID}))
	if err != nil {
		return err
	}
	defer stream.Close()
	var final *patchbayv1.OperationProgress
	for stream.Receive() {
		p := stream.Msg().GetProgress()
		printProgress(cmd.OutOrStdout(), p)
		if p.GetState() != patchbayv1.OperationState_OPERATION_STATE_RUNNING {
			final = p
		}
	}
	if err := stream.Err(); err != nil {
		return err
	}
	if final == nil {
		return errors.New("the daemon ended the operation without a final state")
	}
	if final.GetState() != patchbayv1.OperationState_OPERATION_STATE_COMPLETED {
		return &exitError{code: 2, err: errors.New(final.GetMessage())}
	}
	return nil
}

var stepWords = map[patchbayv1.StepState]string{
	patchbayv1.StepState_STEP_STATE_RUNNING: "…",
	patchbayv1.StepState_STEP_STATE_DONE:    "✓",
	patchbayv1.StepState_STEP_STATE_FAILED:  "✗",
	patchbayv1.StepState_STEP_STATE_SKIPPED: "-",
}

func printProgress(w io.Writer, p *patchbayv1.OperationProgress) {
	if p.GetStepId() == "" {
		fmt.Fprintf(w, "%s\n", p.GetMessage())
		return
	}
	word, ok := stepWords[p.GetStepState()]
	if !ok {
		return // pending: the plan already listed the steps
	}
	fmt.Fprintf(w, "[%d/%d] %s %s: %s\n", p.GetDone(), p.GetTotal(), word, p.GetStepId(), p.GetMessage())
}

func newApplyCmd() *cobra.Command {
	var wf workspaceFlags
	var af analyzeFlag
	var yes bool
	cmd := &cobra.Command{
		Use:   "apply [PLAN_ID]",
		Short: "Apply a plan (or plan, confirm and apply)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := dialer(cmd.Context())
			if err != nil {
				return err
			}
			if len(args) == 1 {
				return applyAndFollow(cmd, c, args[0])
			}
			root, err := af.root(&wf, c)
			if err != nil {
				return err
			}
			req, err := af.planRequest(cmd.Context(), c, root, wf.env, false)
			if err != nil {
				return err
			}
			resp, err := c.Provision.Plan(cmd.Context(), connect.NewRequest(req))
			if err != nil {
				return err
			}
			p := resp.Msg.GetPlan()
			fmt.Fprint(cmd.OutOrStdout(), p.GetSummary())
			if !hasChanges(p) {
				return nil
			}
			if err := confirm(cmd, "Apply these changes?", yes); err != nil {
				return err
			}
			return applyAndFollow(cmd, c, p.GetId())
		},
	}
	wf.add(cmd)
	af.add(cmd)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func newDestroyCmd() *cobra.Command {
	var wf workspaceFlags
	var yes bool
	cmd := &cobra.Command{
		Use:   "destroy",
		Short: "Delete everything the environment created at the providers (adopted objects stay)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			root, c, err := wf.open(cmd.Context())
			if err != nil {
				return err
			}
			resp, err := c.Provision.Plan(cmd.Context(), connect.NewRequest(&patchbayv1.PlanRequest{WorkspaceRoot: root, Environment: wf.env, Destroy: true}))
			if err != nil {
				return err
			}
			p := resp.Msg.GetPlan()
			fmt.Fprint(cmd.OutOrStdout(), p.GetSummary())
			if !hasChanges(p) {
				return nil
			}
			if err := confirm(cmd, fmt.Sprintf("Destroy these resources of %q?", wf.env), yes); err != nil {
				return err
			}
			// The reviewed destroy plan is what runs, not a fresh one.
			return applyAndFollow(cmd, c, p.GetId())
		},
	}
	wf.add(cmd)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}
