package i18n

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/proctour/proctour/content"
)

var verb = regexp.MustCompile(`%(\[\d\])?(\.[0-3][fg]|[sdvq%])`)

// verbs are a format's verbs, in the order of the values they take.
func verbs(f string) []string {
	var out []string
	for _, m := range verb.FindAllStringSubmatch(f, -1) {
		if m[2] != "%" {
			out = append(out, m[2])
		}
	}
	return out
}

// Every entry of the catalogue takes the same values as its English: the
// same verbs (in any order where explicit indexes say so), and nothing a
// value could not fill.
func TestCatalogueTakesTheSameValues(t *testing.T) {
	var m map[string]string
	if err := json.Unmarshal(content.CatalogueZh, &m); err != nil {
		t.Fatalf("content/zh/catalogue.json: %v", err)
	}
	for en, zh := range m {
		if strings.Trim(en, "%s") == "" {
			t.Errorf("%q is only values: there is nothing to translate", en)
		}
		if !plainFormat(en) || !plainFormat(zh) {
			t.Errorf("%q → %q: a verb proctour does not write", en, zh)
		}
		a, b := verbs(en), verbs(zh)
		if strings.Contains(zh, "%[") {
			slices.Sort(a)
			slices.Sort(b)
		}
		if !slices.Equal(a, b) {
			t.Errorf("%q → %q: verbs %v, want %v", en, zh, b, a)
		}
		if Tr("zh", en) != zh || Tr("en", en) != en {
			t.Errorf("%q is not looked up as written", en)
		}
	}
}

func TestIn(t *testing.T) {
	held := Tf("%s, held by %s", "lock", "buyer-3")
	for _, c := range []struct {
		t      T
		en, zh string
	}{
		{held, "lock, held by buyer-3", "lock，被 buyer-3 持有"},
		{Tf("%s wait for %s", Names{"a", "b", "c"}, held), "a, b and c wait for lock, held by buyer-3", "a、b 和 c 在等 lock，被 buyer-3 持有"},
		{Tf("job %d of %s, %d of %d done", 3, "pool", 1, 4), "job 3 of pool, 1 of 4 done", "pool 的任务 3，完成了 1/4 项"},
		{Code("print('waits for')"), "print('waits for')", "print('waits for')"},
		{Join(Code("x.close()"), Tf(", daemon")), "x.close(), daemon", "x.close()，守护进程"},
		{T{}, "", ""},
	} {
		if got := c.t.In("en"); got != c.en {
			t.Errorf("English: %q, want %q", got, c.en)
		}
		if got := c.t.In("zh"); got != c.zh {
			t.Errorf("Chinese: %q, want %q", got, c.zh)
		}
		b, _ := json.Marshal(c.t)
		var back T
		if err := json.Unmarshal(b, &back); err != nil || back.In("zh") != c.zh {
			t.Errorf("%s reads back as %q (%v)", b, back.In("zh"), err)
		}
	}
}

// A message read from a trace cannot ask for a gigabyte of padding, nest
// without end, or use a verb proctour does not write.
func TestHostileMessagesAreRefused(t *testing.T) {
	deep := `{"f":"%s","a":["x"]}`
	for range 20 {
		deep = `{"f":"%s","a":[` + deep + `]}`
	}
	for _, in := range []string{
		`{"f":"%999999999d","a":[1]}`,
		`{"f":"%x","a":[1]}`,
		`{"f":"%*d","a":[1]}`,
		deep,
		`{"f":"ok %s","a":[{"f":"%9s","a":["x"]}]}`,
	} {
		var x T
		if err := json.Unmarshal([]byte(in), &x); err == nil {
			t.Errorf("%s was accepted: %q", in, x.In("en"))
		}
	}
}
