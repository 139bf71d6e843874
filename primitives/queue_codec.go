package primitives

import (
	"encoding/json"
	"strconv"
	"unsafe"
)

// queueEncode is json.Marshal, quicker for the commonest items: ints and
// strings of printable ASCII (which JSON writes as they are).
func queueEncode(v any) ([]byte, error) {
	switch x := v.(type) {
	case rawItem:
		return x, nil
	case int:
		return strconv.AppendInt(nil, int64(x), 10), nil
	case string:
		if plainJSON(x, true) {
			b := make([]byte, 0, len(x)+2)
			b = append(b, '"')
			b = append(b, x...)
			return append(b, '"'), nil
		}
	}
	return json.Marshal(v)
}

// queueDecode is json.Unmarshal, quicker for what queueEncode speeds up.
// A string decoded so shares item's memory: item must not change after.
func queueDecode(item []byte, v any) error {
	switch p := v.(type) {
	case *rawItem:
		*p = append((*p)[:0], item...)
		return nil
	case *int:
		if queueIsInt(item) {
			if n, err := strconv.Atoi(string(item)); err == nil {
				*p = n
				return nil
			}
		}
	case *string:
		if s, ok := plainJSONString(item); ok {
			*p = s
			return nil
		}
	case *any:
		if s, ok := plainJSONString(item); ok && *p == nil {
			*p = s
			return nil
		}
	}
	return json.Unmarshal(item, v)
}

// queueIsInt reports whether b is an integer as JSON writes one.
func queueIsInt(b []byte) bool {
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 || (b[0] == '0' && len(b) > 1) {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// plainJSONString returns the string a JSON string literal stands for when
// it has no escapes and only printable ASCII, sharing b's memory.
func plainJSONString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' || !plainJSON(b[1:len(b)-1], false) {
		return "", false
	}
	return unsafe.String(unsafe.SliceData(b[1:]), len(b)-2), true
}

// plainJSON reports whether s is printable ASCII that needs no escape in a
// JSON string; json.Marshal also escapes <, > and & (html).
func plainJSON[T string | []byte](s T, html bool) bool {
	bad := uint8(jsonEscaped)
	if html {
		bad |= jsonHTML
	}
	for i := 0; i < len(s); i++ {
		if jsonBytes[s[i]]&bad != 0 {
			return false
		}
	}
	return true
}

// jsonBytes classes bytes for plainJSON.
var jsonBytes = func() (t [256]uint8) {
	for c := range t {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			t[c] |= jsonEscaped
		}
		if c == '<' || c == '>' || c == '&' {
			t[c] |= jsonHTML
		}
	}
	return t
}()

const (
	jsonEscaped = 1 << iota // escaped in any JSON string, or not ASCII
	jsonHTML                // escaped by json.Marshal
)

// rawItem is an item already encoded as JSON: put as it is. The pool's
// machinery uses it for its tasks and results, built by hand.
type rawItem []byte
