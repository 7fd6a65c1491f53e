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
	// Names are the names a from-import binds (Python `from billing import
	// bp`), so a router mounted in one module resolves to the module that
	// defines it; an aliased one as "local=original" (`import router as
	// webhooks`: "webhooks=router"). See ImportName.
	Names []string
	Span  Span
}

// ImportName splits an Import.Names entry into the local name and the
// name imported.
func ImportName(n string) (local, original string) {
	if l, o, ok := cut(n, '='); ok {
		return l, o
	}
	return n, n
}

func cut(s string, sep byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
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

// Route is an HTTP route registration (app.post("/x", h), @app.route,
// r.HandleFunc, @PostMapping, ...).
type Route struct {
	// Method is upper case; "" means any method.
	Method string
	Path   string
	// PathConst names the constant the path is read from when it is not
	// a literal ("config.CALLBACK_PATH"); Path is then empty until the
	// route resolution finds the constant's value (File.Consts).
	PathConst string
	// Router is the receiver the route is registered on ("app", "router"),
	// used to apply mounted prefixes.
	Router string
	// Handler names the handler function when it is not written inline.
	Handler string
	// Action is set for an action routed by convention (ASP.NET MVC's
	// [HttpPost] without a template: /{controller}/{action} unless its
	// controller has a route of its own).
	Action string
	// Body is the range searched for signature checks and event types: the
	// whole registration (inline handlers) or the decorated function.
	Body Span
	Span Span
}

// MethodFilter marks a Route that is a filter run before the routes of its
// path (Sinatra's before "/x" do ... end), not a route of its own.
const MethodFilter = "BEFORE"

// Mount mounts a router under a prefix (app.use("/api", router),
// Blueprint url_prefix, r.Route("/api", ...)).
type Mount struct {
	Prefix string
	// PrefixConst names the constant the prefix is read from when it is
	// not a literal (prefix=settings.API_V1_STR), resolved like
	// Route.PathConst.
	PrefixConst string
	// Parent is the receiver mounted on; Target the router mounted (an
	// identifier, or the module path of an inline require).
	Parent, Target string
	// Override: the prefix replaces the router's own instead of preceding
	// it (Flask's register_blueprint(bp, url_prefix=...)).
	Override bool
	Span     Span
}

// Func is a named function (or a variable bound to one).
type Func struct {
	Name string
	Span Span
}

// Literal is a string literal compared against an event type
// (case "checkout.session.completed":, event.type === "...").
type Literal struct {
	Value string
	Span  Span
}

// Property is a string-valued property or keyword argument of interest
// (callbackURL: "/auth/callback", basePath: "/auth").
type Property struct {
	Name, Value string
	Span        Span
}

// File is everything a front end extracted from one file.
type File struct {
	Imports []Import
	Env     []Env
	Calls   []Call
	Deps    []Dep
	Routes  []Route
	Mounts  []Mount
	Funcs   []Func
	Events  []Literal
	Props   []Property
	// Consts are the file's top-level string constants (Go const X = "v"),
	// which routes name across files.
	Consts []Property
	// Exports are exported names (Next.js route handlers: GET, POST, ...).
	Exports []string
	// Marks are occurrences of a provider's webhook headers and markers
	// (Value is the marker as the provider declares it), found lexically.
	Marks []Literal
	// Errors are parse problems; the facts are still usable (partial).
	Errors []string
}

// Contains reports whether s contains o (by lines and columns).
func (s Span) Contains(o Span) bool {
	if o.StartLine < s.StartLine || o.EndLine > s.EndLine {
		return false
	}
	if o.StartLine == s.StartLine && o.StartCol < s.StartCol {
		return false
	}
	if o.EndLine == s.EndLine && o.EndCol > s.EndCol {
		return false
	}
	return true
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
