"""The container's health check: GET /healthz on the local web server.

Django refuses a request whose Host is not in ALLOWED_HOSTS (400), so the check sends
the first name of ALLOWED_HOSTS as its Host. /healthz is exempt from the HTTPS redirect.
Exit 0 when the answer is 200, else 1 (what HEALTHCHECK expects).
"""

import os
import sys
import urllib.error
import urllib.request


def host() -> str:
    names = [name.strip() for name in os.environ.get("ALLOWED_HOSTS", "").split(",") if name.strip()]
    first = names[0] if names else "localhost"
    return "localhost" if first == "*" else first.lstrip(".")


def main() -> int:
    url = os.environ.get("JARING_HEALTH_URL", "http://127.0.0.1:8000/healthz")
    request = urllib.request.Request(url, headers={"Host": host()})  # noqa: S310 (a fixed local URL)
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
            return 0 if answer.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"healthz: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
