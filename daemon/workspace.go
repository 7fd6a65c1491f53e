package daemon

import (
	"context"
	"errors"
	"path/filepath"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/patchbay-dev/patchbay/analyzer"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// workspaceServer implements patchbayv1connect.WorkspaceServiceHandler.
type workspaceServer struct{ s *Server }

func (w *workspaceServer) Analyze(ctx context.Context, req *connect.Request[patchbayv1.AnalyzeRequest]) (*connect.Response[patchbayv1.AnalyzeResponse], error) {
	root := req.Msg.GetRoot()
	if !filepath.IsAbs(root) {
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("root must be an absolute path"))
	}
	res, err := w.s.analyzer.Analyze(ctx, filepath.Clean(root), analyzer.Request{
		Changed: req.Msg.GetChangedPaths(),
		Full:    req.Msg.GetFull(),
	})
	if err != nil {
		return nil, err
	}
	w.s.recordAnalysis(&patchbayv1.WorkspaceSummary{
		Root:       res.Root,
		Services:   uint32(len(res.Services)),
		Findings:   uint32(len(res.Findings)),
		AnalyzedAt: timestamppb.Now(),
	}, req.Msg.GetChangedPaths())
	return connect.NewResponse(&patchbayv1.AnalyzeResponse{
		Root:        res.Root,
		Services:    res.Services,
		Findings:    res.Findings,
		Diagnostics: res.Diagnostics,
		Stats:       res.Stats,
	}), nil
}

func (w *workspaceServer) Watch(context.Context, *connect.Request[patchbayv1.WatchRequest], *connect.ServerStream[patchbayv1.WatchResponse]) error {
	return connect.NewError(connect.CodeUnimplemented, errors.New("WorkspaceService.Watch is not implemented yet"))
}

func (w *workspaceServer) SetOverlay(context.Context, *connect.Request[patchbayv1.SetOverlayRequest]) (*connect.Response[patchbayv1.SetOverlayResponse], error) {
	return nil, connect.NewError(connect.CodeUnimplemented, errors.New("WorkspaceService.SetOverlay is not implemented yet"))
}
