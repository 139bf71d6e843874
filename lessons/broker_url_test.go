package lessons

import "testing"

// What a broker's URL looks like in a trace or a message: no password, no
// token.
func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"nats://127.0.0.1:4222":             "nats://127.0.0.1:4222",
		"nats://k3x9mq2pta@10.0.0.5:4222":   "nats://…@10.0.0.5:4222",
		"nats://ann:s3cret@broker:4222":     "nats://ann:…@broker:4222",
		"nats://ann:p@ss@broker:4222":       "nats://ann:…@broker:4222",
		"ann:s3cret@broker:4222":            "ann:…@broker:4222",
		"nats://ann:s3cret@broker:4222/x@y": "nats://ann:…@broker:4222/x@y",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
