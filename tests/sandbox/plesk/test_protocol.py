"""The simulator speaks Plesk's packets: checkup errors, element order, results and object rules."""

from __future__ import annotations

import httpx
import pytest
from lxml import etree

from hostwerk.integrations.plesk import CustomerSpec, PleskClient, WebspaceSpec
from hostwerk.sandbox.plesk.server import PleskSandbox, start

CUSTOMER_ADD = (
    "<packet><customer><add><gen_info>"
    "<cname>LogicSoft Ltd.</cname><pname>Stephen Lowell</pname><login>stevelow</login>"
    "<passwd>Jhtr66fBB</passwd><status>0</status><phone>416 907 9944</phone>"
    "<email>host@logicsoft.example</email><country>CA</country>"
    "</gen_info></add></customer></packet>"
)


def system_error(answer: etree._Element) -> tuple[str | None, str | None, str | None]:
    return (
        answer.findtext("system/status"),
        answer.findtext("system/errcode"),
        answer.findtext("system/errtext"),
    )


def add_hosting(client: PleskClient, name: str = "example.com") -> tuple[int, int]:
    """A customer with one hosting webspace; returns (customer id, webspace id)."""
    customer = client.customer_get(login="stevelow") or client.customer_add(
        CustomerSpec(login="stevelow", password="Jhtr66fBB", pname="Stephen Lowell")
    )
    webspace = client.webspace_add(
        WebspaceSpec(
            name=name,
            owner_id=customer.id,
            plan_name="Basic",
            ip_address="192.0.2.10",
            ftp_login=name.split(".")[0],
            ftp_password="S3cret!pw",
        )
    )
    return customer.id, webspace.id


def test_the_documented_sample_packet_creates_a_customer(plesk: PleskSandbox, post):
    answer = post(CUSTOMER_ADD)

    customer = plesk.state.find_customer(login="stevelow")
    assert customer is not None
    assert answer.get("version") == "1.6.9.1"
    assert answer.findtext("customer/add/result/status") == "ok"
    assert answer.findtext("customer/add/result/id") == "2"
    assert answer.findtext("customer/add/result/guid") == customer.guid
    assert (customer.cname, customer.phone, customer.country) == (
        "LogicSoft Ltd.",
        "416 907 9944",
        "CA",
    )


def test_elements_out_of_order_are_refused_with_1014_and_nothing_is_created(
    plesk: PleskSandbox, post
):
    answer = post(
        "<packet><customer><add><gen_info><pname>Stephen Lowell</pname><passwd>Jhtr66fBB</passwd>"
        "<login>stevelow</login></gen_info></add></customer></packet>"
    )

    assert system_error(answer) == (
        "error",
        "1014",
        "Parser error: Request is invalid. Error in line 1: Element 'passwd': "
        "This element is not expected. Expected is ( login ).",
    )
    assert plesk.state.counts()["customers"] == 0


def test_the_plan_before_the_hosting_of_a_webspace_is_refused_with_1014(post):
    answer = post(
        "<packet><webspace><add><gen_setup><name>example.com</name><owner-id>2</owner-id>"
        "</gen_setup><plan-name>Basic</plan-name><hosting><vrt_hst/></hosting>"
        "</add></webspace></packet>"
    )

    assert system_error(answer) == (
        "error",
        "1014",
        "Parser error: Request is invalid. Error in line 1: Element 'hosting': "
        "This element is not expected.",
    )


def test_a_missing_required_element_is_refused_with_1014(post):
    answer = post(
        "<packet><customer><add><gen_info><pname>P</pname><login>l1</login></gen_info>"
        "</add></customer></packet>"
    )

    assert system_error(answer)[2] == (
        "Parser error: Request is invalid. Error in line 1: Element 'gen_info': "
        "Missing child element(s). Expected is ( passwd )."
    )


