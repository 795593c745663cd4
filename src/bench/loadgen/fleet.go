package main

// A fleet client: unary callers and sensor streams against a balancer (or a list of backends), run
// until told to stop, that never lose or repeat an item when backends come and go.
//
//	loadgen fleet -addr 127.0.0.1:PORT -concurrency 4 -streams 4 -batch 50 -window 2
//	loadgen fleet -addr 127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3 ...   (client-side round_robin)
//
// Unary calls retry UNAVAILABLE through the gRPC service config (fleetServiceConfig, the one the
// README documents). Streams cannot be retried by gRPC once an answer has come back, so each stream
// keeps its unanswered request messages and, when the stream fails (a backend killed, a connection
// aged out by the server's GOAWAY and cut after its grace, a balancer resetting the stream), opens a
// new one and sends those first. Answers come in request order, so the head of the queue is always
// the message a reply answers, and an item is answered at most once by construction; the tallies check
// it anyway, by item id.
//
// stdin drives it: `phase NAME` starts counting answers under NAME, `stop` (or end of input) stops
// sending, waits for every sent message to be answered, and prints the result. Progress events come
// every -progress (counts only; the caller decides on counts, never on time).

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/resolver/manual"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// fleetServiceConfig is the service config the README's Clients section documents for every language.
const fleetServiceConfig = `{
  "loadBalancingConfig": [{"round_robin": {}}],
  "methodConfig": [{
    "name": [{"service": "threatpredict.v1.PredictionService"}, {"service": "threatpredict.v1.ModelService"}],
    "timeout": "30s",
    "retryPolicy": {
      "maxAttempts": 5,
      "initialBackoff": "0.1s",
      "maxBackoff": "2s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }]
}`

const instanceHeader = "threatpredict-instance"

// fleetTally counts answers per phase and backend, and every message's answers by sequence number.
type fleetTally struct {
	mu         sync.Mutex
	phase      string
	byPhase    map[string]map[string]*backendCount
	answers    map[uint64]int // message sequence -> times answered
	sent       atomic.Uint64  // distinct messages sent (resends not counted)
	itemErrors atomic.Int64
	badReplies atomic.Int64   // wrong count or ids: would mean a mix-up between messages
	unaryFails atomic.Int64   // unary calls that failed after the service config's retries
	failures   map[string]int // "code: message" of those failures (under mu)
	attempts   attemptCounter
	reconnects atomic.Int64
	resent     atomic.Int64 // messages sent again on a new stream
	openFails  atomic.Int64
}

type backendCount struct {
	UnaryCalls     int `json:"unaryCalls"`
	StreamCalls    int `json:"streamCalls"` // streams whose first answer came from this backend
	StreamMessages int `json:"streamMessages"`
	Items          int `json:"items"`
}

func (t *fleetTally) count(backend string) *backendCount {
	m := t.byPhase[t.phase]
	if m == nil {
		m = map[string]*backendCount{}
		t.byPhase[t.phase] = m
	}
	c := m[backend]
	if c == nil {
		c = &backendCount{}
		m[backend] = c
	}
	return c
}

func (t *fleetTally) streamOpened(backend string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.count(backend).StreamCalls++
}

func (t *fleetTally) answered(seq uint64, backend string, unary bool, items int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.answers[seq]++
	c := t.count(backend)
	if unary {
		c.UnaryCalls++
	} else {
		c.StreamMessages++
	}
	c.Items += items
}

func (t *fleetTally) snapshot(final bool) map[string]any {
	t.mu.Lock()
	defer t.mu.Unlock()
	dup, answered := 0, 0
	for _, n := range t.answers {
		answered++
		if n > 1 {
			dup++
		}
	}
	// Copies: the caller encodes them after the lock is released, while answers keep coming.
	backends := map[string]map[string]backendCount{}
	for phase, m := range t.byPhase {
		backends[phase] = map[string]backendCount{}
		for name, c := range m {
			backends[phase][name] = *c
		}
	}
	failures := map[string]int{}
	for k, v := range t.failures {
		failures[k] = v
	}
	ev := map[string]any{
		"phase":              t.phase,
		"sent":               t.sent.Load(),
		"answeredMessages":   answered,
		"duplicatedMessages": dup,
		"itemErrors":         t.itemErrors.Load(),
		"badReplies":         t.badReplies.Load(),
		"unaryFailures":      t.unaryFails.Load(),
		"unaryFailureErrors": failures,
		"unaryRetried":       t.attempts.attempts.Load() - t.attempts.calls.Load(),
		"reconnects":         t.reconnects.Load(),
		"resent":             t.resent.Load(),
		"streamOpenFailures": t.openFails.Load(),
		"backends":           backends,
	}
	if final {
		ev["lostMessages"] = int(t.sent.Load()) - answered
	}
	return ev
}

