"""The Python client's contract program: the same calls for every language (test/clients/contract.ts).

    python contractcheck.py 127.0.0.1:50051 mail.eml

Imports the installed `threatpredict-client` package and prints one JSON document with what came back.
"""

import json
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


def reason(status) -> str:
    for d in status.details:
        info = error_details_pb2.ErrorInfo()
        if d.Unpack(info):
            return info.reason
    return ""


def items(results):
    return [
        {
            "id": r.id,
            "type": prediction_pb2.IndicatorType.Name(r.type),
            "has_score": r.HasField("score"),
            "reason": reason(r.error),
        }
        for r in results
    ]


def main() -> None:
    address, mail = sys.argv[1], sys.argv[2]
    with grpc.insecure_channel(address) as channel:
        stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
        unary = stub.PredictDomains(
            svc.PredictDomainsRequest(
                items=[
                    items_pb2.DomainItem(id="a", value="paypal-login-secure.xyz"),
                    items_pb2.DomainItem(id="b", value="a..b"),
                    items_pb2.DomainItem(id="c", value="example.com"),
                ]
            ),
            timeout=60,
        )

        def batches():
            for n in range(4):
                yield svc.StreamPredictDomainsRequest(
                    items=[items_pb2.DomainItem(id=f"{n}:{i}", value=f"host{i}.example{n}.com") for i in range(25)]
                )

        stream = [[r.id for r in resp.results] for resp in stub.StreamPredictDomains(batches(), timeout=60)]
        generic = stub.Predict(
            svc.PredictRequest(
                items=[
                    items_pb2.IndicatorItem(id="domain", value="example.org"),
                    items_pb2.IndicatorItem(id="url", value="http://paypal-login-secure.xyz/signin"),
                    items_pb2.IndicatorItem(id="ip", value="8.8.8.8"),
                    items_pb2.IndicatorItem(id="address", value="alice@example.com"),
                    items_pb2.IndicatorItem(id="hash", value="d41d8cd98f00b204e9800998ecf8427e"),
                    items_pb2.IndicatorItem(id="unknown", value="???"),
                ]
            ),
            timeout=60,
        )
        with open(mail, "rb") as f:
            raw = f.read()
        emails = stub.PredictEmails(svc.PredictEmailsRequest(items=[items_pb2.EmailItem(id="mail", value=raw)]), timeout=60)
        info = model_service_pb2_grpc.ModelServiceStub(channel).GetServerInfo(
            model_service_pb2.GetServerInfoRequest(), timeout=60
        )

    e = emails.results[0]
    top = e.messages[0] if e.messages else None
    print(
        json.dumps(
            {
                "unary": items(unary.results),
                "stream": stream,
                "generic": items(generic.results),
                "email": {
                    "id": e.id,
                    "has_score": e.HasField("score"),
                    # `from` is a Python keyword: the documented workaround.
                    "from": getattr(top, "from").address if top else "",
                    "subject": top.subject if top else "",
                    "auth_methods": [a.method for a in top.authentication_results] if top else [],
                    "indicators": [i.prediction.indicator for i in e.indicators],
                },
                "max_batch_items": info.max_batch_items,
                "error_reason_enum": error_reason_pb2.ErrorReason.Name(error_reason_pb2.INDICATOR_TYPE_UNKNOWN),
            }
        )
    )


if __name__ == "__main__":
    main()
