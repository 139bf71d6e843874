package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
)

// tr is an English UI string in lang: its Chinese for "zh", when the
// dictionary has it, else the string itself. Format strings are looked up
// as written, before their values go in.
func tr(lang, s string) string {
	if lang == "zh" {
		if t, ok := zh[s]; ok {
			return t
		}
	}
	return s
}

// tr is an English UI string in the language the styles draw in.
func (s styles) tr(text string) string { return tr(s.lang, text) }

// zh is the Chinese of the UI's chrome: key help, the demo view's headers,
// states, status bar and notes, and the widgets' labels. Python (code,
// calls, error names), process names and scenario ids stay as they are.
var zh = map[string]string{
	// key help
	"quit":           "退出",
	"help":           "帮助",
	"back":           "返回",
	"up":             "上移",
	"down":           "下移",
	"open lesson":    "打开课程",
	"English/中文":     "English/中文",
	"scroll up":      "向上滚动",
	"scroll down":    "向下滚动",
	"page up":        "上一页",
	"page down":      "下一页",
	"text/demo":      "正文/演示",
	"text":           "正文",
	"next demo":      "下一个演示",
	"check yourself": "自我检测",
	"CPU model":      "CPU 模型",
	"run":            "运行",
	"pause":          "暂停",
	"step":           "单步",
	"forward":        "前进",
	"start":          "开头",
	"end":            "末尾",
	"faster":         "加速",
	"slower":         "减速",
	"mode":           "模式",
	"variants":       "变体",
	"release lane":   "放行泳道",
	"save trace":     "保存记录",
	"run 20 times":   "运行 20 次",
	"play":           "播放",
	"play/pause":     "播放/暂停",
	// the variant editor, a question, the CPU model (as their own hint lines)
	"choose":                "选择",
	"change":                "修改",
	"by 10":                 "每次 10",
	"cancel":                "取消",
	"run without guessing":  "不猜直接运行",
	"answer":                "作答",
	"step without guessing": "不猜直接看",
	"next tick":             "下一拍",
	"one or two CPUs":       "切换 1 或 2 个 CPU",
	"back to the text":      "回到正文",

	// modes and phases (the status bar)
	"live":                     "实时",
	"seeded":                   "种子",
	"replay":                   "回放",
	"seeded seed %d":           "种子 %d",
	"event %d of %d":           "事件 %d/%d",
	"r to play":                "按 r 播放",
	"playing":                  "播放中",
	"nothing to run":           "没有可运行的演示",
	"r to run":                 "按 r 运行",
	"paused, still collecting": "已暂停，仍在收集",
	"ended":                    "已结束",
	"your move":                "轮到你了",
	"running, scrubbing":       "运行中，正在回看",

	// notes (demo.say)
	"could not start: %v":                "无法启动：%v",
	"saved %s":                           "已保存 %s",
	"%d runs":                            "共运行 %d 次",
	"paused; events are still collected": "已暂停；事件仍在收集",
	"a replay has no mode: it is a recording":                                     "回放没有模式：它是一段录制",
	"mode %s from the next run (r)":                                               "下次运行（r）起使用%s模式",
	"this demo has no outcome to count over many runs (tickets and manager have)": "这个演示没有可在多次运行中统计的结果（tickets 和 manager 有）",
	"running it %d times…":                                                        "正在运行 %d 次…",
	"nothing to save yet: r runs the demo":                                        "还没有可保存的内容：按 r 运行演示",
	"saving…":                                                                     "正在保存…",
	"speed %s":                                                                    "速度 %s",
	"speed %s from the next run (r)":                                              "下次运行（r）起速度为 %s",
	"this demo has no variants":                                                   "这个演示没有变体",
	"1–9 choose who moves in step mode (m, then r)":                               "1–9 在单步模式下选择谁走（先按 m，再按 r）",
	"%s is not waiting at the gate":                                               "%s 没有在等待放行",
	"%s would block: %s":                                                          "%s 会阻塞：%s",
	"every waiting operation would block":                                         "等待放行的每个操作现在都会阻塞",
	"nothing is waiting":                                                          "没有进程在等待放行",
	"the demo has stopped":                                                        "演示已经停止了",
	"no lane %s":                                                                  "没有第 %s 条泳道",
	"demo %d of %d: %s":                                                           "演示 %d/%d：%s",

	// the demo view
	"demo":      "演示",
	"processes": "进程",
	"resources": "资源",
	"events":    "事件",
	"listing":   "代码",
	"replay %s": "回放 %s",
	"%d value(s) too deep or too long to show whole: drawn cut short": "%d 个值嵌套太深或太长，只显示了一部分",
	"Press r to run this demo.":                                       "按 r 运行这个演示。",
	"mode ":                                                           "模式 ",
	"  (m: live → step → seeded)":                                     "  （m：实时 → 单步 → 种子）",
	"speed ":                                                          "速度 ",
	"  (+/-)":                                                         "  （+/-）",
	"variants ":                                                       "变体 ",
	"t: try it, %s":                                                   "t：试一试，%s",
	"the CPU model on two CPUs":                                       "2 个 CPU 的 CPU 模型",
	"the CPU model on one CPU":                                        "1 个 CPU 的 CPU 模型",
	"  c closes the questions":                                        "  按 c 关闭检测题",
	"All %d answered right.":                                          "%d 题全部答对。",
	"%d of %d right.":                                                 "答对 %d 题，共 %d 题。",
	"enter on the last question: try the ones you missed again": "在最后一题上按回车：重做答错的题",
	"%s, live: r runs it": "%s，实时模式：按 r 运行",
	"try it":              "试一试",
	"  (not live: these times measure the stepping, not the program; m for a live run)": "  （不是实时模式：这些时间量的是你单步的快慢，不是程序本身；按 m 换成实时模式）",
	"  time.sleep(1) lasts %.2g s here":                                                 "  time.sleep(1) 在这里只有 %.2g 秒",
	"k runs it 20 times and charts the outcome":                                         "按 k 运行 20 次，画出结果的分布",
	"  v changes them":                               "  按 v 修改",
	"Variants: the next run's values":                "变体：下一次运行用的取值",
	"%s (default %s)":                                "%s（默认 %s）",
	"%d to %d (pgup/pgdn: by 10): ":                  "%d 到 %d（pgup/pgdn：每次 10）：",
	"↑↓ choose · ←→ change · enter run · esc cancel": "↑↓ 选择 · ←→ 修改 · 回车 运行 · esc 取消",
	"step mode: space releases the next operation,":  "单步模式：空格放行下一个操作，",
	"1–9 release the process of that lane":           "1–9 放行那条泳道上的进程",
	"This lesson's demos are not built yet: %s.":     "本课的演示还没有做好：%s。",
	"⚠ watchdog: %s":                                 "⚠ 看门狗：%s",
	"⚠ %d broken invariant(s): %s":                   "⚠ %d 条不变式被破坏：%s",
	"%s over %d runs":                                "%s（%d 次运行）",
	"no events yet":                                  "还没有事件",

	// lanes
	"exited %d":      "已退出 %d",
	"zombie":         "僵尸",
	"would block":    "将会阻塞",
	"ready":          "就绪",
	"blocked: %s":    "阻塞：%s",
	"serving":        "服务中",
	"sleeping":       "睡眠中",
	"running":        "运行中",
	"blocked":        "阻塞",
	"exited":         "已退出",
	"  ← from %s":    "  ← 来自 %s",
	"  +%d more: %s": "  另有 %d 个：%s",

	// widgets
	"free":                                   "空闲",
	"held by %s":                             "被 %s 持有",
	" (depth %d)":                            "（深度 %d）",
	", which exited with %d: never released": "，它已以 %d 退出：永远不会释放",
	" · waiting %d: ":                        " · %d 个在等：",
	" · waiting: ":                           " · 在等：",
	"● set":                                  "● 已设置",
	"○ not set":                              "○ 未设置",
	"(empty)":                                "（空）",
	"manager":                                "管理器",
	" · %d call":                             " · %d 次调用",
	" · %d calls":                            " · %d 次调用",
	"pipe":                                   "管道",
	"pipe 1-way":                             "单向管道",
	"✗ closed in every process":              "✗ 在所有进程中都已关闭",
	" on the way to %s":                      " 正在发往 %s",
	" · recv waiting: ":                      " · 在等 recv：",
	" · %d chunk queued":                     " · 排队 %d 块",
	" · %d chunks queued":                    " · 排队 %d 块",
	" · terminated":                          " · 已终止",
	" · closed":                              " · 已关闭",
	" ✓ exited":                              " ✓ 已退出",
	" idle":                                  " 空闲",
	"workers starting":                       "工作进程启动中",
	"jobs ":                                  "任务 ",
	"✓ %d items":                             "✓ %d 项",
	"call":                                   "调用",
	"state":                                  "状态",
	"result":                                 "结果",
	"callback":                               "回调",
	"… %d earlier":                           "… 更早的 %d 个",
	"map %d items":                           "map %d 项",
	"pending":                                "等待中",
	"raised":                                 "抛出异常",
	"finished":                               "已完成",
	"%d results":                             "%d 个结果",
	"· %d of %d":                             "· %d/%d",
	" (full)":                                "（满）",
	" · not done %d":                         " · 未完成 %d",
	" · putting: ":                           " · 等待放入：",
	" · getting: ":                           " · 等待取出：",
	"· value %d of %d":                       "· 值 %d/%d",
	"timing":                                 "计时",

	// the other screens
	"coming: ":                        "即将推出：",
	"progress not saved: %v":          "进度未保存：%v",
	"could not render the lesson: %v": "无法渲染课程：%v",
	"  rendering…":                    "  正在渲染…",
	"proctour needs at least %d×%d; this terminal is %d×%d": "proctour 至少需要 %d×%d 的终端，这个终端是 %d×%d",
}

