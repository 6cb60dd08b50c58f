package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestLiveNoAnswerCauses pins issue 15: a request that got no answer is a
// *NoAnswerError naming why, so that a command can say "could not be
// reached" instead of judging a network error as a CORS verdict.
func TestLiveNoAnswerCauses(t *testing.T) {
	// A port nothing listens on: take one, then close it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/x"
	ln.Close()

	block := make(chan struct{})
	defer close(block)
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer hung.Close()

	untrusted := httptest.NewTLSServer(http.NotFoundHandler())
	defer untrusted.Close()

	garbage, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer garbage.Close()
	go func() {
		for {
			c, err := garbage.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("SSH-2.0-not-http\r\n\r\n"))
			c.Close()
		}
	}()

	for _, tc := range []struct {
		name, url string
		timeout   time.Duration
		want      Cause
	}{
		{"refused", refused, time.Minute, CauseUnreachable},
		{"hung", hung.URL + "/x", 50 * time.Millisecond, CauseTimeout},
		{"untrusted certificate", untrusted.URL + "/x", time.Minute, CauseTLS},
		{"not HTTP", "http://" + garbage.Addr().String() + "/x", time.Minute, CauseBroken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			live := &Live{Client: NewLiveClient(tc.timeout)}
			_, err := live.RoundTrip(context.Background(), req("GET", tc.url, "Origin", "https://app.example"))
			var na *NoAnswerError
			if !errors.As(err, &na) || na.Cause != tc.want {
				t.Fatalf("err = %#v (%v), want a *NoAnswerError with cause %q", err, err, tc.want)
			}
			if c, ok := NoAnswer(err); !ok || c != tc.want {
				t.Errorf("NoAnswer = %q, %v; want %q, true", c, ok, tc.want)
			}
			if msg := err.Error(); strings.Contains(msg, `Get "`) || !strings.Contains(msg, "GET "+tc.url) {
				t.Errorf("message %q: want the request once, without Go's wrapping", msg)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = (&Live{}).RoundTrip(ctx, req("GET", hung.URL+"/x"))
	if c, _ := NoAnswer(err); c != CauseInterrupted {
		t.Errorf("cancelled context: cause %q, want %q", c, CauseInterrupted)
	}
	if _, ok := NoAnswer(&NotSentError{Method: "PUT"}); ok {
		t.Error("a request held back is not a missing answer")
	}
	if c, ok := NoAnswer(&HandlerError{Kind: KindPanic}); !ok || c != CausePanic {
		t.Errorf("handler panic: %q, %v", c, ok)
	}
}

// TestLiveOptionsBodyNotSent pins issue 15: "fetch -X OPTIONS -d …" sent
// its body to a live server without --send-unsafe.
func TestLiveOptionsBodyNotSent(t *testing.T) {
	rs := newRecordingServer(t, http.NotFoundHandler())
	r := req("OPTIONS", rs.URL+"/items", "Origin", "https://app.example")
	r.Body = []byte("delete everything")
	_, err := (&Live{}).RoundTrip(context.Background(), r)
	var ns *NotSentError
	if !errors.As(err, &ns) || !ns.Body || rs.count() != 0 {
		t.Fatalf("err = %v after %d requests, want a *NotSentError for the body and nothing sent", err, rs.count())
	}
	if _, err := (&Live{SendUnsafe: true}).RoundTrip(context.Background(), r); err != nil || rs.count() != 1 || rs.body[0] != "delete everything" {
		t.Errorf("with SendUnsafe: err %v, %d requests", err, rs.count())
	}
}
