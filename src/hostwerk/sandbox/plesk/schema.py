"""The subset of Plesk's XSD the simulator enforces: element order, required elements, value types.

Real Plesk validates every packet against its schema before doing anything and refuses a packet
with elements out of order with errcode 1014 and libxml2's message. The simulator does the same
for the operations it implements, so a client that builds packets in the wrong order fails here
the way it would fail against a real server.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

# Leaf value kinds: "string", "int", "long", "boolean", "empty" (no content), "any" (anything,
# not checked: parts of the schema the simulator does not model), or a tuple of allowed values.
ValueKind = str | tuple[str, ...]


@dataclass(frozen=True)
class Element:
    name: str
    children: tuple[Particle, ...] | None = None  # None: a leaf holding a value of `kind`
    kind: ValueKind = "string"
    min: int = 1
    max: int | None = 1  # None: unbounded
    unordered: bool = False  # children in any order (xs:all, or a repeated xs:choice)

    def option(self, tag: str) -> Element | None:
        return self if tag == self.name else None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,)


@dataclass(frozen=True)
class Choice:
    options: tuple[Element, ...]
    min: int = 1
    max: int | None = 1

    def option(self, tag: str) -> Element | None:
        for option in self.options:
            if option.name == tag:
                return option
        return None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(option.name for option in self.options)


Particle = Element | Choice


class SchemaViolation(Exception):
    """The packet does not match the schema; str() is Plesk's 1014 text."""

    def __init__(self, element: etree._Element, message: str) -> None:
        line = element.sourceline or 1
        super().__init__(
            f"Parser error: Request is invalid. Error in line {line}: "
            f"Element '{element.tag}': {message}"
        )


def leaf(name: str, kind: ValueKind = "string", *, min: int = 1, max: int | None = 1) -> Element:
    return Element(name, None, kind, min, max)


def node(name: str, *children: Particle, min: int = 1, max: int | None = 1) -> Element:
    return Element(name, tuple(children), "string", min, max)


def bag(name: str, *children: Particle, min: int = 1, max: int | None = 1) -> Element:
    """An element whose children may come in any order."""
    return Element(name, tuple(children), "string", min, max, unordered=True)


def optional(particle: Particle) -> Particle:
    if isinstance(particle, Choice):
        return Choice(particle.options, 0, particle.max)
    return Element(
        particle.name, particle.children, particle.kind, 0, particle.max, particle.unordered
    )


def choice(*options: Element, min: int = 1, max: int | None = 1) -> Choice:
    return Choice(tuple(options), min, max)


def validate(element: etree._Element, definition: Element) -> None:
    """Raise SchemaViolation for the first difference between `element` and `definition`."""
    if definition.children is None:
        _validate_value(element, definition.kind)
        return
    if element.text and element.text.strip():
        raise SchemaViolation(
            element,
            "Character content other than whitespace is not allowed because the "
            "content type is 'element-only'.",
        )
    children = [item for item in element if isinstance(item.tag, str)]
    if definition.unordered:
        _validate_unordered(element, definition.children, children)
    else:
        _validate_sequence(element, definition.children, children)


def _validate_sequence(
    parent: etree._Element, particles: tuple[Particle, ...], children: list[etree._Element]
) -> None:
    index = 0
    count = 0  # occurrences of the current particle
    repeats = 0  # of a choice: occurrences of the option it chose last
    last_tag = ""
    for item in children:
        while True:
            if index >= len(particles):
                raise SchemaViolation(item, "This element is not expected.")
            particle = particles[index]
            matched = particle.option(item.tag)
            if matched is not None:
                # <filter><name>a</name><name>b</name></filter>: the choice is made once and
                # its option, with maxOccurs="unbounded", repeats inside it.
                if (
                    isinstance(particle, Choice)
                    and item.tag == last_tag
                    and (matched.max is None or repeats < matched.max)
                ):
                    repeats += 1
                    validate(item, matched)
                    break
                if particle.max is None or count < particle.max:
                    count += 1
                    repeats = 1
                    last_tag = item.tag
                    validate(item, matched)
                    break
            if count >= particle.min:
                index += 1
                count = 0
                repeats = 0
                last_tag = ""
                continue
            raise SchemaViolation(
                item, f"This element is not expected. Expected is {_expected(particles, index)}."
            )
    while index < len(particles):
        if count < particles[index].min:
            raise SchemaViolation(
                parent, f"Missing child element(s). Expected is {_expected(particles, index)}."
            )
        index += 1
        count = 0


