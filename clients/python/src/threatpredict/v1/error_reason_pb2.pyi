from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class ErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_REASON_UNSPECIFIED: _ClassVar[ErrorReason]
    INDICATOR_EMPTY: _ClassVar[ErrorReason]
    INDICATOR_TOO_LONG: _ClassVar[ErrorReason]
    INDICATOR_TYPE_UNKNOWN: _ClassVar[ErrorReason]
    INDICATOR_TYPE_MISMATCH: _ClassVar[ErrorReason]
    INDICATOR_TYPE_UNSUPPORTED: _ClassVar[ErrorReason]
    INVALID_DOMAIN: _ClassVar[ErrorReason]
    INVALID_URL: _ClassVar[ErrorReason]
    INVALID_IP: _ClassVar[ErrorReason]
    INVALID_EMAIL_ADDRESS: _ClassVar[ErrorReason]
    INVALID_EMAIL_MESSAGE: _ClassVar[ErrorReason]
    EMAIL_TOO_LARGE: _ClassVar[ErrorReason]
    EMAIL_PARSE_TIMEOUT: _ClassVar[ErrorReason]
    BATCH_TOO_LARGE: _ClassVar[ErrorReason]
    MODEL_UNAVAILABLE: _ClassVar[ErrorReason]
    MODEL_NOT_FOUND: _ClassVar[ErrorReason]
    MODEL_VERSION_NOT_FOUND: _ClassVar[ErrorReason]
    ADMIN_RPC_DISABLED: _ClassVar[ErrorReason]
    DEADLINE_EXCEEDED: _ClassVar[ErrorReason]
    INTERNAL: _ClassVar[ErrorReason]
    EMAIL_QUEUE_FULL: _ClassVar[ErrorReason]
    CALL_CANCELLED: _ClassVar[ErrorReason]
    MALFORMED_REQUEST: _ClassVar[ErrorReason]
    RESPONSE_TOO_LARGE: _ClassVar[ErrorReason]
    CREDENTIALS_REJECTED: _ClassVar[ErrorReason]
    SCOPE_MISSING: _ClassVar[ErrorReason]
    QUOTA_EXCEEDED: _ClassVar[ErrorReason]
ERROR_REASON_UNSPECIFIED: ErrorReason
INDICATOR_EMPTY: ErrorReason
INDICATOR_TOO_LONG: ErrorReason
INDICATOR_TYPE_UNKNOWN: ErrorReason
INDICATOR_TYPE_MISMATCH: ErrorReason
INDICATOR_TYPE_UNSUPPORTED: ErrorReason
INVALID_DOMAIN: ErrorReason
INVALID_URL: ErrorReason
INVALID_IP: ErrorReason
INVALID_EMAIL_ADDRESS: ErrorReason
INVALID_EMAIL_MESSAGE: ErrorReason
EMAIL_TOO_LARGE: ErrorReason
EMAIL_PARSE_TIMEOUT: ErrorReason
BATCH_TOO_LARGE: ErrorReason
MODEL_UNAVAILABLE: ErrorReason
MODEL_NOT_FOUND: ErrorReason
MODEL_VERSION_NOT_FOUND: ErrorReason
ADMIN_RPC_DISABLED: ErrorReason
DEADLINE_EXCEEDED: ErrorReason
INTERNAL: ErrorReason
EMAIL_QUEUE_FULL: ErrorReason
CALL_CANCELLED: ErrorReason
MALFORMED_REQUEST: ErrorReason
RESPONSE_TOO_LARGE: ErrorReason
CREDENTIALS_REJECTED: ErrorReason
SCOPE_MISSING: ErrorReason
QUOTA_EXCEEDED: ErrorReason
