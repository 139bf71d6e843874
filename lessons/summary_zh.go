package lessons

import "slices"

// summariesZh are the scenarios' one-line summaries in Chinese, by id.
// Python (calls, classes, errors) and variant values stay as they are.
var summariesZh = map[string]string{
	"adder":           "一个服务进程从管道读取 (x, y) 请求并求和，直到 EOFError：一个迷你 RPC 服务器",
	"callback":        "进程池的工作进程从本地 HTTP 服务器下载网页；回调在主进程里按完成的顺序逐个解析",
	"cpu":             "CPU 密集的工作进程绑在一个 CPU 上时轮流运行；分散到多个 CPU 上时并行运行",
	"daemon":          "主代码结束时守护进程被终止，非守护进程则被 join；守护进程不能创建子进程",
	"echo-server":     "TCP 回显服务器：每个客户端一个进程（fork），或一个有 WORKERS 个进程的进程池，多出来的客户端排队等待（pool）",
	"event":           "红绿灯 Event：汽车 wait() 等绿灯，警车最多等 1 秒",
	"executor":        "ProcessPoolExecutor：submit() 返回 Future，调用完成时完成回调在主进程中运行，map() 按输入顺序返回，最后 shutdown(wait=True)",
	"hello":           "用 args 启动一个 Process，再启动一个 Process 子类；真实的 pid 和 ppid",
	"isolation":       "子进程改了全局变量，父进程里的不变；两个进程都追加写入的文件里两行都在",
	"join":            "启动分别工作 2/3/5 秒的三个进程再逐个 join：总时间约等于最长的那个，而不是总和；mode=serial 则是总和",
	"joinable":        "JoinableQueue：生产者的 q.join() 等待每一个 task_done()；守护进程消费者随主代码一起结束",
	"manager":         "每个进程对 Manager 字典执行 d['count'] -= 1；lock=off 会丢失更新，lock=on 最后恰好是 0",
	"orphan":          "父进程先退出：它的子进程成了孤儿，被收养，父进程 pid 随之改变",
	"pipe":            "父子进程通过双向 Pipe 互相 send() 和 recv()；poll(t) 最多等 t 秒",
	"pipe-eof":        "写端的每一份副本都关闭之后，recv() 才抛出 EOFError；forget_close=on 会卡住",
	"pool":            "在进程池里算十个平方数：apply() 一次一个，apply_async() 每个工作进程同时一个；每次都是那几个工作进程的 pid",
	"pool-vs-process": "100 个小任务，用 Pool(5).map 还是每个任务一个 Process：两种都计时；开销在于启动进程",
	"prodcons":        "生产者和消费者由 Queue(3) 缓冲区解耦；每个消费者一个 None 哨兵让它结束",
	"queue":           "Queue(3) 满与空：put_nowait → queue.Full，get_nowait → queue.Empty；工作进程的 put() 会等到有空位",
	"semaphore":       "13 个人，Semaphore(3) 管着厕所：里面从不超过 3 个人",
	"terminate":       "对持有锁的子进程调用 terminate()：锁永远不会被释放，其他进程都卡住",
	"tickets":         "买家抢 db.json 里的票；lock=off 会超卖，lock=on 卖得分毫不差",
	"zombie":          "已退出的子进程在父进程等待它（join）之前是僵尸进程",
}

// outcomeLabelsZh are the Chinese of the scenarios' outcome labels, by id.
var outcomeLabelsZh = map[string]string{
	"manager": "最终计数",
	"tickets": "售出的票数",
}

// SummaryIn is the scenario's one-line summary in lang ("en" or "zh"),
// in English when there is no Chinese one.
func (s *Scenario) SummaryIn(lang string) string {
	if t, ok := summariesZh[s.ID]; ok && lang == "zh" {
		return t
	}
	return s.Summary
}

// OutcomeLabelIn is the label of the scenario's outcome in lang, or "" when
// it has none.
func (s *Scenario) OutcomeLabelIn(lang string) string {
	if s.Outcome == nil {
		return ""
	}
	if t, ok := outcomeLabelsZh[s.ID]; ok && lang == "zh" {
		return t
	}
	return s.Outcome.Label
}

