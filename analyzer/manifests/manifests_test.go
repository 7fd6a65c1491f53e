package manifests

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		base, src string
		want      []string // name@version:line
	}{
		{"package.json", `{"dependencies": {"stripe": "^18"}, "devDependencies": {"jest": "29"}}`, []string{"stripe@^18:1", "jest@29:1"}},
		{"go.mod", "module m\n\nrequire (\n\tgithub.com/a/b v1.0.0\n)\nrequire c.io/d v0.1.0 // indirect\n", []string{"github.com/a/b@v1.0.0:4", "c.io/d@v0.1.0:6"}},
		{"requirements.txt", "# c\nflask==3.0\n-r other.txt\nboto3[crt] >= 1.3 ; python_version > '3'\n", []string{"flask@==3.0:2", "boto3@>= 1.3:4"}},
		{"pyproject.toml", "[project]\nname = \"x\"\ndependencies = [\"stripe>=1\", \"redis\"]\n[tool.poetry.dependencies]\npython = \"^3.11\"\ntwilio = \"^9\"\n", []string{"stripe@>=1:3", "redis@:3", "twilio@\"^9\":6"}},
		{"Pipfile", "[packages]\nsendgrid = \"*\"\n[dev-packages]\npytest = \"*\"\n", []string{"sendgrid@*:2", "pytest@*:4"}},
		{"Gemfile", "source 'x'\ngem 'stripe', '~> 10'\n  gem \"rails\"\n", []string{"stripe@~> 10:2", "rails@:3"}},
		{"composer.json", `{"require": {"stripe/stripe-php": "^15"}}`, []string{"stripe/stripe-php@^15:1"}},
		{"pom.xml", "<project>\n<dependency>\n<groupId>com.stripe</groupId>\n<artifactId>stripe-java</artifactId>\n<version>1</version>\n</dependency>\n</project>", []string{"com.stripe:stripe-java@1:4"}},
		{"build.gradle.kts", "dependencies {\n  implementation(\"com.twilio.sdk:twilio:10.0.0\")\n}\n", []string{"com.twilio.sdk:twilio@10.0.0:2"}},
		{"App.csproj", `<Project><ItemGroup><PackageReference Include="Stripe.net" Version="45.0.0" /></ItemGroup></Project>`, []string{"Stripe.net@45.0.0:1"}},
	} {
		m, err := Parse(tc.base, []byte(tc.src))
		if err != nil {
			t.Fatalf("%s: %v", tc.base, err)
		}
		var got []string
		for _, d := range m.Deps {
			got = append(got, d.Name+"@"+d.Version+":"+itoa(d.Span.StartLine))
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.base, d)
		}
	}
}

func itoa(u uint32) string {
	if u < 10 {
		return string(rune('0' + u))
	}
	return itoa(u/10) + string(rune('0'+u%10))
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"dependencies":{"a":"1"}}`, "module m\nrequire a v1\n", "gem 'x'\n", "[project]\ndependencies = [\n\"a\",\n]\n", "<dependency><groupId>a</groupId><artifactId>b</artifactId></dependency>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, base := range []string{"package.json", "go.mod", "requirements.txt", "pyproject.toml", "Pipfile", "Gemfile", "composer.json", "pom.xml", "build.gradle", "a.csproj", "setup.py"} {
			_, _ = Parse(base, []byte(src))
		}
	})
}

// TestPackageJSONWorkspaces: both forms of "workspaces" are read; any
// other shape is a problem of the manifest, whose dependencies still count.
func TestPackageJSONWorkspaces(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		src      string
		want     []string
		problems int
	}{
		{`{"workspaces": ["packages/*", "apps/*"]}`, []string{"packages/*", "apps/*"}, 0},
		{`{"workspaces": {"packages": ["packages/*"], "nohoist": ["**/x"]}}`, []string{"packages/*"}, 0},
		{`{"workspaces": "packages/*", "dependencies": {"stripe": "^18"}}`, nil, 1},
	} {
		m, err := Parse("package.json", []byte(tc.src))
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if d := cmp.Diff(tc.want, m.Workspaces); d != "" {
			t.Errorf("%s workspaces (-want +got):\n%s", tc.src, d)
		}
		if len(m.Problems) != tc.problems {
			t.Errorf("%s problems = %q, want %d", tc.src, m.Problems, tc.problems)
		}
		if tc.problems > 0 && len(m.Deps) != 1 {
			t.Errorf("%s deps = %v, want stripe despite the problem", tc.src, m.Deps)
		}
	}
}
