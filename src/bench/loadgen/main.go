// Command loadgen drives threatpredict's gRPC API over loopback for `npm run bench` (src/bench).
//
//	loadgen stream  -addr 127.0.0.1:PORT -batch 1000 -streams 4 -window 4 -names unique -view full
//	loadgen unary   -addr 127.0.0.1:PORT -concurrency 64 -batch 1 -names unique -view compact
//	loadgen stream  -kind url -urls urls.txt -addr 127.0.0.1:PORT -batch 1000 -view compact
//	loadgen slow    -addr 127.0.0.1:PORT -batch 1000 -duration 10s -read-every 200ms
//	loadgen names   -count 100000 -offset 3 [-kind ip]
//	loadgen fleet   -addr BALANCER:PORT -concurrency 4 -streams 4 -batch 50 -window 2   (fleet.go; stdin drives it)
//	loadgen replay  -addr 127.0.0.1:PORT -file indicators.tsv -batch 1000 -window 8 -view full
//
// -kind domain|url|ip picks the RPCs (Predict*/StreamPredict* Domains, Urls or Ips) and the values:
// domain names (names.go), URLs (urls.go) or IP addresses (ips.go); -kind mixed sends all three
// through the generic Predict/StreamPredict (mixed.go). The hot set is for domains only.
// It prints JSON lines: {"event":"measuring"} when the warm-up ends, {"event":"measured"} when the
// window closes, then {"event":"result",...}. The orchestrator samples the server's /proc between them.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding"
)

// Common options of the load commands.
type options struct {
	addr      string
	batch     int
	workers   int // streams or concurrent unary callers
	conns     int
	window    int // stream messages in flight per stream
	names     string
	hotShare  float64
	view      int
	warmup    time.Duration
	duration  time.Duration
	progress  time.Duration
	offset    uint64
	tranco    string
	hotSize   int
	zipfS     float64
	readEvery time.Duration
	count     int
	kind      kind
	tlsCA     string // PEM CA the server's certificate must chain to; "" = plaintext
	// fleet: the longest wait between reconnect attempts to a backend that is down (0: gRPC's 120 s)
	maxReconnectBackoff time.Duration
	// fleet: new request messages per second over all callers and streams (0: as fast as answered)
	rate int
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: loadgen stream|unary|slow|names|fleet|replay [flags]")
		os.Exit(2)
	}
	cmd := os.Args[1]
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	var o options
	var view string
	fs.StringVar(&o.addr, "addr", "127.0.0.1:50051", "server host:port (loopback only)")
	fs.IntVar(&o.batch, "batch", 1000, "items per request message")
	streams := fs.Int("streams", 4, "concurrent streams (stream, slow)")
	concurrency := fs.Int("concurrency", 1, "concurrent callers (unary)")
	fs.IntVar(&o.conns, "conns", 0, "HTTP/2 connections (0: min(workers, 4))")
	fs.IntVar(&o.window, "window", 4, "request messages in flight per stream")
	fs.StringVar(&o.names, "names", "unique", "unique | hot")
	fs.Float64Var(&o.hotShare, "hot-share", 0.9, "share of items drawn from the hot set (-names hot)")
	fs.StringVar(&view, "view", "full", "full | compact")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "warm-up before measuring")
	fs.DurationVar(&o.duration, "duration", 8*time.Second, "measured window")
	fs.DurationVar(&o.progress, "progress", 0, "print a progress event this often (0: never)")
	fs.Uint64Var(&o.offset, "offset", 0, "name counter range (each scenario its own, so names never repeat across scenarios)")
	fs.StringVar(&o.tranco, "tranco", "", "popular domains, one per line (generated names without it)")
	fs.IntVar(&o.hotSize, "hot-size", 10000, "hot set size")
	fs.Float64Var(&o.zipfS, "zipf-s", 1.1, "Zipf exponent of the hot set (> 1)")
	fs.DurationVar(&o.readEvery, "read-every", 200*time.Millisecond, "slow: one reply read this often")
	fs.IntVar(&o.count, "count", 100000, "names: how many")
	fs.StringVar(&o.tlsCA, "tls-ca", "", "connect with TLS, trusting this PEM CA (plaintext without it)")
	fs.DurationVar(&o.maxReconnectBackoff, "max-reconnect-backoff", 0, "fleet: longest wait between reconnect attempts to a down backend (0: gRPC's default, 120s)")
	fs.IntVar(&o.rate, "rate", 0, "fleet: new request messages per second, all callers and streams together (0: as fast as they are answered)")
	kindName := fs.String("kind", "domain", "domain | url | ip | mixed (Predict, all three): the RPCs and values (stream, unary, names)")
	urlsPath := fs.String("urls", "", "-kind url or mixed: real URLs, one per line (generated URLs without it)")
	cpuProfile := fs.String("cpuprofile", "", "write a Go CPU profile of the load generator here")
	replayFile := fs.String("file", "", "replay: TYPE<TAB>VALUE lines sent once, in order, through StreamPredict")
	_ = fs.Parse(os.Args[2:])
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fail(err.Error())
		}
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	switch view {
	case "full":
		o.view = 1
	case "compact":
		o.view = 2
	default:
		fail("view must be full or compact")
	}
	k, ok := kinds[*kindName]
	if !ok {
		fail("kind must be domain, url, ip or mixed")
	}
	o.kind = k
	if k.name != "domain" && (o.names != "unique" || cmd == "slow") {
		fail("-kind " + k.name + " has unique values only, for stream, unary and names")
	}
	o.workers = *streams
	if cmd == "unary" {
		o.workers = *concurrency
	}
	if o.conns <= 0 {
		o.conns = min(o.workers, 4)
	}
	names := NewNames(o.tranco, o.hotSize, o.zipfS)
	var values Values = names
	switch k.name {
	case "url":
		values = NewURLs(*urlsPath, names)
	case "ip":
		values = IPs{}
	case "mixed":
		values = Mixed{domains: names, urls: NewURLs(*urlsPath, names), ips: IPs{}}
	}
	switch cmd {
	case "stream":
		runStream(o, names, values)
	case "unary":
		runUnary(o, names, values)
	case "slow":
		runSlow(o, names, values)
	case "fleet":
		o.workers = *streams
		runFleet(o, values, *concurrency)
	case "replay":
		o.conns = 1
		runReplay(o, *replayFile)
	case "names":
		w := bufio.NewWriterSize(os.Stdout, 1<<16)
		p := names.Picker(int64(o.offset))
		for i := 0; i < o.count; i++ {
			k := o.offset<<32 + uint64(i)
			if o.names == "hot" {
				fmt.Fprintln(w, p.Hot(k, o.hotShare))
			} else {
				_, _ = w.Write(append(values.AppendUnique(nil, k), '\n'))
			}
		}
		_ = w.Flush()
	default:
		fail("unknown command " + cmd)
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "loadgen: "+msg)
	os.Exit(2)
}