def test_an_empty_owner_id_is_refused_like_the_whmcs_bug_report(post):
    answer = post(
        "<packet><webspace><add><gen_setup><name>example.com</name><owner-id></owner-id>"
        "</gen_setup></add></webspace></packet>"
    )

    assert system_error(answer)[2] == (
        "Parser error: Request is invalid. Error in line 1: Element 'owner-id': "
        "'' is not a valid value of the atomic type 'int'."
    )


def test_an_unknown_hosting_type_is_refused_with_the_enumeration_message(post):
    answer = post(
        "<packet><webspace><add><gen_setup><name>example.com</name><htype>cloud</htype>"
        "</gen_setup></add></webspace></packet>"
    )

    assert system_error(answer)[2] == (
        "Parser error: Request is invalid. Error in line 1: Element 'htype': "
        "[facet 'enumeration'] The value 'cloud' is not an element of the set "
        "{'vrt_hst', 'std_fwd', 'frm_fwd', 'none'}."
    )


def test_an_unknown_operator_is_refused_with_1014(post):
    answer = post("<packet><unknown><get/></unknown></packet>")

    assert system_error(answer)[:2] == ("error", "1014")
    assert "Element 'unknown': This element is not expected." in (system_error(answer)[2] or "")


def test_xml_that_is_not_well_formed_is_refused_with_1014(post):
    answer = post("<packet><wrongly formatted xml</packet>")

    assert system_error(answer) == (
        "error",
        "1014",
        "Parser error: Request is invalid. Error in line 1: "
        "Specification mandates value for attribute formatted, line 1, column 28",
    )


@pytest.mark.parametrize("version", ["100.0.0", "2.0", "1.7.0.0", "latest"])
def test_an_unsupported_protocol_version_is_refused_with_1005(post, version):
    answer = post(f'<packet version="{version}"><server><get_protos/></server></packet>')

    assert system_error(answer) == ("error", "1005", "XML API protocol version not supported.")


@pytest.mark.parametrize("version", ["1.6", "1.6.5", "1.6.3.0", "1.6.9.1"])
def test_older_protocol_versions_are_answered_in_their_own_version(post, version):
    answer = post(f'<packet version="{version}"><server><get_protos/></server></packet>')

    assert answer.get("version") == version
    assert answer.findtext("server/get_protos/result/status") == "ok"
    assert answer.findtext("server/get_protos/result/protos/proto") == "1.6.9.1"


def test_a_wrong_password_is_a_1001_system_error_with_http_200(post):
    answer = post(
        CUSTOMER_ADD,
        headers={
            "HTTP_AUTH_LOGIN": "admin",
            "HTTP_AUTH_PASSWD": "wrong",
            "Content-Type": "text/xml",
        },
    )

    assert system_error(answer) == ("error", "1001", "Authentication failed - wrong password.")


def test_no_credentials_at_all_is_a_1001_system_error(post):
    answer = post(CUSTOMER_ADD, headers={"Content-Type": "text/xml"})

    assert system_error(answer)[1] == "1001"


def test_a_wrong_secret_key_is_an_11003_system_error(post):
    answer = post(CUSTOMER_ADD, headers={"KEY": "guess", "Content-Type": "text/xml"})

    assert system_error(answer) == ("error", "11003", "Secret key validation failed")


def test_a_packet_sent_as_something_else_than_text_xml_is_refused(post):
    answer = post(
        CUSTOMER_ADD,
        headers={
            "HTTP_AUTH_LOGIN": "admin",
            "HTTP_AUTH_PASSWD": "sandbox",
            "Content-Type": "application/json",
        },
    )

    assert system_error(answer)[1] == "1014"


def test_the_right_secret_key_is_accepted():
    with start(secret_key="k3y") as sandbox:
        response = httpx.post(
            f"{sandbox.url}/enterprise/control/agent.php",
            content=b"<packet><server><get><gen_info/></get></server></packet>",
            headers={"KEY": "k3y", "Content-Type": "text/xml"},
        )

    assert etree.fromstring(response.content).findtext("server/get/result/status") == "ok"


