package analyzer

import "testing"

func TestPrefilter(t *testing.T) {
	t.Parallel()
	p := newPrefilter().add(classEnv, needles("process.env", "Getenv")).add(classImport, needles(`"stripe`, "x"))
	for src, want := range map[string]uint8{
		"const a = process.env.A":      classEnv,
		`import s from "stripe"`:       classImport,
		`os.Getenv("A"); "stripe"`:     classEnv | classImport,
		"nothing to see; process.envy": classEnv,
		"proc ess.env":                 0,
		"":                             0,
		"x":                            0, // one-byte needles are ignored
		`"strip`:                       0,
	} {
		if got := p.scan([]byte(src)); got != want {
			t.Errorf("scan(%q) = %b, want %b", src, got, want)
		}
	}
}
