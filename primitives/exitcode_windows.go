package primitives

import "os"

func exitCode(ps *os.ProcessState, err error) int {
	if ps == nil {
		return -1
	}
	return ps.ExitCode()
}
