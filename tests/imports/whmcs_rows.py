"""The rows of the test WHMCS database: every mapping of the import and its awkward cases.

Text is HTML-entity-encoded as WHMCS stores it; dates left out are WHMCS's zero date.
"""

from __future__ import annotations

import hashlib

import bcrypt

from hostwerk.imports.whmcs.crypt import whmcs_encrypt
from hostwerk.sandbox.whmcs_database import rows_insert

ENCRYPTION_HASH = "0a1b2c3d4e5f-test-cc-encryption-hash"
JON_PASSWORD = "geheim-wachtwoord-1"
ANNE_PASSWORD = "anne-pass-2"
KLAAS_PASSWORD = "oud-wachtwoord-3"
SERVICE_PASSWORD = "Pl3sk!pass w0rd that is longer than twenty bytes"
SERVER_PASSWORD = "s3cret!"


def _bcrypt_php(password: str) -> str:
    # PHP's password_hash writes $2y$; the algorithm is bcrypt's $2b$.
    return "$2y$" + bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()[4:]


def _encrypted(secret: str) -> str:
    return whmcs_encrypt(secret, encryption_hash=ENCRYPTION_HASH)


def whmcs_rows_insert(connection) -> None:
    insert = lambda table, *rows: rows_insert(connection, table, rows)  # noqa: E731
    insert(
        "tblconfiguration",
        {"setting": "Language", "value": "dutch"},
        {"setting": "SequentialInvoiceNumbering", "value": "on"},
    )
    insert(
        "tblcurrencies",
        {"id": 1, "code": "EUR", "prefix": "€", "suffix": "", "format": 2, "default": 1},
        {"id": 2, "code": "USD", "prefix": "$", "suffix": "", "format": 1, "default": 0},
    )
    insert(
        "tbltax",
        {"id": 1, "level": 1, "name": "BTW", "state": "", "country": "NL", "taxrate": "21.000"},
        {"id": 2, "level": 1, "name": "MwSt", "state": "", "country": "DE", "taxrate": "19.000"},
        {"id": 3, "level": 1, "name": "TVA", "state": "", "country": "BE", "taxrate": "20.000"},
    )
    insert(
        "tblproductgroups",
        {"id": 1, "name": "Hosting", "order": 1},
        {"id": 2, "name": "Overig", "order": 2},
    )
    product = {"hidden": 0, "retired": 0, "order": 0, "configoption1": "", "servertype": ""}
    insert(
        "tblproducts",
        {
            **product,
            "id": 1,
            "gid": 1,
            "name": "Webhosting &amp; Mail",
            "description": "Alles voor je &lt;site&gt;",
            "paytype": "recurring",
            "servertype": "plesk",
            "configoption1": "Default Domain",
            "order": 2,
        },
        {**product, "id": 2, "gid": 2, "name": "Installatie", "paytype": "onetime"},
        {**product, "id": 3, "gid": 2, "name": "Gratis DNS", "paytype": "free", "order": 1},
        {**product, "id": 4, "gid": 1, "name": "Oud pakket", "paytype": "recurring", "retired": 1},
    )
    off = "-1.00"
    cycles = ("monthly", "quarterly", "semiannually", "annually", "biennially", "triennially")
    fees = ("msetupfee", "qsetupfee", "ssetupfee", "asetupfee", "bsetupfee", "tsetupfee")
    all_off = {column: off for column in cycles + fees}
    insert(
        "tblpricing",
        {
            **all_off,
            "type": "product",
            "currency": 1,
            "relid": 1,
            "monthly": "5.00",
            "msetupfee": "0.00",
            "annually": "50.00",
            "asetupfee": "10.00",
        },
        {**all_off, "type": "product", "currency": 2, "relid": 1, "monthly": "6.00"},
        {**all_off, "type": "product", "currency": 1, "relid": 2, "monthly": "75.00"},
        {**all_off, "type": "product", "currency": 1, "relid": 4},
    )
    server = {"assignedips": "", "active": 1, "disabled": 0, "maxaccounts": 200, "secure": "on"}
    insert(
        "tblservers",
        {
            **server,
            "id": 1,
            "name": "Plesk 1",
            "hostname": "PLESK1.provider.test",
            "ipaddress": "192.0.2.10",
            "type": "plesk",
            "username": "admin",
            "password": _encrypted("not-taken-over"),
            "port": 8443,
        },
        {
            **server,
            "id": 2,
            "name": "Plesk 2",
            "hostname": "plesk2.provider.test",
            "ipaddress": "192.0.2.20",
            "type": "plesk",
            "username": "admin",
            "password": _encrypted(SERVER_PASSWORD),
            "port": 8443,
        },
        {
            **server,
            "id": 3,
            "name": "cPanel",
            "hostname": "cpanel.provider.test",
            "ipaddress": "192.0.2.30",
            "type": "cpanel",
        },
        {
            **server,
            "id": 4,
            "name": "Oude server",
            "hostname": "old.provider.test",
            "ipaddress": "192.0.2.40",
            "type": "plesk",
        },
    )
    client = {"currency": 1, "credit": "0.00", "status": "Active", "language": "", "notes": ""}
    insert(
        "tblclients",
        {
            **client,
            "id": 1,
            "firstname": "J&oacute;n",
            "lastname": "Jansen",
            "companyname": "Caf&eacute; de &quot;Hoek&quot;",
            "email": "Jon@Example.nl",
            "address1": "Keizersgracht 1",
            "city": "Amsterdam",
            "postcode": "1015 CJ",
            "country": "NL",
            "phonenumber": "020 123 4567",
            "tax_id": "NL004495445B01",
            "language": "dutch",
            "credit": "5.00",
            "notes": "Vaste klant",
        },
        {
            **client,
            "id": 2,
            "firstname": "Anne",
            "lastname": "O&#039;Brien",
            "email": "anne@example.ie",
            "country": "IE",
            "phonenumber": "call me maybe",
            "language": "english",
        },
        {
            **client,
            "id": 3,
            "firstname": "Pieter",
            "lastname": "Zonder Login",
            "email": "pieter@example.nl",
            "country": "",
            "phonenumber": "+31.612345678",
        },
        {
            **client,
            "id": 4,
            "firstname": "Klaas",
            "lastname": "Oud",
            "email": "klaas@example.nl",
            "country": "NL",
            "password": hashlib.md5(b"zout" + KLAAS_PASSWORD.encode()).hexdigest() + ":zout",
        },
        {
            **client,
            "id": 5,
            "firstname": "Sam",
            "lastname": "Smith",
            "email": "sam@example.com",
            "country": "US",
            "status": "Closed",
            "currency": 2,
            "language": "spanish",
        },
    )
    insert(
        "tblcontacts",
        {
            "id": 1,
            "userid": 1,
            "firstname": "Boekhouding",
            "lastname": "",
            "email": "factuur@example.nl",
            "invoiceemails": 1,
        },
    )
    insert(
        "tblusers",
        {"id": 1, "first_name": "Jón", "last_name": "Jansen", "email": "jon@example.nl",
         "password": _bcrypt_php(JON_PASSWORD), "language": ""},
        {"id": 2, "first_name": "Anne", "last_name": "O'Brien", "email": "anne@example.ie",
         "password": hashlib.md5(ANNE_PASSWORD.encode()).hexdigest(), "language": "english"},
        {"id": 3, "first_name": "Wees", "last_name": "", "email": "orphan@example.nl",
         "password": _bcrypt_php("x"), "language": ""},
        {"id": 4, "first_name": "Sam", "last_name": "Smith", "email": "sam@example.com",
         "password": "sha256:unknownform", "language": ""},
    )  # fmt: skip
    insert(
        "tblusers_clients",
        {"id": 1, "auth_user_id": 1, "client_id": 1, "owner": 1},
        {"id": 2, "auth_user_id": 2, "client_id": 2, "owner": 1},
        {"id": 3, "auth_user_id": 2, "client_id": 1, "owner": 0},
        {"id": 4, "auth_user_id": 4, "client_id": 5, "owner": 1},
    )
    service = {"orderid": 0, "qty": 1, "suspendreason": "", "overideautosuspend": 0}
    insert(
        "tblhosting",
        {**service, "id": 1, "userid": 1, "packageid": 1, "server": 1, "regdate": "2024-09-01",
         "domain": "Cafe-Hoek.nl", "billingcycle": "Annually", "amount": "50.00",
         "nextduedate": "2026-09-01", "domainstatus": "Active", "username": "cafehoek",
         "password": _encrypted(SERVICE_PASSWORD)},
        {**service, "id": 2, "userid": 1, "packageid": 1, "server": 2, "regdate": "2025-01-15",
         "domain": "tweede.nl", "billingcycle": "Monthly", "amount": "5.00",
         "nextduedate": "2026-07-15", "domainstatus": "Suspended",
         "suspendreason": "Overdue on Payment", "password": "not base64 at all!"},
        {**service, "id": 3, "userid": 2, "packageid": 1, "server": 99, "regdate": "2025-06-01",
         "domain": "anne.ie", "billingcycle": "Monthly", "amount": "10.00",
         "nextduedate": "2026-06-01", "domainstatus": "Suspended", "suspendreason": "Abuse"},
        {**service, "id": 4, "userid": 2, "packageid": 2, "server": 0, "regdate": "2025-06-01",
         "billingcycle": "One Time", "amount": "0.00", "nextduedate": "0000-00-00",
         "domainstatus": "Completed"},
        {**service, "id": 5, "userid": 1, "packageid": 3, "server": 0, "regdate": "2025-01-01",
         "domain": "cafe-hoek.nl", "billingcycle": "Free Account", "amount": "0.00",
         "nextduedate": "2026-01-01", "domainstatus": "Active", "overideautosuspend": 1,
         "overidesuspenduntil": "2026-12-31"},
        {**service, "id": 6, "userid": 3, "packageid": 1, "server": 4, "regdate": "2023-01-01",
         "domain": "pieter.nl", "billingcycle": "Annually", "amount": "50.00",
         "nextduedate": "2026-01-01", "termination_date": "2025-12-31",
         "domainstatus": "Cancelled"},
        {**service, "id": 7, "userid": 99, "packageid": 1, "server": 1, "regdate": "2024-01-01",
         "billingcycle": "Monthly", "amount": "5.00", "domainstatus": "Active"},
        {**service, "id": 8, "userid": 1, "packageid": 77, "server": 1, "regdate": "2024-01-01",
         "billingcycle": "Monthly", "amount": "5.00", "domainstatus": "Active"},
        {**service, "id": 9, "userid": 2, "packageid": 1, "server": 3, "regdate": "2025-03-10",
         "domain": "anne2.ie", "billingcycle": "Semi-Annually", "amount": "27.50",
         "nextduedate": "2026-09-10", "domainstatus": "Active"},
    )  # fmt: skip
    insert(
        "tblhostingaddons",
        {"id": 1, "hostingid": 1, "addonid": 1, "userid": 1, "name": "Extra IP"},
    )
    insert(
        "tblcancelrequests",
        {"id": 1, "date": "2026-05-01 10:00:00", "relid": 9, "reason": "Te duur &amp; traag",
         "type": "End of Billing Period"},
        {"id": 2, "date": "2025-12-01 10:00:00", "relid": 6, "reason": "Weg",
         "type": "Immediate"},
    )  # fmt: skip
    domain = {"orderid": 0, "type": "Register", "registrationperiod": 1, "donotrenew": 0}
    insert(
        "tbldomains",
        {**domain, "id": 1, "userid": 1, "domain": "cafe-hoek.nl", "registrar": "sidn",
         "registrationdate": "2024-09-01", "expirydate": "2026-09-01",
         "nextduedate": "2026-09-01", "recurringamount": "9.95", "status": "Active"},
        {**domain, "id": 2, "userid": 1, "domain": "café.nl", "registrar": "",
         "registrationdate": "2025-02-01", "expirydate": "2027-02-01",
         "nextduedate": "2027-02-01", "recurringamount": "9.95", "status": "Active"},
        {**domain, "id": 3, "userid": 2, "domain": "anne.com", "registrar": "enom",
         "registrationperiod": 2, "registrationdate": "2025-04-01", "expirydate": "2027-04-01",
         "nextduedate": "2027-04-01", "recurringamount": "30.00", "status": "Grace",
         "donotrenew": 1},
        {**domain, "id": 4, "userid": 2, "domain": "anne.xyz", "registrar": "",
         "recurringamount": "1.00", "status": "Pending"},
        {**domain, "id": 5, "userid": 2, "domain": "cafe-hoek.nl", "registrar": "sidn",
         "recurringamount": "9.95", "status": "Cancelled"},
        {**domain, "id": 6, "userid": 99, "domain": "nobody.nl", "registrar": "sidn",
         "recurringamount": "9.95", "status": "Active"},
    )  # fmt: skip
    invoice = {
        "credit": "0.00",
        "tax2": "0.00",
        "taxrate": "21.000",
        "paymentmethod": "banktransfer",
    }
    insert(
        "tblinvoices",
        # 1: paid, legal number, one bank payment
        {**invoice, "id": 1, "userid": 1, "invoicenum": "2026-0001", "date": "2026-01-05",
         "duedate": "2026-01-19", "datepaid": "2026-01-10 12:00:00", "subtotal": "50.00",
         "tax": "10.50", "total": "60.50", "status": "Paid"},
        # 2: refunded in full
        {**invoice, "id": 2, "userid": 1, "invoicenum": "2026-0002", "date": "2026-02-01",
         "duedate": "2026-02-15", "datepaid": "2026-02-02 09:00:00", "subtotal": "5.00",
         "tax": "1.05", "total": "6.05", "status": "Refunded"},
        # 3: unpaid proforma (no legal number yet), partly paid from credit
        {**invoice, "id": 3, "userid": 1, "invoicenum": "", "date": "2026-07-01",
         "duedate": "2026-07-15", "subtotal": "5.00", "tax": "1.05", "credit": "2.00",
         "total": "4.05", "status": "Unpaid"},
        # 4: unpaid proforma with a partial iDEAL payment
        {**invoice, "id": 4, "userid": 2, "invoicenum": "", "date": "2026-05-18",
         "duedate": "2026-06-01", "subtotal": "10.00", "tax": "2.10", "total": "12.10",
         "status": "Unpaid", "paymentmethod": "mollieideal"},
        # 5: mass payment invoice for 6 and 7
        {**invoice, "id": 5, "userid": 1, "invoicenum": "", "date": "2026-03-01",
         "duedate": "2026-03-01", "datepaid": "2026-03-02 10:00:00", "subtotal": "24.20",
         "tax": "0.00", "total": "24.20", "status": "Paid"},
        {**invoice, "id": 6, "userid": 1, "invoicenum": "2026-0003", "date": "2026-02-20",
         "duedate": "2026-03-06", "datepaid": "2026-03-02 10:00:00", "subtotal": "10.00",
         "tax": "2.10", "total": "12.10", "status": "Paid"},
        {**invoice, "id": 7, "userid": 1, "invoicenum": "2026-0004", "date": "2026-02-21",
         "duedate": "2026-03-07", "datepaid": "2026-03-02 10:00:00", "subtotal": "10.00",
         "tax": "2.10", "total": "12.10", "status": "Paid"},
        # 8: draft, never issued
        {**invoice, "id": 8, "userid": 1, "invoicenum": "", "date": "2026-08-01",
         "duedate": "2026-08-15", "subtotal": "1.00", "tax": "0.21", "total": "1.21",
         "status": "Draft"},
        # 9: cancelled proforma for the same period as 4
        {**invoice, "id": 9, "userid": 2, "invoicenum": "", "date": "2026-05-17",
         "duedate": "2026-06-01", "subtotal": "10.00", "tax": "2.10", "total": "12.10",
         "status": "Cancelled", "date_cancelled": "2026-05-18 08:00:00"},
        # 10: of a client that is not there
        {**invoice, "id": 10, "userid": 99, "invoicenum": "2026-0099", "date": "2026-01-01",
         "duedate": "2026-01-15", "subtotal": "1.00", "tax": "0.00", "total": "1.00",
         "status": "Unpaid"},
        # 11: last year's, marked paid without a transaction
        {**invoice, "id": 11, "userid": 1, "invoicenum": "2025-0100", "date": "2025-12-20",
         "duedate": "2026-01-03", "datepaid": "2025-12-22 00:00:00", "subtotal": "100.00",
         "tax": "0.00", "taxrate": "0.000", "total": "100.00", "status": "Paid"},
        # 12: a client in dollars
        {**invoice, "id": 12, "userid": 5, "invoicenum": "2026-0005", "date": "2026-04-01",
         "duedate": "2026-04-15", "datepaid": "2026-04-02 00:00:00", "subtotal": "20.00",
         "tax": "0.00", "taxrate": "0.000", "total": "20.00", "status": "Paid",
         "paymentmethod": "paypal"},
    )  # fmt: skip
    item = {"taxed": 1, "paymentmethod": "banktransfer", "notes": ""}
    insert(
        "tblinvoiceitems",
        {**item, "id": 1, "invoiceid": 1, "userid": 1, "type": "Hosting", "relid": 1,
         "description": "Webhosting &amp; Mail - cafe-hoek.nl (01-09-2025 - 31-08-2026)",
         "amount": "50.00", "duedate": "2025-09-01"},
        {**item, "id": 2, "invoiceid": 2, "userid": 1, "type": "Hosting", "relid": 2,
         "description": "tweede.nl februari", "amount": "5.00", "duedate": "2026-02-15"},
        {**item, "id": 3, "invoiceid": 3, "userid": 1, "type": "Hosting", "relid": 2,
         "description": "tweede.nl juli", "amount": "5.00", "duedate": "2026-07-15"},
        {**item, "id": 4, "invoiceid": 4, "userid": 2, "type": "Hosting", "relid": 3,
         "description": "anne.ie juni", "amount": "10.00", "duedate": "2026-06-01"},
        {**item, "id": 5, "invoiceid": 5, "userid": 1, "type": "Invoice", "relid": 6,
         "description": "Invoice #2026-0003", "amount": "12.10", "duedate": "2026-03-06"},
        {**item, "id": 6, "invoiceid": 5, "userid": 1, "type": "Invoice", "relid": 7,
         "description": "Invoice #2026-0004", "amount": "12.10", "duedate": "2026-03-07"},
        {**item, "id": 7, "invoiceid": 6, "userid": 1, "type": "DomainRegister", "relid": 1,
         "description": "Registratie cafe-hoek.nl", "amount": "10.00", "duedate": "2024-09-01"},
        {**item, "id": 8, "invoiceid": 7, "userid": 1, "type": "Domain", "relid": 2,
         "description": "Verlenging café.nl", "amount": "10.00", "duedate": "2026-02-01"},
        {**item, "id": 9, "invoiceid": 8, "userid": 1, "type": "Item", "relid": 0,
         "description": "Concept", "amount": "1.00", "duedate": "2026-08-15"},
        {**item, "id": 10, "invoiceid": 9, "userid": 2, "type": "Hosting", "relid": 3,
         "description": "anne.ie juni", "amount": "10.00", "duedate": "2026-06-01"},
        {**item, "id": 11, "invoiceid": 11, "userid": 1, "type": "", "relid": 0,
         "description": "Advies", "amount": "100.00", "taxed": 0, "duedate": "2025-12-20"},
        {**item, "id": 12, "invoiceid": 12, "userid": 5, "type": "Item", "relid": 0,
         "description": "Support", "amount": "20.00", "taxed": 0, "duedate": "2026-04-01"},
    )  # fmt: skip
    account = {"currency": 0, "fees": "0.00", "amountout": "0.00", "refundid": 0, "description": ""}
    insert(
        "tblaccounts",
        {**account, "id": 1, "userid": 1, "gateway": "banktransfer", "date": "2026-01-10 12:00:00",
         "amountin": "60.50", "transid": "BANK-2026-001", "invoiceid": 1},
        {**account, "id": 2, "userid": 1, "gateway": "banktransfer", "date": "2026-02-02 09:00:00",
         "amountin": "6.05", "transid": "BANK-2026-002", "invoiceid": 2},
        {**account, "id": 3, "userid": 1, "gateway": "banktransfer", "date": "2026-02-20 09:00:00",
         "amountin": "0.00", "amountout": "6.05", "transid": "REFUND-1", "invoiceid": 2,
         "refundid": 2},
        {**account, "id": 4, "userid": 2, "gateway": "mollieideal", "date": "2026-05-20 15:00:00",
         "amountin": "3.00", "transid": "tr_abc123", "invoiceid": 4},
        {**account, "id": 5, "userid": 1, "gateway": "banktransfer", "date": "2026-03-02 10:00:00",
         "amountin": "24.20", "transid": "BANK-2026-005", "invoiceid": 5},
        {**account, "id": 6, "userid": 1, "gateway": "banktransfer", "date": "2026-03-05 10:00:00",
         "amountin": "5.00", "transid": "BANK-2026-006", "invoiceid": 0},
        {**account, "id": 7, "userid": 5, "gateway": "paypal", "date": "2026-04-02 00:00:00",
         "amountin": "20.00", "transid": "PP-1", "invoiceid": 12},
    )  # fmt: skip
    insert(
        "tblorders",
        {"id": 1, "ordernum": 1234567890, "userid": 1, "contactid": 0, "date": "2024-09-01",
         "amount": "60.50", "invoiceid": 0, "status": "Active"},
    )  # fmt: skip
