package lessons

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// leftovers lists the pids among pids that are still this process's
// children — running, or zombies nobody reaped — after a session ended.
func leftovers(pids []int) []string {
	var out []string
	for _, pid := range pids {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			continue // gone: reaped
		}
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(os.Getpid()) {
			out = append(out, fmt.Sprintf("%d (state %s)", pid, f[0]))
		}
	}
	return out
}
