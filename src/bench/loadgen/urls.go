package main

// Unique URLs for the load. Preferred: real URLs (-urls FILE, one per line; `npm run bench` writes
// the labelled URLs of ../shared/data/urls there), each sent with a cache-busting query parameter
// that carries the counter (`_=<base36>`, as jQuery's cache: false adds), so a URL list of any size
// gives values that never repeat. Without a file: generated URLs, a popular host (the Tranco list)
// or a DGA-like one, plausible paths, and the counter in the query. 2% are invalid
// (`javascript:void(...)`, an unsupported scheme) so per-item errors are part of the load.

import (
	"bufio"
	"math/rand"
	"os"
	"strings"
)

var (
	urlPathWords = []string{"login", "account", "verify", "update", "secure", "images", "static", "js", "css",
		"wp-content", "uploads", "signin", "download", "docs", "en", "products", "cart", "api", "v1", "search",
		"news", "article", "blog", "assets", "user", "files", "help", "support", "2024", "media"}
	urlFileEnds = []string{"", "", "", "/", ".html", ".php", ".js", ".png", ".aspx", ".htm"}
	urlQueryKey = []string{"id", "q", "ref", "session", "token", "page", "utm_source", "lang", "u", "redirect"}
)

// URLs holds the base list (real URLs, shuffled with a fixed seed), or none for generated URLs.
type URLs struct {
	base  []string
	hosts *Names // popular domains and DGA-like names for generated URLs
}

// NewURLs reads one URL per line from path ("" or unreadable: generated URLs).
func NewURLs(path string, hosts *Names) *URLs {
	u := &URLs{hosts: hosts}
	if path == "" {
		return u
	}
	f, err := os.Open(path)
	if err != nil {
		fail("urls: " + err.Error())
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		s := strings.TrimSpace(sc.Text())
		// The fragment is dropped so that the counter ends every value (see AppendUnique).
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		if s != "" {
			u.base = append(u.base, s)
		}
	}
	if err := sc.Err(); err != nil {
		fail("urls: " + err.Error())
	}
	if len(u.base) == 0 {
		fail("urls: no URL in " + path)
	}
	r := rand.New(rand.NewSource(13))
	r.Shuffle(len(u.base), func(i, j int) { u.base[i], u.base[j] = u.base[j], u.base[i] })
	return u
}

// AppendUnique appends the k-th URL. Every valid value ends with `=` and base36(mix40(k)), which has
// no `=`: two values are equal only if their k are (for k < 2^40, i.e. offsets below 256).
func (u *URLs) AppendUnique(dst []byte, k uint64) []byte {
	x := mix40(k)
	if k%50 == 7 {
		dst = append(dst, "javascript:void("...)
		dst = appendBase36(dst, x)
		return append(dst, ')')
	}
	if len(u.base) == 0 {
		return u.appendGenerated(dst, k, x)
	}
	s := u.base[x%uint64(len(u.base))]
	dst = append(dst, s...)
	switch {
	case strings.HasSuffix(s, "?") || strings.HasSuffix(s, "&"):
	case strings.IndexByte(s, '?') >= 0:
		dst = append(dst, '&')
	default:
		dst = append(dst, '?')
	}
	dst = append(dst, "_="...)
	return appendBase36(dst, x)
}

// appendGenerated: 60% a popular host (bare or with a usual subdomain), 40% a DGA-like host, then
// up to three path words, sometimes a file name, and one query parameter holding the counter.
func (u *URLs) appendGenerated(dst []byte, k, x uint64) []byte {
	h := x * 0x2545F4914F6CDD1D
	if h>>62 == 0 {
		dst = append(dst, "http://"...)
	} else {
		dst = append(dst, "https://"...)
	}
	if k%10 < 6 {
		if h>>60&1 == 1 {
			dst = append(dst, subPrefixes[(h>>20)%uint64(len(subPrefixes))]...)
			dst = append(dst, '.')
		}
		dst = append(dst, u.hosts.base[(x>>4)%uint64(len(u.hosts.base))]...)
	} else {
		dst = appendDGA(dst, k)
	}
	depth := int(h>>56) % 4
	for i := 0; i < depth; i++ {
		dst = append(dst, '/')
		dst = append(dst, urlPathWords[(h>>(i*7))%uint64(len(urlPathWords))]...)
	}
	end := urlFileEnds[(h>>30)%uint64(len(urlFileEnds))]
	if depth == 0 || end == "/" {
		dst = append(dst, '/')
	} else {
		dst = append(dst, end...)
	}
	dst = append(dst, '?')
	dst = append(dst, urlQueryKey[(h>>40)%uint64(len(urlQueryKey))]...)
	dst = append(dst, '=')
	return appendBase36(dst, x)
}
