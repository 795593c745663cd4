"""Scores a few indicators with the Python client: a unary call with a deadline, per-item errors, and a stream.

    python examples/predict.py 127.0.0.1:50051
"""

import sys

import grpc
from google.rpc import error_details_pb2
from threatpredict.v1 import (
    error_reason_pb2,
    items_pb2,
    model_service_pb2,
    model_service_pb2_grpc,
    prediction_pb2,
    prediction_service_pb2 as svc,
    prediction_service_pb2_grpc,
)


def reason_of(status) -> str:
    """The ErrorInfo.reason of a per-item error: the name of an ErrorReason value."""
    for detail in status.details:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return info.reason
    return ""


def main() -> None:
    # Plain text until the server has TLS; then grpc.secure_channel(address, grpc.ssl_channel_credentials()).
    with grpc.insecure_channel(sys.argv[1]) as channel:
        stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
        info = model_service_pb2_grpc.ModelServiceStub(channel).GetServerInfo(
            model_service_pb2.GetServerInfoRequest(), timeout=5
        )
        print(f"batches of at most {info.max_batch_items} items")

        # Always pass a timeout: a call that runs out raises grpc.RpcError with DEADLINE_EXCEEDED.
        try:
            response = stub.Predict(
                svc.PredictRequest(
                    items=[
                        items_pb2.IndicatorItem(id="1", value="paypal-login-secure.xyz"),
                        items_pb2.IndicatorItem(id="2", value="http://example.com/login"),
                        items_pb2.IndicatorItem(id="3", value="???"),
                    ]
                ),
                timeout=5,
            )
        except grpc.RpcError as err:  # the whole call failed
            sys.exit(f"{err.code()}: {err.details()}")
        # One result per item, in request order; a bad item has `error` instead of a score.
        for r in response.results:
            if r.HasField("error"):
                unknown = error_reason_pb2.ErrorReason.Name(error_reason_pb2.INDICATOR_TYPE_UNKNOWN)
                label = "not an indicator" if reason_of(r.error) == unknown else reason_of(r.error)
                print(f"{r.id}: {label}: {r.error.message}")
                continue
            print(f"{r.id}: {r.indicator} {prediction_pb2.Verdict.Name(r.verdict)} score={r.score:.3f}")
            for reason in r.reasons:
                print(f"    {reason.code}: {reason.message}")

        # A stream: an iterator of requests in, one response per request out, in order.
        batches = [["example.com", "example.org"], ["login-paypal.example.net"]]
        requests = (
            svc.StreamPredictDomainsRequest(items=[items_pb2.DomainItem(id=d, value=d) for d in batch])
            for batch in batches
        )
        for response in stub.StreamPredictDomains(requests, timeout=10):
            for r in response.results:
                print(f"{r.id}: {prediction_pb2.Verdict.Name(r.verdict)}")


if __name__ == "__main__":
    main()