def _validate_unordered(
    parent: etree._Element, particles: tuple[Particle, ...], children: list[etree._Element]
) -> None:
    seen: dict[int, int] = {}
    for item in children:
        for position, particle in enumerate(particles):
            matched = particle.option(item.tag)
            if matched is None:
                continue
            seen[position] = seen.get(position, 0) + 1
            if particle.max is not None and seen[position] > particle.max:
                raise SchemaViolation(item, "This element is not expected.")
            validate(item, matched)
            break
        else:
            names = [name for particle in particles for name in particle.names]
            raise SchemaViolation(
                item, f"This element is not expected. Expected is {_listing(names)}."
            )
    for position, particle in enumerate(particles):
        if seen.get(position, 0) < particle.min:
            raise SchemaViolation(
                parent, f"Missing child element(s). Expected is {_listing(particle.names)}."
            )


def _expected(particles: tuple[Particle, ...], index: int) -> str:
    """libxml2 lists what may come next: up to and including the next required particle."""
    names: list[str] = []
    for particle in particles[index:]:
        names.extend(particle.names)
        if particle.min > 0:
            break
    return _listing(names)


def _listing(names: list[str] | tuple[str, ...]) -> str:
    if len(names) == 1:
        return f"( {names[0]} )"
    return f"one of ( {', '.join(names)} )"


def _validate_value(element: etree._Element, kind: ValueKind) -> None:
    if kind == "any":
        return
    if any(isinstance(item.tag, str) for item in element):
        raise SchemaViolation(
            element,
            "Element content is not allowed, because the content type is a simple type.",
        )
    value = (element.text or "").strip()
    if kind == "empty":
        if value:
            raise SchemaViolation(
                element, "Character content is not allowed, because the content type is empty."
            )
        return
    if kind in ("int", "long"):
        try:
            int(value)
        except ValueError:
            raise SchemaViolation(
                element, f"'{value}' is not a valid value of the atomic type '{kind}'."
            ) from None
        return
    if kind == "boolean":
        if value not in ("true", "false", "1", "0"):
            raise SchemaViolation(
                element, f"'{value}' is not a valid value of the atomic type 'xs:boolean'."
            )
        return
    if isinstance(kind, tuple) and value not in kind:
        allowed = ", ".join(f"'{item}'" for item in kind)
        raise SchemaViolation(
            element,
            f"[facet 'enumeration'] The value '{value}' is not an element of the set {{{allowed}}}.",
        )


# -- the packet schema -----------------------------------------------------------------------

_ANY = "any"
_OWNER = choice(
    leaf("owner-id", "int"),
    leaf("owner-login"),
    leaf("owner-guid"),
    leaf("owner-external-id"),
    min=0,
)
_OBJECT_STATUS = "int"
_HTYPE = ("vrt_hst", "std_fwd", "frm_fwd", "none")
_IP_ADDRESSES = leaf("ip_address", min=0, max=2)


def _filter(*names: str, int_names: tuple[str, ...] = ()) -> Element:
    """A Plesk filter: one kind of key, repeated; an empty filter selects everything."""
    keys = [leaf(name, "int" if name in int_names else "string", max=None) for name in names]
    return node("filter", choice(*keys, min=0))


_CUSTOMER_FILTER = _filter(
    "id", "login", "guid", "external-id", "owner-id", "owner-login", int_names=("id", "owner-id")
)
_WEBSPACE_FILTER = _filter(
    "id",
    "owner-id",
    "name",
    "owner-login",
    "guid",
    "owner-guid",
    "external-id",
    "owner-external-id",
    int_names=("id", "owner-id"),
)

_CUSTOMER_FIELDS_AFTER_PASSWORD = (
    optional(leaf("status", _OBJECT_STATUS)),
    optional(leaf("phone")),
    optional(leaf("fax")),
    optional(leaf("email")),
    optional(leaf("address")),
    optional(leaf("city")),
    optional(leaf("state")),
    optional(leaf("pcode")),
    optional(leaf("country")),
    optional(leaf("locale")),
)

CUSTOMER = node(
    "customer",
    choice(
        node(
            "add",
            node(
                "gen_info",
                optional(leaf("cname")),
                leaf("pname"),
                leaf("login"),
                leaf("passwd"),
                *_CUSTOMER_FIELDS_AFTER_PASSWORD,
                choice(
                    leaf("owner-id", "int"), leaf("owner-login"), leaf("owner-external-id"), min=0
                ),
                optional(leaf("external-id")),
                optional(leaf("description")),
            ),
        ),
        node(
            "get",
            _CUSTOMER_FILTER,
            node("dataset", optional(leaf("gen_info", _ANY)), optional(leaf("stat", _ANY))),
        ),
        node(
            "set",
            _CUSTOMER_FILTER,
            node(
                "values",
                optional(
                    node(
                        "gen_info",
                        optional(leaf("cname")),
                        optional(leaf("pname")),
                        optional(leaf("login")),
                        optional(leaf("passwd")),
                        *_CUSTOMER_FIELDS_AFTER_PASSWORD,
                        optional(leaf("guid", "empty")),
                        optional(leaf("external-id")),
                        optional(leaf("description")),
                    )
                ),
                optional(leaf("limits", _ANY)),
                optional(leaf("permissions", _ANY)),
            ),
        ),
        node("del", _CUSTOMER_FILTER),
        max=None,
    ),
)

