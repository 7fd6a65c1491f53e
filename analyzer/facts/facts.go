// Package facts holds what a language front end extracts from one file,
// before any provider knowledge is applied. Front ends know syntax; the
// analyzer's engine matches these facts against the providers' signature
// tables. Keeping the two apart is what lets signatures stay data.
package facts

// Span is a range in a file: 1-based lines, 1-based byte columns, end
// exclusive (the column just past the last byte).
type Span struct {
	StartLine, StartCol, EndLine, EndCol uint32
}

// Import is one import/require/use of a module, package or namespace.
type Import struct {
	// Path as written, without quotes ("stripe", "github.com/x/y", "com.stripe.Stripe").
	Path string
	// Form: "import", "require", "dynamic_import", "use", "using", "include".
	Form string
	// Alias is the local name when the language has one ("sc", "_", ".").
	Alias string
	Span  Span
}

// Env is one read of an environment variable.
type Env struct {
	Name string
	// HasDefault is true when code supplies a fallback value.
	HasDefault bool
	// Callee is the call the value is passed to directly, as written up to
	// its argument list ("new Stripe", "stripe.NewClient"), when there is one.
	Callee string
	Span   Span
}

// Call is a call or constructor expression, callee as written (whitespace
// removed, "new " dropped, Go selectors resolved to the import path).
type Call struct {
	Callee string
	// New is true for constructor expressions (`new X(...)`).
	New  bool
	Span Span
}

// Dep is a dependency declared in a manifest.
type Dep struct {
	Ecosystem string
	Name      string
	Version   string
	Span      Span
}

// File is everything a front end extracted from one file.
type File struct {
	Imports []Import
	Env     []Env
	Calls   []Call
	Deps    []Dep
	// Strings are string literals of interest (Go: none yet).
	// Errors are parse problems; the facts are still usable (partial).
	Errors []string
}

// SpanOf returns the span of byte offsets [start, end) in src.
func SpanOf(src []byte, start, end int) Span {
	if start < 0 {
		start = 0
	}
	if start > len(src) {
		start = len(src)
	}
	if end > len(src) {
		end = len(src)
	}
	if end < start {
		end = start
	}
	sl := uint32(1)
	for i := 0; i < start; i++ {
		if src[i] == '\n' {
			sl++
		}
	}
	el := sl
	for i := start; i < end; i++ {
		if src[i] == '\n' {
			el++
		}
	}
	return Span{StartLine: sl, StartCol: colOf(src, start), EndLine: el, EndCol: colOf(src, end)}
}

// PointSpan converts 0-based (row, byte column) points to a Span.
func PointSpan(sr, sc, er, ec uint32) Span {
	return Span{StartLine: sr + 1, StartCol: sc + 1, EndLine: er + 1, EndCol: ec + 1}
}

func colOf(src []byte, off int) uint32 {
	i := off
	for i > 0 && src[i-1] != '\n' {
		i--
	}
	return uint32(off-i) + 1
}
