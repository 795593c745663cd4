from google.rpc import status_pb2 as _status_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class IndicatorType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INDICATOR_TYPE_UNSPECIFIED: _ClassVar[IndicatorType]
    INDICATOR_TYPE_DOMAIN: _ClassVar[IndicatorType]
    INDICATOR_TYPE_URL: _ClassVar[IndicatorType]
    INDICATOR_TYPE_IP: _ClassVar[IndicatorType]
    INDICATOR_TYPE_EMAIL_ADDRESS: _ClassVar[IndicatorType]
    INDICATOR_TYPE_EMAIL_MESSAGE: _ClassVar[IndicatorType]
    INDICATOR_TYPE_FILE_HASH: _ClassVar[IndicatorType]
    INDICATOR_TYPE_CRYPTO_WALLET: _ClassVar[IndicatorType]

class Verdict(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VERDICT_UNSPECIFIED: _ClassVar[Verdict]
    VERDICT_BENIGN: _ClassVar[Verdict]
    VERDICT_SUSPICIOUS: _ClassVar[Verdict]
    VERDICT_MALICIOUS: _ClassVar[Verdict]

class ResultView(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESULT_VIEW_UNSPECIFIED: _ClassVar[ResultView]
    RESULT_VIEW_FULL: _ClassVar[ResultView]
    RESULT_VIEW_COMPACT: _ClassVar[ResultView]
INDICATOR_TYPE_UNSPECIFIED: IndicatorType
INDICATOR_TYPE_DOMAIN: IndicatorType
INDICATOR_TYPE_URL: IndicatorType
INDICATOR_TYPE_IP: IndicatorType
INDICATOR_TYPE_EMAIL_ADDRESS: IndicatorType
INDICATOR_TYPE_EMAIL_MESSAGE: IndicatorType
INDICATOR_TYPE_FILE_HASH: IndicatorType
INDICATOR_TYPE_CRYPTO_WALLET: IndicatorType
VERDICT_UNSPECIFIED: Verdict
VERDICT_BENIGN: Verdict
VERDICT_SUSPICIOUS: Verdict
VERDICT_MALICIOUS: Verdict
RESULT_VIEW_UNSPECIFIED: ResultView
RESULT_VIEW_FULL: ResultView
RESULT_VIEW_COMPACT: ResultView

class Reason(_message.Message):
    __slots__ = ("code", "message", "weight")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    weight: float
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ..., weight: _Optional[float] = ...) -> None: ...

class ModelRef(_message.Message):
    __slots__ = ("name", "version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: int
    def __init__(self, name: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class DomainEnrichment(_message.Message):
    __slots__ = ("registrable_domain", "public_suffix", "subdomain", "subdomain_depth", "ascii", "unicode", "private_suffix", "shared_hosting_platform")
    REGISTRABLE_DOMAIN_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_SUFFIX_FIELD_NUMBER: _ClassVar[int]
    SUBDOMAIN_FIELD_NUMBER: _ClassVar[int]
    SUBDOMAIN_DEPTH_FIELD_NUMBER: _ClassVar[int]
    ASCII_FIELD_NUMBER: _ClassVar[int]
    UNICODE_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_SUFFIX_FIELD_NUMBER: _ClassVar[int]
    SHARED_HOSTING_PLATFORM_FIELD_NUMBER: _ClassVar[int]
    registrable_domain: str
    public_suffix: str
    subdomain: str
    subdomain_depth: int
    ascii: str
    unicode: str
    private_suffix: bool
    shared_hosting_platform: bool
    def __init__(self, registrable_domain: _Optional[str] = ..., public_suffix: _Optional[str] = ..., subdomain: _Optional[str] = ..., subdomain_depth: _Optional[int] = ..., ascii: _Optional[str] = ..., unicode: _Optional[str] = ..., private_suffix: bool = ..., shared_hosting_platform: bool = ...) -> None: ...

class UrlEnrichment(_message.Message):
    __slots__ = ("scheme", "host", "port", "path", "query", "domain", "host_is_ip", "had_userinfo")
    SCHEME_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    PORT_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    DOMAIN_FIELD_NUMBER: _ClassVar[int]
    HOST_IS_IP_FIELD_NUMBER: _ClassVar[int]
    HAD_USERINFO_FIELD_NUMBER: _ClassVar[int]
    scheme: str
    host: str
    port: int
    path: str
    query: str
    domain: DomainEnrichment
    host_is_ip: bool
    had_userinfo: bool
    def __init__(self, scheme: _Optional[str] = ..., host: _Optional[str] = ..., port: _Optional[int] = ..., path: _Optional[str] = ..., query: _Optional[str] = ..., domain: _Optional[_Union[DomainEnrichment, _Mapping]] = ..., host_is_ip: bool = ..., had_userinfo: bool = ...) -> None: ...

class IpEnrichment(_message.Message):
    __slots__ = ("version", "asn", "as_organization", "country_code", "country_name", "city", "latitude", "longitude", "has_location", "time_zone", "range", "globally_routable", "address", "prefix_length", "hosting_provider")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ASN_FIELD_NUMBER: _ClassVar[int]
    AS_ORGANIZATION_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_CODE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_NAME_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    LATITUDE_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    HAS_LOCATION_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    RANGE_FIELD_NUMBER: _ClassVar[int]
    GLOBALLY_ROUTABLE_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    PREFIX_LENGTH_FIELD_NUMBER: _ClassVar[int]
    HOSTING_PROVIDER_FIELD_NUMBER: _ClassVar[int]
    version: int
    asn: int
    as_organization: str
    country_code: str
    country_name: str
    city: str
    latitude: float
    longitude: float
    has_location: bool
    time_zone: str
    range: str
    globally_routable: bool
    address: str
    prefix_length: int
    hosting_provider: str
    def __init__(self, version: _Optional[int] = ..., asn: _Optional[int] = ..., as_organization: _Optional[str] = ..., country_code: _Optional[str] = ..., country_name: _Optional[str] = ..., city: _Optional[str] = ..., latitude: _Optional[float] = ..., longitude: _Optional[float] = ..., has_location: bool = ..., time_zone: _Optional[str] = ..., range: _Optional[str] = ..., globally_routable: bool = ..., address: _Optional[str] = ..., prefix_length: _Optional[int] = ..., hosting_provider: _Optional[str] = ...) -> None: ...

class Prediction(_message.Message):
    __slots__ = ("id", "indicator", "type", "score", "verdict", "model", "reasons", "domain", "url", "ip", "error")
    ID_FIELD_NUMBER: _ClassVar[int]
    INDICATOR_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    DOMAIN_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    IP_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    id: str
    indicator: str
    type: IndicatorType
    score: float
    verdict: Verdict
    model: ModelRef
    reasons: _containers.RepeatedCompositeFieldContainer[Reason]
    domain: DomainEnrichment
    url: UrlEnrichment
    ip: IpEnrichment
    error: _status_pb2.Status
    def __init__(self, id: _Optional[str] = ..., indicator: _Optional[str] = ..., type: _Optional[_Union[IndicatorType, str]] = ..., score: _Optional[float] = ..., verdict: _Optional[_Union[Verdict, str]] = ..., model: _Optional[_Union[ModelRef, _Mapping]] = ..., reasons: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ..., domain: _Optional[_Union[DomainEnrichment, _Mapping]] = ..., url: _Optional[_Union[UrlEnrichment, _Mapping]] = ..., ip: _Optional[_Union[IpEnrichment, _Mapping]] = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ...) -> None: ...