// fleetMsg is one request message: items k0..k0+n-1, ids are k in base 36.
type fleetMsg struct {
	seq uint64
	k0  uint64
	raw *rawMsg
}

type fleetGen struct {
	o      options
	values Values
	next   atomic.Uint64
	seq    atomic.Uint64
	// With -rate, one tick per new message, shared by every caller and stream (a resend takes none).
	pace <-chan time.Time
}

func (g *fleetGen) build() *fleetMsg {
	if g.pace != nil {
		<-g.pace
	}
	n := uint64(g.o.batch)
	k0 := g.o.offset<<32 + g.next.Add(n) - n
	buf := make([]byte, 0, 64*g.o.batch)
	var id, value []byte
	for i := uint64(0); i < n; i++ {
		value = g.values.AppendUnique(value[:0], k0+i)
		id = appendBase36(id[:0], k0+i)
		buf = appendItem(buf, id, value)
	}
	buf = appendView(buf, g.o.view)
	return &fleetMsg{seq: g.seq.Add(1), k0: k0, raw: &rawMsg{b: buf}}
}

// verify checks a reply answers exactly msg's items, in order, and counts item errors.
func verify(reply []byte, msg *fleetMsg, o options, t *fleetTally) int {
	res := o.kind.response()
	if err := proto.Unmarshal(reply, res); err != nil || len(res.GetResults()) != o.batch {
		t.badReplies.Add(1)
		return 0
	}
	var id []byte
	for i, r := range res.GetResults() {
		id = appendBase36(id[:0], msg.k0+uint64(i))
		if r.GetId() != string(id) {
			t.badReplies.Add(1)
			return 0
		}
		if r.GetError() != nil {
			t.itemErrors.Add(1)
		}
	}
	return len(res.GetResults())
}

// attemptCounter sees every attempt of every call (stats.Begin): attempts of unary calls beyond one
// per Invoke are the service config's retries (and gRPC's transparent ones).
type attemptCounter struct {
	attempts, calls atomic.Int64
}

func (a *attemptCounter) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context { return ctx }
func (a *attemptCounter) HandleRPC(_ context.Context, s stats.RPCStats) {
	if b, ok := s.(*stats.Begin); ok && b.Client && !b.IsClientStream && !b.IsServerStream {
		a.attempts.Add(1)
	}
}
func (a *attemptCounter) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return ctx
}
func (a *attemptCounter) HandleConn(context.Context, stats.ConnStats) {}

// dialFleet connects to one address (a balancer), or to several (host:port,host:port,...) and
// balances over them itself with round_robin, as a client of a headless Service would over the pod
// addresses DNS returns.
func dialFleet(o options, t *fleetTally) *grpc.ClientConn {
	target := o.addr
	var opts []grpc.DialOption
	if strings.Contains(o.addr, ",") {
		r := manual.NewBuilderWithScheme("fleet")
		var addrs []resolver.Address
		for _, a := range strings.Split(o.addr, ",") {
			// The name TLS checks: the address's host, as a client dialling that pod would check
			// (the channel's own authority here is the made-up "backends").
			host, _, err := net.SplitHostPort(a)
			if err != nil {
				fail(err.Error())
			}
			addrs = append(addrs, resolver.Address{Addr: a, ServerName: host})
		}
		r.InitialState(resolver.State{Addresses: addrs})
		target = "fleet:///backends"
		opts = append(opts, grpc.WithResolvers(r))
	}
	if o.maxReconnectBackoff > 0 {
		// gRPC's reconnect backoff (1 s growing 1.6x to 120 s) capped: after a backend was down for
		// a while, the default can wait about as long again before the client tries it once more.
		b := backoff.DefaultConfig
		b.BaseDelay = min(b.BaseDelay, o.maxReconnectBackoff)
		b.MaxDelay = o.maxReconnectBackoff
		opts = append(opts, grpc.WithConnectParams(grpc.ConnectParams{Backoff: b, MinConnectTimeout: 20 * time.Second}))
	}
	c, err := grpc.NewClient(target, append(opts,
		grpc.WithStatsHandler(&t.attempts),
		grpc.WithTransportCredentials(fleetCredentials(o)),
		grpc.WithDefaultServiceConfig(fleetServiceConfig),
		grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: 30 * time.Second, Timeout: 10 * time.Second}),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(encoding.Codec(rawCodec{})), grpc.MaxCallRecvMsgSize(256<<20)),
	)...)
	if err != nil {
		fail(err.Error())
	}
	return c
}

