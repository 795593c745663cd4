"""A Python client generated from proto/ with grpcio-tools: proves the contract works outside Node.

    python3 test/python/client.py 127.0.0.1:50051

Generates the stubs into a temporary folder, calls PredictDomains, StreamPredictDomains and Predict,
and prints one JSON document with what came back (test/server/python-client.test.ts checks it).
"""

import importlib
import json
import sys
import tempfile
from pathlib import Path

import grpc
from grpc_tools import protoc
from google.protobuf import json_format

ROOT = Path(__file__).resolve().parents[2]
PROTOS = [
    "threatpredict/v1/prediction.proto",
    "threatpredict/v1/items.proto",
    "threatpredict/v1/email.proto",
    "threatpredict/v1/prediction_service.proto",
    "threatpredict/v1/model_service.proto",
    "google/rpc/status.proto",
    "google/rpc/error_details.proto",
]


def generate(out: Path) -> None:
    wkt = Path(protoc.__file__).parent / "_proto"
    args = ["protoc", f"-I{ROOT / 'proto'}", f"-I{wkt}", f"--python_out={out}", f"--grpc_python_out={out}", *PROTOS]
    if protoc.main(args) != 0:
        sys.exit("protoc failed")


def main() -> None:
    address = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        sys.path.insert(0, tmp)
        svc = importlib.import_module("threatpredict.v1.prediction_service_pb2")
        svc_grpc = importlib.import_module("threatpredict.v1.prediction_service_pb2_grpc")
        items = importlib.import_module("threatpredict.v1.items_pb2")
        prediction = importlib.import_module("threatpredict.v1.prediction_pb2")
        details = importlib.import_module("google.rpc.error_details_pb2")

        with grpc.insecure_channel(address) as channel:
            stub = svc_grpc.PredictionServiceStub(channel)
            unary = stub.PredictDomains(svc.PredictDomainsRequest(items=[
                items.DomainItem(id="a", value="paypal-login-secure.xyz"),
                items.DomainItem(id="b", value="a..b"),
            ]), timeout=30)

            def batches():
                for n in range(5):
                    yield svc.StreamPredictDomainsRequest(items=[
                        items.DomainItem(id=f"{n}:{i}", value=f"host{i}.example{n}.com") for i in range(100)])

            streamed = [[r.id for r in resp.results] for resp in stub.StreamPredictDomains(batches(), timeout=60)]
            generic = stub.Predict(svc.PredictRequest(items=[
                items.IndicatorItem(id="1", value="alice@example.com"),
                items.IndicatorItem(id="2", value="d41d8cd98f00b204e9800998ecf8427e"),
            ]), timeout=30)

        def error_reason(status):
            for d in status.details:
                info = details.ErrorInfo()
                if d.Unpack(info):
                    return info.reason
            return ""

        print(json.dumps({
            "unary": [json_format.MessageToDict(r) for r in unary.results],
            "unary_error_reason": error_reason(unary.results[1].error),
            "unary_has_score": unary.results[0].HasField("score"),
            "stream_ids": streamed,
            "generic_types": [prediction.IndicatorType.Name(r.type) for r in generic.results],
            "generic_error_reason": error_reason(generic.results[1].error),
        }))


if __name__ == "__main__":
    main()
