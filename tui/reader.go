package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/content"
	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/tui/markdown"
)

// renderKey is what a rendered lesson depends on.
type renderKey struct {
	lesson int
	lang   string
	width  int
	style  string // dark, light or notty (no colour)
}

// renderedMsg carries a rendered lesson.
type renderedMsg struct {
	key  renderKey
	text string
	err  error
}

// renderCache keeps every lesson rendered so far, by key. Only Update
// touches it (when a renderedMsg arrives); commands never do.
type renderCache struct{ m map[renderKey]string }

func newRenderCache() *renderCache { return &renderCache{m: map[renderKey]string{}} }

// renderLesson renders a lesson's Markdown in a command, with a margin of
// two columns. (proctour renders its own Markdown subset with package
// markdown rather than glamour: glamour links chroma, whose package
// initialisation would run in every demo child process — 13.9 MiB and 24 ms
// more per child, measured.)
func renderLesson(key renderKey, l lessons.Lesson) tea.Cmd {
	return safe(func() tea.Msg {
		f, err := lessons.ReadLesson(key.lang, l.N) // questions and predictions are asked, not shown
		md := f.Body
		if errors.Is(err, fs.ErrNotExist) {
			md, err = content.Fallback(key.lang, l.N, l.Title), nil
		}
		if err != nil {
			return renderedMsg{key: key, err: err}
		}
		const margin = "  "
		th := markdown.NewTheme(key.style != "light", key.style == "notty")
		out := markdown.Render(md, key.width-len(margin), th)
		return renderedMsg{key: key, text: margin + strings.ReplaceAll(out, "\n", "\n"+margin)}
	})
}

// reader shows a lesson's text in a scrolling viewport.
type reader struct {
	lesson lessons.Lesson
	lang   string
	style  string
	key    renderKey // what is shown, or being rendered
	ready  bool
	err    error
	vp     viewport.Model
	cache  *renderCache
	keys   readerKeys
}

func newReader(l lessons.Lesson, lang string, cache *renderCache) reader {
	vp := viewport.New()
	keys := newReaderKeys()
	vp.KeyMap = keys.viewportKeys()
	vp.MouseWheelEnabled = true
	return reader{lesson: l, lang: lang, vp: vp, cache: cache, keys: keys}
}

// setSize sizes the reader and, if the text at that width and style is not
// cached, renders it. The last of its h lines says where the student is.
func (r reader) setSize(w, h int, style string) (reader, tea.Cmd) {
	r.vp.SetWidth(w)
	r.vp.SetHeight(max(h-1, 1))
	key := renderKey{lesson: r.lesson.N, lang: r.lang, width: max(w, 20), style: style}
	if key == r.key && r.ready {
		return r, nil
	}
	r.key = key
	if text, ok := r.cache.m[key]; ok {
		r.vp.SetContent(text)
		r.ready = true
		return r, nil
	}
	r.ready = false
	return r, renderLesson(key, r.lesson)
}

func (r reader) update(msg tea.Msg) (reader, tea.Cmd) {
	switch msg := msg.(type) {
	case renderedMsg:
		if msg.key != r.key {
			return r, nil
		}
		r.err = msg.err
		r.vp.SetContent(msg.text)
		r.ready = true
		return r, nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, r.keys.Top):
			r.vp.GotoTop()
			return r, nil
		case key.Matches(msg, r.keys.Bottom):
			r.vp.GotoBottom()
			return r, nil
		case key.Matches(msg, r.keys.Space):
			r.vp.PageDown()
			return r, nil
		}
		var cmd tea.Cmd
		r.vp, cmd = r.vp.Update(msg)
		return r, cmd
	case tea.MouseWheelMsg:
		var cmd tea.Cmd
		r.vp, cmd = r.vp.Update(msg)
		return r, cmd
	}
	return r, nil
}

func (r reader) view(s styles) string {
	switch {
	case r.err != nil:
		return s.Error.Render(fmt.Sprintf(s.tr("could not render the lesson: %v"), r.err))
	case !r.ready:
		return s.Dim.Render(s.tr("  rendering…"))
	}
	return r.vp.View() + "\n" + s.Dim.Render(r.position(s.lang))
}

// position says where the text is scrolled to: "  lines 31–52 of 120 ·
// 25%", "all 40 lines" when it fits.
func (r reader) position(lang string) string {
	total, shown := r.vp.TotalLineCount(), r.vp.VisibleLineCount()
	if total <= shown {
		return fmt.Sprintf(tr(lang, "  all %d lines"), total)
	}
	first := r.vp.YOffset() + 1
	return fmt.Sprintf(tr(lang, "  lines %d–%d of %d · %d%%"), first, first+shown-1, total, int(r.vp.ScrollPercent()*100+0.5))
}