// fleetCredentials: TLS trusting -tls-ca (the fleet's servers and balancer, as deploy/ runs them),
// plaintext without it. The name checked is each address's host, so certificates name 127.0.0.1.
func fleetCredentials(o options) credentials.TransportCredentials {
	if o.tlsCA == "" {
		return insecure.NewCredentials()
	}
	tc, err := credentials.NewClientTLSFromFile(o.tlsCA, "")
	if err != nil {
		fail(err.Error())
	}
	return tc
}

func runFleet(o options, values Values, unaryWorkers int) {
	t := &fleetTally{phase: "start", byPhase: map[string]map[string]*backendCount{}, answers: map[uint64]int{}, failures: map[string]int{}}
	g := &fleetGen{o: o, values: values}
	if o.rate > 0 {
		pace := time.NewTicker(time.Second / time.Duration(o.rate))
		defer pace.Stop()
		g.pace = pace.C
	}
	conns := make([]*grpc.ClientConn, max(1, o.conns))
	for i := range conns {
		conns[i] = dialFleet(o, t)
	}
	var stopping atomic.Bool
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	for i := 0; i < unaryWorkers; i++ {
		wg.Add(1)
		go func(cc *grpc.ClientConn) {
			defer wg.Done()
			for !stopping.Load() {
				fleetUnary(ctx, cc, o, g, t)
			}
		}(conns[i%len(conns)])
	}
	for i := 0; i < o.workers; i++ {
		wg.Add(1)
		go func(cc *grpc.ClientConn) {
			defer wg.Done()
			fleetStream(ctx, cc, o, g, t, &stopping)
		}(conns[i%len(conns)])
	}
	ticker := time.NewTicker(max(o.progress, 50*time.Millisecond))
	defer ticker.Stop()
	go func() {
		for range ticker.C {
			ev := t.snapshot(false)
			ev["event"] = "progress"
			emit(ev)
		}
	}()
	emit(map[string]any{"event": "started"})
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		line := strings.TrimSpace(in.Text())
		if line == "stop" {
			break
		}
		if name, ok := strings.CutPrefix(line, "phase "); ok {
			t.mu.Lock()
			t.phase = name
			t.mu.Unlock()
			emit(map[string]any{"event": "phase", "phase": name})
		}
	}
	stopping.Store(true)
	wg.Wait()
	ev := t.snapshot(true)
	ev["event"] = "result"
	emit(ev)
}

