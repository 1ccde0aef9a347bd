"""{% url %} reverses each route once per process and writes the same URLs as Django's reverse()."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from hostwerk.core.templatetags.cached_urls import route_url


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("staff:dashboard", []),
        ("staff:client_list", []),
        ("staff:client_detail", [5]),
        ("staff:client_detail", [123456]),
        ("staff:order_detail", [0]),
        ("logout", []),
        ("password_set", ["a-token"]),
        ("password_set", [42]),
    ],
)
def test_route_urls_are_what_reverse_gives(name, args):
    assert route_url(name, args) == reverse(name, args=args)


def test_the_tag_fills_in_each_rows_key():
    source = "{% for pk in pks %}{% url 'staff:client_detail' pk %} {% endfor %}"
    assert render(source, pks=[1, 22, 333]) == "".join(
        reverse("staff:client_detail", args=[pk]) + " " for pk in [1, 22, 333]
    )


def test_arguments_that_are_not_plain_numbers_go_through_reverse():
    with pytest.raises(NoReverseMatch):
        route_url("staff:client_detail", [-1])
    with pytest.raises(NoReverseMatch):
        route_url("staff:client_detail", ["x/y"])
    assert route_url("staff:client_detail", ["7"]) == reverse("staff:client_detail", args=[7])


def test_an_unknown_route_is_an_error_unless_kept_in_a_variable():
    with pytest.raises(NoReverseMatch):
        render("{% url 'staff:no_such_page' %}")
    assert render("{% url 'staff:no_such_page' as link %}[{{ link }}]") == "[]"


def test_urls_follow_the_script_prefix():
    set_script_prefix("/hosting/")
    try:
        assert render("{% url 'staff:client_detail' 5 %}") == "/hosting/staff/clients/5/"
    finally:
        set_script_prefix("/")
    assert render("{% url 'staff:client_detail' 5 %}") == "/staff/clients/5/"
