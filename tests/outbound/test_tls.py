"""TLS contexts from a client's settings; bad files are the client's own config error."""

from pathlib import Path

import pytest

from outbound.tls import TlsConfig, cached_ssl_context, ssl_context
from tests.outbound.toy import TOY, Misconfigured


def test_verification_is_on_unless_turned_off() -> None:
    context = ssl_context(TlsConfig(), TOY)
    assert context.verify_mode.name == "CERT_REQUIRED" and context.check_hostname
    context = ssl_context(TlsConfig(verify=False), TOY)
    assert context.verify_mode.name == "CERT_NONE" and not context.check_hostname


def test_bad_files_name_the_back_end(tmp_path: Path) -> None:
    with pytest.raises(Misconfigured, match="bad TLS files for Toy"):
        ssl_context(TlsConfig(ca_bundle=tmp_path / "no-such-ca.pem"), TOY)
    with pytest.raises(Misconfigured, match="bad TLS files for Toy"):
        ssl_context(TlsConfig(client_cert=tmp_path / "no.pem", client_key=tmp_path / "no.key"), TOY)


def test_the_cached_context_is_built_once_per_settings() -> None:
    assert cached_ssl_context(TlsConfig(), TOY) is cached_ssl_context(TlsConfig(), TOY)
    assert cached_ssl_context(TlsConfig(), TOY) is not cached_ssl_context(
        TlsConfig(verify=False), TOY
    )
    assert ssl_context(TlsConfig(), TOY) is not ssl_context(TlsConfig(), TOY)