// variantHelpZh are the Chinese of the variants' help texts, by
// "scenarioID.variantKey". Python, variant keys and values stay as they are.
var variantHelpZh = map[string]string{
	"adder.requests":        "客户端发送多少个 (x, y) 请求",
	"callback.processes":    "同时下载的工作进程数；为 1 时网页按提交的顺序解析",
	"cpu.procs":             "CPU 密集的工作进程有几个",
	"daemon.daemon":         "把子进程设为守护进程（p.daemon = True）",
	"daemon.child":          "子进程先启动一个自己的子进程",
	"echo-server.server":    "fork：每个连接一个新的处理进程；pool：一个有 WORKERS 个进程的 Pool，每个进程一次 accept 并服务一个连接",
	"echo-server.clients":   "客户端进程数；每个发送 3 行，服务器处理每行要 0.4 秒",
	"echo-server.workers":   "server=pool 时的工作进程数，也就是同时服务的连接数",
	"event.police_wait":     "警车等绿灯的秒数，等不到就照样开走",
	"executor.workers":      "max_workers；为 1 时各次调用按提交的顺序运行、完成",
	"join.mode":             "先全部 start 再全部 join，还是一次 start 并 join 一个",
	"joinable.consumers":    "守护消费者进程数；consumer-i 处理每个任务要 (i+3)/5 秒",
	"joinable.jobs":         "生产者在调用 q.join() 之前放入的任务数",
	"manager.lock":          "用管理器的 Lock 保护 d['count'] -= 1",
	"manager.procs":         "多少个进程各把计数减一",
	"pipe.duplex":           "Pipe(duplex=True)，或者单向的 Pipe(duplex=False)：parent_conn 只能收，child_conn 只能发",
	"pipe.patience":         "每次 poll() 等子进程回答的秒数（子进程要 1 秒才回答）",
	"pipe-eof.forget_close": "主进程忘了关闭自己那份 writer_conn：读进程永远等不到 EOF",
	"pipe-eof.messages":     "写进程关闭自己那一端之前发送多少条消息",
	"pool.mode":             "sync：apply()，每个结果都要等；async：十个任务全部 apply_async()，再逐个 get()",
	"pool.processes":        "进程池里的工作进程数；每个任务睡 0.5 秒",
	"pool-vs-process.tasks": "算多少个平方数；Process 的做法为每一个启动一个进程",
	"prodcons.producers":    "生产者进程数，每个每 0.4 秒生产一项",
	"prodcons.consumers":    "消费者进程数，每个用掉一项要 0.6 秒：3 个正好跟上 2 个生产者，所以 2 个会落后（缓冲区被填满），4 个会空等（缓冲区被取空）",
	"prodcons.items":        "每个生产者放入的项数（总数是 producers × items）",
	"queue.items":           "worker 放进 Queue(3) 的结果数，主进程每取一个要花一秒；超过 3 个时，它的 put() 很快就要等空位",
	"queue.timeout":         "被拒绝的 put() 和 get() 抛出异常前等待的秒数；为 0 时用 put_nowait() 和 get_nowait()，立刻抛出",
	"semaphore.people":      "多少个 person 进程",
	"semaphore.slots":       "信号量的值：开始时空着的厕所数",
	"terminate.kill":        "在持有锁的进程还在锁里时 terminate() 它",
	"terminate.workers":     "之后想要获取这把锁的进程数",
	"tickets.lock":          "用一把 Lock 保护“读出、修改、写回”这几步",
	"tickets.buyers":        "多少个买家进程",
	"tickets.tickets":       "开始时 db.json 里的票数",
	"zombie.wait":           "父进程在 join() 之前让已退出的子进程当几秒僵尸",
}

// VariantHelpIn is the help text of the scenario's variant key in lang
// ("en" or "zh"), in English when there is no Chinese one, or "" when the
// scenario has no such variant.
func (s *Scenario) VariantHelpIn(lang, key string) string {
	i := slices.IndexFunc(s.Variants, func(v Variant) bool { return v.Key == key })
	if i < 0 {
		return ""
	}
	if t, ok := variantHelpZh[s.ID+"."+key]; ok && lang == "zh" {
		return t
	}
	return s.Variants[i].Help
}
