package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// ConfigFile is the name of the per-service provisioning config, read from
// the service's root directory. It declares what the code cannot show:
// Stripe products and prices, the Twilio numbers to point at the app, the
// Cognito user pool, SendGrid key scopes.
const ConfigFile = "patchbay.json"

// ServiceConfig is one service's patchbay.json.
type ServiceConfig struct {
	Stripe   *StripeConfig   `json:"stripe,omitempty"`
	SendGrid *SendGridConfig `json:"sendgrid,omitempty"`
	Twilio   *TwilioConfig   `json:"twilio,omitempty"`
	Cognito  *CognitoConfig  `json:"cognito,omitempty"`
	// Analyzer holds the analyzer's corrections (declared webhooks and
	// callbacks, suppressed findings); the analyzer reads it itself.
	Analyzer json.RawMessage `json:"analyzer,omitempty"`
}

// StripeConfig declares the service's catalog.
type StripeConfig struct {
	Products []StripeProductConfig `json:"products"`
}

// StripeProductConfig is one product and its prices.
type StripeProductConfig struct {
	// Key names the product in Patchbay (and in STRIPE_PRODUCT_<KEY>); it
	// never changes at Stripe.
	Key         string              `json:"key"`
	Name        string              `json:"name"`
	Description string              `json:"description,omitempty"`
	Prices      []StripePriceConfig `json:"prices"`
}

// StripePriceConfig is one price. LookupKey identifies it: changing the
// amount, currency or interval of a lookup key replaces the price.
type StripePriceConfig struct {
	LookupKey  string `json:"lookup_key"`
	Currency   string `json:"currency"`
	UnitAmount *int64 `json:"unit_amount"`
	// Interval is day, week, month or year for a recurring price; empty
	// for a one-time price.
	Interval      string `json:"interval,omitempty"`
	IntervalCount int64  `json:"interval_count,omitempty"`
	Nickname      string `json:"nickname,omitempty"`
}

// SendGridConfig overrides the defaults of the SendGrid resources.
type SendGridConfig struct {
	// Scopes of the API key Patchbay creates (default: mail.send).
	Scopes []string `json:"scopes,omitempty"`
	// Events the event webhook sends (default: all).
	Events []string `json:"events,omitempty"`
}

// TwilioConfig lists phone numbers the service's webhooks answer.
type TwilioConfig struct {
	Numbers []TwilioNumberConfig `json:"numbers"`
}

// TwilioNumberConfig is one number already in the account. Patchbay only
// points its webhooks at the app; it never buys or releases numbers.
type TwilioNumberConfig struct {
	PhoneNumber string `json:"phone_number"`
	// SMSRoute, VoiceRoute and StatusRoute override the detected routes.
	SMSRoute    string `json:"sms_route,omitempty"`
	VoiceRoute  string `json:"voice_route,omitempty"`
	StatusRoute string `json:"status_callback_route,omitempty"`
}

// CognitoConfig names the user pool the app client lives in.
type CognitoConfig struct {
	// UserPoolID carries its region ("eu-west-1_AbC123").
	UserPoolID string `json:"user_pool_id"`
	// Scopes are the OAuth scopes (default: openid, email, profile).
	Scopes []string `json:"scopes,omitempty"`
}

