package tui

import (
	"fmt"
	"maps"
	"slices"
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

// editKey changes the values in the editor; enter runs with them.
func (d demo) editKey(msg tea.KeyPressMsg) (demo, tea.Cmd) {
	v := d.sc.Variants[d.editSel]
	change := func(by int) {
		d.editing = maps.Clone(d.editing)
		d.editing[v.Key] = v.Step(d.editing[v.Key], by)
	}
	k := d.keys.Editor
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
	case key.Matches(msg, k.Run):
		d.vars, d.editing = d.editing, nil
		d, cmd := d.start()
		return d.say(false, "%s", d.vars.String()), cmd
	case key.Matches(msg, k.Cancel):
		d.editing = nil
	}
	return d, nil
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
		if val != v.Default {
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
	lines = append(lines, s.Dim.Render(cut(s.tr("↑↓ choose · ←→ change · enter run · esc cancel"), w)))
	about := d.sc.VariantHelpIn(s.lang, v.Key)
	if len(v.Values) == 0 {
		about = fmt.Sprintf(s.tr("%d to %d (pgup/pgdn: by 10): "), v.Min, v.Max) + about
	}
	for _, l := range strings.Split(markdown.Render(about, max(w-2, 20), markdown.NewTheme(s.dark, true)), "\n") {
		lines = append(lines, s.Text.Render(l))
	}
	return lines
}