func fleetUnary(ctx context.Context, cc *grpc.ClientConn, o options, g *fleetGen, t *fleetTally) {
	msg := g.build()
	t.sent.Add(1)
	for {
		res := &rawMsg{keep: true}
		var md metadata.MD
		t.attempts.calls.Add(1)
		err := cc.Invoke(ctx, o.kind.unary, msg.raw, res, grpc.Header(&md))
		if err == nil {
			n := verify(res.b, msg, o, t)
			t.answered(msg.seq, backendOf(md), true, n)
			return
		}
		// The service config retried UNAVAILABLE already; what is left is counted, and the message is
		// sent again so the run still accounts for every item.
		t.unaryFails.Add(1)
		t.mu.Lock()
		t.failures[status.Code(err).String()+": "+status.Convert(err).Message()]++
		t.mu.Unlock()
		if ctx.Err() != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func backendOf(md metadata.MD) string {
	if v := md.Get(instanceHeader); len(v) > 0 {
		return v[0]
	}
	return "(no header)"
}

// fleetStream runs one sensor stream until stopping, then until every message it sent is answered.
func fleetStream(ctx context.Context, cc *grpc.ClientConn, o options, g *fleetGen, t *fleetTally, stopping *atomic.Bool) {
	var queue []*fleetMsg // sent, unanswered, in send order
	backoff := 50 * time.Millisecond
	for first := true; ; first = false {
		if !first {
			t.reconnects.Add(1)
		}
		if stopping.Load() && len(queue) == 0 {
			return
		}
		sctx, cancel := context.WithCancel(ctx)
		st, err := cc.NewStream(sctx, &o.kind.streamDesc, o.kind.stream, grpc.WaitForReady(true))
		if err != nil {
			cancel()
			t.openFails.Add(1)
			time.Sleep(backoff)
			backoff = min(2*backoff, time.Second)
			continue
		}
		var err2 error
		queue, err2 = fleetStreamOnce(st, queue, o, g, t, stopping)
		cancel()
		if err2 == nil {
			return // stopped, everything answered, stream closed cleanly
		}
		if s, ok := status.FromError(err2); ok && s.Code() != codes.Unavailable && s.Code() != codes.Internal &&
			s.Code() != codes.Canceled && s.Code() != codes.Unknown {
			fail("stream: " + err2.Error())
		}
		time.Sleep(backoff)
		backoff = min(2*backoff, time.Second)
	}
}

// fleetStreamOnce sends the queue again, then new messages while not stopping, keeping at most
// -window unanswered. It returns the unanswered messages and the error that ended the stream (nil
// after a clean end once stopping and drained).
func fleetStreamOnce(st grpc.ClientStream, queue []*fleetMsg, o options, g *fleetGen, t *fleetTally, stopping *atomic.Bool) ([]*fleetMsg, error) {
	var mu sync.Mutex
	inflight := append([]*fleetMsg(nil), queue...)
	room := make(chan struct{}, o.window+len(queue))
	recvErr := make(chan error, 1)
	go func() {
		backend := ""
		for {
			m := &rawMsg{keep: true}
			if err := st.RecvMsg(m); err != nil {
				recvErr <- err
				return
			}
			if backend == "" {
				md, _ := st.Header()
				backend = backendOf(md)
				t.streamOpened(backend)
			}
			mu.Lock()
			if len(inflight) == 0 {
				mu.Unlock()
				t.badReplies.Add(1)
				continue
			}
			head := inflight[0]
			inflight = inflight[1:]
			mu.Unlock()
			n := verify(m.b, head, o, t)
			t.answered(head.seq, backend, false, n)
			room <- struct{}{}
		}
	}()
	unanswered := func() []*fleetMsg {
		mu.Lock()
		defer mu.Unlock()
		return append([]*fleetMsg(nil), inflight...)
	}
	// A failed send means the stream is gone: wait for the receiver to stop before taking what is
	// unanswered, or an answer it is still handling would be resent too (and answered twice).
	failed := func() ([]*fleetMsg, error) {
		err := <-recvErr
		return unanswered(), err
	}
	for _, m := range queue {
		if err := st.SendMsg(m.raw); err != nil {
			return failed()
		}
		t.resent.Add(1)
	}
	for i := len(queue); i < o.window; i++ {
		room <- struct{}{}
	}
	closed := false
	for {
		select {
		case err := <-recvErr:
			if errors.Is(err, io.EOF) && closed {
				return nil, nil
			}
			if errors.Is(err, io.EOF) {
				err = status.Error(codes.Unavailable, "stream ended before its requests were answered")
			}
			return unanswered(), err
		case <-room:
			if stopping.Load() {
				if !closed && len(unanswered()) == 0 {
					_ = st.CloseSend()
					closed = true
				}
				continue
			}
			m := g.build()
			mu.Lock()
			inflight = append(inflight, m)
			mu.Unlock()
			t.sent.Add(1)
			if err := st.SendMsg(m.raw); err != nil {
				return failed()
			}
		}
	}
}
