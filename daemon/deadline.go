package daemon

import (
	"net/http"
	"time"
)

// DefaultStreamWriteTimeout bounds each write of a response: a client that
// stops reading a stream (WatchEvents, Apply progress) is dropped after
// this long instead of holding its connection and handler forever.
const DefaultStreamWriteTimeout = 10 * time.Second

// writeDeadlines gives every write of a response its own deadline, so a
// long-lived stream may stay idle for as long as it likes but no single
// write may block for longer than timeout. The deadline is cleared when the
// handler returns, so a kept-alive HTTP/1 connection is not poisoned.
func writeDeadlines(timeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dw := &deadlineWriter{ResponseWriter: w, rc: http.NewResponseController(w), timeout: timeout}
		defer func() { _ = dw.rc.SetWriteDeadline(time.Time{}) }()
		next.ServeHTTP(dw, r)
	})
}

type deadlineWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
}

// arm sets the deadline for one write; disarm clears it once the write is
// done, so an idle stream (no event for a while) is never cut: only a write
// that blocks for longer than timeout fails.
func (d *deadlineWriter) arm()    { _ = d.rc.SetWriteDeadline(time.Now().Add(d.timeout)) }
func (d *deadlineWriter) disarm() { _ = d.rc.SetWriteDeadline(time.Time{}) }

func (d *deadlineWriter) WriteHeader(code int) {
	d.arm()
	defer d.disarm()
	d.ResponseWriter.WriteHeader(code)
}

func (d *deadlineWriter) Write(b []byte) (int, error) {
	d.arm()
	defer d.disarm()
	return d.ResponseWriter.Write(b)
}

// Flush is what connect calls after each stream message.
func (d *deadlineWriter) Flush() {
	d.arm()
	defer d.disarm()
	_ = d.rc.Flush()
}

// Unwrap lets http.ResponseController reach the server's writer.
func (d *deadlineWriter) Unwrap() http.ResponseWriter { return d.ResponseWriter }
