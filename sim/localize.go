package sim

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/proctour/proctour/primitives"
)

// The English this package writes is the one that tests and traces see;
// the functions below put its prose into another language for the screen.
// Python stays as it is (code, names and values are the same in every
// language); only the comments of a description ("  # the main script, pid
// 4242") and the sentences about waiting are translated. A lang other than
// "zh" leaves the text unchanged.

// DescribeIn is Describe with its comments in lang.
func DescribeIn(r primitives.Record, lang string) string {
	s := Describe(r)
	if lang != "zh" {
		return s
	}
	if r.Kind == primitives.KindWatchdog { // "watchdog: " and a sentence
		return "看门狗：" + LocalizeProse(lang, strText(r.Val))
	}
	if r.Kind == primitives.KindTiming {
		var sec float64
		json.Unmarshal(r.Val, &sec)
		return fmt.Sprintf("计时 %s：%.3f 秒", LocalizeLabel(lang, r.Obj), sec)
	}
	return apply(zhDescribe, s)
}

// DescribeIn is the pending operation in Python terms, its prose in lang.
func (in Intent) DescribeIn(lang string) string {
	if lang != "zh" {
		return in.Describe()
	}
	return apply(zhDescribe, in.Describe())
}

// LocalizeProse puts into lang a sentence about waiting: why an operation
// would block (Intent.Blocked: "lock, held by buyer-3"), who a stuck demo
// waits for (State.WhoWaits) and the watchdog's messages (State.Watchdog).
func LocalizeProse(lang, s string) string {
	if lang != "zh" {
		return s
	}
	return apply(zhProse, s)
}

// LocalizeLabel puts into lang what a timing measured ("2 on one CPU").
func LocalizeLabel(lang, label string) string {
	if lang != "zh" {
		return label
	}
	return apply(zhLabels, label)
}

var zhLabels = rules(
	`^(\d+) on one CPU$`, "$1 个挤在一个 CPU 上",
	`^(\d+) spread out$`, "$1 个分散到各个 CPU",
	`^(\d+) Process\(\)es$`, "$1 个 Process()",
)

func apply(rs []rule, s string) string {
	for _, r := range rs {
		s = r.re.ReplaceAllString(s, r.to)
	}
	return s
}

type rule struct {
	re *regexp.Regexp
	to string
}

func rules(pairs ...string) []rule {
	out := make([]rule, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, rule{regexp.MustCompile(pairs[i]), pairs[i+1]})
	}
	return out
}

// zhDescribe is applied in order to a description. Each rule matches only
// the English of Describe or Intent.Describe, anchored to a comment's start
// or to the end, so that a printed value holding the same words is left
// alone.
var zhDescribe = rules(
	// processes
	`  # the main script, pid (\d+)`, "  # 主脚本，pid $1",
	`  # its server process starts, pid (\d+)`, "  # 它的服务进程启动了，pid $1",
	`^a pool's worker process starts  # pid (\d+)`, "进程池的一个工作进程启动了  # pid $1",
	`(  # .*pid \d+), daemon$`, "$1，守护进程",
	`  # the demo was stopped$`, "  # 演示被停止了",
	`  # killed by (\S+)$`, "  # 被 $1 杀死",
	`^exited  # a zombie until its parent waits for it$`, "已退出  # 在父进程等待（wait）它之前，它是僵尸进程",
	// locks, semaphores, events
	`  # waiting for a free slot$`, "  # 等空位",
	`  # waiting$`, "  # 等待中",
	`  # value (\d+) of (\d+)$`, "  # 值为 $1，初始 $2",
	// queues
	`  # full: waiting for a free slot`, "  # 满了：等空位",
	`  # empty: waiting for an item`, "  # 空的：等数据",
	`(  # .*), at most (\S+) s$`, "$1，最多 $2 秒",
	`  # (\d+) not done yet$`, "  # 还有 $1 项没做完",
	`  # until every item is done$`, "  # 等到每一项都做完",
	`  # no more puts from this process$`, "  # 本进程不再 put",
	// pipes
	`\.recv\(\) → EOFError: every copy of the other end is closed$`, ".recv() → EOFError：另一端的每个副本都关闭了",
	`  # a copy of this end, passed in the arguments$`, "  # 这一端的副本，随参数传入",
	`  # nothing has arrived: waiting$`, "  # 什么都还没到：等待中",
	// managers
	`^serves (.+) for (\S+)$`, "为 $2 执行 $1",
	`^holds (.+) for (\S+): it must wait$`, "为 $2 暂缓 $1：它得等",
	`  # for (\S+)$`, "  # 为 $1 创建",
	// pools and executors
	`^a worker of (\S+), waiting for tasks$`, "$1 的一个工作进程，等待任务",
	`  # job (\d+), (\d+) chunks?$`, "  # 任务 $1，分成 $2 块",
	`  # job (\d+), item (\d+)$`, "  # 任务 $1，第 $2 项",
	`  # done callback of job (\d+) → (.*), in the main process$`, "  # 任务 $1 的完成回调 → $2，在主进程里",
	`  # callback of job (\d+), in the main process$`, "  # 任务 $1 的回调，在主进程里",
	`  # job (\d+)( → \S+)?$`, "  # 任务 $1$2",
	`\.apply\(\.\.\.\) returns `, ".apply(...) 返回 ",
	`^(\S+) raised (\S+): (.*)(  # 任务)`, "$1 抛出 $2：$3$4",
	`^take a task from (\S+)$`, "从 $1 取任务",
	`^(\S+): submit work$`, "$1：提交工作",
)

// zhProse is applied in order to a sentence about waiting. Names and
// objects in it are identifiers, so once the phrases are translated, a ", "
// or " and " left can only be a list of names.
var zhProse = rules(
	`^every process waits forever: `, "每个进程都在永远等待：",
	`^still running after its budget of (\S+?)(: |$)`, "超出了 $1 的时间预算，仍在运行$2",
	`, which exited with (-?\d+) and will never release it`, "，而它已以 $1 退出，永远不会释放",
	`, held by ([^\s,;，；]+)`, "，被 $1 持有",
	`^join (\S+), items not done$`, "join $1，还有数据项没做完",
	`^join (\S+), still running$`, "join $1，它还在运行",
	`, no free slot$`, "，没有空位",
	`, not set$`, "，还没有 set",
	`, empty$`, "，是空的",
	`, full$`, "，满了",
	`, no task queued$`, "，没有排队的任务",
	`^job (\d+) of (\S+), (\d+) of (\d+) done$`, "$2 的任务 $1，完成了 $3/$4 项",
	`^(\S+), (\S+) still running$`, "$1，$2 还在运行",
	`, so recv\(\) cannot raise EOFError`, "，所以 recv() 不会抛出 EOFError",
	`(; |, )(\S+) is still open in ([^;，]+)`, "$1$3 里的 $2 还开着",
	`, nothing has arrived`, "，什么都还没到",
	`a message on ([^\s;]+)`, "$1 上的消息",
	`(^|: |; )([^:;]+?) waits? for `, "$1$2 在等 ",
	`: `, "：",
	`; `, "；",
	`, `, "、",
	` and `, " 和 ",
)
