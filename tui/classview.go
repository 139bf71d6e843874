package tui

import (
	"fmt"
	"sync"

	tea "charm.land/bubbletea/v2"
)

// ViewCache shares the drawing of the driver's screen among followers:
// followers at the same size, in the same language and styles, with
// nothing of their own on screen (no note, question, reveal or help)
// draw the same text for the same frame, so the first draws it and the
// others take it. It is safe for every session's program at once.
type ViewCache struct {
	mu      sync.Mutex
	entries [8]viewEntry
	next    int
}

type viewEntry struct {
	key  viewKey
	text string
}

// viewKey is everything a pure follower's screen depends on.
type viewKey struct {
	driver                        int
	seq                           uint64
	w, h                          int
	lang                          string
	dark, noColor, projector, ins bool
	screen                        screen
	badge                         string
	profile                       string // (the share key's only)
	ask                           string // the poll's question on screen, and the choice marked
	sel                           int
}

// NewViewCache is an empty cache, for one classroom.
func NewViewCache() *ViewCache { return &ViewCache{} }

func (c *ViewCache) get(k viewKey) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		if e.key == k && e.text != "" {
			return e.text, true
		}
	}
	return "", false
}

func (c *ViewCache) put(k viewKey, text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[c.next] = viewEntry{k, text}
	c.next = (c.next + 1) % len(c.entries)
}

// shownContent is the screen: a pure follower's from the classroom's
// cache when another follower drew it already.
func (a app) shownContent() string {
	k, ok := a.pureFollower()
	if !ok {
		return a.content()
	}
	views := a.class.link.Views
	if text, ok := views.get(k); ok {
		return text
	}
	text := a.content()
	views.put(k, text)
	return text
}

// pureFollower is the key of a follower's screen that shows the driver's
// frame and nothing of its own: the demo alone (a narrow lesson's demo
// tab), no note, no reveal, no chart, no help; the class's poll before it
// is answered (its choice marked is in the key).
func (a app) pureFollower() (viewKey, bool) {
	c := a.class
	if c.link == nil || !c.gated() || c.link.Views == nil || c.latest == nil || c.applied != c.latest.Seq || a.showHelp || a.screen != screenLesson || !a.lesson.showsDemoOnly() {
		return viewKey{}, false
	}
	d := a.lesson.demo
	if d.note != "" || d.guessed != nil || len(d.revealed) > 0 || len(d.outcomes) > 0 || d.editing != nil || d.repeating || len(a.lesson.problems) > 0 {
		return viewKey{}, false
	}
	k := viewKey{driver: c.latest.DriverID, seq: c.latest.Seq, w: a.width, h: a.height, lang: a.lang, dark: a.dark, noColor: a.noColor,
		projector: a.projector, ins: c.link.Instructor, screen: a.screen, badge: d.class.badge}
	if d.predicting != nil { // the class's poll, not answered yet: the choice on screen
		k.ask, k.sel = d.predicting.ID, d.predSel
	}
	return k, true
}

// shareKey is what a pure follower's screen depends on but the frame:
// followers with the same key show the same screen for the same frame.
// ok is false when the screen shows something of the follower's own.
func (a app) shareKey() (k viewKey, ok bool) {
	k, ok = a.pureFollower()
	k.driver, k.seq, k.profile = 0, 0, a.class.profile
	return k, ok
}

func (k viewKey) String() string {
	return fmt.Sprintf("%d×%d %s %s dark=%t nocolor=%t projector=%t instructor=%t screen=%d %s ask=%s/%d", k.w, k.h, k.profile, k.lang, k.dark, k.noColor, k.projector, k.ins, k.screen, k.badge, k.ask, k.sel)
}

// shareChanged reports whether the classroom is to be told (tellShare)
// that what the screen shows changed between the driver's frame alone,
// and at what size and so on, and something of the follower's own: k,
// shared (false: its own).
func (a app) shareChanged() (tell bool, k viewKey, shared bool) {
	if a.class.link.Share == nil {
		return false, k, false
	}
	k, shared = a.shareKey()
	if !shared {
		k = viewKey{}
	}
	return k != a.class.shareKey, k, shared
}

// tellShare tells the classroom (Class.Share) what shareChanged found.
func (a app) tellShare(k viewKey, shared, byFrame bool, cmd tea.Cmd) (app, tea.Cmd) {
	share := a.class.link.Share
	a.class.shareKey = k
	a.class.shareN++
	s, n := "", a.class.shareN
	if shared {
		s = k.String()
	}
	return a, tea.Batch(cmd, func() tea.Msg { share(n, s, byFrame); return nil })
}
