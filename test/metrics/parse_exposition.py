"""Reads a Prometheus text exposition on stdin with the Prometheus project's own parser
(prometheus_client.parser) and prints its families as JSON, for the Node tests to check."""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families

families = []
for family in text_string_to_metric_families(sys.stdin.read()):
    families.append({
        "name": family.name,
        "type": family.type,
        "samples": [{"name": s.name, "labels": s.labels, "value": s.value if math.isfinite(s.value) else str(s.value)} for s in family.samples],
    })
json.dump(families, sys.stdout)
