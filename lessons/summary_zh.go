package lessons

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
