// Package content is the course's text: each lesson's Markdown, in English
// and Chinese, embedded in the binary. It holds text only, no logic beyond
// finding it.
package content

import (
	"embed"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

//go:embed en/*.md zh/*.md
var files embed.FS

// CatalogueZh is the Chinese of every string proctour writes in English,
// as a JSON object from the English (a fmt format, as written) to the
// Chinese; package i18n reads it.
//
//go:embed zh/catalogue.json
var CatalogueZh []byte

// Langs are the languages the text is written in.
var Langs = []string{"en", "zh"}

// Lesson is lesson n's Markdown in lang ("en" or "zh"). The error wraps
// fs.ErrNotExist when the lesson has no text in that language yet.
func Lesson(lang string, n int) (string, error) {
	b, err := files.ReadFile(fmt.Sprintf("%s/%02d.md", lang, n))
	if err != nil {
		return "", fmt.Errorf("lesson %d (%s): %w", n, lang, fs.ErrNotExist)
	}
	return string(b), nil
}

// Fallback is the page shown for a lesson whose text is not written yet.
func Fallback(lang string, n int, title string) string {
	body := "The full text of this lesson is coming. Its demos, where they are built, already run: open the demo panel."
	if lang == "zh" {
		body = "本课的完整内容即将推出。已经做好的演示现在就可以运行：打开演示面板。"
	}
	return fmt.Sprintf("# %d. %s\n\n%s\n", n, title, body)
}

// Title is lesson n's title in lang, from its heading ("# 5. Locks: …"),
// or fallback when the lesson has no text in that language.
func Title(lang string, n int, fallback string) string {
	// Only the first line is read (the home screen asks for every title
	// at every draw; reading whole files made it allocate ~1 MB a draw).
	f, err := files.Open(fmt.Sprintf("%s/%02d.md", lang, n))
	if err != nil {
		return fallback
	}
	defer f.Close()
	var buf [256]byte
	k, _ := io.ReadFull(f, buf[:])
	first, _, _ := strings.Cut(string(buf[:k]), "\n")
	prefix := fmt.Sprintf("# %d. ", n)
	if !strings.HasPrefix(first, prefix) {
		return fallback
	}
	return strings.TrimSpace(first[len(prefix):])
}
