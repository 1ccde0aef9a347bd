"""Properties of the name-server input: whatever separators and case people use, the list that
reaches the registry is the same checked A-label list, in the order typed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hostwerk.domains.actions import nameservers_clean
from hostwerk.domains.common import NameserversInvalid

LABELS = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?\Z", fullmatch=True).filter(
    lambda label: label[2:4] != "--"
)
HOSTS = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(LABELS, min_size=1, max_size=2),
    st.sampled_from(["nl", "de", "com", "net"]),
)
SEPARATORS = st.sampled_from(["\n", "\r\n", ", ", ",", "\n\n", " ,\n"])


@settings(max_examples=150, deadline=None)
@given(
    hosts=st.lists(HOSTS, min_size=2, max_size=13, unique=True),
    separator=SEPARATORS,
    upper=st.booleans(),
    trailing_dot=st.booleans(),
)
def test_typed_name_servers_become_the_same_a_label_list(hosts, separator, upper, trailing_dot):
    typed = separator.join(
        (host.upper() if upper else host) + ("." if trailing_dot else "") for host in hosts
    )
    assert nameservers_clean([typed]) == hosts


@settings(max_examples=50, deadline=None)
@given(hosts=st.lists(HOSTS, min_size=2, max_size=12, unique=True), pick=st.integers(min_value=0))
def test_a_name_server_typed_twice_is_refused(hosts, pick):
    twice = [*hosts, hosts[pick % len(hosts)].upper()]
    with pytest.raises(NameserversInvalid, match="is listed twice"):
        nameservers_clean(twice)


@given(hosts=st.lists(HOSTS, min_size=14, max_size=20, unique=True))
@settings(max_examples=20, deadline=None)
def test_more_than_thirteen_name_servers_are_refused(hosts):
    with pytest.raises(NameserversInvalid, match="Enter 2 to 13 name servers"):
        nameservers_clean(hosts)
