package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/analyzer"
	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

type analyzerSource struct{ a *analyzer.Analyzer }

func (s analyzerSource) Analysis(ctx context.Context, root string) ([]*patchbayv1.Service, []*patchbayv1.Finding, error) {
	res, err := s.a.Analyze(ctx, root, analyzer.Request{})
	if err != nil {
		return nil, nil, err
	}
	return res.Services, res.Findings, nil
}

// copyTree copies a testdata workspace.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, raw, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMessagingWorkspaceEndToEnd analyzes testdata/provision/messaging with
// the real analyzer (the Twilio webhook route, the SendGrid SDK, the
// variables the code reads), provisions its patchbay.json catalog and
// number against the fakes, and checks what injection hands the app.
func TestMessagingWorkspaceEndToEnd(t *testing.T) {
	t.Parallel()
	r := newExtRig(t, nil, nil)
	copyTree(t, filepath.Join("..", "testdata", "provision", "messaging"), r.root)
	sid := r.twilio.AddNumber("+15005550006", "https://demo.twilio.com/welcome/sms/reply", "", "")
	r.openWith(analyzerSource{a: analyzer.New(analyzer.Options{})})
	r.planApply()

	n := r.twilio.Numbers()[sid]
	if n.SMSURL != "https://dev.example.net:8080/api/twilio/sms" {
		t.Errorf("twilio SmsUrl = %q", n.SMSURL)
	}
	vars := r.vars()
	prices := activePrices(r.stripe)
	key := onlyKey(t, r.sendgrid)
	for name, want := range map[string]string{
		"STRIPE_PRICE_PRO_MONTHLY": prices["pro_monthly"].ID,
		"SENDGRID_API_KEY":         key.Value,
		"TWILIO_PHONE_NUMBER":      "+15005550006",
	} {
		if vars[name] != want || want == "" {
			t.Errorf("%s = %q, want %q", name, vars[name], want)
		}
	}
	if prices["pro_monthly"].UnitAmount != 1500 || !strings.HasPrefix(key.Name, "patchbay ") {
		t.Errorf("price %+v, key %+v", prices["pro_monthly"], key)
	}

	r.destroy()
	if n := r.twilio.Numbers()[sid]; n.SMSURL != "https://demo.twilio.com/welcome/sms/reply" {
		t.Errorf("SmsUrl after destroy = %q", n.SMSURL)
	}
}

var _ engine.Source = analyzerSource{}
