package treesitter_test

import (
	"context"
	"testing"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/javascript"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
)

// TestMatchesAppliesPredicates proves the one query helper filters matches
// by #eq? and #match? (smacker's NextMatch alone would return all three
// calls).
func TestMatchesAppliesPredicates(t *testing.T) {
	t.Parallel()
	src := []byte(`require("a"); load("b"); requireX("c");`)
	lang := javascript.GetLanguage()
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{`(call_expression function: (identifier) @fn (#eq? @fn "require")) @call`, []string{"require"}},
		{`(call_expression function: (identifier) @fn (#match? @fn "^require")) @call`, []string{"require", "requireX"}},
		{`(call_expression function: (identifier) @fn (#not-eq? @fn "require")) @call`, []string{"load", "requireX"}},
		{`(call_expression function: (identifier) @fn (#not-match? @fn "^req") (#not-eq? @fn "x")) @call`, []string{"load"}},
		{`(call_expression function: (identifier) @fn (#match? @fn "X$") (#eq? @fn "requireX")) @call`, []string{"requireX"}},
		{`(call_expression function: (identifier) @fn) @call`, []string{"require", "load", "requireX"}},
	} {
		q, err := treesitter.CompileQuery([]byte(tc.query), lang)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := sitter.ParseCtx(context.Background(), src, lang)
		if err != nil {
			t.Fatal(err)
		}
		tree := parsed
		var got []string
		treesitter.Matches(q, tree, src, func(m *sitter.QueryMatch) bool {
			for _, c := range m.Captures {
				if q.Raw().CaptureNameForId(c.Index) == "fn" {
					got = append(got, c.Node.Content(src))
				}
			}
			return true
		})
		q.Close()
		if len(got) != len(tc.want) {
			t.Fatalf("%s: got %v, want %v", tc.query, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Fatalf("%s: got %v, want %v", tc.query, got, tc.want)
			}
		}
	}
}

// TestInvalidQueryErrors: queries compile on first use; an invalid one is
// an error from Compile and from every extraction, never a panic.
func TestInvalidQueryErrors(t *testing.T) {
	t.Parallel()
	for _, src := range []string{`(no_such_node) @x`, `((identifier) @x (#match? @x "("))`} {
		l, err := treesitter.New("js", javascript.GetLanguage(), []byte(src), treesitter.Hooks{})
		if err != nil {
			t.Fatalf("New(%s): %v", src, err)
		}
		if err := l.Compile(); err == nil {
			t.Errorf("Compile(%s): want an error", src)
		}
		if _, err := l.Extract(context.Background(), []byte("x")); err == nil {
			t.Errorf("Extract with %s: want an error", src)
		}
	}
	if _, err := treesitter.New("js", javascript.GetLanguage(), []byte("; ---- calls\n(call_expression) @call"), treesitter.Hooks{}); err == nil {
		t.Error("New with an empty base section: want an error")
	}
}

func TestParseTimeout(t *testing.T) {
	t.Parallel()
	l, err := treesitter.New("js", javascript.GetLanguage(), []byte(`(call_expression) @call`), treesitter.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := make([]byte, 0, 4<<20)
	for len(big) < 4<<20 {
		big = append(big, "f(((((((((a))))))))));\n"...)
	}
	if _, err := l.Extract(ctx, big); err == nil {
		t.Fatal("want a timeout error for a cancelled context")
	}
}

func TestUnquote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{`"a"`: "a", `'b'`: "b", "`c`": "c", `r"d"`: "d", `@"e"`: "e", `"""f"""`: "f", `NAME`: "NAME"} {
		if got, ok := treesitter.Unquote(in); !ok || got != want {
			t.Errorf("Unquote(%s) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"`${x}`", `f"{x}"`, `"#{x}"`, `"unterminated`} {
		if got, ok := treesitter.Unquote(in); ok {
			t.Errorf("Unquote(%s) = %q; want not ok", in, got)
		}
	}
}
