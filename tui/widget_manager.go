package tui

import (
	"encoding/json"
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/sim"
)

var _ = registerWidget(60, managerWidget)

// managerWidget draws each manager's objects, a line each, as the server
// holds them now: a dict or list by its value, a Lock by its holder, a
// Queue by its items; then who waits in the server for it.
//
//	manager    d    {'count': 87} · 26 calls
//	           lock held by worker-3 · waiting: worker-4, worker-7
func managerWidget(st *sim.State, s styles, width int) []string {
	var out []string
	for _, m := range st.Managers {
		nameW := 4
		for _, o := range m.Objects {
			nameW = max(nameW, min(12, lipgloss.Width(o.Name)))
		}
		for i, o := range m.Objects {
			label := ""
			if i == 0 {
				label = s.tr("manager")
			}
			line := resourceName(s, label) + s.Text.Render(fit(o.Name, nameW)) + " "
			line += managedValue(st, o, s, max(10, width-lipgloss.Width(line)-30))
			if o.Calls > 0 {
				line += s.Dim.Render(fmt.Sprintf(s.tr(plural(o.Calls, " · %d call", " · %d calls")), o.Calls))
			}
			if len(o.Waiters) > 0 {
				head := s.tr(" · waiting: ")
				line += s.Dim.Render(head) + pidList(st, o.Waiters, s.Waiting, width-lipgloss.Width(line+head))
			}
			out = append(out, cut(line, width))
		}
	}
	return out
}

// managedValue is an object's value as a student would print it.
func managedValue(st *sim.State, o *sim.ManagedObject, s styles, width int) string {
	switch o.Type {
	case "Lock":
		var holder int
		if json.Unmarshal(o.Value, &holder) == nil && holder != 0 {
			return s.Held.Render(fmt.Sprintf(s.tr("held by %s"), st.Name(holder)))
		}
		return s.Free.Render(s.tr("free"))
	case "Namespace":
		return s.Held.Render(cut("Namespace"+namespaceText(o.Value), width))
	}
	return s.Held.Render(cut(sim.PyValue(o.Value), width))
}

// namespaceText is a Namespace's attributes as Python prints them:
// "(x=1, y='a')".
func namespaceText(raw json.RawMessage) string {
	var attrs map[string]json.RawMessage
	json.Unmarshal(raw, &attrs)
	parts := []string{}
	for _, k := range sim.OrderedKeys(raw) {
		parts = append(parts, k+"="+sim.PyValue(attrs[k]))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