var (
	lookupKeyRE  = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,200}$`)
	currencyRE   = regexp.MustCompile(`^[a-z]{3}$`)
	phoneRE      = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	userPoolIDRE = regexp.MustCompile(`^([a-z]{2}(-[a-z]+)+-[0-9])_[0-9A-Za-z]+$`)
)

func (c *ServiceConfig) validate() error {
	var errs []error
	if c.Stripe != nil {
		products, lookups := map[string]bool{}, map[string]bool{}
		for i, p := range c.Stripe.Products {
			at := fmt.Sprintf("stripe.products[%d]", i)
			switch {
			case !lookupKeyRE.MatchString(p.Key):
				errs = append(errs, fmt.Errorf("%s.key %q must be letters, digits, '_', '-' or '.'", at, p.Key))
			case products[p.Key]:
				errs = append(errs, fmt.Errorf("%s.key %q is declared twice", at, p.Key))
			}
			products[p.Key] = true
			if strings.TrimSpace(p.Name) == "" {
				errs = append(errs, fmt.Errorf("%s.name is required", at))
			}
			for j, pr := range p.Prices {
				at := fmt.Sprintf("%s.prices[%d]", at, j)
				switch {
				case !lookupKeyRE.MatchString(pr.LookupKey):
					errs = append(errs, fmt.Errorf("%s.lookup_key %q must be letters, digits, '_', '-' or '.'", at, pr.LookupKey))
				case lookups[pr.LookupKey]:
					errs = append(errs, fmt.Errorf("%s.lookup_key %q is declared twice", at, pr.LookupKey))
				}
				lookups[pr.LookupKey] = true
				if !currencyRE.MatchString(pr.Currency) {
					errs = append(errs, fmt.Errorf("%s.currency %q must be a lowercase ISO code such as \"usd\"", at, pr.Currency))
				}
				if pr.UnitAmount == nil || *pr.UnitAmount < 0 {
					errs = append(errs, fmt.Errorf("%s.unit_amount is required (in the smallest currency unit, e.g. cents) and must not be negative", at))
				}
				if pr.Interval != "" && !slices.Contains([]string{"day", "week", "month", "year"}, pr.Interval) {
					errs = append(errs, fmt.Errorf("%s.interval %q must be day, week, month or year", at, pr.Interval))
				}
				if pr.IntervalCount < 0 || (pr.IntervalCount > 0 && pr.Interval == "") {
					errs = append(errs, fmt.Errorf("%s.interval_count needs an interval and must be positive", at))
				}
			}
		}
	}
	if c.Twilio != nil {
		seen := map[string]bool{}
		for i, n := range c.Twilio.Numbers {
			if !phoneRE.MatchString(n.PhoneNumber) {
				errs = append(errs, fmt.Errorf("twilio.numbers[%d].phone_number %q must be in E.164 form (+15551234567)", i, n.PhoneNumber))
			}
			if seen[n.PhoneNumber] {
				errs = append(errs, fmt.Errorf("twilio.numbers[%d].phone_number %q is declared twice", i, n.PhoneNumber))
			}
			seen[n.PhoneNumber] = true
		}
	}
	if c.Cognito != nil {
		if !userPoolIDRE.MatchString(c.Cognito.UserPoolID) {
			errs = append(errs, fmt.Errorf("cognito.user_pool_id %q must look like \"us-east-1_AbCdEf123\"", c.Cognito.UserPoolID))
		}
	}
	return errors.Join(errs...)
}

// LoadConfigs reads patchbay.json of every service (and of the workspace
// root), keyed by service path. A missing file is no config; an unreadable
// or invalid one is an error, because planning without it would archive or
// delete what it declares.
func LoadConfigs(root string, svcs []*patchbayv1.Service) (map[string]*ServiceConfig, error) {
	paths := []string{"."}
	for _, s := range svcs {
		paths = append(paths, s.GetPath())
	}
	out := map[string]*ServiceConfig{}
	for _, p := range paths {
		if p == "" {
			p = "."
		}
		if _, done := out[p]; done {
			continue
		}
		if filepath.IsAbs(p) || strings.HasPrefix(filepath.Clean(p), "..") {
			continue
		}
		file := filepath.Join(root, filepath.FromSlash(p), ConfigFile)
		raw, err := os.ReadFile(file)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		rel := filepath.ToSlash(filepath.Join(p, ConfigFile))
		if err != nil {
			return nil, fmt.Errorf("engine: read %s: %w", rel, err)
		}
		var c ServiceConfig
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("engine: %s: %v: %w", rel, err, ErrInvalid)
		}
		if err := c.validate(); err != nil {
			return nil, fmt.Errorf("engine: %s: %v: %w", rel, err, ErrInvalid)
		}
		out[p] = &c
	}
	return out, nil
}

// config returns the config that applies to a service: its own file, or
// the workspace root's for a single-service repo.
func (in DesiredInput) config(svc string) *ServiceConfig {
	if svc == "" {
		svc = "."
	}
	if c := in.Configs[svc]; c != nil {
		return c
	}
	if len(in.Services) <= 1 {
		return in.Configs["."]
	}
	return nil
}

// envSuffix turns a key into the upper-case fragment of an env var name.
func envSuffix(k string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(k) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