def test_several_operations_in_one_packet_are_answered_in_order(plesk: PleskSandbox, post):
    answer = post(
        "<packet><customer>"
        "<add><gen_info><pname>A</pname><login>first</login><passwd>secret1</passwd></gen_info></add>"
        "<add><gen_info><pname>B</pname><login>first</login><passwd>secret2</passwd></gen_info></add>"
        "<get><filter><login>first</login></filter><dataset><gen_info/></dataset></get>"
        "</customer><service-plan><get><filter><name>Pro</name></filter></get></service-plan>"
        "</packet>"
    )

    operations = [element.tag for element in answer.find("customer")]
    assert operations == ["add", "add", "get"]
    first, second = answer.findall("customer/add/result")
    assert first.findtext("status") == "ok"
    assert [second.findtext(tag) for tag in ("status", "errcode", "errtext")] == [
        "error",
        "1007",
        "User account first already exists.",
    ]
    assert answer.findtext("customer/get/result/data/gen_info/pname") == "A"
    assert answer.findtext("service-plan/get/result/name") == "Pro"


def test_get_echoes_the_filter_value_and_the_id(post, plesk_client: PleskClient):
    add_hosting(plesk_client)

    answer = post(
        "<packet><webspace><get><filter><name>example.com</name><name>missing.example</name>"
        "</filter><dataset><gen_info/></dataset></get></webspace></packet>"
    )

    results = answer.findall("webspace/get/result")
    assert [(r.findtext("status"), r.findtext("filter-id"), r.findtext("id")) for r in results] == [
        ("ok", "example.com", "1"),
        ("error", "missing.example", None),
    ]
    assert results[1].findtext("errcode") == "1013"
    assert results[1].findtext("errtext") == "Object not found."
    info = results[0].find("data/gen_info")
    assert [child.tag for child in info] == [
        "cr_date",
        "name",
        "ascii-name",
        "status",
        "real_size",
        "owner-id",
        "owner-login",
        "dns_ip_address",
        "htype",
        "guid",
        "vendor-guid",
        "external-id",
        "description",
    ]


def test_a_webspace_needs_an_existing_owner_plan_and_pool_address(plesk_client: PleskClient, post):
    plesk_client.customer_add(CustomerSpec(login="stevelow", password="secret1", pname="S"))

    def add(owner: str, plan: str, ip: str) -> list[str | None]:
        answer = post(
            "<packet><webspace><add><gen_setup><name>example.com</name>"
            f"<owner-id>{owner}</owner-id><htype>vrt_hst</htype><ip_address>{ip}</ip_address>"
            "</gen_setup><hosting><vrt_hst><property><name>ftp_login</name><value>ex</value>"
            "</property><property><name>ftp_password</name><value>S3cret!pw</value></property>"
            f"</vrt_hst></hosting><plan-name>{plan}</plan-name></add></webspace></packet>"
        )
        result = answer.find("webspace/add/result")
        return [result.findtext(tag) for tag in ("status", "errcode", "errtext")]

    assert add("99", "Basic", "192.0.2.10") == ["error", "1015", "Object owner not found."]
    assert add("2", "Gold", "192.0.2.10") == ["error", "1013", "Service plan Gold does not exist."]
    assert add("2", "Basic", "203.0.113.9") == [
        "error",
        "1018",
        "IP address 203.0.113.9 is not in the IP pool of the owner.",
    ]
    assert add("2", "Basic", "192.0.2.11") == ["ok", None, None]


def test_a_second_hosting_webspace_cannot_reuse_the_ftp_login(plesk_client: PleskClient):
    add_hosting(plesk_client, "example.com")

    with pytest.raises(Exception, match=r"\(1007\): System user example already exists\."):
        add_hosting(plesk_client, "example.net")


