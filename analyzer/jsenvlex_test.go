package analyzer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/javascript"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/typescript"
)

// parsedEnv is what the tree-sitter path reports for src (Callee cleared:
// the lexical path does not compute it, see jsEnvLex).
func parsedEnv(t testing.TB, src []byte, ts bool) ([]facts.Env, bool) {
	t.Helper()
	lang := javascript.Lang
	if ts {
		lang = typescript.TS
	}
	f, err := lang.ExtractParts(context.Background(), src, treesitter.Base)
	if err != nil {
		t.Fatal(err)
	}
	for i := range f.Env {
		f.Env[i].Callee = ""
	}
	return f.Env, len(f.Errors) == 0
}

func TestJSEnvLex(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src string
		ts        bool
		want      []facts.Env // nil with ok=false: the parser must decide
		ok        bool
	}{
		{name: "read", src: "const m = process.env.NODE_ENV;\n", ok: true,
			want: []facts.Env{{Name: "NODE_ENV", Span: facts.Span{StartLine: 1, StartCol: 11, EndLine: 1, EndCol: 31}}}},
		{name: "default", src: "x = process.env.A || 1", ok: true,
			want: []facts.Env{{Name: "A", HasDefault: true, Span: facts.Span{StartLine: 1, StartCol: 5, EndLine: 1, EndCol: 18}}}},
		{name: "left of a longer chain", src: "x = y || process.env.A || 1", ok: true,
			want: []facts.Env{{Name: "A", Span: facts.Span{StartLine: 1, StartCol: 10, EndLine: 1, EndCol: 23}}}},
		{name: "logical assignment is not a default", src: "process.env.A ||= 'x'", ok: true,
			want: []facts.Env{{Name: "A", Span: facts.Span{StartLine: 1, StartCol: 1, EndLine: 1, EndCol: 14}}}},
		{name: "comment, string, regex", src: "// process.env.A\nconst s = 'process.env.B', r = /process.env.C/;\n", ok: true},
		{name: "template substitution", src: "const s = `a ${process.env.A} process.env.B`;", ok: true,
			want: []facts.Env{{Name: "A", Span: facts.Span{StartLine: 1, StartCol: 16, EndLine: 1, EndCol: 29}}}},
		{name: "second line", src: "\n  process.env.A\n", ok: true,
			want: []facts.Env{{Name: "A", Span: facts.Span{StartLine: 2, StartCol: 3, EndLine: 2, EndCol: 16}}}},
		{name: "destructuring", src: "const { A } = process.env;"},
		{name: "subscript", src: "x = process.env['A'] ?? 1", ok: true,
			want: []facts.Env{{Name: "A", HasDefault: true, Span: facts.Span{StartLine: 1, StartCol: 5, EndLine: 1, EndCol: 21}}}},
		{name: "computed subscript", src: "x = process.env[key] || process.env[`T`] || process.env['a-b']", ok: true},
		{name: "optional chain", src: "x = process.env?.A", ok: true,
			want: []facts.Env{{Name: "A", Span: facts.Span{StartLine: 1, StartCol: 5, EndLine: 1, EndCol: 19}}}},
		{name: "spread and argument", src: "f({ ...process.env }, process.env)", ok: true},
		{name: "assigned whole", src: "const { A }: Env = process.env;", ts: true},
		{name: "subscript on two lines", src: "process.env\n['A']"},
		{name: "escaped subscript", src: "process.env['\\x41']"},
		{name: "spaced subscript", src: "process.env ['A']"},
		{name: "jsx", src: "const e = <p>{process.env.A}</p>;"},
		{name: "division after paren", src: "const h = (a + b) / process.env.A;", ok: true,
			want: []facts.Env{{Name: "A", Span: facts.Span{StartLine: 1, StartCol: 21, EndLine: 1, EndCol: 34}}}},
		{name: "regex after a statement head", src: "if (x) /process.env.B/.test(y);\nconfig = process.env.A ?? 1", ok: true,
			want: []facts.Env{{Name: "A", HasDefault: true, Span: facts.Span{StartLine: 2, StartCol: 10, EndLine: 2, EndCol: 23}}}},
		{name: "new statement after a block", src: "{}\nprocess.env.A || 1", ok: true,
			want: []facts.Env{{Name: "A", HasDefault: true, Span: facts.Span{StartLine: 2, StartCol: 1, EndLine: 2, EndCol: 14}}}},
		{name: "config helper", src: "process.env.A; config.get('B')"},
		{name: "env helper", src: "process.env.A; env('B')"},
		{name: "regex after a block", src: "process.env.A; {} /x/"},
		{name: "parenthesized default", src: "(process.env.A) || 1"},
		{name: "non-null", src: "process.env.A! || 1", ts: true},
		{name: "as", src: "(process.env.A as string) || 'x'", ts: true},
		{name: "import.meta", src: "process.env.A; import.meta.env.B"},
		{name: "unterminated string", src: "process.env.A; 'x"},
		{name: "unbalanced", src: "f(process.env.A"},
		{name: "spaced", src: "process .env.A"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := jsEnvLex([]byte(tc.src), tc.ts)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("env (-want +got):\n%s", diff)
			}
			if ok {
				// Whatever the lexer accepts, the parser agrees with.
				parsed, clean := parsedEnv(t, []byte(tc.src), tc.ts)
				if !clean {
					t.Fatalf("the lexer accepted a file with syntax errors")
				}
				if diff := cmp.Diff(parsed, got); diff != "" {
					t.Fatalf("lexer and parser differ (-parser +lexer):\n%s", diff)
				}
			}
		})
	}
}

