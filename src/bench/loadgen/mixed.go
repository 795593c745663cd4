package main

// Values of every kind for the generic Predict (-kind mixed): half domain names, a quarter URLs and a
// quarter IP addresses, as a sensor that sends whatever it saw in one stream. Each value comes from
// its kind's own unique generator fed the same counter, so no value repeats (values of different
// kinds never look alike); the kind is drawn from the mixed counter, not from k's low digits, which
// the generators use for their own shares (2% javascript: URLs, 60% popular domains' subdomains).
type Mixed struct{ domains, urls, ips Values }

func (m Mixed) AppendUnique(dst []byte, k uint64) []byte {
	switch mix40(k) % 4 {
	case 0, 1:
		return m.domains.AppendUnique(dst, k)
	case 2:
		return m.urls.AppendUnique(dst, k)
	default:
		return m.ips.AppendUnique(dst, k)
	}
}