def test_a_new_webspace_gets_the_default_dns_zone(plesk: PleskSandbox, plesk_client):
    _, site_id = add_hosting(plesk_client)

    records = {
        (r.type, r.host, r.value, r.opt) for r in plesk.state.dns_records if r.site_id == site_id
    }
    assert records == {
        ("NS", "example.com.", "ns1.example.com.", ""),
        ("NS", "example.com.", "ns2.example.com.", ""),
        ("A", "example.com.", "192.0.2.10", ""),
        ("A", "www.example.com.", "192.0.2.10", ""),
        ("A", "mail.example.com.", "192.0.2.10", ""),
        ("A", "webmail.example.com.", "192.0.2.10", ""),
        ("A", "ns1.example.com.", "192.0.2.10", ""),
        ("A", "ns2.example.com.", "192.0.2.10", ""),
        ("CNAME", "ftp.example.com.", "example.com.", ""),
        ("MX", "example.com.", "mail.example.com.", "10"),
        ("TXT", "example.com.", "v=spf1 +a +mx +a:plesk1 -all", ""),
        ("TXT", "_dmarc.example.com.", "v=DMARC1; p=none", ""),
    }


def test_the_last_mx_record_cannot_be_deleted_but_can_be_replaced(
    plesk: PleskSandbox, plesk_client: PleskClient
):
    _, site_id = add_hosting(plesk_client)
    (old_mx,) = [r for r in plesk.state.dns_records if r.type == "MX"]

    with pytest.raises(Exception, match="last MX record"):
        plesk_client.dns_delete_record(id=old_mx.id)

    plesk_client.dns_add_record(
        site_id=site_id, type="MX", host="", value="mx.spamexperts.com", opt="10"
    )
    plesk_client.dns_delete_record(id=old_mx.id)

    assert [(r.value, r.opt) for r in plesk.state.dns_records if r.type == "MX"] == [
        ("mx.spamexperts.com.", "10")
    ]


def test_a_duplicate_dns_record_is_refused_with_plesks_text(plesk_client: PleskClient):
    _, site_id = add_hosting(plesk_client)

    with pytest.raises(
        Exception,
        match=r"\(1007\): DNS record 'example.com. IN MX mail.example.com.' already exists\.",
    ):
        plesk_client.dns_add_record(
            site_id=site_id, type="MX", host="", value="mail.example.com", opt="10"
        )


def test_new_mailboxes_have_the_spam_filter_off(plesk: PleskSandbox, plesk_client: PleskClient):
    _, site_id = add_hosting(plesk_client)

    plesk_client.mail_create(site_id=site_id, name="info", password="S3cret!pw")

    mailbox = plesk.state.find_mailbox("info@example.com")
    assert mailbox is not None
    assert mailbox.spam_filter is False


def test_a_duplicate_mailbox_is_refused_with_1007(plesk_client: PleskClient, post):
    _, site_id = add_hosting(plesk_client)
    plesk_client.mail_create(site_id=site_id, name="info", password="S3cret!pw")

    answer = post(
        f"<packet><mail><create><filter><site-id>{site_id}</site-id><mailname><name>info</name>"
        "<mailbox><enabled>true</enabled></mailbox></mailname></filter></create></mail></packet>"
    )

    result = answer.find("mail/create/result")
    assert [result.findtext(tag) for tag in ("status", "errcode", "errtext")] == [
        "error",
        "1007",
        "Mailname already exists",
    ]


def test_a_mailbox_level_spam_filter_refuses_admin_only_options_with_12009(
    plesk_client: PleskClient, post
):
    _, site_id = add_hosting(plesk_client)
    plesk_client.mail_create(site_id=site_id, name="info", password="S3cret!pw")

    answer = post(
        "<packet><spamfilter><set><filter><username>info@example.com</username></filter>"
        "<preferences><personal>true</personal></preferences><enabled/></set></spamfilter>"
        "</packet>"
    )

    result = answer.find("spamfilter/set/result")
    assert [result.findtext(tag) for tag in ("status", "errcode", "errtext", "filter-id")] == [
        "error",
        "12009",
        "Option is not supported",
        "info@example.com",
    ]
    assert plesk_client.spamfilter_get(mailbox="info@example.com") is False


