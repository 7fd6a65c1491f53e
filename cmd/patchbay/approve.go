package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

func newApproveCmd() *cobra.Command {
	var yes, deny, wait bool
	cmd := &cobra.Command{
		Use:   "approve [REQUEST_ID]",
		Short: "Answer a tool's request to apply or destroy (from 'patchbay mcp' and other agents)",
		Long: `Show an open approval request (the plan a tool such as an MCP client wants to
apply), then approve it after confirmation, or deny it with --deny. Without an
id, the only open request is taken; with --wait, the command waits for one.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := dialer(cmd.Context())
			if err != nil {
				return err
			}
			var id string
			if len(args) == 1 {
				id = args[0]
			}
			req, err := findApproval(cmd.Context(), c, id, wait)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			what := "apply"
			if req.GetDestroy() {
				what = "DESTROY"
			}
			fmt.Fprintf(out, "%s asks to %s plan %s for environment %q of %s (request %s, expires %s):\n\n%s",
				req.GetRequester(), what, req.GetPlanId(), req.GetEnvironment(), req.GetWorkspaceRoot(), req.GetId(),
				req.GetExpiresAt().AsTime().Local().Format(time.Kitchen), req.GetSummary())
			approve := !deny
			if approve {
				if err := confirm(cmd, "Approve?", yes); err != nil {
					approve = false
				}
			}
			if _, err := c.Provision.AnswerApprovalRequest(cmd.Context(), connect.NewRequest(&patchbayv1.AnswerApprovalRequestRequest{Id: req.GetId(), Approve: approve})); err != nil {
				return err
			}
			if approve {
				fmt.Fprintln(out, "Approved; the tool applies the plan now.")
				return nil
			}
			fmt.Fprintln(out, "Denied; nothing changes.")
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "approve without asking")
	cmd.Flags().BoolVar(&deny, "deny", false, "deny the request")
	cmd.Flags().BoolVar(&wait, "wait", false, "wait for a request when none is open")
	return cmd
}

// findApproval returns the open request with id, or the only open one;
// with wait it follows the event stream until one opens.
func findApproval(ctx context.Context, c *client, id string, wait bool) (*patchbayv1.ApprovalRequest, error) {
	list, err := c.Provision.ListApprovalRequests(ctx, connect.NewRequest(&patchbayv1.ListApprovalRequestsRequest{}))
	if err != nil {
		return nil, err
	}
	reqs := list.Msg.GetRequests()
	for _, r := range reqs {
		if r.GetId() == id {
			return r, nil
		}
	}
	switch {
	case id != "":
		return nil, fmt.Errorf("no open approval request %s (it was answered, timed out or its requester went away)", id)
	case len(reqs) == 1:
		return reqs[0], nil
	case len(reqs) > 1:
		msg := "several approval requests are open; name one:"
		for _, r := range reqs {
			msg += fmt.Sprintf("\n  %s  %s, plan %s for %q", r.GetId(), r.GetRequester(), r.GetPlanId(), r.GetEnvironment())
		}
		return nil, errors.New(msg)
	case !wait:
		return nil, errors.New("no approval request is open (pass --wait to wait for one)")
	}
	stream, err := c.Daemon.WatchEvents(ctx, connect.NewRequest(&patchbayv1.WatchEventsRequest{}))
	if err != nil {
		return nil, err
	}
	defer stream.Close()
	for stream.Receive() {
		ev := stream.Msg().GetEvent()
		if r := ev.GetApprovalRequest(); r != nil {
			return r, nil
		}
		if rs := ev.GetSnapshot().GetPendingApprovalRequests(); len(rs) > 0 {
			return rs[0], nil
		}
	}
	if err := stream.Err(); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return nil, errors.New("the event stream ended before an approval request opened")
}
