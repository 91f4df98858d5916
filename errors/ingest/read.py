"""How a source is read: its client settings and its LogQL, from the model.

The query holds label matchers and line filters only, never `| json`: that would make every
line its own stream and the pages heavy for Loki. Lines are parsed in Python instead.
"""

from collections.abc import Iterator
from pathlib import Path

from errors.ingest.fields import mapping_for
from errors.models import AuthType, ErrorFilter, LokiSource
from logs import loki_config
from logs.logql import LogQuery, Matcher, MatchOp, Selector, literal_regex, regex_escape
from logs.loki import WORKER, LokiClient
from logs.loki_types import Stream

PAGE_LIMIT = 5000


def client_for(source: LokiSource) -> LokiClient:
    return LokiClient(client_config(source), WORKER)


def client_config(source: LokiSource) -> loki_config.LokiSource:
    auth: loki_config.BasicAuth | loki_config.BearerToken | None = None
    if source.auth_type != AuthType.NONE:
        secret = (
            loki_config.Secret(env=source.secret_env)
            if source.secret_env
            else loki_config.Secret(file=Path(source.secret_file))
        )
        if source.auth_type == AuthType.BASIC:
            auth = loki_config.BasicAuth(source.username, secret)
        else:
            auth = loki_config.BearerToken(secret)
    tls = loki_config.TlsConfig(
        verify=source.tls_verify,
        ca_bundle=Path(source.ca_bundle) if source.ca_bundle else None,
        client_cert=Path(source.client_cert) if source.client_cert else None,
        client_key=Path(source.client_key) if source.client_key else None,
    )
    return loki_config.LokiSource(
        base_url=source.url,
        tenant=source.tenant or None,
        auth=auth,
        tls=tls,
        connect_timeout=source.connect_timeout,
        read_timeout=source.read_timeout,
    )


def levels_of(source: LokiSource) -> list[str]:
    return [level.strip() for level in source.error_levels.split(",") if level.strip()]


def build_query(source: LokiSource) -> str:
    """The selector, plus the error filter in Loki's fast order (matchers, then line filters)."""
    selector = Selector.parse(source.selector)
    levels = levels_of(source)
    labelled = any(m.name == source.level_label for m in selector.matchers)
    if source.error_filter == ErrorFilter.LABEL and levels and not labelled:
        pattern = literal_regex(*levels, ignore_case=True)
        level = Matcher(source.level_label, MatchOp.RE, pattern)
        selector = Selector((*selector.matchers, level))
    query = LogQuery(selector)
    if source.error_filter == ErrorFilter.LINE and levels:
        key = mapping_for(source.field_mapping)["level"][0].split(".")[-1]
        alternatives = "|".join(regex_escape(level) for level in levels)
        query = query.matches(f'"{regex_escape(key)}"\\s*:\\s*"(?i:{alternatives})"')
    if source.line_filter:
        query = query.contains(source.line_filter)
    return str(query)


def read_pages(
    client: LokiClient, query: str, start_ns: int, end_ns: int
) -> Iterator[list[Stream]]:
    """Every line of [start_ns, end_ns), a page at a time, left in Loki's streams: pages in
    time order, each stream's entries too, but streams are not merged (the poller aggregates).

    Structured metadata is asked apart from the stream labels, so a stream stays one label set.
    """
    for page in client.stream_pages(
        query,
        start_ns=start_ns,
        end_ns=end_ns,
        direction="forward",
        page_limit=PAGE_LIMIT,
        categorize_labels=True,
    ):
        yield page.streams
