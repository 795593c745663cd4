// Command check validates Envoy bootstrap files the way Envoy reads them, without Envoy (which is
// in none of the package registries this project can use): YAML -> JSON -> protojson into
// envoy.config.bootstrap.v3.Bootstrap, which fails on unknown fields and unknown typed_config types,
// then the protoc-gen-validate rules Envoy enforces at load (ValidateAll), from go-control-plane.
//
//	go run . ../envoy.yaml
//
// What it cannot see: whether the names resolve, whether extension-specific semantics (beyond their
// schemas and validate rules) hold. The typed_config types used must be registered by the imports below.
package main

import (
	"fmt"
	"os"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/retry/host/previous_hosts/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/http/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"sigs.k8s.io/yaml"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: check ENVOY.yaml ...")
		os.Exit(2)
	}
	failed := false
	for _, path := range os.Args[1:] {
		if err := check(path); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			failed = true
			continue
		}
		fmt.Printf("%s: valid envoy.config.bootstrap.v3.Bootstrap\n", path)
	}
	if failed {
		os.Exit(1)
	}
}

func check(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return fmt.Errorf("not YAML: %w", err)
	}
	var b bootstrapv3.Bootstrap
	if err := protojson.Unmarshal(js, &b); err != nil {
		return fmt.Errorf("does not decode as a Bootstrap: %w", err)
	}
	if err := b.ValidateAll(); err != nil {
		return fmt.Errorf("fails Envoy's validation rules: %w", err)
	}
	return nil
}
