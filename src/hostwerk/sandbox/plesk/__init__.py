"""Protocol-faithful Plesk XML API simulator with fault injection, for tests and the demo.

Start it with `server.start()` (tests) or `hostwerk sandbox plesk --port N ...` (command line).

Operations, also the fault names ("<operator>.<operation>", or "*" for all): server.get,
server.get_protos, customer.add/get/set/del, webspace.add/get/set/del/switch-subscription,
service-plan.get, site-alias.create/get/delete, mail.create/update/get_info/remove,
spamfilter.set/get, dns.add_rec/get_rec/del_rec. Anything else is refused with 1014, as Plesk
refuses elements its schema does not know.

Control endpoints on the same port, loopback only: POST /_sandbox/faults (a fault or a list of
faults as JSON, see hostwerk.sandbox.faults), GET /_sandbox/faults, POST /_sandbox/reset,
GET /_sandbox/state.
"""
