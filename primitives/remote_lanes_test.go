package primitives

import (
	"testing"

	"github.com/proctour/proctour/trace"
)

// Classroom machines made from one image have one host name, and their
// workers can have the same pid: the second such lane is written as
// "NAME#2", the third "NAME#3", so that no two lanes share host and pid;
// another pid, or a second process of the same connection, keeps the name.
func TestRelayedLanesWithOneHostNameAndPid(t *testing.T) {
	anna, ben, cara := &Conn{}, &Conn{}, &Conn{}
	r := &remoteLanes{lanes: map[*Conn]map[int]trace.Record{
		anna: {200: {Pid: 200, Host: "ubuntu", Kind: trace.KindProcStart}},
	}}
	if got := r.unique(anna, "ubuntu", 200); got != "ubuntu" {
		t.Errorf("the lane's own connection: %q, want ubuntu", got)
	}
	if got := r.unique(ben, "ubuntu", 201); got != "ubuntu" {
		t.Errorf("another pid from another machine: %q, want ubuntu", got)
	}
	if got := r.unique(ben, "ubuntu", 200); got != "ubuntu#2" {
		t.Errorf("the same pid from another machine: %q, want ubuntu#2", got)
	}
	r.lanes[ben] = map[int]trace.Record{200: {Pid: 200, Host: "ubuntu#2", Kind: trace.KindProcStart}}
	if got := r.unique(cara, "ubuntu", 200); got != "ubuntu#3" {
		t.Errorf("a third machine, the same pid: %q, want ubuntu#3", got)
	}
	if got := r.unique(cara, "pc-cara", 200); got != "pc-cara" {
		t.Errorf("a name of its own: %q, want pc-cara", got)
	}
}
