package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/sim"
)

// modelWorkload is the CPU model's processes: two that compute and wait
// for I/O, one that only computes.
var modelWorkload = []sim.ModelProc{
	{Name: "A", Bursts: []sim.Burst{{Ticks: 3}, {IO: true, Ticks: 2}, {Ticks: 1}}},
	{Name: "B", Bursts: []sim.Burst{{Ticks: 4}}},
	{Name: "C", Bursts: []sim.Burst{{Ticks: 1}, {IO: true, Ticks: 3}, {Ticks: 2}}},
}

// modelSlice is the model's time slice, in ticks.
const modelSlice = 2

// cpuModel is lesson 1's model of process states: the workload scheduled
// round-robin on one or two CPUs, drawn as a timeline that the student
// steps through tick by tick. It is labelled as a model wherever it shows.
type cpuModel struct {
	cpus  int
	ticks []sim.ModelTick
	at    int // ticks shown
	keys  modelKeys
	w, h  int
}

type modelKeys struct{ Next, Back, CPUs key.Binding }

func newCPUModel() cpuModel {
	m := cpuModel{cpus: 1, keys: modelKeys{
		Next: key.NewBinding(key.WithKeys("space", "right", "n"), key.WithHelp("space/→", "next tick")),
		Back: key.NewBinding(key.WithKeys("left", "b"), key.WithHelp("←", "tick back")),
		CPUs: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "1 or 2 CPUs")),
	}}
	return m.run()
}

func (m cpuModel) run() cpuModel {
	m.ticks = sim.RunModel(modelWorkload, m.cpus, modelSlice, 60)
	m.at = min(m.at, len(m.ticks))
	return m
}

func (m cpuModel) setSize(w, h int) cpuModel {
	m.w, m.h = w, h
	return m
}

func isModelKey(msg tea.KeyPressMsg, k modelKeys) bool {
	return key.Matches(msg, k.Next, k.Back, k.CPUs)
}

func (m cpuModel) update(msg tea.KeyPressMsg) cpuModel {
	switch {
	case key.Matches(msg, m.keys.Next):
		m.at = min(m.at+1, len(m.ticks))
	case key.Matches(msg, m.keys.Back):
		m.at = max(m.at-1, 0)
	case key.Matches(msg, m.keys.CPUs):
		m.cpus = 3 - m.cpus
		m = m.run()
	}
	return m
}

func (m cpuModel) view(s styles, lang string) string {
	zh := lang == "zh"
	say := func(en, cn string) string {
		if zh {
			return cn
		}
		return en
	}
	cpuWord := say(fmt.Sprintf("%d CPU", m.cpus), fmt.Sprintf("%d 个 CPU", m.cpus))
	lines := []string{
		"",
		"  " + s.Warn.Render(say("THE CPU MODEL — a model, not real processes", "CPU 模型 —— 这是模型，不是真实的进程")),
		"  " + s.Dim.Render(fmt.Sprintf(say("%s · time slice %d ticks · tick %d of %d", "%s · 时间片 %d 拍 · 第 %d 拍，共 %d 拍"), cpuWord, modelSlice, m.at, len(m.ticks))),
		"",
	}
	header := "  " + fit(say("tick", "拍"), 7)
	for i := range m.at {
		header += fmt.Sprintf("%-2d", i%100)
	}
	lines = append(lines, s.Dim.Render(header))
	for p, proc := range modelWorkload {
		row := "  " + fit(proc.Name, 7)
		for i := range m.at {
			switch m.ticks[i].States[p] {
			case sim.ModelRunning:
				row += s.Running.Render("█ ")
			case sim.ModelReady:
				row += s.Dim.Render("· ")
			case sim.ModelBlocked:
				row += s.Blocked.Render("░ ")
			default:
				row += "  "
			}
		}
		lines = append(lines, cut(row, m.w))
	}
	for c := range m.cpus {
		row := "  " + fit(fmt.Sprintf("CPU %d", c), 7)
		for i := range m.at {
			if p := m.ticks[i].CPUs[c]; p >= 0 {
				row += modelWorkload[p].Name + " "
			} else {
				row += "- "
			}
		}
		lines = append(lines, s.Dim.Render(cut(row, m.w)))
	}
	lines = append(lines, "", "  "+s.Running.Render("█")+say(" running   ", " 运行   ")+s.Dim.Render("·")+say(" ready   ", " 就绪   ")+
		s.Blocked.Render("░")+say(" blocked (waiting for I/O)", " 阻塞（等待 I/O）"), "")
	if m.at > 0 {
		t := m.ticks[m.at-1]
		var parts []string
		for p, proc := range modelWorkload {
			st := t.States[p].String()
			if zh {
				st = [...]string{"就绪", "运行", "阻塞", "结束", ""}[t.States[p]]
			}
			parts = append(parts, proc.Name+" "+st)
		}
		lines = append(lines, "  "+fmt.Sprintf(say("At tick %d: ", "第 %d 拍："), m.at-1)+strings.Join(parts, say(", ", "，")))
	}
	if m.at == len(m.ticks) {
		lines = append(lines, "  "+s.OK.Render(fmt.Sprintf(say("All done after %d ticks on %s. t switches to %d CPU(s).", "在 %s 上共用 %d 拍全部完成。按 t 换成 %d 个 CPU。"), len(m.ticks), cpuWord, 3-m.cpus)))
		if zh {
			lines[len(lines)-1] = "  " + s.OK.Render(fmt.Sprintf("在%s上共用 %d 拍全部完成。按 t 换成 %d 个 CPU。", cpuWord, len(m.ticks), 3-m.cpus))
		}
	}
	lines = append(lines, "", "  "+s.Dim.Render(say("space/→ next tick · ← back · t one or two CPUs · M back to the text", "空格/→ 下一拍 · ← 后退 · t 切换 1 或 2 个 CPU · M 回到正文")))
	return joinLines(block(lines, m.w, m.h))
}
