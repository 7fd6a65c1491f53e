package daemon

import (
	"context"
	"errors"
	"log/slog"

	"connectrpc.com/connect"
)

// Domain packages return plain or typed errors; this is the one place that
// turns them into connect codes (connect-go error.go, buf syserror). A domain
// error that implements ConnectCode() (or is a *connect.Error) keeps its
// code; sentinels registered with registerErrorClass get theirs. Anything
// unclassified is logged loudly and reaches the client as CodeUnknown with
// its message: domain packages guarantee their error texts carry no secret
// (tests scan them), and a clear message beats a generic one. Panics are
// recovered by connect.WithRecover in server.go and become CodeInternal.

// coder is implemented by domain errors that know their class.
type coder interface {
	error
	ConnectCode() connect.Code
}

// errorClasses maps sentinel errors of domain packages to codes; packages
// register theirs in mapping tables next to their handlers.
var errorClasses = map[error]connect.Code{}

func registerErrorClass(err error, code connect.Code) { errorClasses[err] = code }

func toConnectError(log *slog.Logger, procedure string, err error) error {
	if err == nil {
		return nil
	}
	var ce *connect.Error
	if errors.As(err, &ce) {
		return err
	}
	switch {
	case errors.Is(err, context.Canceled):
		return connect.NewError(connect.CodeCanceled, err)
	case errors.Is(err, context.DeadlineExceeded):
		return connect.NewError(connect.CodeDeadlineExceeded, err)
	}
	var c coder
	if errors.As(err, &c) {
		return connect.NewError(c.ConnectCode(), err)
	}
	for sentinel, code := range errorClasses {
		if errors.Is(err, sentinel) {
			return connect.NewError(code, err)
		}
	}
	log.Error("unclassified error", "procedure", procedure, "err", err)
	return connect.NewError(connect.CodeUnknown, err)
}

// errorInterceptor applies toConnectError to every unary and streaming
// handler.
func errorInterceptor(log *slog.Logger) connect.Interceptor { return &errInterceptor{log: log} }

type errInterceptor struct{ log *slog.Logger }

func (i *errInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		resp, err := next(ctx, req)
		return resp, toConnectError(i.log, req.Spec().Procedure, err)
	}
}

func (i *errInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (i *errInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		return toConnectError(i.log, conn.Spec().Procedure, next(ctx, conn))
	}
}
