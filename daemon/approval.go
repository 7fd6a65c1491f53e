package daemon

import (
	"context"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

var approvalOutcomes = map[engine.ApprovalOutcome]patchbayv1.ApprovalOutcome{
	engine.ApprovalApproved: patchbayv1.ApprovalOutcome_APPROVAL_OUTCOME_APPROVED,
	engine.ApprovalDenied:   patchbayv1.ApprovalOutcome_APPROVAL_OUTCOME_DENIED,
	engine.ApprovalTimeout:  patchbayv1.ApprovalOutcome_APPROVAL_OUTCOME_TIMEOUT,
	engine.ApprovalCanceled: patchbayv1.ApprovalOutcome_APPROVAL_OUTCOME_CANCELED,
}

func (h *provisionServer) RequestApproval(ctx context.Context, req *connect.Request[patchbayv1.RequestApprovalRequest]) (*connect.Response[patchbayv1.RequestApprovalResponse], error) {
	id, o, err := h.s.approvals.Request(ctx, req.Msg.GetPlanId(), req.Msg.GetRequester(), time.Duration(req.Msg.GetTimeoutSeconds())*time.Second)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&patchbayv1.RequestApprovalResponse{RequestId: id, Outcome: approvalOutcomes[o]}), nil
}

func (h *provisionServer) AnswerApprovalRequest(ctx context.Context, req *connect.Request[patchbayv1.AnswerApprovalRequestRequest]) (*connect.Response[patchbayv1.AnswerApprovalRequestResponse], error) {
	if err := h.s.approvals.Answer(ctx, req.Msg.GetId(), req.Msg.GetApprove()); err != nil {
		return nil, err
	}
	return connect.NewResponse(&patchbayv1.AnswerApprovalRequestResponse{}), nil
}

func (h *provisionServer) ListApprovalRequests(ctx context.Context, _ *connect.Request[patchbayv1.ListApprovalRequestsRequest]) (*connect.Response[patchbayv1.ListApprovalRequestsResponse], error) {
	return connect.NewResponse(&patchbayv1.ListApprovalRequestsResponse{Requests: h.s.pendingApprovalRequests(engine.TeamOf(ctx))}), nil
}

func toProtoApproval(r engine.ApprovalRequest) *patchbayv1.ApprovalRequest {
	return &patchbayv1.ApprovalRequest{Id: r.ID, PlanId: r.PlanID, WorkspaceRoot: r.WorkspaceRoot, Environment: r.Environment,
		Destroy: r.Destroy, Requester: r.Requester, Summary: r.Summary, ExpiresAt: timestamppb.New(r.ExpiresAt)}
}

// approvalEvents publishes approval requests on the bus.
type approvalEvents struct{ s *Server }

func (e approvalEvents) ApprovalOpened(r engine.ApprovalRequest) {
	e.s.publishTeam(&patchbayv1.Event{Payload: &patchbayv1.Event_ApprovalRequest{ApprovalRequest: toProtoApproval(r)}}, r.Team)
}

func (e approvalEvents) ApprovalClosed(id string, o engine.ApprovalOutcome) {
	e.s.publish(&patchbayv1.Event{Payload: &patchbayv1.Event_ApprovalRequestClosed{
		ApprovalRequestClosed: &patchbayv1.ApprovalRequestClosed{Id: id, Outcome: approvalOutcomes[o]}}})
}

// pendingApprovalRequests is the list of open approval requests of a team
// (of all teams for "": the event stream's snapshot).
func (s *Server) pendingApprovalRequests(team string) []*patchbayv1.ApprovalRequest {
	if s.approvals == nil {
		return nil
	}
	var out []*patchbayv1.ApprovalRequest
	for _, r := range s.approvals.Pending(team) {
		out = append(out, toProtoApproval(r))
	}
	return out
}
