package firefox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/coder/websocket"
)

// bidi is a minimal WebDriver BiDi client (https://w3c.github.io/webdriver-bidi/):
// commands are JSON objects {id, method, params} sent over one WebSocket;
// a response carries the command's id and either result or error; events
// carry type "event", a method and params, and go to onEvent in arrival
// order (from the read loop: onEvent must be quick and send nothing).
type bidi struct {
	conn    *websocket.Conn
	onEvent func(method string, params json.RawMessage)

	mu      sync.Mutex
	next    int64
	pending map[int64]chan response
	err     error // set when the read loop ends
	done    chan struct{}
}

type response struct {
	Type    string          `json:"type"`
	ID      *int64          `json:"id"`
	Method  string          `json:"method"`
	Result  json.RawMessage `json:"result"`
	Params  json.RawMessage `json:"params"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
}

// errClosed is returned for commands on a connection that has ended.
var errClosed = errors.New("firefox: the WebDriver BiDi connection is closed")

func dialBiDi(ctx context.Context, url string, onEvent func(string, json.RawMessage)) (*bidi, error) {
	conn, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, fmt.Errorf("firefox: connecting to %s: %w", url, err)
	}
	conn.SetReadLimit(64 << 20)
	b := &bidi{conn: conn, onEvent: onEvent, pending: map[int64]chan response{}, done: make(chan struct{})}
	go b.readLoop()
	return b, nil
}

func (b *bidi) readLoop() {
	defer close(b.done)
	for {
		_, data, err := b.conn.Read(context.Background())
		if err != nil {
			b.mu.Lock()
			b.err = err
			for id, ch := range b.pending {
				close(ch)
				delete(b.pending, id)
			}
			b.mu.Unlock()
			return
		}
		var r response
		if json.Unmarshal(data, &r) != nil {
			continue
		}
		if r.Type == "event" {
			if b.onEvent != nil {
				b.onEvent(r.Method, r.Params)
			}
			continue
		}
		if r.ID == nil {
			continue
		}
		b.mu.Lock()
		ch := b.pending[*r.ID]
		delete(b.pending, *r.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- r
		}
	}
}

// call sends one command and waits for its response; result, when not
// nil, receives the response's result.
func (b *bidi) call(ctx context.Context, method string, params any, result any) error {
	b.mu.Lock()
	if b.err != nil {
		b.mu.Unlock()
		return errClosed
	}
	b.next++
	id := b.next
	ch := make(chan response, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	if params == nil {
		params = struct{}{}
	}
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return fmt.Errorf("firefox: %s: %w", method, err)
	}
	if err := b.conn.Write(ctx, websocket.MessageText, msg); err != nil {
		b.forget(id)
		return fmt.Errorf("firefox: %s: %w", method, err)
	}
	select {
	case r, ok := <-ch:
		if !ok {
			return errClosed
		}
		if r.Type == "error" || r.Error != "" {
			return fmt.Errorf("firefox: %s: %s: %s", method, r.Error, r.Message)
		}
		if result != nil {
			if err := json.Unmarshal(r.Result, result); err != nil {
				return fmt.Errorf("firefox: %s: decoding the result: %w", method, err)
			}
		}
		return nil
	case <-ctx.Done():
		b.forget(id)
		return ctx.Err()
	}
}

func (b *bidi) forget(id int64) {
	b.mu.Lock()
	delete(b.pending, id)
	b.mu.Unlock()
}

func (b *bidi) close() {
	_ = b.conn.Close(websocket.StatusNormalClosure, "")
	<-b.done
}
