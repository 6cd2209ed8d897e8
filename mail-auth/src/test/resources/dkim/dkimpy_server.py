"""dkimpy (the independent DKIM implementation the tests compare ours with) as a long-lived process:
one request per line on stdin, one answer per line on stdout, so that thousands of messages are
signed and verified in one run of Python. DNS is not asked: keys are registered first.

Requests (fields separated by one space, messages in base64):
  key SELECTOR PRIVATE RECORD    registers a key of d=example.com: PRIVATE is what dkimpy signs
                                 with (base64 of a PEM key, or of an Ed25519 seed), RECORD the
                                 TXT record at SELECTOR._domainkey.example.com, in base64
  sign SELECTOR ALGORITHM C L MESSAGE
                                 signs with c=C, with l= when L is 1
  verify MESSAGE                 verifies the topmost signature
Answers: "ok", "ok FIELD" (the DKIM-Signature field with its CRLF, in base64), "pass", or
"fail WHY" / "error WHY" on one line. Exits 3 when dkimpy is not installed.
"""
import base64
import sys

try:
    import dkim
except ImportError:
    print("dkimpy is missing: install python3-dkim (apt-get install -y python3-dkim)", flush=True)
    sys.exit(3)

DOMAIN = b"example.com"


def one_line(text):
    return " ".join(str(text).split())


def main():
    private_keys = {}
    records = {}

    def dnsfunc(name, timeout=5):
        # dkimpy asks with the name as bytes, ending in a dot; None means no record.
        return records.get(name.decode("ascii").lower().rstrip("."))

    for line in sys.stdin:
        words = line.split()
        try:
            if words[0] == "key":
                selector, private, record = words[1], base64.b64decode(words[2]), base64.b64decode(words[3])
                private_keys[selector] = private
                records[selector + "._domainkey." + DOMAIN.decode("ascii")] = record
                answer = "ok"
            elif words[0] == "sign":
                selector, algorithm, c, length = words[1], words[2], words[3], words[4] == "1"
                message = base64.b64decode(words[5]) if len(words) > 5 else b""
                field = dkim.sign(message, selector.encode("ascii"), DOMAIN, private_keys[selector],
                                  canonicalize=tuple(c.encode("ascii").split(b"/")),
                                  signature_algorithm=algorithm.encode("ascii"), length=length)
                answer = "ok " + base64.b64encode(field).decode("ascii")
            elif words[0] == "verify":
                message = base64.b64decode(words[1]) if len(words) > 1 else b""
                verifier = dkim.DKIM(message, minkey=1024)
                answer = "pass" if verifier.verify(dnsfunc=dnsfunc) else "fail signature did not verify"
            else:
                answer = "error unknown request " + words[0]
        except dkim.DKIMException as e:
            answer = "fail " + one_line(e)
        except Exception as e:  # the test reports it with the case that caused it
            answer = "error " + one_line(repr(e))
        print(answer, flush=True)


if __name__ == "__main__":
    main()
