package access

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/proctour/proctour/i18n"
)

// TestEverySentenceHasItsChinese reads this package's source for every
// format it says (i18n.Tf, i18n.Say, i18n.Tr, c.say) and checks that the
// catalogue puts it into Chinese: a sentence without one would be read out
// in English to a student who chose Chinese.
func TestEverySentenceHasItsChinese(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	n := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(node ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			arg := -1
			switch sel.Sel.Name {
			case "Tf", "say":
				arg = 0
			case "Say", "Tr":
				arg = 1
			}
			if arg < 0 || len(call.Args) <= arg {
				return true
			}
			lit, ok := call.Args[arg].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, _ := strconv.Unquote(lit.Value)
			n++
			if !i18n.Has("zh", s) {
				t.Errorf("%s: %q has no Chinese in content/zh/catalogue.json", fset.Position(lit.Pos()), s)
			}
			return true
		})
	}
	if n < 50 {
		t.Fatalf("found only %d sentences: the scan is broken", n)
	}
}
