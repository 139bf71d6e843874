package sim

import (
	"testing"

	"github.com/proctour/proctour/trace"
)

// os.replace(tmp, 'db.json'): the files widget shows db.json with what the
// temporary file held, and the temporary file no longer (lesson 5's buy()).
func TestFileReplaceMovesTheContent(t *testing.T) {
	st := foldOf(t,
		ev(1, "MainProcess", trace.KindProcStart, "", "x"),
		ev(1, "MainProcess", trace.KindFileWrite, "db.json", `{"count": 1}`),
		ev(2, "buyer-0", trace.KindProcStart, "", "t"),
		ev(2, "buyer-0", trace.KindFileWrite, "db.buyer-0.tmp", `{"count": 0}`),
	)
	if len(st.Files) != 2 || st.Files[1].Name != "db.buyer-0.tmp" {
		t.Fatalf("before the replace: files %+v, want db.json and db.buyer-0.tmp", st.Files)
	}
	st.Apply(ev(2, "buyer-0", trace.KindFileReplace, "db.json", "db.buyer-0.tmp"))
	if len(st.Files) != 1 || st.Files[0].Name != "db.json" || st.Files[0].Content != `{"count": 0}` {
		t.Errorf("after os.replace: files %+v, want db.json alone holding {\"count\": 0}", st.Files)
	}
	// a replace by a file the trace never showed: db.json's content is unknown
	st.Apply(ev(2, "buyer-0", trace.KindFileReplace, "db.json", "elsewhere.tmp"))
	if len(st.Files) != 1 || st.Files[0].Content != "" {
		t.Errorf("after a replace from an unseen file: files %+v, want db.json, content unknown", st.Files)
	}
}