_HOSTING = node(
    "hosting",
    choice(
        node(
            "vrt_hst",
            optional(node("property", leaf("name"), leaf("value"), max=None)),
            _IP_ADDRESSES,
        ),
        node("std_fwd", leaf("dest_url"), optional(leaf("http_code", "int")), _IP_ADDRESSES),
        node("frm_fwd", leaf("dest_url"), _IP_ADDRESSES),
        leaf("none", _ANY),
    ),
    min=0,
)

_WEBSPACE_PREFS = bag(
    "prefs",
    optional(leaf("www", "boolean")),
    optional(leaf("stat_ttl")),
    optional(leaf("outgoing-messages-domain-limit")),
    min=0,
)

WEBSPACE = node(
    "webspace",
    choice(
        node(
            "add",
            # gen_setup is an xs:choice repeated up to ten times in the schema: any order.
            bag(
                "gen_setup",
                leaf("name"),
                _OWNER,
                optional(leaf("htype", _HTYPE)),
                optional(leaf("ip_address")),
                optional(leaf("status")),
                optional(leaf("external-id")),
                optional(leaf("description")),
                optional(leaf("admin-description")),
                optional(leaf("reseller-description")),
            ),
            _HOSTING,
            optional(leaf("limits", _ANY)),
            _WEBSPACE_PREFS,
            optional(leaf("performance", _ANY)),
            optional(leaf("permissions", _ANY)),
            optional(leaf("php-settings", _ANY)),
            choice(
                leaf("plan-id", "int"),
                leaf("plan-name"),
                leaf("plan-guid"),
                leaf("plan-external-id"),
                min=0,
            ),
            optional(leaf("mail", _ANY)),
        ),
        node(
            "get",
            _WEBSPACE_FILTER,
            bag(
                "dataset",
                *(
                    optional(leaf(name, _ANY))
                    for name in (
                        "gen_info",
                        "hosting",
                        "hosting-basic",
                        "limits",
                        "stat",
                        "prefs",
                        "disk_usage",
                        "performance",
                        "subscriptions",
                        "permissions",
                        "plan-items",
                        "php-settings",
                        "resource-usage",
                        "mail",
                    )
                ),
            ),
        ),
        node(
            "set",
            _WEBSPACE_FILTER,
            node(
                "values",
                optional(
                    bag(
                        "gen_setup",
                        optional(leaf("status", _OBJECT_STATUS)),
                        optional(leaf("name")),
                        _OWNER,
                        optional(leaf("ip_address")),
                        optional(leaf("external-id")),
                        optional(leaf("description")),
                    )
                ),
                optional(leaf("limits", _ANY)),
                _WEBSPACE_PREFS,
                _HOSTING,
                optional(leaf("disk_usage", _ANY)),
                optional(leaf("performance", _ANY)),
                optional(leaf("permissions", _ANY)),
                optional(leaf("php-settings", _ANY)),
                optional(leaf("mail", _ANY)),
            ),
        ),
        node("del", _WEBSPACE_FILTER),
        node(
            "switch-subscription",
            _WEBSPACE_FILTER,
            choice(leaf("plan-guid"), leaf("plan-external-id"), leaf("no-plan", "empty")),
        ),
        max=None,
    ),
)

_PLAN_FILTER = _filter("name", "id", "guid", "external-id", int_names=("id",))

SERVICE_PLAN = node(
    "service-plan",
    choice(
        node(
            "get",
            _PLAN_FILTER,
            choice(leaf("owner-id", "int"), leaf("owner-login"), leaf("owner-all", "empty"), min=0),
        ),
        max=None,
    ),
)

_ALIAS_FILTER = _filter("id", "name", "site-id", "site-name", int_names=("id", "site-id"))

SITE_ALIAS = node(
    "site-alias",
    choice(
        node(
            "create",
            optional(leaf("status", "int")),
            optional(
                node(
                    "pref",
                    optional(leaf("web", "boolean")),
                    optional(leaf("mail", "boolean")),
                    optional(leaf("tomcat", "boolean")),
                    optional(leaf("seo-redirect", "boolean")),
                )
            ),
            optional(leaf("manage-dns", "boolean")),
            leaf("site-id", "int"),
            leaf("name"),
            optional(leaf("ascii-name")),
        ),
        node("get", _ALIAS_FILTER),
        node("delete", _ALIAS_FILTER),
        max=None,
    ),
)

_PASSWORD_TYPE = ("plain", "crypt", "sym")
_ANTIVIRUS = ("off", "inout", "in", "out")

