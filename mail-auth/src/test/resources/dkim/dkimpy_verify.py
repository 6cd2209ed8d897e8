"""Verifies each DKIM signature of a message with dkimpy, the independent implementation the
tests check our signer against. DNS is not asked: key records come from a JSON file shaped as the
admin API answers GET /api/v1/domains/{domain}/dkim.

Usage: /usr/bin/python3 dkimpy_verify.py MESSAGE RECORDS
Prints one line per DKIM-Signature field, top first: "<index> pass <a=>" or "<index> fail <why>".
Exits 3 when dkimpy is not installed.
"""
import json
import sys

try:
    import dkim
except ImportError:
    print("dkimpy is missing: install python3-dkim (apt-get install -y python3-dkim)")
    sys.exit(3)


def main(message_file, records_file):
    with open(records_file, encoding="utf-8") as f:
        records = {r["name"].lower().rstrip("."): r["value"].encode("ascii") for r in json.load(f)["records"]}

    def dnsfunc(name, timeout=5):
        # dkimpy asks with the name as bytes, ending in a dot; None means no record.
        return records.get(name.decode("ascii").lower().rstrip("."))

    with open(message_file, "rb") as f:
        message = f.read()
    verifier = dkim.DKIM(message, minkey=1024)
    count = sum(1 for name, _ in verifier.headers if name.lower() == b"dkim-signature")
    for index in range(count):
        try:
            passed = verifier.verify(idx=index, dnsfunc=dnsfunc)
            algorithm = verifier.signature_fields.get(b"a", b"").decode("ascii")
            print(index, "pass" if passed else "fail", algorithm)
        except dkim.DKIMException as e:
            print(index, "fail", e)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
