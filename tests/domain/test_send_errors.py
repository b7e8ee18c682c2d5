import pytest

from nudges.domain.send_errors import ErrorKind, classify, retry_delay


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        (21610, 400, ErrorKind.OPTED_OUT),
        (30004, None, ErrorKind.OPTED_OUT),
        (21211, 400, ErrorKind.UNUSABLE),
        (21614, 400, ErrorKind.UNUSABLE),
        (30005, None, ErrorKind.UNUSABLE),
        (30006, None, ErrorKind.UNUSABLE),
        (20429, 429, ErrorKind.TRANSIENT),
        (None, 429, ErrorKind.TRANSIENT),
        (30003, None, ErrorKind.TRANSIENT),
        (30008, None, ErrorKind.TRANSIENT),
        (None, 500, ErrorKind.TRANSIENT),
        (None, 503, ErrorKind.TRANSIENT),
        (None, None, ErrorKind.TRANSIENT),
        (30007, None, ErrorKind.NO_RETRY),
        (12345, 400, ErrorKind.NO_RETRY),
        (21408, 400, ErrorKind.CONFIG),
        (30034, None, ErrorKind.CONFIG),
        (None, 401, ErrorKind.CONFIG),
    ],
)
def test_classify(code: int | None, status: int | None, kind: ErrorKind) -> None:
    assert classify(code, status) is kind


def test_retry_delay_doubles_up_to_a_cap() -> None:
    delays = [retry_delay(n) for n in range(1, 12)]
    assert delays[:4] == [30.0, 60.0, 120.0, 240.0]
    assert delays == sorted(delays)
    assert max(delays) == 1800.0
