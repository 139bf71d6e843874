// Package markdown renders proctour's lesson text — Markdown in the small
// subset below — for the terminal, with lipgloss styles, and lints lesson
// files for constructs outside that subset.
//
// # Why not glamour
//
// proctour's demo child processes are re-executions of the proctour binary
// itself, so every package linked into the binary runs its package
// initialisation in every child. glamour (through chroma's styles and
// lexers) costs each child about 18 ms of init and 9 MiB of RSS, and
// goldmark's core about 0.55 ms. Lesson text is proctour's own, so this
// package renders just the subset it uses and does no package-level
// initialisation work at all: no regexp compiled at package level, no
// tables built at init, no init function. Keep it that way: the test
// TestNoInitWork checks it with GODEBUG=inittrace=1. It imports only the
// standard library, lipgloss and github.com/charmbracelet/x/ansi.
//
// # The subset
//
// Blocks, separated by blank lines:
//
//   - ATX headings: "# ", "## ", "### " (a closing run of # is dropped).
//   - Paragraphs: consecutive lines are joined and reflowed to the width.
//   - Bullet lists ("- " or "* ") and ordered lists ("1. "). An item nests
//     under another when indented by 2 or more spaces more than its
//     parent's marker; continuation lines are indented (an unindented line
//     straight after an item's text continues it too). Items wrap with a
//     hanging indent aligned after the bullet or number. Only "1." may
//     start an ordered list in the middle of a paragraph.
//   - Fenced code blocks: ``` with an optional language, closed by ```.
//     Shown in a monospace block indented by 2, never wrapped: a line wider
//     than the width is cut with "…". ```python (or py, python3) gets
//     simple highlighting of keywords, strings and comments.
//   - Block quotes: lines starting "> ", shown with a left bar "│"; a quote
//     may hold paragraphs and lists.
//   - Thematic break: a line of three or more "-" (or "*" or "_").
//
// Inline, inside paragraphs, headings and list items:
//
//   - `code`
//   - **strong**
//   - *emphasis* or _emphasis_ (an underscore inside a word, as in
//     snake_case, is literal)
//   - [text](url): shown as the text underlined, then " (url)" dimmed,
//     unless the url is the text itself.
//   - Backslash escapes: \*, \_, \`, \[ (and any other ASCII punctuation).
//
// Anything else (tables, HTML, setext headings, ~~~ or nested fences,
// images, reference links, headings below ###, indented code blocks, ...)
// is shown as plain text; [Lint] reports it with a line number so that an
// instructor editing a lesson file is told where.
//
// # Wrapping
//
// Text wraps by display width (East Asian wide characters take two
// columns). Lines break at spaces and between any two CJK characters
// (ideographs, kana, Hangul, CJK punctuation and fullwidth forms), and
// between CJK and other text, following the basic kinsoku rules: closing
// punctuation such as "，。、；：？！）」』】》" never starts a line and
// opening punctuation such as "（「『【《" never ends one. Styles are
// applied to each wrapped piece, so no escape sequence spans two lines and
// every line's styling is closed at its end. Every line that [Render]
// returns is at most the given width.
package markdown
