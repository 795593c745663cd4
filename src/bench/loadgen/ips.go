package main

// Unique IP addresses for the load. The server answers addresses that are not globally routable
// BENIGN by a rule, without geo lookup or model (src/scoring/pipelines/ip.ts): a load with many of
// them would flatter the figures, so unique addresses are drawn from routable space only. The
// server's table (src/indicators/ip/special-ranges.ts) is the authority; ipv4Skipped covers every
// IPv4 row it marks not globally routable (ips_test.go checks that against the file), in coarser
// blocks where that is simpler (224/3 for multicast, reserved and broadcast).

import "net/netip"

// ipv4Range is a block of IPv4 space the generator never uses: [start, start+size).
type ipv4Range struct{ start, size uint32 }

func cidr4(s string) ipv4Range {
	p := netip.MustParsePrefix(s)
	a := p.Addr().As4()
	return ipv4Range{start: uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3]), size: 1 << (32 - p.Bits())}
}

// ipv4Skipped is sorted and disjoint (rankToIPv4 relies on both).
var ipv4Skipped = []ipv4Range{
	cidr4("0.0.0.0/8"),       // this network
	cidr4("10.0.0.0/8"),      // private
	cidr4("100.64.0.0/10"),   // carrier-grade NAT
	cidr4("127.0.0.0/8"),     // loopback
	cidr4("169.254.0.0/16"),  // link-local
	cidr4("172.16.0.0/12"),   // private
	cidr4("192.0.0.0/24"),    // IETF protocol assignments (two routable anycast /32s skipped with it)
	cidr4("192.0.2.0/24"),    // TEST-NET-1
	cidr4("192.88.99.0/24"),  // deprecated 6to4 relay anycast
	cidr4("192.168.0.0/16"),  // private
	cidr4("198.18.0.0/15"),   // benchmarking
	cidr4("198.51.100.0/24"), // TEST-NET-2
	cidr4("203.0.113.0/24"),  // TEST-NET-3
	cidr4("224.0.0.0/3"),     // multicast, reserved, broadcast
}

// ipv4Usable is how many IPv4 addresses remain: the ranks 0 .. ipv4Usable-1 (see rankToIPv4).
var ipv4Usable = func() uint64 {
	n := uint64(1) << 32
	for _, r := range ipv4Skipped {
		n -= uint64(r.size)
	}
	return n
}()

const ipv4PerScenario = 1 << 24

// ipv4Scenarios is how many counter ranges (-offset) get IPv4 addresses of their own.
var ipv4Scenarios = ipv4Usable / ipv4PerScenario

// mix32 is a bijection on 32-bit values (odd multipliers and xor-shifts are invertible mod 2^32).
func mix32(x uint32) uint32 {
	x *= 0x9E3779B1
	x ^= x >> 15
	x *= 0x85EBCA77
	x ^= x >> 13
	return x
}

// permuteUsable is a bijection on [0, ipv4Usable): mix32 applied until the value falls inside
// (cycle walking: following the permutation's cycle from a value inside always comes back inside,
// and two inputs never meet on the way). About 1.16 steps on average.
func permuteUsable(v uint32) uint32 {
	x := mix32(v)
	for uint64(x) >= ipv4Usable {
		x = mix32(x)
	}
	return x
}

// rankToIPv4 is the rank-th address outside ipv4Skipped, in address order.
func rankToIPv4(rank uint32) uint32 {
	a := rank
	for _, r := range ipv4Skipped {
		if a < r.start {
			break
		}
		a += r.size
	}
	return a
}

// IPs makes the load's IP addresses: 2% invalid, 10% IPv6 in 2000::/3 (global unicast, allocated
// to the RIRs), the rest IPv4 outside ipv4Skipped, each value a function of the counter k.
type IPs struct{}

// RIR blocks of 2000::/3 (APNIC, ARIN, LACNIC, RIPE NCC, AFRINIC /12s): clear of the special rows
// (2001::/23, 2001:db8::/32, 2002::/16, 3fff::/20) whatever the other bits are.
var ipv6Blocks = []uint16{0x2400, 0x2600, 0x2800, 0x2a00, 0x2c00}

// AppendUnique appends the k-th address (k = offset<<32 + counter, as for names). Within a scenario
// no value repeats; IPv4 addresses repeat across scenarios only when their offsets are
// ipv4Scenarios (220) apart. Past 2^24 items of one scenario (about a minute at today's rates)
// every address is IPv6, which has room for the whole counter.
func (IPs) AppendUnique(dst []byte, k uint64) []byte {
	x := mix40(k) // bijective: values stay unique but do not look like a counter
	switch {
	case k%50 == 7:
		dst = append(dst, "not-an-ip-"...)
		return appendBase36(dst, x)
	case k%10 == 3 || k&0xffffffff >= ipv4PerScenario:
		return appendIPv6(dst, x)
	}
	v := uint32((k>>32)%ipv4Scenarios*ipv4PerScenario + k&0xffffffff)
	a := rankToIPv4(permuteUsable(v))
	for i := 24; i >= 0; i -= 8 {
		dst = appendUint(dst, uint64(a>>i&0xff))
		if i > 0 {
			dst = append(dst, '.')
		}
	}
	return dst
}

// appendIPv6 writes eight groups: an RIR /12, then x's 40 bits in the next three groups (so the
// address is unique per x), then an interface id that looks random.
func appendIPv6(dst []byte, x uint64) []byte {
	h := x * 0x2545F4914F6CDD1D
	groups := [8]uint16{
		ipv6Blocks[(h>>59)%uint64(len(ipv6Blocks))] | uint16(h>>55&0xf),
		uint16(x >> 24),
		uint16(x >> 8),
		uint16(x<<8) | uint16(h>>47&0xff),
		uint16(h >> 32), uint16(h >> 16), uint16(h), uint16(h >> 40),
	}
	for i, g := range groups {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = appendHex(dst, g)
	}
	return dst
}

func appendHex(dst []byte, g uint16) []byte {
	const hex = "0123456789abcdef"
	started := false
	for i := 12; i >= 0; i -= 4 {
		d := g >> i & 0xf
		if d != 0 || started || i == 0 {
			dst = append(dst, hex[d])
			started = true
		}
	}
	return dst
}

func appendUint(dst []byte, n uint64) []byte {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(dst, buf[i:]...)
}