def test_the_spam_filter_of_a_mailbox_is_found_through_a_site_alias_too(
    plesk_client: PleskClient,
):
    _, site_id = add_hosting(plesk_client)
    plesk_client.site_alias_create(site_id=site_id, name="example.net")
    plesk_client.mail_create(site_id=site_id, name="info", password="S3cret!pw")

    plesk_client.spamfilter_set(mailbox="info@example.net", enabled=True)

    assert plesk_client.spamfilter_get(mailbox="info@example.com") is True


def test_a_site_alias_cannot_take_a_name_already_in_use(plesk_client: PleskClient):
    _, site_id = add_hosting(plesk_client)
    plesk_client.site_alias_create(site_id=site_id, name="example.net")

    with pytest.raises(Exception, match=r"\(1007\): Domain alias example.net already exists\."):
        plesk_client.site_alias_create(site_id=site_id, name="example.net")
    with pytest.raises(Exception, match=r"\(1007\)"):
        plesk_client.site_alias_create(site_id=site_id, name="example.com")


def test_deleting_a_customer_deletes_its_webspaces_mailboxes_and_aliases(
    plesk: PleskSandbox, plesk_client: PleskClient, post
):
    customer_id, site_id = add_hosting(plesk_client)
    plesk_client.site_alias_create(site_id=site_id, name="example.net")
    plesk_client.mail_create(site_id=site_id, name="info", password="S3cret!pw")

    answer = post(
        f"<packet><customer><del><filter><id>{customer_id}</id></filter></del></customer></packet>"
    )

    assert [answer.findtext(f"customer/del/result/{tag}") for tag in ("status", "id")] == [
        "ok",
        str(customer_id),
    ]
    assert plesk.state.counts() == {
        "customers": 0,
        "webspaces": 0,
        "aliases": 0,
        "mailboxes": 0,
        "dns_records": 0,
    }


def test_suspending_sets_status_16_and_a_status_outside_0_16_32_64_is_refused(
    plesk: PleskSandbox, plesk_client: PleskClient, post
):
    add_hosting(plesk_client)

    suspended = post(
        "<packet><webspace><set><filter><name>example.com</name></filter><values><gen_setup>"
        "<status>16</status></gen_setup></values></set></webspace></packet>"
    )
    refused = post(
        "<packet><webspace><set><filter><name>example.com</name></filter><values><gen_setup>"
        "<status>7</status></gen_setup></values></set></webspace></packet>"
    )

    assert [
        suspended.findtext(f"webspace/set/result/{tag}") for tag in ("status", "filter-id")
    ] == [
        "ok",
        "example.com",
    ]
    assert refused.findtext("webspace/set/result/errcode") == "1025"
    webspace = plesk.state.find_webspace(name="example.com")
    assert webspace is not None
    assert webspace.status == 16


def test_server_get_reports_name_version_and_object_counts(plesk_client: PleskClient, post):
    add_hosting(plesk_client)

    answer = post("<packet><server><get><gen_info/><stat/></get></server></packet>")

    result = answer.find("server/get/result")
    assert result.findtext("gen_info/server_name") == "plesk1"
    assert result.findtext("stat/version/plesk_version") == "18.0.61"
    assert result.findtext("stat/objects/clients") == "1"
    assert result.findtext("stat/objects/domains") == "1"


def test_the_answer_is_http_200_text_xml_even_for_errors(http: httpx.Client):
    response = http.post(
        "/enterprise/control/agent.php",
        content=b"<packet><unknown/></packet>",
        headers={"HTTP_AUTH_LOGIN": "admin", "HTTP_AUTH_PASSWD": "x", "Content-Type": "text/xml"},
    )

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=UTF-8"
    assert response.headers["Server"].startswith("sw-cp-server")


def test_other_paths_answer_404(http: httpx.Client):
    assert http.post("/enterprise/control/other.php", content=b"").status_code == 404
    assert http.get("/").status_code == 404