// zhKeys is the Chinese of a key's help where its description alone is
// ambiguous: esc goes back to the lesson list, b/← one event back, ← in
// the CPU model one tick back.
var zhKeys = map[key.Help]string{
	{Key: "b/←", Desc: "back"}: "后退",
	{Key: "←", Desc: "back"}:   "后退",
}

// trHelp is a key's help description in lang.
func trHelp(lang string, h key.Help) string {
	if t, ok := zhKeys[h]; ok && lang == "zh" {
		return t
	}
	return tr(lang, h.Desc)
}

// localKeys is a keymap whose help is drawn in lang: the same bindings,
// their descriptions translated.
type localKeys struct {
	keys help.KeyMap
	lang string
}

func (k localKeys) ShortHelp() []key.Binding { return k.local(k.keys.ShortHelp()) }

func (k localKeys) FullHelp() [][]key.Binding {
	groups := k.keys.FullHelp()
	out := make([][]key.Binding, len(groups))
	for i, g := range groups {
		out[i] = k.local(g)
	}
	return out
}

// local copies bindings with their descriptions in k.lang.
func (k localKeys) local(bindings []key.Binding) []key.Binding {
	out := make([]key.Binding, len(bindings))
	for i, b := range bindings {
		h := b.Help()
		b.SetHelp(h.Key, trHelp(k.lang, h))
		out[i] = b
	}
	return out
}
