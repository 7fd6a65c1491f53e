package daemon_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/patchbay-dev/patchbay/daemon"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
)

// startDaemon runs a real daemon (both listeners) in a temp home and
// returns its daemon.json.
func startDaemon(t testing.TB) *daemon.Info {
	t.Helper()
	// Unix socket paths are limited to ~108 bytes; keep the home short.
	home, err := os.MkdirTemp("", "pb")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	srv, err := daemon.New(daemon.Config{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan *daemon.Info, 1)
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, func(i *daemon.Info) { ready <- i }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		if _, err := os.Stat(daemon.InfoFile(home)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("daemon.json left behind after shutdown: %v", err)
		}
	})
	select {
	case info := <-ready:
		return info
	case err := <-done:
		t.Fatalf("daemon exited early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("daemon did not become ready")
	}
	return nil
}

// h2cClient speaks HTTP/2 with prior knowledge, as gRPC needs.
func h2cClient() *http.Client {
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: tr}
}

func bearer(tok string) connect.ClientOption {
	return connect.WithInterceptors(connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			req.Header().Set("Authorization", "Bearer "+tok)
			return next(ctx, req)
		}
	}), streamBearer(tok))
}

type streamBearer string

func (s streamBearer) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc { return next }
func (s streamBearer) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return func(ctx context.Context, spec connect.Spec) connect.StreamingClientConn {
		conn := next(ctx, spec)
		conn.RequestHeader().Set("Authorization", "Bearer "+string(s))
		return conn
	}
}
func (s streamBearer) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}

func TestInfoFile(t *testing.T) {
	info := startDaemon(t)
	home := filepath.Dir(info.Socket)
	for name, want := range map[string]os.FileMode{"daemon.json": 0o600, "daemon.sock": 0o600} {
		st, err := os.Stat(filepath.Join(home, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s mode = %v, want %v", name, got, want)
		}
	}
	read, err := daemon.ReadInfo(home)
	if err != nil {
		t.Fatal(err)
	}
	if read.Token != info.Token || read.PID != os.Getpid() || !strings.HasPrefix(read.Address, "127.0.0.1:") {
		t.Errorf("daemon.json = %+v, want token, our pid and a 127.0.0.1 address", read)
	}
	if len(info.Token) < 40 {
		t.Errorf("token %d chars, want >= 40 (32 random bytes)", len(info.Token))
	}
}

func TestSecondDaemonRefused(t *testing.T) {
	info := startDaemon(t)
	srv, err := daemon.New(daemon.Config{Home: filepath.Dir(info.Socket)})
	if err != nil {
		t.Fatal(err)
	}
	err = srv.Run(context.Background(), nil)
	if !errors.Is(err, daemon.ErrAlreadyRunning) {
		t.Fatalf("second Run = %v, want ErrAlreadyRunning", err)
	}
}

// Each client runs the same cases: Version, WatchEvents (snapshot, then an
// AnalysisUpdated caused by Analyze) and Analyze.
type rpcClient interface {
	Version(ctx context.Context) (*patchbayv1.VersionResponse, error)
	Analyze(ctx context.Context, root string) (*patchbayv1.AnalyzeResponse, error)
	// Watch returns a function yielding the next event.
	Watch(ctx context.Context) (func() (*patchbayv1.Event, error), error)
}

type connectRPC struct {
	d patchbayv1connect.DaemonServiceClient
	w patchbayv1connect.WorkspaceServiceClient
}

func newConnectRPC(hc *http.Client, base string, opts ...connect.ClientOption) *connectRPC {
	return &connectRPC{
		d: patchbayv1connect.NewDaemonServiceClient(hc, base, opts...),
		w: patchbayv1connect.NewWorkspaceServiceClient(hc, base, opts...),
	}
}

func (c *connectRPC) Version(ctx context.Context) (*patchbayv1.VersionResponse, error) {
	r, err := c.d.Version(ctx, connect.NewRequest(&patchbayv1.VersionRequest{}))
	if err != nil {
		return nil, err
	}
	return r.Msg, nil
}

func (c *connectRPC) Analyze(ctx context.Context, root string) (*patchbayv1.AnalyzeResponse, error) {
	r, err := c.w.Analyze(ctx, connect.NewRequest(&patchbayv1.AnalyzeRequest{Root: root}))
	if err != nil {
		return nil, err
	}
	return r.Msg, nil
}

func (c *connectRPC) Watch(ctx context.Context) (func() (*patchbayv1.Event, error), error) {
	s, err := c.d.WatchEvents(ctx, connect.NewRequest(&patchbayv1.WatchEventsRequest{}))
	if err != nil {
		return nil, err
	}
	return func() (*patchbayv1.Event, error) {
		if !s.Receive() {
			if s.Err() != nil {
				return nil, s.Err()
			}
			return nil, errors.New("stream ended")
		}
		return s.Msg().GetEvent(), nil
	}, nil
}

type grpcRPC struct {
	conn *grpc.ClientConn
	tok  string
}

func (c *grpcRPC) ctx(ctx context.Context) context.Context {
	if c.tok == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+c.tok)
}

