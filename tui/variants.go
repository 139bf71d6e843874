package tui

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/tui/markdown"
)

// openEditor shows the variant editor on the demo's current values, the
// cursor on the first variant with named values (lock off/on), which is
// the one lessons ask to switch.
func (d demo) openEditor() (demo, tea.Cmd) {
	if d.sc == nil || d.replay || len(d.sc.Variants) == 0 {
		return d.say(true, "this demo has no variants"), nil
	}
	d.editing, d.editSel = maps.Clone(d.vars), 0
	if i := slices.IndexFunc(d.sc.Variants, func(v lessons.Variant) bool { return len(v.Values) > 1 }); i >= 0 {
		d.editSel = i
	}
	return d, nil
}

// editKey changes the values in the editor: digits type a number, enter
// applies the values to the next run, r applies them and runs.
func (d demo) editKey(msg tea.KeyPressMsg) (demo, tea.Cmd) {
	v := d.sc.Variants[d.editSel]
	k := d.keys.Editor
	if key.Matches(msg, k.Digit, k.Erase) && len(v.Values) == 0 {
		return d.typeDigit(v, msg), nil
	}
	d = d.takeTyped()
	change := func(by int) {
		d.editing = maps.Clone(d.editing)
		d.editing[v.Key] = v.Step(d.editing[v.Key], by)
	}
	switch {
	case key.Matches(msg, k.Up):
		d.editSel = max(d.editSel-1, 0)
	case key.Matches(msg, k.Down):
		d.editSel = min(d.editSel+1, len(d.sc.Variants)-1)
	case key.Matches(msg, k.Less):
		change(-1)
	case key.Matches(msg, k.More):
		change(1)
	case key.Matches(msg, k.More10):
		change(10)
	case key.Matches(msg, k.Less10):
		change(-10)
	case key.Matches(msg, k.Apply):
		d.vars, d.editing = d.editing, nil
		if d.run == 0 {
			return d.say(false, "%s: r runs them, k runs them 20 times", d.vars.String()), nil
		}
		return d.say(false, "%s from the next run: r runs them, k runs them 20 times", d.vars.String()), nil
	case key.Matches(msg, k.Run):
		d.vars, d.editing = d.editing, nil
		d, cmd := d.start()
		return d.say(false, "%s", d.vars.String()), cmd
	case key.Matches(msg, k.Cancel):
		d.editing = nil
	}
	return d, nil
}

// typeDigit types a digit of a number (the first replaces the value), or
// erases the last one typed.
func (d demo) typeDigit(v lessons.Variant, msg tea.KeyPressMsg) demo {
	if key.Matches(msg, d.keys.Editor.Erase) {
		if d.typed == "" {
			d.typed = d.editing[v.Key]
		}
		d.typed = d.typed[:max(len(d.typed)-1, 0)]
		if d.typed == "" {
			d.typed = "0" // erased to nothing: a number still shows
		}
		return d
	}
	if d.typed == "0" {
		d.typed = ""
	}
	if len(d.typed) < 6 {
		d.typed += msg.String()
	}
	return d
}

// takeTyped makes the number typed the variant's value, kept in its
// range; with nothing typed, the value stays.
func (d demo) takeTyped() demo {
	if d.typed == "" {
		return d
	}
	v := d.sc.Variants[d.editSel]
	n, err := strconv.Atoi(d.typed)
	d.typed = ""
	if err != nil {
		return d
	}
	d.editing = maps.Clone(d.editing)
	d.editing[v.Key] = strconv.Itoa(min(max(n, v.Min), v.Max))
	if n < v.Min || n > v.Max {
		return d.say(true, "%s takes %d to %d", v.Key, v.Min, v.Max)
	}
	return d
}

// editorView lists the demo's variants, the one under the cursor marked,
// with what it does.
func (d demo) editorView(s styles, w int) []string {
	lines := []string{"", s.Title.Render(s.tr("Variants: the next run's values"))}
	keyW := 0
	for _, v := range d.sc.Variants {
		keyW = max(keyW, len(v.Key))
	}
	for i, v := range d.sc.Variants {
		val := d.editing[v.Key]
		if i == d.editSel && d.typed != "" {
			val = d.typed + "▏"
		} else if val != v.Default {
			val = fmt.Sprintf(s.tr("%s (default %s)"), val, v.Default)
		}
		row := fmt.Sprintf("%-*s  ‹ %s ›", keyW, v.Key, val)
		if i == d.editSel {
			lines = append(lines, s.Selected.Render(cut("› "+row, w)))
		} else {
			lines = append(lines, cut("  "+row, w))
		}
	}
	// the keys before the help text, which may be cut on a small screen
	v := d.sc.Variants[d.editSel]
	lines = append(lines, s.Dim.Render(cut(s.tr("↑↓ choose · ←→ change · enter apply · r run · esc cancel"), w)))
	about := d.sc.VariantHelpIn(s.lang, v.Key)
	if len(v.Values) == 0 {
		about = fmt.Sprintf(s.tr("%d to %d (type digits, or pgup/pgdn: by 10): "), v.Min, v.Max) + about
	}
	for _, l := range strings.Split(markdown.Render(about, max(w-2, 20), markdown.NewTheme(s.dark, true)), "\n") {
		lines = append(lines, s.Text.Render(l))
	}
	return lines
}
