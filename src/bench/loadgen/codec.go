package main

// The hot loop sends pre-encoded bytes and only scans replies, so the load generator spends as
// little of this 2-core machine's CPU as possible; generated types check a sample of replies.

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// rawMsg is a message already in protobuf wire form (requests) or to be scanned (replies).
type rawMsg struct {
	b       []byte
	results int // replies: Prediction messages in field 1
	errors  int // replies: predictions carrying an error (field 15)
	scored  int // replies: predictions with a score (field 4)
	keep    bool
}

// rawCodec passes bytes through; registered under the name "proto" so the content type is unchanged.
type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }

func (rawCodec) Marshal(v any) ([]byte, error) {
	m, ok := v.(*rawMsg)
	if !ok {
		return nil, fmt.Errorf("rawCodec: unexpected %T", v)
	}
	return m.b, nil
}

func (rawCodec) Unmarshal(data []byte, v any) error {
	m, ok := v.(*rawMsg)
	if !ok {
		return fmt.Errorf("rawCodec: unexpected %T", v)
	}
	if m.keep {
		m.b = append(m.b[:0], data...)
	}
	return m.scan(data)
}

// scan counts the results of a Predict*Response (field 1) and, inside each, errors and scores.
func (m *rawMsg) scan(b []byte) error {
	m.results, m.errors, m.scored = 0, 0, 0
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if num == 1 && typ == protowire.BytesType {
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return protowire.ParseError(n)
			}
			m.results++
			if err := m.scanPrediction(v); err != nil {
				return err
			}
			b = b[n:]
			continue
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
	}
	return nil
}

func (m *rawMsg) scanPrediction(b []byte) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		switch num {
		case 4:
			m.scored++
		case 15:
			m.errors++
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
	}
	return nil
}

// appendItem appends one DomainItem, UrlItem or IpItem {id=1, value=2} as field 1 of a Predict*/StreamPredict*Request.
func appendItem(buf, id, value []byte) []byte {
	size := protowire.SizeTag(1) + protowire.SizeBytes(len(id)) + protowire.SizeTag(2) + protowire.SizeBytes(len(value))
	buf = protowire.AppendTag(buf, 1, protowire.BytesType)
	buf = protowire.AppendVarint(buf, uint64(size))
	buf = protowire.AppendTag(buf, 1, protowire.BytesType)
	buf = protowire.AppendBytes(buf, id)
	buf = protowire.AppendTag(buf, 2, protowire.BytesType)
	return protowire.AppendBytes(buf, value)
}

// appendView appends the request's view (field 2); 0 (unspecified) is left out, as proto3 does.
func appendView(buf []byte, view int) []byte {
	if view == 0 {
		return buf
	}
	buf = protowire.AppendTag(buf, 2, protowire.VarintType)
	return protowire.AppendVarint(buf, uint64(view))
}
