package main

// Realistic domain names for the load: the Tranco top list (popular registrable domains) when it is
// available, CDN/API-style subdomains of them, and DGA-like random labels. Unique names embed a
// counter, so a scenario never repeats a name and a server-side cache cannot flatter it.

import (
	"bufio"
	"fmt"
	"math/rand"
	"os"
	"strings"
)

var (
	subPrefixes = []string{"www", "cdn", "api", "img", "static", "mail", "login", "secure", "app", "edge", "m", "auth", "assets", "update", "track"}
	dgaTLDs     = []string{"com", "net", "org", "info", "biz", "ru", "xyz", "top", "online", "site", "cn", "io"}
	syllables   = []string{"ka", "lo", "mi", "ne", "ra", "to", "vu", "shi", "dor", "pan", "tel", "quo", "bri", "sen", "gal", "fin", "mar", "zen", "cor", "lux"}
)

// Names holds the shared, read-only name lists of one load generator run.
type Names struct {
	base []string // popular registrable domains
	hot  []string // the hot set, index 0 is the most requested
	s    float64
}

// Picker draws names for one goroutine (math/rand sources are not safe for concurrent use).
type Picker struct {
	names *Names
	rng   *rand.Rand
	zipf  *rand.Zipf
}

func (n *Names) Picker(seed int64) *Picker {
	r := rand.New(rand.NewSource(seed))
	return &Picker{names: n, rng: r, zipf: rand.NewZipf(r, n.s, 1, uint64(len(n.hot)-1))}
}

// loadBase reads one domain per line; without a file it makes pronounceable names so the bench still runs.
func loadBase(path string) []string {
	var out []string
	if path != "" {
		if f, err := os.Open(path); err == nil {
			defer f.Close()
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if s := strings.TrimSpace(sc.Text()); s != "" && !strings.HasPrefix(s, "#") {
					out = append(out, strings.ToLower(s))
				}
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	r := rand.New(rand.NewSource(7))
	tlds := []string{"com", "com", "com", "net", "org", "de", "co.uk", "io", "fr", "jp"}
	for i := 0; i < 100_000; i++ {
		var b strings.Builder
		for j := 0; j < 2+r.Intn(3); j++ {
			b.WriteString(syllables[r.Intn(len(syllables))])
		}
		fmt.Fprintf(&b, "%d.%s", i, tlds[r.Intn(len(tlds))])
		out = append(out, b.String())
	}
	return out
}

// NewNames builds the generator: hotSize names for the hot set, drawn Zipf(s) (s > 1).
func NewNames(basePath string, hotSize int, s float64) *Names {
	n := &Names{base: loadBase(basePath), s: s}
	// Hot set: mostly popular domains and their usual subdomains, some DGA-like names (a sensor keeps
	// seeing the same beaconing malware), shuffled with a fixed seed so every run has the same set.
	hr := rand.New(rand.NewSource(11))
	for i := 0; len(n.hot) < hotSize; i++ {
		switch {
		case i%10 == 9:
			n.hot = append(n.hot, dgaName(uint64(1)<<39+uint64(i)))
		case i%3 == 2:
			n.hot = append(n.hot, subPrefixes[hr.Intn(len(subPrefixes))]+"."+n.base[i%len(n.base)])
		default:
			n.hot = append(n.hot, n.base[i%len(n.base)])
		}
	}
	hr.Shuffle(len(n.hot), func(i, j int) { n.hot[i], n.hot[j] = n.hot[j], n.hot[i] })
	return n
}

// mix40 is a bijection on [0, 2^40): distinct counters give distinct outputs.
func mix40(x uint64) uint64 {
	const mask = (uint64(1) << 40) - 1
	x &= mask
	for i := 0; i < 3; i++ {
		x ^= x >> 19
		x = (x * 0x9E3779B97F4A7C15) & mask // odd multiplier: invertible mod 2^40
	}
	return x
}

func dgaName(k uint64) string { return string(appendDGA(nil, k)) }

// appendDGA appends a random-looking label unique per counter (fixed-width base-26 or hex prefix) plus padding.
func appendDGA(dst []byte, k uint64) []byte {
	const hex = "0123456789abcdef"
	x := mix40(k)
	if k%4 == 3 {
		for i := 9; i >= 0; i-- {
			dst = append(dst, hex[(x>>(4*i))&15])
		}
	} else {
		y := x
		for i := 0; i < 9; i++ {
			dst = append(dst, byte('a'+y%26))
			y /= 26
		}
	}
	pad := int(x>>33) % 9 // total label length 9..19
	p := x * 0x2545F4914F6CDD1D
	for i := 0; i < pad; i++ {
		dst = append(dst, byte('a'+(p>>(i*5))%26))
	}
	dst = append(dst, '.')
	return append(dst, dgaTLDs[(x>>7)%uint64(len(dgaTLDs))]...)
}

// Unique returns the k-th unique name: 60% subdomains of popular domains, 40% DGA-like.
func (n *Names) Unique(k uint64) string { return string(n.AppendUnique(nil, k)) }

// AppendUnique appends the k-th unique name to dst (the load loop builds requests without allocating names).
func (n *Names) AppendUnique(dst []byte, k uint64) []byte {
	if k%10 < 6 {
		x := mix40(k) // bijective: the label stays unique but does not look like a counter
		dst = append(dst, subPrefixes[x%uint64(len(subPrefixes))]...)
		dst = append(dst, '-')
		dst = appendBase36(dst, x)
		dst = append(dst, '.')
		return append(dst, n.base[(x>>4)%uint64(len(n.base))]...)
	}
	return appendDGA(dst, k)
}

// Hot returns a name from the hot set with probability hotShare, else the k-th unique name.
func (p *Picker) Hot(k uint64, hotShare float64) string { return string(p.AppendHot(nil, k, hotShare)) }

func (p *Picker) AppendHot(dst []byte, k uint64, hotShare float64) []byte {
	if p.rng.Float64() < hotShare {
		return append(dst, p.names.hot[p.zipf.Uint64()]...)
	}
	return p.names.AppendUnique(dst, k)
}

func appendBase36(dst []byte, k uint64) []byte {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	var buf [16]byte
	i := len(buf)
	for {
		i--
		buf[i] = digits[k%36]
		k /= 36
		if k == 0 {
			break
		}
	}
	return append(dst, buf[i:]...)
}
