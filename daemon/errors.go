package daemon

import (
	"context"
	"errors"
	"log/slog"

	"connectrpc.com/connect"

	"github.com/patchbay-dev/patchbay/analyzer"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/gateway"
	"github.com/patchbay-dev/patchbay/internal/teams"
	"github.com/patchbay-dev/patchbay/store"
	"github.com/patchbay-dev/patchbay/vault"
)

// Domain packages return plain or typed errors; this is the one place that
// turns them into connect codes (connect-go error.go, buf syserror). A domain
// error that implements ConnectCode() (or is a *connect.Error) keeps its
// code; sentinels get theirs from errorTable. Anything unclassified is
// logged loudly and reaches the client as CodeUnknown with its message:
// domain packages guarantee their error texts carry no secret (tests scan
// them), and a clear message beats a generic one. Panics are recovered by
// connect.WithRecover in server.go and become CodeInternal.

// coder is implemented by domain errors that know their class.
type coder interface {
	error
	ConnectCode() connect.Code
}

// errorTable classifies every exported sentinel of the domain packages
// (TestErrorTableCoversEverySentinel finds them by parsing the module, so
// a new sentinel without a line here fails it). Provider packages are not
// listed: they sit beneath engine, gateway and vault, which translate
// their errors (ErrGone, ErrProvider, ...) before a handler sees them.
//
// The order matters when one error wraps several sentinels (two %w, or a
// package wrapping one from beneath it): the first match wins, so each
// package comes before the packages it calls. The class an outer package
// chose, knowing why it failed, beats the cause it wraps.
var errorTable = []struct {
	err  error
	code connect.Code
}{
	// engine: environments, plans, applies, the env contract.
	{engine.ErrInvalid, connect.CodeInvalidArgument},
	{engine.ErrConflict, connect.CodeFailedPrecondition}, // plan again, or wait for the lock's holder
	{engine.ErrNotIgnored, connect.CodeFailedPrecondition},
	{engine.ErrApprovalNotFound, connect.CodeNotFound},
	{engine.ErrNothingToApprove, connect.CodeFailedPrecondition},
	{engine.ErrNoCredentials, connect.CodeFailedPrecondition}, // connect the provider first
	{engine.ErrGone, connect.CodeNotFound},
	{engine.ErrSecretNotFound, connect.CodeNotFound},
	{engine.ErrSecretDamaged, connect.CodeDataLoss},
	{engine.ErrKilled, connect.CodeAborted}, // the tests' kill switch
	// engine.ErrNotFound and engine.ErrExists are store's (below).

	// gateway: API keys, actions, triggers.
	{gateway.ErrUnauthenticated, connect.CodeUnauthenticated},
	{gateway.ErrPermissionDenied, connect.CodePermissionDenied},
	{gateway.ErrNotFound, connect.CodeNotFound},
	{gateway.ErrAlreadyExists, connect.CodeAlreadyExists},
	{gateway.ErrInvalidArgument, connect.CodeInvalidArgument},
	{gateway.ErrConnection, connect.CodeFailedPrecondition},
	{gateway.ErrNoCredentials, connect.CodeFailedPrecondition},
	{gateway.ErrNotConfigured, connect.CodeFailedPrecondition},
	{gateway.ErrRateLimited, connect.CodeResourceExhausted},
	{gateway.ErrProvider, connect.CodeUnavailable},
	{gateway.ErrQueueFull, connect.CodeResourceExhausted}, // trigger webhooks answer 503 (daemon/hooks)
	{gateway.ErrSecretUnavailable, connect.CodeInternal},  // likewise 500

	// internal/teams: a Patchbay server's users and roles.
	{teams.ErrUnauthenticated, connect.CodeUnauthenticated},
	{teams.ErrDenied, connect.CodePermissionDenied},
	{teams.ErrInvalid, connect.CodeInvalidArgument},
	{teams.ErrNotFound, connect.CodeNotFound},
	{teams.ErrLastOwner, connect.CodeFailedPrecondition},

	// analyzer.
	{analyzer.ErrInvalidRoot, connect.CodeInvalidArgument},
	{treesitter.ErrTimeout, connect.CodeDeadlineExceeded},  // a diagnostic today, never returned
	{treesitter.ErrTooDeep, connect.CodeResourceExhausted}, // likewise

	// vault: credentials, the keyring, credential requests, OAuth.
	{vault.ErrNotFound, connect.CodeNotFound},
	{vault.ErrUnknownProvider, connect.CodeNotFound},
	{vault.ErrDamaged, connect.CodeDataLoss},
	{vault.ErrLocked, connect.CodeFailedPrecondition},
	{vault.ErrBadPassphrase, connect.CodePermissionDenied},
	{vault.ErrInvalidArgument, connect.CodeInvalidArgument},
	{vault.ErrRequestNotFound, connect.CodeNotFound},
	{vault.ErrRequestCanceled, connect.CodeCanceled},
	{vault.ErrRequestTimeout, connect.CodeDeadlineExceeded},
	{vault.ErrOAuthInProgress, connect.CodeAlreadyExists},
	{vault.ErrOAuthPort, connect.CodeFailedPrecondition},

	// store: the state database.
	{store.ErrNotFound, connect.CodeNotFound},
	{store.ErrExists, connect.CodeAlreadyExists},
	{store.ErrInUse, connect.CodeFailedPrecondition},
	{store.ErrNotPending, connect.CodeFailedPrecondition},
	{store.ErrLocked, connect.CodeFailedPrecondition},
	{store.ErrBackupWithPgDump, connect.CodeUnimplemented},
}

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
	for _, c := range errorTable {
		if errors.Is(err, c.err) {
			return connect.NewError(c.code, err)
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
