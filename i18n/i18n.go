// Package i18n puts proctour's English into the language of the screen.
//
// Whatever proctour says is written in English, as a format and its
// values: sim describes an event or why a process waits as a T, the UI and
// the headless views call Tr with their own strings. At the edge, In looks
// the format up in the catalogue (content/zh/catalogue.json) and fills in
// the values, which are Python code, names and numbers and never change
// with the language. The catalogue is read on first use, not at package
// init: every package linked into proctour runs its init in every demo
// child.
package i18n

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/proctour/proctour/content"
)

// T is a sentence or phrase in English: a fmt format and its values. A
// value that is itself a T, or Names, is put into the language too.
type T struct {
	Format string
	Args   []any
}

// Tf is the T of format and args.
func Tf(format string, args ...any) T { return T{format, args} }

// Code is text that stays as it is in every language: Python, a name, a
// value. Its format is "%s", which no catalogue translates.
func Code(s string) T { return T{"%s", []any{s}} }

// Join is the Ts one after another, each put into the language on its own.
func Join(parts ...T) T {
	args := make([]any, len(parts))
	for i, p := range parts {
		args[i] = p
	}
	return T{strings.Repeat("%s", len(parts)), args}
}

// String is the English.
func (t T) String() string { return t.In("en") }

// IsZero reports whether t says nothing.
func (t T) IsZero() bool { return t.Format == "" && len(t.Args) == 0 }

// In is t in lang ("en" or "zh"); a format the catalogue lacks stays
// English.
func (t T) In(lang string) string {
	if t.IsZero() {
		return ""
	}
	format := Tr(lang, t.Format)
	if len(t.Args) == 0 {
		return format
	}
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		switch v := a.(type) {
		case T:
			args[i] = v.In(lang)
		case Names:
			args[i] = v.In(lang)
		default:
			args[i] = a
		}
	}
	return fmt.Sprintf(format, args...)
}

// Names are names listed in a sentence: "a, b and c", "a、b 和 c".
type Names []string

// In is the list in lang.
func (n Names) In(lang string) string {
	sep, and := ", ", " and "
	if lang == "zh" {
		sep, and = "、", " 和 "
	}
	switch len(n) {
	case 0:
		return ""
	case 1:
		return n[0]
	}
	return strings.Join(n[:len(n)-1], sep) + and + n[len(n)-1]
}

// Tr is the English string s in lang: its entry in the catalogue, or s.
// Formats are looked up as written, before their values go in.
func Tr(lang, s string) string {
	if lang != "zh" {
		return s
	}
	if t, ok := zh()[s]; ok {
		return t
	}
	return s
}

// Has reports whether the catalogue puts s into lang.
func Has(lang, s string) bool {
	if lang != "zh" {
		return true
	}
	_, ok := zh()[s]
	return ok
}

// Say is format in lang with args put in: Tf(format, args...).In(lang).
func Say(lang, format string, args ...any) string { return T{format, args}.In(lang) }

var (
	zhOnce sync.Once
	zhMap  map[string]string
)

// zh is the Chinese catalogue, read on first use (sync.OnceValue would
// allocate at package init, in every child).
func zh() map[string]string {
	zhOnce.Do(func() {
		if err := json.Unmarshal(content.CatalogueZh, &zhMap); err != nil {
			panic("i18n: content/zh/catalogue.json: " + err.Error()) // a test reads it
		}
	})
	return zhMap
}

// A T travels in a trace as {"f": format, "a": [values]}: a value that is a
// T is such an object, Names are {"names": [...]}, and a whole number is
// an integer again when read back.
type wireT struct {
	F string            `json:"f"`
	A []json.RawMessage `json:"a,omitempty"`
}

// MarshalJSON writes t for a trace.
func (t T) MarshalJSON() ([]byte, error) {
	w := wireT{F: t.Format}
	for _, a := range t.Args {
		var v any = a
		if n, ok := a.(Names); ok {
			v = struct {
				Names []string `json:"names"`
			}{n}
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		w.A = append(w.A, b)
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (t *T) UnmarshalJSON(b []byte) error {
	return t.read(b, 0)
}

// maxDepth bounds how deeply a T read from a trace may nest (a T in a T):
// what proctour writes nests a few levels.
const maxDepth = 8

func (t *T) read(b []byte, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("a message nested deeper than %d levels", maxDepth)
	}
	var w wireT
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if !plainFormat(w.F) {
		return fmt.Errorf("message format %q: only %%s, %%d, %%v, %%q and %%.0f to %%.3g are used", w.F)
	}
	t.Format, t.Args = w.F, nil
	for _, raw := range w.A {
		var probe map[string]json.RawMessage
		switch {
		case json.Unmarshal(raw, &probe) == nil && probe["names"] != nil:
			var n Names
			if err := json.Unmarshal(probe["names"], &n); err != nil {
				return err
			}
			t.Args = append(t.Args, n)
		case probe != nil:
			var sub T
			if err := sub.read(raw, depth+1); err != nil {
				return err
			}
			t.Args = append(t.Args, sub)
		default:
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				return err
			}
			if f, ok := v.(float64); ok && f == float64(int64(f)) {
				v = int(f)
			}
			t.Args = append(t.Args, v)
		}
	}
	return nil
}

// plainFormat reports whether a format read from a trace uses only the
// verbs proctour writes, with no width that could make it print a
// gigabyte.
func plainFormat(f string) bool {
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		rest := f[i+1:]
		if len(rest) >= 4 && rest[0] == '[' && rest[1] >= '1' && rest[1] <= '9' && rest[2] == ']' {
			rest, i = rest[3:], i+3 // an explicit argument index
		}
		switch {
		case len(rest) >= 3 && rest[0] == '.' && rest[1] >= '0' && rest[1] <= '3' && (rest[2] == 'f' || rest[2] == 'g'):
			i += 3
		case rest != "" && strings.IndexByte("%sdvq", rest[0]) >= 0:
			i++
		default:
			return false
		}
	}
	return true
}