// TestJSEnvLexMatchesParserOnFixtures: on every JavaScript and TypeScript
// file in testdata the lexer accepts, it reports exactly the parser's env
// reads; and analyzing each fixture workspace with and without the lexical
// path gives the same services, findings and diagnostics.
func TestJSEnvLexMatchesParserOnFixtures(t *testing.T) {
	t.Parallel()
	accepted := 0
	err := filepath.WalkDir("../testdata", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fe := frontEndFor(p)
		if fe != feJS && fe != feTS {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		got, ok := jsEnvLex(src, fe == feTS)
		if !ok {
			return nil
		}
		accepted++
		want, _ := parsedEnv(t, src, fe == feTS)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: lexer and parser differ (-parser +lexer):\n%s", p, diff)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if accepted < 5 {
		t.Fatalf("the lexer accepted only %d fixture files", accepted)
	}
	ents, err := os.ReadDir(fixtureDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		root, _ := filepath.Abs(filepath.Join(fixtureDir, e.Name()))
		fast := New(Options{NoGoPackages: true})
		slow := New(Options{NoGoPackages: true})
		slow.noLex = true
		rf, err := fast.Analyze(context.Background(), root, Request{})
		if err != nil {
			t.Fatal(err)
		}
		rs, err := slow.Analyze(context.Background(), root, Request{})
		if err != nil {
			t.Fatal(err)
		}
		rf.Stats, rs.Stats = nil, nil
		if diff := cmp.Diff(rs, rf, protocmp.Transform()); diff != "" {
			t.Errorf("%s: results differ with the lexical path (-parser +lexer):\n%s", e.Name(), diff)
		}
		if fp, sp := fast.parses.Load(), slow.parses.Load(); e.Name() == "js-env-lex" && fp >= sp {
			t.Errorf("js-env-lex: %d parses with the lexical path, %d without", fp, sp)
		}
	}
}

// FuzzJSEnvLex: on any input the lexer accepts and the parser parses
// without errors, both report the same env reads. (A file with syntax errors
// gets a diagnostic on the parser path; the lexer cannot see every syntax
// error, see docs/benchmarks.md.)
func FuzzJSEnvLex(f *testing.F) {
	for _, s := range []string{
		"const m = process.env.NODE_ENV || 'x';",
		"a ? process.env.A ?? b : c / 2",
		"x = `${process.env.A}` + /re[/]/.source",
		"if (x) { y = process.env.B } else process.env.C || d",
		"f(process.env.A) || g",
		"return process.env.A.trim() || 'x'",
		"x = process.env['A'] ?? process.env[k] ?? process.env?.B",
		"f({ ...process.env, A: process.env[ \"B\" ] || 1 }, process.env)",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, src string, ts bool) {
		if strings.Count(src, "\n") > 200 {
			return
		}
		got, ok := jsEnvLex([]byte(src), ts)
		if !ok {
			return
		}
		want, clean := parsedEnv(t, []byte(src), ts)
		if !clean {
			return
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%q: lexer and parser differ (-parser +lexer):\n%s", src, diff)
		}
	})
}
