"""Properties of parse_domain_name: one A-label per name, whatever form people type it in."""

from __future__ import annotations

import idna
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hostwerk.core.domain_names import DomainNameError, parse_domain_name

LDH = "abcdefghijklmnopqrstuvwxyz0123456789"
# Letters whose upper case maps back to the same letter (not "ß", whose upper case is "SS").
CASE_STABLE_LETTERS = "äöüéèêçñåøæабвгдежзиклмнопрстуфхцчшщыэюяαβγδεζηθικλμνξοπρστυφχψω"
TLDS = st.sampled_from(["nl", "de", "com", "eu", "xn--p1ai"])


def ldh_labels(min_size: int = 1, max_size: int = 30) -> st.SearchStrategy[str]:
    """Letters, digits and inner hyphens, never in the 3rd and 4th place together."""
    return (
        st.text(alphabet=LDH + "-", min_size=min_size, max_size=max_size)
        .filter(lambda label: not label.startswith("-") and not label.endswith("-"))
        .filter(lambda label: label[2:4] != "--")
    )


def unicode_labels(alphabet: str = LDH + CASE_STABLE_LETTERS + "ß") -> st.SearchStrategy[str]:
    def valid(label: str) -> bool:
        try:
            idna.encode(label, uts46=True)
        except idna.IDNAError:
            return False
        return True

    return st.text(alphabet=alphabet, min_size=1, max_size=20).filter(valid)


@st.composite
def unicode_names(draw, alphabet: str = LDH + CASE_STABLE_LETTERS + "ß") -> str:
    labels = draw(st.lists(unicode_labels(alphabet), min_size=1, max_size=3))
    name = ".".join([*labels, draw(TLDS)])
    try:
        ascii_name = idna.encode(name, uts46=True).decode()
    except idna.IDNAError:
        assume(False)
    assume(len(ascii_name) <= 253)
    return name


@settings(deadline=None)
@given(unicode_names())
def test_unicode_and_a_label_forms_give_the_same_a_label(name):
    expected = idna.encode(name, uts46=True).decode().lower()

    from_unicode = parse_domain_name(name)
    from_ascii = parse_domain_name(expected)

    assert from_unicode.ascii == expected
    assert from_ascii.ascii == expected
    assert from_ascii.unicode == from_unicode.unicode


@settings(deadline=None)
@given(unicode_names(alphabet=LDH + CASE_STABLE_LETTERS), st.booleans(), st.booleans())
def test_case_and_one_trailing_dot_do_not_matter(name, upper, trailing_dot):
    typed = name.upper() if upper else name
    if trailing_dot:
        typed += "."

    assert parse_domain_name(f"  {typed} ").ascii == parse_domain_name(name).ascii


@settings(deadline=None)
@given(unicode_names())
def test_unicode_to_ascii_to_unicode_is_stable(name):
    parsed = parse_domain_name(name)

    again = parse_domain_name(parsed.ascii)
    assert again.unicode == parsed.unicode
    assert parse_domain_name(parsed.unicode).ascii == parsed.ascii
    assert parsed.ascii.isascii()
    assert parsed.ascii == parsed.ascii.lower()


@given(ldh_labels(), TLDS)
def test_a_leading_hyphen_is_refused(label, tld):
    with pytest.raises(DomainNameError):
        parse_domain_name(f"-{label}.{tld}")


@given(ldh_labels(), TLDS)
def test_a_trailing_hyphen_is_refused(label, tld):
    with pytest.raises(DomainNameError):
        parse_domain_name(f"{label}-.{tld}")


@given(ldh_labels(min_size=2), st.data(), TLDS)
def test_an_underscore_is_refused(label, data, tld):
    position = data.draw(st.integers(min_value=0, max_value=len(label)))

    with pytest.raises(DomainNameError):
        parse_domain_name(f"{label[:position]}_{label[position:]}.{tld}")


@given(st.text(alphabet=LDH, min_size=64, max_size=80), TLDS)
def test_a_label_longer_than_63_characters_is_refused(label, tld):
    with pytest.raises(DomainNameError):
        parse_domain_name(f"{label}.{tld}")


@given(st.text(alphabet=LDH, min_size=63, max_size=63), TLDS)
def test_a_label_of_63_characters_is_accepted(label, tld):
    assert parse_domain_name(f"{label}.{tld}").ascii == f"{label}.{tld}"


@given(ldh_labels(), TLDS, st.sampled_from(["{l}..{t}", ".{l}.{t}", "{l}.{t}..", "{l}. .{t}"]))
def test_an_empty_label_is_refused(label, tld, pattern):
    with pytest.raises(DomainNameError):
        parse_domain_name(pattern.format(l=label, t=tld))


@given(ldh_labels(min_size=2), st.data(), st.sampled_from([" ", "\t", "\u00a0"]), TLDS)
def test_a_space_inside_the_name_is_refused(label, data, space, tld):
    position = data.draw(st.integers(min_value=1, max_value=len(label) - 1))

    with pytest.raises(DomainNameError, match="cannot contain spaces"):
        parse_domain_name(f"{label[:position]}{space}{label[position:]}.{tld}")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Bücher.NL", "xn--bcher-kva.nl"),
        ("XN--BCHER-KVA.nl.", "xn--bcher-kva.nl"),
        ("faß.de", "xn--fa-hia.de"),
        ("voorbeeld。nl", "voorbeeld.nl"),
    ],
)
def test_known_names_normalise_to_their_a_label(typed, expected):
    assert parse_domain_name(typed).ascii == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "nl",
        "http://voorbeeld.nl",
        "jan@voorbeeld.nl",
        "voorbeeld.123",
        "xn--abc.nl",
        "ab--cd.nl",
    ],
)
def test_other_unusable_input_is_refused(typed):
    with pytest.raises(DomainNameError):
        parse_domain_name(typed)


@pytest.mark.parametrize(
    ("typed", "dutch"),
    [
        ("foo_bar!.nl", "„_” kan geen deel van een domeinnaam zijn"),
        ("-bakker.nl", "Het deel “-bakker” mag alleen letters, cijfers en streepjes"),
        ("bakker..nl", "Een domeinnaam kan geen twee punten achter elkaar bevatten"),
        ("bakker\u0640.nl", "is geen geldige domeinnaam"),
    ],
)
def test_a_refusal_says_what_is_wrong_in_the_readers_language(typed, dutch):
    """The IDNA library's English ("Codepoint U+005F at position 4 …", "Empty Label") was
    inserted into the Dutch message."""
    from django.utils import translation

    with translation.override("nl"), pytest.raises(DomainNameError) as refused:
        parse_domain_name(typed)
    assert dutch in str(refused.value)
    assert "Codepoint" not in str(refused.value) and "Label" not in str(refused.value)