func (c *grpcRPC) Version(ctx context.Context) (*patchbayv1.VersionResponse, error) {
	out := new(patchbayv1.VersionResponse)
	return out, c.conn.Invoke(c.ctx(ctx), patchbayv1connect.DaemonServiceVersionProcedure, &patchbayv1.VersionRequest{}, out)
}

func (c *grpcRPC) Analyze(ctx context.Context, root string) (*patchbayv1.AnalyzeResponse, error) {
	out := new(patchbayv1.AnalyzeResponse)
	return out, c.conn.Invoke(c.ctx(ctx), patchbayv1connect.WorkspaceServiceAnalyzeProcedure, &patchbayv1.AnalyzeRequest{Root: root}, out)
}

func (c *grpcRPC) Watch(ctx context.Context) (func() (*patchbayv1.Event, error), error) {
	s, err := c.conn.NewStream(c.ctx(ctx), &grpc.StreamDesc{ServerStreams: true}, patchbayv1connect.DaemonServiceWatchEventsProcedure)
	if err != nil {
		return nil, err
	}
	if err := s.SendMsg(&patchbayv1.WatchEventsRequest{}); err != nil {
		return nil, err
	}
	if err := s.CloseSend(); err != nil {
		return nil, err
	}
	return func() (*patchbayv1.Event, error) {
		m := new(patchbayv1.WatchEventsResponse)
		if err := s.RecvMsg(m); err != nil {
			return nil, err
		}
		return m.GetEvent(), nil
	}, nil
}

func newGRPC(t *testing.T, target, tok string) *grpcRPC {
	t.Helper()
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &grpcRPC{conn: conn, tok: tok}
}

