package mailgun_test

import (
	"errors"
	"testing"

	"github.com/patchbay-dev/patchbay/providers/mailgun"
	"github.com/patchbay-dev/patchbay/providers/mailgun/mailguntest"
)

// TestSendAgainstFake: the send action's request is one Mailgun takes (the
// fake refuses what Mailgun refuses), and Mailgun's refusal reaches the
// caller with its status and message.
func TestSendAgainstFake(t *testing.T) {
	t.Parallel()
	s := mailguntest.New(t)
	c := mailgun.NewActionClient(mailguntest.Key, mailguntest.Domain, "", s.URL, nil)
	m := mailgun.Message{From: "Shop <shop@" + mailguntest.Domain + ">", To: []string{"a@example.org", "b@example.org"}, Subject: "Hi", HTML: "<p>hi</p>"}
	id, msg, err := c.Send(t.Context(), m)
	if err != nil || id == "" || msg != "Queued. Thank you." {
		t.Fatalf("send: %q %q %v", id, msg, err)
	}
	if got := s.Messages(); len(got) != 1 || len(got[0].Form["to"]) != 2 || got[0].Form.Get("html") != "<p>hi</p>" {
		t.Errorf("accepted = %+v", got)
	}
	m.HTML = ""
	var ae *mailgun.ActionError
	if _, _, err := c.Send(t.Context(), m); !errors.As(err, &ae) || ae.Status != 400 || ae.Message == "" {
		t.Errorf("send without a body: %v, want Mailgun's 400", err)
	}
}