// dial opens n connections; workers share them round-robin.
func dial(o options) []*grpc.ClientConn {
	conns := make([]*grpc.ClientConn, o.conns)
	transport := insecure.NewCredentials()
	if o.tlsCA != "" {
		tc, err := credentials.NewClientTLSFromFile(o.tlsCA, "")
		if err != nil {
			fail(err.Error())
		}
		transport = tc
	}
	for i := range conns {
		c, err := grpc.NewClient(o.addr,
			grpc.WithTransportCredentials(transport),
			grpc.WithDefaultCallOptions(grpc.ForceCodec(encoding.Codec(rawCodec{})), grpc.MaxCallRecvMsgSize(256<<20)),
		)
		if err != nil {
			fail(err.Error())
		}
		conns[i] = c
	}
	return conns
}

// Values makes the k-th unique value of a kind; distinct k (below 2^40) give distinct values.
type Values interface {
	AppendUnique(dst []byte, k uint64) []byte
}

// requests builds request messages with values from one picker and a process-wide counter.
type requests struct {
	o         options
	values    Values
	pick      *Picker
	next      *atomic.Uint64
	id, value []byte // scratch
	sizeHint  int
}

func newRequests(o options, names *Names, values Values, seed int64, next *atomic.Uint64) *requests {
	return &requests{o: o, values: values, pick: names.Picker(seed), next: next, sizeHint: 64 * o.batch}
}

// build encodes the next request; a fresh buffer each time, since gRPC may still be writing the last one.
func (r *requests) build() *rawMsg {
	k0 := r.o.offset<<32 + r.next.Add(uint64(r.o.batch)) - uint64(r.o.batch)
	buf := make([]byte, 0, r.sizeHint)
	for i := 0; i < r.o.batch; i++ {
		k := k0 + uint64(i)
		if r.o.names == "hot" {
			r.value = r.pick.AppendHot(r.value[:0], k, r.o.hotShare)
		} else {
			r.value = r.values.AppendUnique(r.value[:0], k)
		}
		r.id = appendBase36(r.id[:0], k&0xffffffff)
		buf = appendItem(buf, r.id, r.value)
	}
	buf = appendView(buf, r.o.view)
	if len(buf) > r.sizeHint {
		r.sizeHint = len(buf) + len(buf)/8
	}
	return &rawMsg{b: buf}
}

func window(o options) Window {
	now := time.Now()
	return Window{Start: now.Add(o.warmup), End: now.Add(o.warmup + o.duration)}
}

// phases waits out the warm-up and the window, printing the events (and progress, if asked).
func phases(ctx context.Context, o options, w Window, onTick func(time.Duration)) {
	time.Sleep(time.Until(w.Start))
	emit(map[string]any{"event": "measuring"})
	if o.progress > 0 && onTick != nil {
		t := time.NewTicker(o.progress)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				onTick(time.Since(w.Start))
			case <-time.After(time.Until(w.End)):
				emit(map[string]any{"event": "measured"})
				return
			case <-ctx.Done():
				return
			}
		}
	}
	time.Sleep(time.Until(w.End))
	emit(map[string]any{"event": "measured"})
}
