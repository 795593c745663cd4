package main

import (
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// unique draws n values for each offset (the counter layout of the load: offset<<32 + i) and
// fails on the first value seen twice.
func unique(t *testing.T, v Values, offsets []uint64, n int) []string {
	t.Helper()
	seen := make(map[string]uint64, n*len(offsets))
	var out []string
	for _, off := range offsets {
		for i := 0; i < n; i++ {
			k := off<<32 + uint64(i)
			s := string(v.AppendUnique(nil, k))
			if prev, dup := seen[s]; dup {
				t.Fatalf("%q for k=%#x and k=%#x", s, prev, k)
			}
			seen[s] = k
			out = append(out, s)
		}
	}
	return out
}

func TestURLsNeverRepeat(t *testing.T) {
	// A small list with a duplicate, a fragment and a query: the counter alone must keep values apart.
	file := filepath.Join(t.TempDir(), "urls.txt")
	list := "http://example.com/a\nhttp://example.com/a\nhttps://x.org/p?q=1#frag\nexample.net\nhttp://y.com/?\n"
	if err := os.WriteFile(file, []byte(list), 0o600); err != nil {
		t.Fatal(err)
	}
	names := NewNames("", 100, 1.1)
	for name, v := range map[string]Values{"file": NewURLs(file, names), "generated": NewURLs("", names)} {
		t.Run(name, func(t *testing.T) {
			vals := unique(t, v, []uint64{1, 2}, 100_000)
			invalid := 0
			for _, s := range vals {
				if strings.HasPrefix(s, "javascript:") {
					invalid++
				} else if !strings.Contains(s, "=") || strings.Contains(s, "#") {
					t.Fatalf("%q: no counter parameter, or a fragment after it", s)
				}
			}
			if share := float64(invalid) / float64(len(vals)); share < 0.019 || share > 0.021 {
				t.Fatalf("invalid share %.3f, want 2%%", share)
			}
		})
	}
}

func TestIPsNeverRepeatAndStayRoutable(t *testing.T) {
	// 219: the last offset with IPv4 addresses of its own (ipv4Scenarios = 220).
	vals := unique(t, IPs{}, []uint64{1, 2, 219}, 100_000)
	global := netip.MustParsePrefix("2000::/3")
	_, nonRoutable6 := serverNonRoutable(t)
	var v4, v6, invalid int
	for _, s := range vals {
		a, err := netip.ParseAddr(s)
		switch {
		case err != nil:
			if !strings.HasPrefix(s, "not-an-ip-") {
				t.Fatalf("%q does not parse", s)
			}
			invalid++
		case a.Is4():
			v4++
			if skipped(a) {
				t.Fatalf("%s is in a skipped range", a)
			}
		default:
			v6++
			if !global.Contains(a) {
				t.Fatalf("%s is not global unicast", a)
			}
			for _, p := range nonRoutable6 {
				if p.Contains(a) {
					t.Fatalf("%s is in %s, not globally routable", a, p)
				}
			}
		}
	}
	n := float64(len(vals))
	if s := float64(invalid) / n; s < 0.019 || s > 0.021 {
		t.Fatalf("invalid share %.3f, want 2%%", s)
	}
	if s := float64(v6) / n; s < 0.095 || s > 0.105 {
		t.Fatalf("IPv6 share %.3f, want 10%%", s)
	}
	if v4 == 0 {
		t.Fatal("no IPv4")
	}
}

func TestIPsPastTheIPv4RangeOfAScenario(t *testing.T) {
	seen := map[string]bool{}
	for i := uint64(ipv4PerScenario - 1000); i < ipv4PerScenario+1000; i++ {
		s := string(IPs{}.AppendUnique(nil, 3<<32+i))
		if seen[s] {
			t.Fatalf("%s repeats", s)
		}
		seen[s] = true
		if a, err := netip.ParseAddr(s); i >= ipv4PerScenario && err == nil && a.Is4() {
			t.Fatalf("counter %d: IPv4 %s past the scenario's IPv4 range", i, s)
		}
	}
}

func TestRankToIPv4(t *testing.T) {
	if ipv4Scenarios < 200 {
		t.Fatalf("only %d offsets get IPv4 of their own", ipv4Scenarios)
	}
	cases := map[uint32]string{
		0:                           "1.0.0.0",
		uint32(ipv4Usable - 1):      "223.255.255.255",
		9<<24 - 1:                   "9.255.255.255",
		9 << 24:                     "11.0.0.0", // 10/8 skipped
		uint32(ipv4Usable - 1 - 10): "223.255.255.245",
	}
	for rank, want := range cases {
		if got := ipv4String(rankToIPv4(rank)); got != want {
			t.Errorf("rank %d: %s, want %s", rank, got, want)
		}
	}
	// Around every skipped range: the rank before it is the address before it, the next rank the
	// first address after it.
	before := uint32(0) // skipped addresses below the range
	for i, r := range ipv4Skipped {
		rank := r.start - before
		before += r.size
		if i == 0 || i == len(ipv4Skipped)-1 {
			continue // nothing below 0.0.0.0/8, nothing usable above 224/3
		}
		if got, want := rankToIPv4(rank-1), r.start-1; got != want {
			t.Errorf("below %s: %s, want %s", ipv4String(r.start), ipv4String(got), ipv4String(want))
		}
		if got, want := rankToIPv4(rank), r.start+r.size; got != want {
			t.Errorf("above %s: %s, want %s", ipv4String(r.start), ipv4String(got), ipv4String(want))
		}
	}
	// A sample of ranks across the space: increasing, never a skipped address.
	prev := rankToIPv4(0)
	for rank := uint64(1); rank < ipv4Usable; rank += 3571 {
		cur := rankToIPv4(uint32(rank))
		if cur <= prev || skipped(netip.AddrFrom4([4]byte{byte(cur >> 24), byte(cur >> 16), byte(cur >> 8), byte(cur)})) {
			t.Fatalf("rank %d -> %s after %s", rank, ipv4String(cur), ipv4String(prev))
		}
		prev = cur
	}
}

// The server's table is the authority: every IPv4 row it marks not globally routable must lie
// inside a range the generator skips.
func TestSkippedRangesCoverTheServersTable(t *testing.T) {
	nonRoutable4, _ := serverNonRoutable(t)
	for _, p := range nonRoutable4 {
		first, last := p.Masked().Addr(), lastAddr(p)
		if !skipped(first) || !skipped(last) || !sameSkip(first, last) {
			t.Errorf("%s is not globally routable (src/indicators/ip/special-ranges.ts) but not skipped", p)
		}
	}
}

func TestPermuteUsableIsABijectionOnASample(t *testing.T) {
	seen := make(map[uint32]bool, 1<<20)
	// Inputs spread over the whole domain [0, ipv4Usable) (1<<20 * 3529 stays below it).
	for v := uint32(0); v < 1<<20; v++ {
		x := permuteUsable(v * 3529)
		if uint64(x) >= ipv4Usable || seen[x] {
			t.Fatalf("permuteUsable(%d) = %d: out of range or repeated", v*3529, x)
		}
		seen[x] = true
	}
}

var rowRe = regexp.MustCompile(`row\('([0-9a-f.:]+/\d+)', '[^']*', (true|false),`)

// serverNonRoutable reads the server's special-purpose table (not globally routable rows).
func serverNonRoutable(t *testing.T) (v4, v6 []netip.Prefix) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "indicators", "ip", "special-ranges.ts"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range rowRe.FindAllStringSubmatch(string(b), -1) {
		if m[2] == "true" {
			continue
		}
		p := netip.MustParsePrefix(m[1])
		if p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	if len(v4) < 15 || len(v6) < 10 {
		t.Fatalf("read only %d IPv4 and %d IPv6 rows from the server's table: has its layout changed?", len(v4), len(v6))
	}
	return v4, v6
}

func skipIndex(a netip.Addr) int {
	b := a.As4()
	x := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	for i, r := range ipv4Skipped {
		if x >= r.start && uint64(x) < uint64(r.start)+uint64(r.size) {
			return i
		}
	}
	return -1
}

func skipped(a netip.Addr) bool     { return skipIndex(a) >= 0 }
func sameSkip(a, b netip.Addr) bool { return skipIndex(a) == skipIndex(b) }
func ipv4String(a uint32) string {
	return netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)}).String()
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	x := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	x |= uint32(1)<<(32-p.Bits()) - 1
	return netip.AddrFrom4([4]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)})
}

func TestMixedNeverRepeatsAndMixesKinds(t *testing.T) {
	names := NewNames("", 100, 1.1)
	vals := unique(t, Mixed{domains: names, urls: NewURLs("", names), ips: IPs{}}, []uint64{1, 2}, 100_000)
	urls, ips := 0, 0
	for _, s := range vals {
		switch {
		case strings.Contains(s, "://") || strings.HasPrefix(s, "javascript:"):
			urls++
		case strings.Count(s, ".") == 3 && strings.IndexFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' }) < 0,
			strings.Contains(s, ":"):
			ips++
		}
	}
	for what, share := range map[string]float64{"URLs": float64(urls) / float64(len(vals)), "IPs": float64(ips) / float64(len(vals))} {
		if share < 0.24 || share > 0.26 {
			t.Fatalf("%s are %.3f of the values, want a quarter", what, share)
		}
	}
}
