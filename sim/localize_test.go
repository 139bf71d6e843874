package sim

import (
	"encoding/json"
	"testing"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/trace"
)

// In Chinese, the prose of a description is Chinese and its Python is left
// as it is; in English nothing changes.
func TestDescribeInChinese(t *testing.T) {
	daemon := true
	cases := []struct {
		r    trace.Record
		want string
	}{
		{trace.Record{Kind: trace.KindProcStart, Pid: 4242, Val: json.RawMessage(`"tickets"`)},
			"python tickets.py  # 主脚本，pid 4242"},
		{trace.Record{Kind: trace.KindProcStart, Pid: 7, PPid: 1, Daemon: &daemon, Val: json.RawMessage(`"daemon.worker"`)},
			"Process(target=worker).start()  # pid 7，守护进程"},
		{trace.Record{Kind: trace.KindProcExit, Val: json.RawMessage(`-15`)},
			"exit, exitcode=-15  # 被 SIGTERM 杀死"},
		{trace.Record{Kind: trace.KindLockWait, Obj: "lock", Val: json.RawMessage(`null`)},
			"lock.acquire()  # 等待中"},
		{trace.Record{Kind: trace.KindSemAcquire, Obj: "toilets", Val: json.RawMessage(`{"value":2,"initial":3}`)},
			"toilets.acquire()  # 值为 2，初始 3"},
		{trace.Record{Kind: trace.KindQueueBlock, Obj: "q", Val: json.RawMessage(`{"op":"get","timeout":1}`)},
			"q.get()  # 空的：等数据，最多 1 秒"},
		{trace.Record{Kind: trace.KindPipeEOF, Obj: "reader_conn"},
			"reader_conn.recv() → EOFError：另一端的每个副本都关闭了"},
		{trace.Record{Kind: trace.KindTiming, Obj: "2 on one CPU", Val: json.RawMessage(`0.5123`)},
			"计时 2 个挤在一个 CPU 上：0.512 秒"},
		{trace.Record{Kind: trace.KindTiming, Obj: "Pool(5).map", Val: json.RawMessage(`0.05`)},
			"计时 Pool(5).map：0.050 秒"},
		// a printed value keeps its words, even words a comment uses
		{trace.Record{Kind: trace.KindStdout, Val: json.RawMessage(`"still waiting for a free slot"`)},
			"print('still waiting for a free slot')"},
		{trace.Record{Kind: trace.KindWatchdog, Obj: "deadlock", Val: json.RawMessage(`"every process waits forever: worker-0 and worker-1 wait for lock, held by holder, which exited with -15 and will never release it"`),
			Text: mustJSON(i18n.Tf("every process waits forever: %s", waitPhrase([]string{"worker-0", "worker-1"},
				i18n.Join(i18n.Tf("%s, held by %s", "lock", "holder"), i18n.Tf(", which exited with %d and will never release it", -15)))))},
			"看门狗：每个进程都在永远等待：worker-0 和 worker-1 在等 lock，被 holder 持有，而它已以 -15 退出，永远不会释放"},
		// a trace from before the watchdog's text was recorded: its English
		{trace.Record{Kind: trace.KindWatchdog, Obj: "deadlock", Val: json.RawMessage(`"every process waits forever: p waits for q"`)},
			"看门狗：every process waits forever: p waits for q"},
	}
	for _, c := range cases {
		if got := DescribeIn(c.r, "zh"); got != c.want {
			t.Errorf("%s in Chinese:\n got %q\nwant %q", c.r.Kind, got, c.want)
		}
		if got, en := DescribeIn(c.r, "en"), Describe(c.r); got != en {
			t.Errorf("%s in English: %q, Describe says %q", c.r.Kind, got, en)
		}
	}
}

// Every sentence the fold writes about waiting reads as Chinese.
func TestWaitingProseInChinese(t *testing.T) {
	held := i18n.Tf("%s, held by %s", "lock", "buyer-3")
	cases := []struct {
		t      i18n.T
		en, zh string
	}{
		{held, "lock, held by buyer-3", "lock，被 buyer-3 持有"},
		{i18n.Tf("%s, no free slot", "toilets"), "toilets, no free slot", "toilets，没有空位"},
		{i18n.Tf("%s, not set", "police"), "police, not set", "police，还没有 set"},
		{i18n.Tf("%s, empty", "q"), "q, empty", "q，是空的"},
		{i18n.Tf("%s, full", "q"), "q, full", "q，满了"},
		{i18n.Tf("join %s, items not done", "q"), "join q, items not done", "join q，还有数据项没做完"},
		{i18n.Tf("join %s, still running", "p"), "join p, still running", "join p，它还在运行"},
		{i18n.Tf("%s, no task queued", "pool"), "pool, no task queued", "pool，没有排队的任务"},
		{i18n.Tf("job %d of %s, %d of %d done", 3, "pool", 1, 4), "job 3 of pool, 1 of 4 done", "pool 的任务 3，完成了 1/4 项"},
		{i18n.Tf("%s, %s still running", "pool", "SpawnPoolWorker-2"), "pool, SpawnPoolWorker-2 still running", "pool，SpawnPoolWorker-2 还在运行"},
		{i18n.Tf("%s; %s", i18n.Tf("%s, nothing has arrived", "reader_conn"), i18n.Tf("%s is still open in %s", "writer_conn", i18n.Names{"MainProcess", "reader"})),
			"reader_conn, nothing has arrived; writer_conn is still open in MainProcess and reader", "reader_conn，什么都还没到；MainProcess 和 reader 里的 writer_conn 还开着"},
		{waitPhrase([]string{"reader"}, i18n.Tf("%s; %s", i18n.Tf("a message on %s", "reader_conn"), i18n.Tf("%s is still open in %s, so recv() cannot raise EOFError", "writer_conn", i18n.Names{"MainProcess"}))),
			"reader waits for a message on reader_conn; writer_conn is still open in MainProcess, so recv() cannot raise EOFError",
			"reader 在等 reader_conn 上的消息；MainProcess 里的 writer_conn 还开着，所以 recv() 不会抛出 EOFError"},
		{semicolons([]i18n.T{waitPhrase([]string{"a", "b", "c"}, i18n.Tf("%s, held by %s", "d", "e")), waitPhrase([]string{"f"}, i18n.Code("g"))}),
			"a, b and c wait for d, held by e; f waits for g", "a、b 和 c 在等 d，被 e 持有；f 在等 g"},
		{i18n.Tf("still running after its budget of %s: %s", "30s", waitPhrase([]string{"MainProcess"}, i18n.Code("p"))),
			"still running after its budget of 30s: MainProcess waits for p", "超出了 30s 的时间预算，仍在运行：MainProcess 在等 p"},
	}
	for _, c := range cases {
		if got := c.t.In("zh"); got != c.zh {
			t.Errorf("%q in Chinese:\n got %q\nwant %q", c.en, got, c.zh)
		}
		if got := c.t.String(); got != c.en {
			t.Errorf("%q in English became %q", c.en, got)
		}
		b, err := json.Marshal(c.t)
		var back i18n.T
		if err != nil || json.Unmarshal(b, &back) != nil || back.In("zh") != c.zh {
			t.Errorf("%q through a trace: %s (%v) reads back as %q", c.en, b, err, back.In("zh"))
		}
	}
}
