package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/engine/enginetest"
	"github.com/patchbay-dev/patchbay/store"
)

// TestEnvironmentsArePartitionedByTeam: an engine acting for one team
// (WithTeam, as a Patchbay server does for each request) neither lists,
// plans, applies, destroys, maps nor reads the variables of another
// team's environment, nor answers its approval requests, and a team may
// have an environment of the same name and workspace as another.
func TestEnvironmentsArePartitionedByTeam(t *testing.T) {
	t.Parallel()
	r := newRig(t, enginetest.NewThings(), nil) // its "local" is the default team's
	alpha := engine.WithTeam(context.Background(), "alpha")
	beta := engine.WithTeam(context.Background(), "beta")
	staging := store.Environment{WorkspaceRoot: root, Name: "staging", FrontendURL: "https://staging.example.net"}
	a, err := r.eng.CreateEnvironment(alpha, staging)
	if err != nil {
		t.Fatal(err)
	}
	if a.Team != "alpha" {
		t.Errorf("created in team %q, want alpha", a.Team)
	}
	r.setWant(thing("db", ""))
	p, err := r.eng.Plan(alpha, root, "staging", false)
	if err != nil {
		t.Fatal(err)
	}

	calls := len(r.things.Calls()) // alpha's plan looked up db
	notFound := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("beta %s alpha's environment: err = %v, want ErrNotFound", what, err)
		} else if strings.Contains(what, "plan") && !strings.Contains(err.Error(), `team "beta"`) {
			t.Errorf("beta %s: %q does not say which team it looked in", what, err)
		}
	}
	if list, err := r.eng.ListEnvironments(beta, ""); err != nil || len(list) != 0 {
		t.Errorf("beta lists %+v, %v; want none", list, err)
	}
	if list, err := r.eng.ListEnvironments(context.Background(), ""); err != nil || len(list) != 1 || list[0].Name != "local" {
		t.Errorf("the default team lists %+v, %v; want only local", list, err)
	}
	_, err = r.eng.Plan(beta, root, "staging", false)
	notFound("plans", err)
	_, err = r.eng.Apply(beta, p.ID, nil)
	notFound("applies a plan of", err)
	_, err = r.eng.Destroy(beta, root, "staging", nil)
	notFound("destroys", err)
	_, err = r.eng.SystemMap(beta, root, "staging")
	notFound("maps", err)
	_, err = r.eng.Variables(beta, root, "staging", true)
	notFound("reads the variables of", err)
	_, err = r.eng.SetVariable(beta, root, "staging", "web", "X", "1", false, false)
	notFound("sets a variable of", err)
	_, err = r.eng.UpdateEnvironment(beta, store.Environment{WorkspaceRoot: root, Name: "staging", FrontendURL: "https://evil.example.net"})
	notFound("updates", err)
	notFound("deletes", r.eng.DeleteEnvironment(beta, root, "staging"))
	if m, err := r.eng.SystemMap(beta, root, ""); err != nil {
		t.Fatal(err)
	} else {
		for _, n := range m.GetNodes() {
			if n.GetKind() == "environment" {
				t.Errorf("beta's system map shows environment %q", n.GetLabel())
			}
		}
	}
	if c := r.things.Calls(); len(c) != calls {
		t.Errorf("beta's calls reached the provider: %v", c[calls:])
	}

	// Beta's own staging of the same workspace is another environment.
	b, err := r.eng.CreateEnvironment(beta, staging)
	if err != nil || b.ID == a.ID {
		t.Fatalf("beta's staging: %+v, %v", b, err)
	}
	res, err := r.eng.Apply(alpha, p.ID, nil)
	if err != nil || res.OperationID == "" {
		t.Fatalf("alpha applies its plan: %+v, %v", res, err)
	}
	if rows, _ := r.st.ListResources(context.Background(), a.ID); len(rows) != 1 {
		t.Errorf("alpha's staging has %d resources, want 1", len(rows))
	}
	if rows, _ := r.st.ListResources(context.Background(), b.ID); len(rows) != 0 {
		t.Errorf("beta's staging has %d resources, want 0", len(rows))
	}
	pb, err := r.eng.Plan(beta, root, "staging", false)
	if err != nil || pb.EnvironmentID != b.ID || len(pb.Steps) != 1 {
		t.Fatalf("beta's plan of its own staging: %+v, %v", pb, err)
	}
}

// TestApprovalsArePartitionedByTeam: another team's approval request is
// neither listed nor answerable.
func TestApprovalsArePartitionedByTeam(t *testing.T) {
	t.Parallel()
	r := newRig(t, enginetest.NewThings(), nil)
	alpha := engine.WithTeam(context.Background(), "alpha")
	beta := engine.WithTeam(context.Background(), "beta")
	if _, err := r.eng.CreateEnvironment(alpha, store.Environment{WorkspaceRoot: root, Name: "staging"}); err != nil {
		t.Fatal(err)
	}
	r.setWant(thing("db", ""))
	p, err := r.eng.Plan(alpha, root, "staging", false)
	if err != nil {
		t.Fatal(err)
	}
	ap := engine.NewApprovals(r.eng, noApprovalEvents{})
	if _, _, err := ap.Request(beta, p.ID, "agent", 0); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("beta asks to approve alpha's plan: err = %v, want ErrNotFound", err)
	}
	done := make(chan engine.ApprovalOutcome, 1)
	go func() {
		_, o, _ := ap.Request(alpha, p.ID, "agent", 0)
		done <- o
	}()
	var id string
	for id == "" {
		if reqs := ap.Pending("alpha"); len(reqs) == 1 {
			id = reqs[0].ID
		}
	}
	if reqs := ap.Pending("beta"); len(reqs) != 0 {
		t.Errorf("beta sees %+v", reqs)
	}
	if err := ap.Answer(beta, id, true); !errors.Is(err, engine.ErrApprovalNotFound) {
		t.Errorf("beta answers alpha's request: err = %v, want ErrApprovalNotFound", err)
	}
	if err := ap.Answer(alpha, id, false); err != nil {
		t.Fatal(err)
	}
	if o := <-done; o != engine.ApprovalDenied {
		t.Errorf("outcome = %s, want denied (alpha's answer, not beta's)", o)
	}
}

type noApprovalEvents struct{}

func (noApprovalEvents) ApprovalOpened(engine.ApprovalRequest)         {}
func (noApprovalEvents) ApprovalClosed(string, engine.ApprovalOutcome) {}
