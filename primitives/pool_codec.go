package primitives

import (
	"encoding/json"
	"strconv"
)

// A pool moves lists of arguments and results between processes; most
// lessons' tasks take and return ints. These are json.Marshal and
// json.Unmarshal with a fast path for []int, which they write and read by
// hand (reflection costs about ten times as much per element).

// encodeList encodes a list of values as a JSON array.
func encodeList[T any](items []T) ([]byte, error) {
	if ints, ok := any(items).([]int); ok {
		b := make([]byte, 0, 2+len(ints)*6)
		b = append(b, '[')
		for i, n := range ints {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(n), 10)
		}
		return append(b, ']'), nil
	}
	return json.Marshal(items)
}

// decodeInto decodes JSON into v, by hand when v is a *[]int and the JSON
// is a plain array of integers; anything else goes to json.Unmarshal.
func decodeInto(b []byte, v any) error {
	if p, ok := v.(*[]int); ok {
		if ints, ok := parseInts(b); ok {
			*p = ints
			return nil
		}
	}
	return json.Unmarshal(b, v)
}

// parseInts reads "[1,-2,3]" (no spaces, as encodeList and json.Marshal
// write it); ok is false for anything else.
func parseInts(b []byte) ([]int, bool) {
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return nil, false
	}
	b = b[1 : len(b)-1]
	out := make([]int, 0, len(b)/4+1)
	if len(b) == 0 {
		return out, true
	}
	for len(b) > 0 {
		i := 0
		if b[0] == '-' {
			i++
		}
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == start || i-start > 18 || (b[start] == '0' && i-start > 1) {
			return nil, false
		}
		n, err := strconv.Atoi(string(b[:i]))
		if err != nil {
			return nil, false
		}
		out = append(out, n)
		b = b[i:]
		if len(b) > 0 {
			if b[0] != ',' || len(b) == 1 {
				return nil, false
			}
			b = b[1:]
		}
	}
	return out, true
}
