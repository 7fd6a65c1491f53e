package gateway

import (
	"encoding/json"
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Schema is the subset of JSON Schema draft 2020-12 the component catalogue
// uses: type, properties, required, additionalProperties (false or a
// schema), enum, const-free string checks (minLength, maxLength, pattern,
// format email/uri), numeric bounds, items/minItems/maxItems and anyOf. The
// same document is published to callers verbatim, so every keyword here
// must mean what the specification says; a keyword outside the subset is
// rejected when the catalogue is built rather than silently ignored.
type Schema struct {
	Schema               string             `json:"$schema,omitempty"`
	Type                 string             `json:"type,omitempty"`
	Description          string             `json:"description,omitempty"`
	Properties           map[string]*Schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	AdditionalProperties *Schema            `json:"-"`
	NoAdditional         bool               `json:"-"`
	Enum                 []any              `json:"enum,omitempty"`
	MinLength            *int               `json:"minLength,omitempty"`
	MaxLength            *int               `json:"maxLength,omitempty"`
	Pattern              string             `json:"pattern,omitempty"`
	Format               string             `json:"format,omitempty"`
	Minimum              *float64           `json:"minimum,omitempty"`
	Maximum              *float64           `json:"maximum,omitempty"`
	Items                *Schema            `json:"items,omitempty"`
	MinItems             *int               `json:"minItems,omitempty"`
	MaxItems             *int               `json:"maxItems,omitempty"`
	AnyOf                []*Schema          `json:"anyOf,omitempty"`

	re *regexp.Regexp
}

var knownKeywords = map[string]bool{
	"$schema": true, "type": true, "description": true, "properties": true, "required": true,
	"additionalProperties": true, "enum": true, "minLength": true, "maxLength": true, "pattern": true,
	"format": true, "minimum": true, "maximum": true, "items": true, "minItems": true, "maxItems": true, "anyOf": true,
}

// ParseSchema reads a schema document, refusing keywords outside the
// supported subset.
func ParseSchema(doc string) (*Schema, error) {
	var s Schema
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		return nil, err
	}
	return &s, s.compile("#")
}