MAIL = node(
    "mail",
    choice(
        node(
            "create",
            node(
                "filter",
                leaf("site-id", "int"),
                node(
                    "mailname",
                    leaf("name"),
                    optional(leaf("cp-access", "boolean")),
                    optional(
                        node("mailbox", leaf("enabled", "boolean"), optional(leaf("quota", "long")))
                    ),
                    optional(leaf("forwarding", _ANY)),
                    leaf("alias", min=0, max=None),
                    optional(leaf("autoresponder", _ANY)),
                    optional(
                        node("password", leaf("value"), optional(leaf("type", _PASSWORD_TYPE)))
                    ),
                    optional(leaf("antivir", _ANTIVIRUS)),
                    optional(leaf("outgoing-messages-mbox-limit")),
                    optional(leaf("description")),
                    max=None,
                ),
            ),
        ),
        node(
            "update",
            choice(
                node(
                    "set",
                    node(
                        "filter",
                        leaf("site-id", "int"),
                        node(
                            "mailname",
                            optional(leaf("id", "int")),
                            leaf("name"),
                            optional(leaf("cp-access", "boolean")),
                            optional(
                                node(
                                    "mailbox",
                                    optional(leaf("enabled", "boolean")),
                                    optional(leaf("quota", "long")),
                                )
                            ),
                            optional(leaf("forwarding", _ANY)),
                            leaf("alias", min=0, max=None),
                            optional(leaf("autoresponder", _ANY)),
                            choice(
                                node(
                                    "password",
                                    optional(leaf("value")),
                                    optional(leaf("type", _PASSWORD_TYPE)),
                                ),
                                leaf("user-guid"),
                                min=0,
                            ),
                            optional(leaf("antivir", _ANTIVIRUS)),
                            optional(leaf("outgoing-messages-mbox-limit")),
                            optional(leaf("description")),
                            max=None,
                        ),
                    ),
                ),
            ),
        ),
        node(
            "get_info",
            node("filter", leaf("site-id", "int"), leaf("name", min=0, max=None)),
            optional(leaf("mailbox", "empty")),
            optional(leaf("mailbox-usage", "empty")),
            optional(leaf("forwarding", "empty")),
            optional(leaf("aliases", "empty")),
            optional(leaf("autoresponder", "empty")),
        ),
        node("remove", node("filter", leaf("site-id", "int"), leaf("name", min=0, max=None))),
        max=None,
    ),
)

_SPAM_FILTER = node("filter", choice(leaf("username", max=None), leaf("spamfilter-id", max=None)))

SPAMFILTER = node(
    "spamfilter",
    choice(
        node(
            "set",
            _SPAM_FILTER,
            node(
                "preferences",
                optional(leaf("personal", "boolean")),
                optional(leaf("max-children-process", "int")),
                optional(leaf("use-server-wide-settings", "boolean")),
                optional(leaf("required-score")),
                optional(leaf("rewrite-header")),
                optional(leaf("action", ("text", "delete", "move"))),
            ),
            choice(leaf("enabled", "empty"), leaf("disabled", "empty"), min=0),
        ),
        node("get", _SPAM_FILTER),
        max=None,
    ),
)

_DNS_TYPES = ("A", "AAAA", "CNAME", "MX", "NS", "PTR", "TXT", "SRV", "CAA", "DS", "TLSA")
_DNS_FILTER = _filter(
    "site-id", "id", "site-alias-id", "dns-zone-name", int_names=("site-id", "id", "site-alias-id")
)

DNS = node(
    "dns",
    choice(
        node(
            "add_rec",
            choice(leaf("site-id", "int"), leaf("site-alias-id", "int"), min=0),
            leaf("type", _DNS_TYPES),
            leaf("host"),
            leaf("value"),
            optional(leaf("opt")),
        ),
        node("get_rec", _DNS_FILTER, optional(leaf("template", "empty"))),
        node("del_rec", _DNS_FILTER, optional(leaf("template", "empty"))),
        max=None,
    ),
)

SERVER = node(
    "server",
    choice(
        leaf("get_protos", "empty"),
        node(
            "get",
            *(
                optional(leaf(name, _ANY))
                for name in (
                    "key",
                    "gen_info",
                    "components",
                    "stat",
                    "admin",
                    "interfaces",
                    "services_state",
                    "prefs",
                    "shells",
                    "session_setup",
                    "site-isolation-config",
                    "updates",
                )
            ),
        ),
        max=None,
    ),
)

PACKET = node(
    "packet",
    choice(SERVER, CUSTOMER, WEBSPACE, SERVICE_PLAN, SITE_ALIAS, MAIL, SPAMFILTER, DNS, max=None),
)


def validate_packet(packet: etree._Element) -> None:
    validate(packet, PACKET)