func TestSameRPCsThroughEveryClient(t *testing.T) {
	info := startDaemon(t)
	unixHTTP := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", info.Socket)
		},
	}}
	clients := map[string]rpcClient{
		"connect/tcp":         newConnectRPC(http.DefaultClient, "http://"+info.Address, bearer(info.Token)),
		"connect-grpc/tcp":    newConnectRPC(h2cClient(), "http://"+info.Address, bearer(info.Token), connect.WithGRPC()),
		"connect-grpcweb/tcp": newConnectRPC(http.DefaultClient, "http://"+info.Address, bearer(info.Token), connect.WithGRPCWeb()),
		"connect/unix":        newConnectRPC(unixHTTP, "http://localhost"),
		"grpc-go/tcp":         newGRPC(t, info.Address, info.Token),
		"grpc-go/unix":        newGRPC(t, "unix://"+info.Socket, ""),
	}
	workspace := t.TempDir()
	for name, c := range clients {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			v, err := c.Version(ctx)
			if err != nil {
				t.Fatalf("Version: %v", err)
			}
			if v.GetApi() != "patchbay.v1" || v.GetPid() != int64(os.Getpid()) || v.GetVersion() == "" {
				t.Errorf("Version = %v", v)
			}

			next, err := c.Watch(ctx)
			if err != nil {
				t.Fatalf("WatchEvents: %v", err)
			}
			first, err := next()
			if err != nil {
				t.Fatalf("first event: %v", err)
			}
			if first.GetSnapshot() == nil {
				t.Fatalf("first event = %v, want a snapshot", first)
			}
			res, err := c.Analyze(ctx, workspace)
			if err != nil {
				t.Fatalf("Analyze: %v", err)
			}
			if res.GetRoot() != workspace {
				t.Errorf("Analyze root = %q, want %q", res.GetRoot(), workspace)
			}
			// Other subtests analyze too; wait for our own update.
			for {
				ev, err := next()
				if err != nil {
					t.Fatalf("waiting for AnalysisUpdated: %v", err)
				}
				if ev.GetSeq() <= first.GetSeq() {
					t.Fatalf("event seq %d not after snapshot seq %d", ev.GetSeq(), first.GetSeq())
				}
				if au := ev.GetAnalysisUpdated(); au != nil && au.GetWorkspace().GetRoot() == workspace {
					break
				}
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	info := startDaemon(t)
	base := "http://" + info.Address
	cases := []struct {
		name   string
		header map[string]string
		want   connect.Code
		msg    string
	}{
		{"no token", nil, connect.CodeUnauthenticated, "missing bearer token"},
		{"wrong token", map[string]string{"Authorization": "Bearer nope"}, connect.CodeUnauthenticated, "invalid bearer token"},
		{"basic auth", map[string]string{"Authorization": "Basic " + info.Token}, connect.CodeUnauthenticated, "invalid bearer token"},
		{"browser origin", map[string]string{"Authorization": "Bearer " + info.Token, "Origin": "https://example.com"}, connect.CodePermissionDenied, "web browsers"},
		{"browser referer", map[string]string{"Authorization": "Bearer " + info.Token, "Referer": "https://example.com/x"}, connect.CodePermissionDenied, "web browsers"},
		{"sec-fetch-site", map[string]string{"Authorization": "Bearer " + info.Token, "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}, connect.CodePermissionDenied, "web browsers"},
		{"sec-fetch-dest", map[string]string{"Authorization": "Bearer " + info.Token, "Sec-Fetch-Dest": "empty"}, connect.CodePermissionDenied, "web browsers"},
		{"foreign host", map[string]string{"Authorization": "Bearer " + info.Token, "Host": "attacker.example:80"}, connect.CodePermissionDenied, "not a loopback address"},
		{"rebinding to loopback ip name", map[string]string{"Authorization": "Bearer " + info.Token, "Host": "127.0.0.1.nip.io"}, connect.CodePermissionDenied, "not a loopback address"},
	}
	for _, tc := range cases {
		for _, proto := range []struct {
			name string
			hc   *http.Client
			opt  []connect.ClientOption
		}{{"connect", http.DefaultClient, nil}, {"grpc", h2cClient(), []connect.ClientOption{connect.WithGRPC()}}} {
			t.Run(tc.name+"/"+proto.name, func(t *testing.T) {
				hc := &http.Client{Transport: headerRT{proto.hc.Transport, tc.header}}
				c := patchbayv1connect.NewDaemonServiceClient(hc, base, proto.opt...)
				_, err := c.Version(context.Background(), connect.NewRequest(&patchbayv1.VersionRequest{}))
				if got := connect.CodeOf(err); got != tc.want {
					t.Fatalf("code = %v (%v), want %v", got, err, tc.want)
				}
				if !strings.Contains(err.Error(), tc.msg) {
					t.Errorf("error %q does not explain itself (want %q)", err, tc.msg)
				}
			})
		}
	}
	t.Run("grpc-go without token", func(t *testing.T) {
		c := newGRPC(t, info.Address, "")
		_, err := c.Version(context.Background())
		if status.Code(err) != codes.Unauthenticated {
			t.Fatalf("code = %v, want Unauthenticated", status.Code(err))
		}
	})
	t.Run("node fetch is not a browser", func(t *testing.T) {
		// Node's fetch (undici) sends Sec-Fetch-Mode: cors and nothing else
		// a browser would; backends use it to call the daemon.
		hc := &http.Client{Transport: headerRT{nil, map[string]string{"Authorization": "Bearer " + info.Token, "Sec-Fetch-Mode": "cors"}}}
		c := patchbayv1connect.NewDaemonServiceClient(hc, base)
		if _, err := c.Version(context.Background(), connect.NewRequest(&patchbayv1.VersionRequest{})); err != nil {
			t.Fatalf("Version with Sec-Fetch-Mode only: %v", err)
		}
	})
	t.Run("plain GET", func(t *testing.T) {
		resp, err := http.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("status = %d, want 401", resp.StatusCode)
		}
	})
}

type headerRT struct {
	rt http.RoundTripper
	h  map[string]string
}

func (h headerRT) RoundTrip(r *http.Request) (*http.Response, error) {
	rt := h.rt
	if rt == nil {
		rt = http.DefaultTransport
	}
	r = r.Clone(r.Context())
	for k, v := range h.h {
		if k == "Host" {
			r.Host = v
			continue
		}
		r.Header.Set(k, v)
	}
	return rt.RoundTrip(r)
}

func TestShutdownRPCEndsStreams(t *testing.T) {
	info := startDaemon(t)
	c := newConnectRPC(http.DefaultClient, "http://"+info.Address, bearer(info.Token))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	next, err := c.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := next(); err != nil {
		t.Fatal(err)
	}
	d := patchbayv1connect.NewDaemonServiceClient(http.DefaultClient, "http://"+info.Address, bearer(info.Token))
	if _, err := d.Shutdown(ctx, connect.NewRequest(&patchbayv1.ShutdownRequest{})); err != nil {
		t.Fatal(err)
	}
	if _, err := next(); err == nil {
		t.Fatal("stream still open after Shutdown")
	}
}