func (s *Schema) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for k := range raw {
		if !knownKeywords[k] {
			return fmt.Errorf("schema keyword %q is not supported", k)
		}
	}
	type plain Schema
	if err := json.Unmarshal(b, (*plain)(s)); err != nil {
		return err
	}
	if ap, ok := raw["additionalProperties"]; ok {
		var b bool
		if err := json.Unmarshal(ap, &b); err == nil {
			s.NoAdditional = !b
		} else {
			s.AdditionalProperties = &Schema{}
			if err := json.Unmarshal(ap, s.AdditionalProperties); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Schema) compile(at string) error {
	if s.Pattern != "" {
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			return fmt.Errorf("%s: pattern: %w", at, err)
		}
		s.re = re
	}
	switch s.Format {
	case "", "email", "uri":
	default:
		return fmt.Errorf("%s: format %q is not supported", at, s.Format)
	}
	for name, p := range s.Properties {
		if err := p.compile(at + "/properties/" + name); err != nil {
			return err
		}
	}
	for _, r := range s.Required {
		if s.Properties[r] == nil && s.Type == "object" && len(s.AnyOf) == 0 {
			return fmt.Errorf("%s: required %q has no property schema", at, r)
		}
	}
	for _, sub := range []*Schema{s.Items, s.AdditionalProperties} {
		if sub != nil {
			if err := sub.compile(at + "/sub"); err != nil {
				return err
			}
		}
	}
	for i, sub := range s.AnyOf {
		if err := sub.compile(fmt.Sprintf("%s/anyOf/%d", at, i)); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks v (as decoded by encoding/json or structpb: float64
// numbers, map[string]any objects) and returns every violation with its
// JSON pointer, sorted, or nil.
func (s *Schema) Validate(v any) []string {
	var errs []string
	s.validate("", v, &errs)
	sort.Strings(errs)
	return errs
}

func ptr(at string) string {
	if at == "" {
		return "/"
	}
	return at
}

func (s *Schema) validate(at string, v any, errs *[]string) {
	add := func(format string, args ...any) {
		*errs = append(*errs, ptr(at)+": "+fmt.Sprintf(format, args...))
	}
	if s.Type != "" && !hasType(s.Type, v) {
		add("must be %s, got %s", article(s.Type), typeName(v))
		return
	}
	if len(s.Enum) > 0 && !slices.ContainsFunc(s.Enum, func(e any) bool { return equalJSON(e, v) }) {
		add("must be one of %s", enumList(s.Enum))
	}
	switch x := v.(type) {
	case string:
		n := utf8.RuneCountInString(x)
		if s.MinLength != nil && n < *s.MinLength {
			add("must be at least %d characters", *s.MinLength)
		}
		if s.MaxLength != nil && n > *s.MaxLength {
			add("must be at most %d characters", *s.MaxLength)
		}
		if s.re != nil && !s.re.MatchString(x) {
			add("must match %s", s.Pattern)
		}
		switch s.Format {
		case "email":
			if a, err := mail.ParseAddress(x); err != nil || a.Address != x {
				add("must be an email address")
			}
		case "uri":
			if u, err := url.Parse(x); err != nil || u.Scheme == "" || u.Host == "" {
				add("must be an absolute URI")
			}
		}
	case float64:
		if s.Minimum != nil && x < *s.Minimum {
			add("must be >= %v", *s.Minimum)
		}
		if s.Maximum != nil && x > *s.Maximum {
			add("must be <= %v", *s.Maximum)
		}
	case []any:
		if s.MinItems != nil && len(x) < *s.MinItems {
			add("must have at least %d items", *s.MinItems)
		}
		if s.MaxItems != nil && len(x) > *s.MaxItems {
			add("must have at most %d items", *s.MaxItems)
		}
		if s.Items != nil {
			for i, e := range x {
				s.Items.validate(fmt.Sprintf("%s/%d", at, i), e, errs)
			}
		}
	case map[string]any:
		for _, r := range s.Required {
			if _, ok := x[r]; !ok {
				add("missing required property %q", r)
			}
		}
		names := make([]string, 0, len(x))
		for k := range x {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			child := at + "/" + strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
			switch p := s.Properties[k]; {
			case p != nil:
				p.validate(child, x[k], errs)
			case s.NoAdditional:
				add("unknown property %q", k)
			case s.AdditionalProperties != nil:
				s.AdditionalProperties.validate(child, x[k], errs)
			}
		}
	}
	if len(s.AnyOf) > 0 {
		for _, sub := range s.AnyOf {
			var sErrs []string
			sub.validate(at, v, &sErrs)
			if len(sErrs) == 0 {
				return
			}
		}
		add("must satisfy one of: %s", anyOfText(s.AnyOf))
	}
}

// MarshalJSON writes additionalProperties back in its original form.
func (s *Schema) MarshalJSON() ([]byte, error) {
	type plain Schema
	b, err := json.Marshal((*plain)(s))
	if err != nil || (!s.NoAdditional && s.AdditionalProperties == nil) {
		return b, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if s.NoAdditional {
		m["additionalProperties"] = false
	} else {
		m["additionalProperties"] = s.AdditionalProperties
	}
	return json.Marshal(m)
}

func anyOfText(subs []*Schema) string {
	var parts []string
	for _, s := range subs {
		if len(s.Required) > 0 {
			parts = append(parts, "has "+strings.Join(s.Required, " and "))
		} else if s.Description != "" {
			parts = append(parts, s.Description)
		}
	}
	if len(parts) == 0 {
		return "the alternatives"
	}
	return strings.Join(parts, ", or ")
}

func hasType(t string, v any) bool {
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == math.Trunc(f) && !math.IsInf(f, 0)
	case "null":
		return v == nil
	}
	return false
}

func typeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64:
		if x == math.Trunc(x) {
			return "an integer"
		}
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}

func article(t string) string {
	switch t {
	case "object", "array", "integer":
		return "an " + t
	}
	return "a " + t
}

func equalJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func enumList(e []any) string {
	parts := make([]string, len(e))
	for i, v := range e {
		b, _ := json.Marshal(v)
		parts[i] = string(b)
	}
	return strings.Join(parts, ", ")
}
