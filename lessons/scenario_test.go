package lessons

import "testing"

// A variant steps through its values round the end, and an integer knob
// stays within its range.
func TestVariantStep(t *testing.T) {
	t.Parallel()
	mode := Variant{Key: "server", Default: "fork", Values: []string{"fork", "pool"}}
	buyers := Variant{Key: "buyers", Default: "100", Min: 1, Max: 200}
	for _, c := range []struct {
		v    Variant
		from string
		by   int
		want string
	}{
		{mode, "fork", 1, "pool"},
		{mode, "pool", 1, "fork"},
		{mode, "fork", -1, "pool"},
		{buyers, "100", 1, "101"},
		{buyers, "100", -10, "90"},
		{buyers, "5", -10, "1"},
		{buyers, "195", 10, "200"},
		{buyers, "x", 1, "101"},
	} {
		if got := c.v.Step(c.from, c.by); got != c.want {
			t.Errorf("%s=%s stepped by %d: %s, want %s", c.v.Key, c.from, c.by, got, c.want)
		}
	}
}
