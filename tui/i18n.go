package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"

	"github.com/proctour/proctour/i18n"
)

// tr is an English UI string in lang: its entry in the catalogue
// (content/zh/catalogue.json) or the string itself. Format strings are
// looked up as written, before their values go in.
func tr(lang, s string) string { return i18n.Tr(lang, s) }

// tr is an English UI string in the language the styles draw in.
func (s styles) tr(text string) string { return tr(s.lang, text) }

// trHelp is a key's help description in lang. A description that alone is
// ambiguous is looked up with its key first: "b/← back" is one event back,
// where "back" is back to the lesson list.
func trHelp(lang string, h key.Help) string {
	if k := h.Key + " " + h.Desc; i18n.Has(lang, k) && lang != "en" {
		return i18n.Tr(lang, k)
	}
	return tr(lang, h.Desc)
}

// localKeys is a keymap whose help is drawn in lang: the same bindings,
// their descriptions translated.
type localKeys struct {
	keys help.KeyMap
	lang string
}

func (k localKeys) ShortHelp() []key.Binding { return k.local(k.keys.ShortHelp()) }

func (k localKeys) FullHelp() [][]key.Binding {
	groups := k.keys.FullHelp()
	out := make([][]key.Binding, len(groups))
	for i, g := range groups {
		out[i] = k.local(g)
	}
	return out
}

// local copies bindings with their descriptions in k.lang.
func (k localKeys) local(bindings []key.Binding) []key.Binding {
	out := make([]key.Binding, len(bindings))
	for i, b := range bindings {
		h := b.Help()
		b.SetHelp(h.Key, trHelp(k.lang, h))
		out[i] = b
	}
	return out
}
