package daemon

import (
	"context"
	"errors"
	"fmt"
	"os"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// daemonServer implements patchbayv1connect.DaemonServiceHandler.
type daemonServer struct{ s *Server }

func (d *daemonServer) Version(context.Context, *connect.Request[patchbayv1.VersionRequest]) (*connect.Response[patchbayv1.VersionResponse], error) {
	b := d.s.build
	return connect.NewResponse(&patchbayv1.VersionResponse{
		Version:   b.Version,
		Commit:    b.Commit,
		GoVersion: b.GoVersion,
		Api:       "patchbay.v1",
		Pid:       int64(os.Getpid()),
		StartedAt: timestamppb.New(d.s.started),
	}), nil
}

func (d *daemonServer) WatchEvents(ctx context.Context, _ *connect.Request[patchbayv1.WatchEventsRequest], stream *connect.ServerStream[patchbayv1.WatchEventsResponse]) error {
	team := "" // a local daemon's subscribers see everything
	if d.s.cfg.Users != nil {
		team = engine.TeamOf(ctx) // a server's, their team's events only
	}
	sub := d.s.bus.subscribe(team)
	defer sub.Close()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-d.s.stop:
			return connect.NewError(connect.CodeUnavailable, errors.New("daemon is shutting down"))
		case ev, ok := <-sub.C:
			if !ok {
				return sub.Err()
			}
			if err := stream.Send(&patchbayv1.WatchEventsResponse{Event: ev}); err != nil {
				// Mostly the write deadline: the client stopped reading.
				d.s.log.Warn("event subscriber dropped: it stopped reading", "timeout", d.s.cfg.StreamWriteTimeout, "err", err)
				return connect.NewError(connect.CodeDeadlineExceeded,
					fmt.Errorf("event subscriber stopped reading for %s and was dropped; reconnect to get a fresh snapshot", d.s.cfg.StreamWriteTimeout))
			}
		}
	}
}

func (d *daemonServer) Shutdown(context.Context, *connect.Request[patchbayv1.ShutdownRequest]) (*connect.Response[patchbayv1.ShutdownResponse], error) {
	d.s.log.Info("shutdown requested over the API")
	d.s.requestStop()
	return connect.NewResponse(&patchbayv1.ShutdownResponse{}), nil
}
