package lessons

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestPyLiteral(t *testing.T) {
	for value, want := range map[string]string{
		"on": "True", "off": "False", "100": "100", "0": "0", "0.4": "0.4",
		"fork": "'fork'", "together": "'together'", "it's": `'it\'s'`, "": "None",
		"1.2.3": "'1.2.3'", ".5": "'.5'", "-1": "'-1'",
	} {
		if got := PyLiteral(value); got != want {
			t.Errorf("PyLiteral(%q) = %s, want %s", value, got, want)
		}
	}
}

// Every listing is a whole program: its first lines set its constants, one
// per variant, and then a blank line; each constant is used; every
// upper-case name the code uses is defined in the listing.
func TestListingConstants(t *testing.T) {
	upper := regexp.MustCompile(`\b[A-Z][A-Z0-9_]+\b`)
	assigned := regexp.MustCompile(`^\s*([A-Z][A-Z0-9_]*(?:\s*,\s*[A-Z][A-Z0-9_]*)*)\s*=[^=]`)
	for _, sc := range Scenarios() {
		t.Run(sc.ID, func(t *testing.T) {
			consts := sc.Listing.Constants()
			lines := sc.ListingLines("en")
			keys := map[string]bool{}
			for i, c := range consts {
				if c.Line != i+1 {
					t.Errorf("constant %s on line %d, want %d: the constants come first", c.Name, c.Line, i+1)
				}
				if keys[c.Key] {
					t.Errorf("two constants of variant %s", c.Key)
				}
				keys[c.Key] = true
				if !slices.ContainsFunc(sc.Variants, func(v Variant) bool { return v.Key == c.Key }) {
					t.Errorf("constant %s of %q, which is no variant", c.Name, c.Key)
				}
			}
			for _, v := range sc.Variants {
				if !keys[v.Key] {
					t.Errorf("variant %s sets no constant of the listing", v.Key)
				}
			}
			if n := len(consts); n > 0 && lines[n] != "" {
				t.Errorf("line %d after the constants is %q, want it blank", n+1, lines[n])
			}
			defined := map[string]bool{}
			var code []string // the code without comments and strings
			for _, l := range lines {
				c, _, _ := splitComment(l)
				c = stripStrings(c)
				code = append(code, c)
				if m := assigned.FindStringSubmatch(c); m != nil {
					for _, name := range strings.Split(m[1], ",") {
						defined[strings.TrimSpace(name)] = true
					}
				}
			}
			for _, c := range consts {
				if !defined[c.Name] {
					t.Errorf("line %d does not define %s: %q", c.Line, c.Name, lines[c.Line-1])
				}
				used := false
				for _, l := range code[len(consts):] {
					used = used || slices.Contains(upper.FindAllString(l, -1), c.Name)
				}
				if !used {
					t.Errorf("constant %s is never used", c.Name)
				}
			}
			for i, l := range code {
				for _, name := range upper.FindAllString(l, -1) {
					if !defined[name] {
						t.Errorf("line %d uses %s, which the listing never defines: %q", i+1, name, lines[i])
					}
				}
			}
			for i, l := range lines {
				if _, ok := cutConstant(l); ok {
					t.Errorf("line %d is still a placeholder: %q", i+1, l)
				}
			}
		})
	}
}

// stripStrings blanks the string literals of a line of code (f-strings
// too, with what is in their braces).
func stripStrings(line string) string {
	var b strings.Builder
	var quote rune
	for _, c := range line {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// ProgramLines sets the constants from the values, and changes nothing
// else; the Chinese listing has the same values on the same lines.
func TestProgramLines(t *testing.T) {
	v, err := Tickets.Resolve([]string{"lock=on", "buyers=7"})
	if err != nil {
		t.Fatal(err)
	}
	en, def := Tickets.ProgramLines("en", v), Tickets.ListingLines("en")
	if want := []string{"BUYERS = 7", "USE_LOCK = True", "TICKETS = 1", ""}; !slices.Equal(en[:4], want) {
		t.Errorf("the tickets program begins %q, want %q", en[:4], want)
	}
	if want := []string{"BUYERS = 100", "USE_LOCK = False", "TICKETS = 1", ""}; !slices.Equal(def[:4], want) {
		t.Errorf("the tickets listing begins %q, want the defaults %q", def[:4], want)
	}
	if !slices.Equal(en[3:], def[3:]) {
		t.Errorf("the program differs from the listing below its constants")
	}
	zh := Tickets.ProgramLines("zh", v)
	if !slices.Equal(zh[:4], en[:4]) || len(zh) != len(en) {
		t.Errorf("the Chinese program begins %q, want %q", zh[:4], en[:4])
	}
	if !strings.Contains(Tickets.Program("zh", v), "网络很慢") || !strings.HasSuffix(Tickets.Program("en", v), "print('left:', json.load(f)['count'])\n") {
		t.Errorf("Program: want the whole listing in the language, with a final newline")
	}
	// the lines events point at are those of the program shown
	if got := en[ticketsListing.At("lock")-1]; !strings.Contains(got, "lock = Lock() if USE_LOCK else None") {
		t.Errorf("line %d, tagged lock, is %q", ticketsListing.At("lock"), got)
	}
}
