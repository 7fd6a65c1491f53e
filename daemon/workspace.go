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

var errRelativeRoot = errors.New("root must be an absolute path")

func (w *workspaceServer) Analyze(ctx context.Context, req *connect.Request[patchbayv1.AnalyzeRequest]) (*connect.Response[patchbayv1.AnalyzeResponse], error) {
	root := req.Msg.GetRoot()
	if !filepath.IsAbs(root) {
		return nil, connect.NewError(connect.CodeInvalidArgument, errRelativeRoot)
	}
	res, err := w.s.analyzer.Analyze(ctx, filepath.Clean(root), analyzer.Request{
		Changed: req.Msg.GetChangedPaths(),
		Full:    req.Msg.GetFull(),
	})
	if err != nil {
		return nil, err
	}
	w.s.recordAnalysis(summarize(res), req.Msg.GetChangedPaths())
	return connect.NewResponse(toResponse(res)), nil
}

// Watch streams the first analysis, then one per batch of file changes,
// until the client goes away.
func (w *workspaceServer) Watch(ctx context.Context, req *connect.Request[patchbayv1.WatchRequest], stream *connect.ServerStream[patchbayv1.WatchResponse]) error {
	root := req.Msg.GetRoot()
	if !filepath.IsAbs(root) {
		return connect.NewError(connect.CodeInvalidArgument, errRelativeRoot)
	}
	events, err := w.s.analyzer.Watch(ctx, filepath.Clean(root))
	if err != nil {
		return err
	}
	// sent is the analysis the client holds, for deltas.
	var sent *analyzer.Indexed
	for ev := range events {
		if ev.Err != nil {
			w.s.log.Warn("workspace watch", "root", root, "err", ev.Err)
			continue
		}
		w.s.recordAnalysis(summarize(ev.Result), ev.Changed)
		msg := &patchbayv1.WatchResponse{ChangedPaths: ev.Changed}
		if req.Msg.GetDeltas() {
			d, next, ok := analyzer.Diff(sent, ev.Result)
			if ok {
				msg.Delta = d
			}
			sent = next
		}
		if msg.Delta == nil {
			msg.Analysis = toResponse(ev.Result)
		}
		if err := stream.Send(msg); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (w *workspaceServer) SetOverlay(ctx context.Context, req *connect.Request[patchbayv1.SetOverlayRequest]) (*connect.Response[patchbayv1.SetOverlayResponse], error) {
	root := req.Msg.GetRoot()
	if !filepath.IsAbs(root) {
		return nil, connect.NewError(connect.CodeInvalidArgument, errRelativeRoot)
	}
	var content []byte
	if !req.Msg.GetClear() {
		content = []byte(req.Msg.GetContent())
	}
	findings, err := w.s.analyzer.SetOverlay(ctx, filepath.Clean(root), req.Msg.GetPath(), content)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&patchbayv1.SetOverlayResponse{Findings: findings}), nil
}

func summarize(res *analyzer.Result) *patchbayv1.WorkspaceSummary {
	return &patchbayv1.WorkspaceSummary{
		Root:       res.Root,
		Services:   uint32(len(res.Services)),
		Findings:   uint32(len(res.Findings)),
		AnalyzedAt: timestamppb.Now(),
	}
}

func toResponse(res *analyzer.Result) *patchbayv1.AnalyzeResponse {
	return &patchbayv1.AnalyzeResponse{
		Root:        res.Root,
		Services:    res.Services,
		Findings:    res.Findings,
		Diagnostics: res.Diagnostics,
		Stats:       res.Stats,
	}
}
