package envfiles

import (
	"testing"
)

func TestKinds(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{".env": "dotenv", ".env.example": "dotenv", "prod.env": "dotenv", "docker-compose.yml": "compose",
		"compose.yaml": "compose", "Dockerfile": "dockerfile", "api.Dockerfile": "dockerfile", "env.go": ""} {
		if got := Kind(in); got != want {
			t.Errorf("Kind(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzReaders(f *testing.F) {
	f.Add("A=1\nexport B=\n")
	f.Add("services:\n  a:\n    environment:\n      - X=1\n      Y: ${Z:-d}\n")
	f.Add("ENV A=1 B=2 \\\n  C=3\nENV D e\n")
	f.Fuzz(func(t *testing.T, src string) {
		_ = Dotenv([]byte(src))
		_, _ = Compose([]byte(src))
		_ = Dockerfile([]byte(src))
	})
}
